// The JIT as the "other" back end of the differential harness.
//
// Built into signoff_diff_tests only when the signoff_jit target exists
// (CMake defines SIGNOFF_HAVE_JIT); otherwise JitBackend() is nullopt.
#ifndef SIGNOFF_TESTS_DIFF_JIT_BACKEND_H_
#define SIGNOFF_TESTS_DIFF_JIT_BACKEND_H_

#include <optional>
#include <string>

#include "tests/diff/harness.h"

namespace signoff::difftest {

// nullopt when this binary has no JIT; `why` says so (or that the JIT
// cannot run on this machine). `opt_level` is jit::JitOptions::opt_level of
// the optimised tier alone; -1 checks the quick tier alone.
std::optional<Backend> JitBackend(std::string* why, int opt_level = 2);

}  // namespace signoff::difftest

#endif  // SIGNOFF_TESTS_DIFF_JIT_BACKEND_H_
