// Shared helpers of the JIT tests: compiling, and running a request through
// both back ends with the outcomes compared in full.
#ifndef SIGNOFF_TESTS_UNIT_JIT_JIT_TEST_UTIL_H_
#define SIGNOFF_TESTS_UNIT_JIT_JIT_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "compiler/eval/decision.h"
#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"
#include "compiler/jit/jit.h"
#include "stdlib/absl_compat.h"

namespace signoff::jit::testing {

inline std::string Describe(const eval::RuleOutcome& rule) {
  std::string out = absl::StrCat("status=", static_cast<int>(rule.status),
                                 " failed=", rule.failed_condition);
  if (!rule.error.empty()) absl::StrAppend(&out, " error=\"", rule.error, "\"");
  for (const std::string& m : rule.messages) {
    absl::StrAppend(&out, " message=\"", m, "\"");
  }
  return out;
}

// One line per rule, then the default: equal iff the outcomes are equal.
inline std::string Describe(const ir::Policy& policy,
                            const eval::Outcome& outcome) {
  std::string out;
  for (size_t i = 0; i < outcome.rules.size(); ++i) {
    absl::StrAppend(
        &out, i < policy.rules.size() ? AsAbsl(policy.rules[i].name) : "?",
        ": ", Describe(outcome.rules[i]), "\n");
  }
  absl::StrAppend(&out, "default: ", Describe(outcome.default_rule), "\n");
  return out;
}

inline std::shared_ptr<const ir::Policy> Share(ir::Policy policy) {
  return std::make_shared<const ir::Policy>(std::move(policy));
}

inline std::unique_ptr<CompiledPolicy> CompileOrDie(
    std::shared_ptr<const ir::Policy> policy, const JitOptions& options = {}) {
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> compiled =
      CompiledPolicy::Compile(std::move(policy), options);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() ? *std::move(compiled) : nullptr;
}

// Evaluates `request` with the interpreter and the JIT, expects equal
// outcomes and returns the JIT's. Unless `native` is false, also expects the
// JIT to have run native code (not fallen back to the interpreter).
inline eval::Outcome EvaluateBoth(const CompiledPolicy& compiled,
                                  const eval::BoundRequest& request,
                                  const interp::EvalOptions& options = {},
                                  bool native = true) {
  EXPECT_EQ(compiled.RunsNatively(request), native);
  eval::Outcome expected =
      interp::Evaluate(compiled.policy(), request, options);
  eval::Outcome actual = compiled.Evaluate(request, options);
  EXPECT_EQ(Describe(compiled.policy(), actual),
            Describe(compiled.policy(), expected))
      << "action " << request.action;
  return actual;
}

// EvaluateBoth, then Combine with explain: expects equal decision JSON and
// returns it.
inline std::string DecideBoth(const CompiledPolicy& compiled,
                              const eval::BoundRequest& request,
                              const interp::EvalOptions& options = {},
                              const SourceManager* sources = nullptr) {
  const ir::Policy& policy = compiled.policy();
  eval::Outcome expected = interp::Evaluate(policy, request, options);
  eval::Outcome actual = EvaluateBoth(compiled, request, options);
  std::string want = eval::DecisionToJson(
      eval::Combine(policy, request, expected, eval::Defaults(), true, sources),
      true, false);
  std::string got = eval::DecisionToJson(
      eval::Combine(policy, request, actual, eval::Defaults(), true, sources),
      true, false);
  EXPECT_EQ(got, want);
  return got;
}

}  // namespace signoff::jit::testing

#endif  // SIGNOFF_TESTS_UNIT_JIT_JIT_TEST_UTIL_H_
