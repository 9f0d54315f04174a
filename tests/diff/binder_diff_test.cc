// The fast request binder (compiler/jit/json_binder.h) against the reference
// binder, eval::BindJson, over generated policies and requests.
//
// For every case: when BindJson gives errors (or the text is not JSON) the
// binder must take the slow path; when BindJson binds it cleanly, a kBound
// must have the slots FlatRequest builds from BindJson's result (strings
// byte-equal with equal interned ids, lists, maps, ip bytes, presence,
// action and action id). Each generated request is also checked
// re-serialised by ReformatJson (\u escapes, other whitespace) and with one
// random byte-level mutation (which is usually invalid). Valid requests
// that take the slow path are counted: they must stay a small fraction.
//
// Cases: SIGNOFF_DIFF_BINDER_CASES, else SIGNOFF_DIFF_CASES / 5, else
// 20,000; SIGNOFF_DIFF_SEED and SIGNOFF_DIFF_REQUESTS as in diff_test.cc.
#include <gtest/gtest.h>

#ifdef SIGNOFF_HAVE_JIT

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "compiler/eval/decision.h"
#include "compiler/eval/request.h"
#include "compiler/interp/interpreter.h"
#include "compiler/jit/flat_request.h"
#include "compiler/jit/jit.h"
#include "compiler/jit/json_binder.h"
#include "compiler/jit/runtime_calls.h"
#include "stdlib/absl_compat.h"
#include "tests/diff/harness.h"
#include "tests/diff/policy_gen.h"
#include "tests/diff/request_gen.h"
#include "tests/testing/native_slots.h"

namespace signoff::difftest {
namespace {

using jit::internal::BindScratch;
using jit::internal::FlatMapEntry;
using jit::internal::FlatRequest;
using jit::internal::FlatString;
using jit::internal::Interner;
using jit::internal::JsonBinder;
using jit::internal::NativeSlot;

using testing::DescribeSlots;

struct Counts {
  int64_t policies = 0;
  int64_t cases = 0;  // generated + reformatted + mutated
  int64_t not_json = 0;
  int64_t invalid = 0;
  int64_t valid = 0;       // generated and reformatted only
  int64_t valid_slow = 0;  // of those, slow path
  int64_t valid_slow_undeclared = 0;
  int64_t mutated_valid = 0;
  int64_t mutated_bound = 0;
  int64_t mismatches = 0;
};

// One policy's binder and its reference.
class Checker {
 public:
  explicit Checker(const ir::Policy& policy)
      : policy_(policy),
        interner_(policy),
        binder_(policy, interner_),
        generic_(jit::internal::GenericRules(policy)),
        indexes_(jit::internal::SlotValueIndexes(policy)) {}

  // "" when the contract holds. `counted`: add to the valid/slow counts.
  std::string Check(std::string_view json, bool counted, Counts& counts) {
    ++counts.cases;
    absl::StatusOr<eval::BoundRequest> reference =
        eval::BindJson(policy_, json);
    JsonBinder::Result result = binder_.Bind(json, scratch_);
    bool bound = result == JsonBinder::Result::kBound;
    if (!reference.ok() || !reference->valid()) {
      ++(reference.ok() ? counts.invalid : counts.not_json);
      if (!bound) return "";
      return "kBound, but BindJson rejects it: " +
             (reference.ok() ? absl::StrJoin(reference->errors, "; ")
                             : std::string(reference.status().message()));
    }
    if (counted) {
      ++counts.valid;
      if (!bound) {
        ++counts.valid_slow;
        if (reference->action_id < 0) ++counts.valid_slow_undeclared;
      }
    } else {
      ++counts.mutated_valid;
      counts.mutated_bound += bound;
    }
    if (!bound) return "";
    if (!jit::internal::Fits(indexes_, *reference)) {
      return "kBound, but BindJson's request does not fit native code";
    }
    FlatRequest flat(policy_, interner_, *reference, nullptr,
                     reference->action_id, generic_);
    if (testing::QuoteFlat(scratch_.action()) !=
            testing::QuoteFlat(flat.native()->action) ||
        scratch_.action_id() != reference->action_id) {
      return absl::StrCat("action ", testing::QuoteFlat(scratch_.action()),
                          " id ", scratch_.action_id(), ", BindJson ",
                          testing::QuoteFlat(flat.native()->action), " id ",
                          reference->action_id);
    }
    std::string got = DescribeSlots(policy_, scratch_.slots());
    std::string want = DescribeSlots(policy_, flat.native()->slots);
    if (got != want) {
      return absl::StrCat("slots differ; binder:\n", got, "BindJson:\n", want);
    }
    return "";
  }

