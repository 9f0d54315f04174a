// The "limit": a hand-written-style C++ decision function for the 1,000-rule
// workload, what a service would write natively instead of using a policy
// engine (a switch on the action, direct comparisons, deny checks first and
// an early return). Its source is generated into the build tree at build
// time by signoff_gen_limit (bench/gen_limit.cc) from the same workload
// model, never committed; decide_bench verifies it decides every request as
// the interpreter does before timing anything.
#ifndef SIGNOFF_BENCH_LIMIT_H_
#define SIGNOFF_BENCH_LIMIT_H_

#include "bench/workload.h"

namespace signoff::bench {

inline constexpr int kLimitRules = 1000;

Classification DecideLimit1000(const NativeRequest& request);

}  // namespace signoff::bench

#endif  // SIGNOFF_BENCH_LIMIT_H_
