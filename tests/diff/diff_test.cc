// Random differential testing: generated policies and requests decided by
// the reference interpreter and by the other back end must agree exactly.
//
// The default run covers 100,000 cases against the JIT (when built) and
// against the interpreter itself, split over kShards tests each so ctest
// can run them in parallel. Environment:
//   SIGNOFF_DIFF_CASES=N      cases (long mode: more) against the JIT, and
//                             N/4 of the interpreter against itself (N
//                             when the JIT is not built)
//   SIGNOFF_DIFF_SELF_CASES=N cases of the interpreter against itself
//   SIGNOFF_DIFF_JIT_OPT=N    JIT -O level for every shard (default: -O2,
//                             -O0 for shards 3 and 7)
//   SIGNOFF_DIFF_REQUESTS=N   requests per generated policy (50)
//   SIGNOFF_DIFF_SEED=N       base seed (1); a different one explores anew
//   SIGNOFF_DIFF_POLICY=N     only policy number N (to rerun a repro)
//   SIGNOFF_DIFF_MAX_REPROS=N mismatches minimised per shard (3)
// A mismatch fails the test with a minimised repro: the policy source, the
// request JSON and both decisions.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/diff/harness.h"
#include "tests/diff/jit_backend.h"
#include "tests/diff/request_gen.h"