 private:
  const ir::Policy& policy_;
  Interner interner_;
  JsonBinder binder_;
  std::vector<uint32_t> generic_;
  std::vector<uint8_t> indexes_;
  BindScratch scratch_;
};

// One byte-level change: mostly breaks the request, sometimes not.
std::string Mutate(std::string json, Rng& rng) {
  static const std::vector<std::string> kInserts = {"\"",
                                                    "\\",
                                                    "{",
                                                    "}",
                                                    "[",
                                                    "]",
                                                    ",",
                                                    ":",
                                                    " ",
                                                    "0",
                                                    "-",
                                                    ".",
                                                    "e",
                                                    "\t",
                                                    "\n",
                                                    std::string(1, '\0'),
                                                    "\x01",
                                                    "\xff",
                                                    "\xc3",
                                                    "null",
                                                    "1.0",
                                                    "-0",
                                                    "\\u",
                                                    "\\ud800",
                                                    "\xef\xbb\xbf",
                                                    "\"k\":1,",
                                                    "\"action\":\"x\",",
                                                    "}}",
                                                    " x"};
  if (json.empty()) return kInserts[rng.Below(kInserts.size())];
  size_t at = rng.Below(json.size() + 1);
  switch (rng.Below(6)) {
    case 0:  // delete a byte
      if (at < json.size()) json.erase(at, 1);
      break;
    case 1:  // replace a byte
      if (at < json.size()) {
        json[at] = kInserts[rng.Below(kInserts.size())][0];
      }
      break;
    case 2: {  // repeat a key of the request
      size_t key = json.find("\":", at);
      size_t open = key == std::string::npos ? key : json.rfind('"', key - 1);
      size_t end = json.find_first_of(",}", key);
      if (open != std::string::npos && end != std::string::npos) {
        json.insert(end, "," + json.substr(open, end - open));
      }
      break;
    }
    case 3:  // truncate
      json.resize(at);
      break;
    default:  // insert
      json.insert(at, kInserts[rng.Below(kInserts.size())]);
      break;
  }
  return json;
}

TEST(BinderDiff, FastBinderAgreesWithBindJson) {
  int64_t cases = EnvInt("SIGNOFF_DIFF_BINDER_CASES",
                         EnvInt("SIGNOFF_DIFF_CASES", 100000) / 5);
  int64_t per_policy =
      std::max<int64_t>(1, EnvInt("SIGNOFF_DIFF_REQUESTS", 50));
  uint64_t base = static_cast<uint64_t>(EnvInt("SIGNOFF_DIFF_SEED", 1));
  int64_t policies = (cases + per_policy - 1) / per_policy;
  Counts counts;
  int reported = 0;
  for (int64_t p = 0; p < policies; ++p) {
    uint64_t seed = PolicySeed(base, p);
    PolicySpec spec = GeneratePolicy(seed);
    absl::StatusOr<CompiledSpec> compiled = CompileSpec(spec);
    ASSERT_TRUE(compiled.ok())
        << spec.RenderForDisplay() << compiled.status().message();
    ++counts.policies;
    Checker checker(*compiled->policy);
    Rng rng(MixSeed(seed, 0xb1d));
    for (int64_t r = 0; r < per_policy; ++r) {
      std::string request = GenerateRequest(spec, MixSeed(seed, r));
      std::vector<std::pair<std::string, bool>> variants = {{request, true}};
      if (std::optional<std::string> reformatted = ReformatJson(request)) {
        variants.emplace_back(*reformatted, true);
      }
      variants.emplace_back(Mutate(request, rng), false);
      for (const auto& [json, counted] : variants) {
        std::string broken = checker.Check(json, counted, counts);
        if (broken.empty()) continue;
        ++counts.mismatches;
        if (++reported > 5) continue;
        ADD_FAILURE() << "base seed " << base << ", policy #" << p << " (seed "
                      << seed << "), request #" << r << ": " << broken
                      << "\nrequest:\n"
                      << json << "\npolicy:\n"
                      << spec.RenderForDisplay();
      }
    }
  }
  std::printf(
      "[ binder   ] %lld policies, %lld cases: %lld not JSON, %lld invalid, "
      "%lld valid of which %lld slow path (%lld undeclared actions); "
      "mutations: %lld valid, %lld bound\n",
      static_cast<long long>(counts.policies),
      static_cast<long long>(counts.cases),
      static_cast<long long>(counts.not_json),
      static_cast<long long>(counts.invalid),
      static_cast<long long>(counts.valid),
      static_cast<long long>(counts.valid_slow),
      static_cast<long long>(counts.valid_slow_undeclared),
      static_cast<long long>(counts.mutated_valid),
      static_cast<long long>(counts.mutated_bound));
  std::fflush(stdout);
  EXPECT_EQ(counts.mismatches, 0);
  ASSERT_GT(counts.valid, 0);
  EXPECT_GT(counts.invalid, 0);
  EXPECT_LT(static_cast<double>(counts.valid_slow) / counts.valid, 0.05)
      << counts.valid_slow << " of " << counts.valid
      << " valid requests took the slow path";
}

std::string DescribeVerdict(const ir::Policy& policy, const eval::Verdict& v) {
  std::string out(eval::DecisionKindName(v.kind));
  if (v.decided_by_default) out += " (default)";
  if (v.invalid_request) out += " (invalid)";
  for (uint32_t r : v.rules) {
    out += " ";
    out += r < policy.rules.size() ? policy.rules[r].name : "?";
  }
  return out;
}

// The whole fast path (binder, verdict entry with its first-condition
// index, §5.4 on the results) against the reference decision: whenever
// CompiledPolicy::DecideFast decides, its verdict is the interpreter's.
// Policies alternate between the quick and the optimised tier.
TEST(BinderDiff, FastVerdictAgreesWithTheFullDecision) {
  int64_t cases = EnvInt("SIGNOFF_DIFF_VERDICT_CASES",
                         EnvInt("SIGNOFF_DIFF_CASES", 100000) / 10);
  int64_t per_policy =
      std::max<int64_t>(1, EnvInt("SIGNOFF_DIFF_REQUESTS", 50));
  uint64_t base = static_cast<uint64_t>(EnvInt("SIGNOFF_DIFF_SEED", 1)) + 77;
  int64_t policies = (cases + per_policy - 1) / per_policy;
  int64_t compared = 0;
  int64_t fast = 0;
  int reported = 0;
  for (int64_t p = 0; p < policies; ++p) {
    uint64_t seed = PolicySeed(base, p);
    PolicySpec spec = GeneratePolicy(seed);
    absl::StatusOr<CompiledSpec> compiled = CompileSpec(spec);
    ASSERT_TRUE(compiled.ok()) << compiled.status().message();
    const ir::Policy& policy = *compiled->policy;
    jit::JitOptions options;
    options.tiered = false;
    options.tier = p % 2 == 0 ? jit::JitTier::kOptimized : jit::JitTier::kQuick;
    auto code = jit::CompiledPolicy::Compile(compiled->policy, options);
    ASSERT_TRUE(code.ok()) << code.status();
    jit::FastScratch scratch;
    for (int64_t r = 0; r < per_policy; ++r) {
      std::string json = GenerateRequest(spec, MixSeed(seed, r));
      absl::StatusOr<eval::BoundRequest> bound = eval::BindJson(policy, json);
      if (!bound.ok()) continue;
      eval::Decision decision =
          eval::Combine(policy, *bound, interp::Evaluate(policy, *bound),
                        eval::Defaults(), false, nullptr);
      std::vector<uint32_t> storage;
      const std::string want =
          DescribeVerdict(policy, eval::VerdictOf(policy, decision, storage));
      ++compared;
      eval::Verdict verdict;
      if ((*code)->DecideFast(json, scratch, verdict) !=
          jit::FastResult::kDecided) {
        continue;
      }
      ++fast;
      const std::string got = DescribeVerdict(policy, verdict);
      if (got == want) continue;
      if (++reported > 5) continue;
      ADD_FAILURE() << "policy #" << p << " (seed " << seed << ", "
                    << (p % 2 == 0 ? "optimised" : "quick") << " tier), "
                    << "request #" << r << ": fast " << got << ", reference "
                    << want << "\nrequest:\n"
                    << json << "\npolicy:\n"
                    << spec.RenderForDisplay();
    }
  }
  std::printf(
      "[ verdict  ] %lld requests compared, %lld decided on the fast "
      "path\n",
      static_cast<long long>(compared), static_cast<long long>(fast));
  std::fflush(stdout);
  EXPECT_EQ(reported, 0);
  EXPECT_GT(fast, compared / 4);
}

}  // namespace
}  // namespace signoff::difftest

#else

TEST(BinderDiff, NeedsTheJit) {
  GTEST_SKIP() << "built without the JIT (no signoff_jit CMake target)";
}

#endif  // SIGNOFF_HAVE_JIT