namespace signoff::difftest {
namespace {

constexpr int kShards = 8;
constexpr int64_t kDefaultCases = 100000;
// The interpreter-against-itself run: the full count while it is the only
// comparison, a quarter when the JIT run covers the generators too.
#ifdef SIGNOFF_HAVE_JIT
constexpr int64_t kSelfDivisor = 4;
#else
constexpr int64_t kSelfDivisor = 1;
#endif

void RunShard(const Backend& backend, int shard, const std::string& suite,
              int64_t cases) {
  int64_t per_policy =
      std::max<int64_t>(1, EnvInt("SIGNOFF_DIFF_REQUESTS", 50));
  RunConfig config;
  config.base_seed = static_cast<uint64_t>(EnvInt("SIGNOFF_DIFF_SEED", 1));
  config.requests_per_policy = static_cast<int>(per_policy);
  config.max_repros = static_cast<int>(EnvInt("SIGNOFF_DIFF_MAX_REPROS", 3));
  config.rerun_hint = suite + ".*";
  int64_t only = EnvInt("SIGNOFF_DIFF_POLICY", -1);
  if (only >= 0) {
    if (only % kShards != shard) GTEST_SKIP() << "SIGNOFF_DIFF_POLICY is set";
    config.first_policy = only;
    config.policy_count = 1;
  } else {
    int64_t policies = (cases + per_policy - 1) / per_policy;
    config.first_policy = shard;
    config.policy_stride = kShards;
    config.policy_count =
        policies > shard ? (policies - shard + kShards - 1) / kShards : 0;
  }
  RunStats stats = RunRandom(backend, config);
  std::printf("[ diff     ] %s shard %d: %s\n", backend.name.c_str(), shard,
              stats.Summary().c_str());
  std::fflush(stdout);
  ::testing::Test::RecordProperty("cases", static_cast<int>(stats.cases));
  ::testing::Test::RecordProperty("mismatches",
                                  static_cast<int>(stats.mismatches));
  for (const std::string& failure : stats.generator_failures) {
    ADD_FAILURE() << "generator bug (every generated policy must compile):\n"
                  << failure;
  }
  for (const std::string& repro : stats.repros) ADD_FAILURE() << repro;
  EXPECT_EQ(stats.mismatches, 0)
      << stats.mismatches << " mismatches (the first " << stats.repros.size()
      << " minimised above)";
}

// Several prepared policies alive at once, evaluated from three threads in
// different orders (a CompiledPolicy is immutable and Evaluate is const).
void RunConcurrently(const Backend& backend) {
  constexpr int kPolicies = 12;
  constexpr int kRequests = 60;
  constexpr int kThreads = 3;
  uint64_t base = static_cast<uint64_t>(EnvInt("SIGNOFF_DIFF_SEED", 1)) + 1000;
  std::vector<CompiledSpec> compiled;
  std::vector<BackendInstance> instances;
  std::vector<std::vector<std::string>> requests;
  for (int i = 0; i < kPolicies; ++i) {
    uint64_t seed = PolicySeed(base, i);
    PolicySpec spec = GeneratePolicy(seed);
    absl::StatusOr<CompiledSpec> c = CompileSpec(spec);
    ASSERT_TRUE(c.ok()) << spec.RenderForDisplay() << c.status().message();
    absl::StatusOr<BackendInstance> instance = backend.prepare(c->policy);
    ASSERT_TRUE(instance.ok()) << instance.status() << "\n"
                               << spec.RenderForDisplay();
    compiled.push_back(*c);
    instances.push_back(*instance);
    requests.emplace_back();
    for (int r = 0; r < kRequests; ++r) {
      requests.back().push_back(GenerateRequest(spec, MixSeed(seed, r)));
    }
  }
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kPolicies * kRequests; ++k) {
        // Each thread walks the cases in its own order.
        int index = (k * (2 * t + 1) + t * 7) % (kPolicies * kRequests);
        int p = index % kPolicies;
        int r = index / kPolicies;
        CaseResult result =
            CompareCase(compiled[p], instances[p], requests[p][r], {});
        if (!result.match && failures[t].empty()) {
          failures[t] = "policy " + std::to_string(p) + " request " +
                        std::to_string(r) + ":\n" + requests[p][r] + "\n" +
                        result.difference;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& failure : failures) {
    EXPECT_TRUE(failure.empty()) << failure;
  }
}

TEST(InterpreterSelfDiffConcurrency, ThreadsAgree) {
  RunConcurrently(ReserialisingInterpreter());
}

class InterpreterSelfDiff : public ::testing::TestWithParam<int> {};

// The interpreter against itself, bound from a re-serialised request:
// catches nondeterminism and JSON-spelling dependence in binding and
// evaluation, and keeps the generator and harness exercised while the JIT
// does not build.
TEST_P(InterpreterSelfDiff, RandomPolicies) {
  RunShard(ReserialisingInterpreter(), GetParam(), "Shards/InterpreterSelfDiff",
           EnvInt("SIGNOFF_DIFF_SELF_CASES",
                  EnvInt("SIGNOFF_DIFF_CASES", kDefaultCases) / kSelfDivisor));
}

INSTANTIATE_TEST_SUITE_P(Shards, InterpreterSelfDiff,
                         ::testing::Range(0, kShards));

// Says (as a skip) when this binary cannot compare with the JIT.
TEST(JitDiffStatus, JitIsCompared) {
  std::string why;
  if (!JitBackend(&why)) GTEST_SKIP() << why;
}

#ifdef SIGNOFF_HAVE_JIT
class JitDiff : public ::testing::TestWithParam<int> {};

TEST_P(JitDiff, RandomPolicies) {
  std::string why;
  // Production code is the quick tier, then -O2: of every four shards two
  // check -O2, one the quick tier and one -O0, so code that only works
  // optimised (or only unoptimised) shows. SIGNOFF_DIFF_JIT_OPT overrides
  // (-1: the quick tier).
  int shard = GetParam();
  const int by_shard[] = {2, -1, 2, 0};
  int opt_level =
      static_cast<int>(EnvInt("SIGNOFF_DIFF_JIT_OPT", by_shard[shard % 4]));
  std::optional<Backend> jit = JitBackend(&why, opt_level);
  if (!jit) GTEST_SKIP() << why;
  RunShard(*jit, shard, "Shards/JitDiff",
           EnvInt("SIGNOFF_DIFF_CASES", kDefaultCases));
}

INSTANTIATE_TEST_SUITE_P(Shards, JitDiff, ::testing::Range(0, kShards));

TEST(JitDiffConcurrency, ThreadsAgree) {
  std::string why;
  std::optional<Backend> jit = JitBackend(&why);
  if (!jit) GTEST_SKIP() << why;
  RunConcurrently(*jit);
}
#endif

}  // namespace
}  // namespace signoff::difftest
