// The reference interpreter: rule applicability, conditions in order, and
// message rendering (LANGUAGE.md §5.2-5.3).
#include "compiler/interp/interpreter.h"

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "compiler/eval/value.h"
#include "compiler/interp/expression.h"
#include "stdlib/absl_compat.h"

namespace signoff::interp {
namespace {

using internal::ExpressionEvaluator;

bool AnyPatternMatches(const ir::Rule& rule, std::string_view action) {
  for (const ir::Pattern& pattern : rule.patterns) {
    if (pattern.Matches(action)) return true;
  }
  return false;
}

// §5.2: a rule that reads params applies to a declared action only when the
// schema has every field it reads (precomputed in `applies`), and never to
// an undeclared action.
bool Applies(const ir::Rule& rule, const eval::BoundRequest& request) {
  if (request.action_id < 0) return !rule.reads_params;
  auto id = static_cast<size_t>(request.action_id);
  if (id < rule.applies.size()) return rule.applies[id];
  return !rule.reads_params;
}

// Renders `rule`'s message into `outcome`; an evaluation error makes the
// outcome an error.
void RenderWith(const ir::Policy& policy, const ir::Rule& rule,
                const ExpressionEvaluator& evaluator,
                eval::RuleOutcome& outcome) {
  if (rule.effect != ir::Effect::kRequire || !rule.has_message) return;
  std::string text;
  for (const ir::MessagePart& part : rule.message) {
    text += part.literal;
    if (part.expr == ir::kNoNode) continue;
    absl::StatusOr<eval::Value> value = evaluator.Eval(part.expr);
    if (!value.ok()) {
      outcome.status = eval::RuleStatus::kError;
      outcome.error = std::string(AsStd(value.status().message()));
      outcome.messages.clear();
      return;
    }
    Type type = part.expr < policy.nodes.size() ? policy.nodes[part.expr].type
                                                : Type::kString;
    text += eval::ValueToString(*value, type);
  }
  outcome.messages.push_back(std::move(text));
}

eval::RuleOutcome EvaluateRule(const ir::Policy& policy, const ir::Rule& rule,
                               const eval::BoundRequest& request,
                               const ExpressionEvaluator& evaluator) {
  eval::RuleOutcome outcome;
  if (!AnyPatternMatches(rule, request.action)) return outcome;
  if (!Applies(rule, request)) {
    outcome.status = eval::RuleStatus::kNotApplicable;
    return outcome;
  }
  for (size_t i = 0; i < rule.conditions.size(); ++i) {
    const ir::Condition& condition = rule.conditions[i];
    absl::StatusOr<bool> value = evaluator.EvalBool(condition.expr);
    if (!value.ok()) {
      outcome.status = eval::RuleStatus::kError;
      outcome.error = std::string(AsStd(value.status().message()));
      return outcome;
    }
    bool holds = condition.negated ? !*value : *value;
    if (!holds) {
      outcome.status = eval::RuleStatus::kConditionFailed;
      outcome.failed_condition = static_cast<int>(i);
      return outcome;
    }
  }
  outcome.status = eval::RuleStatus::kCandidate;
  RenderWith(policy, rule, evaluator, outcome);
  return outcome;
}

}  // namespace

eval::Outcome Evaluate(const ir::Policy& policy,
                       const eval::BoundRequest& request,
                       const EvalOptions& options) {
  eval::Outcome outcome;
  outcome.rules.resize(policy.rules.size());
  if (!request.valid()) return outcome;
  ExpressionEvaluator evaluator(policy, request, options);
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    outcome.rules[i] =
        EvaluateRule(policy, policy.rules[i], request, evaluator);
  }
  // The default always applies; only a `require` default has a message.
  outcome.default_rule.status = eval::RuleStatus::kCandidate;
  RenderWith(policy, policy.default_rule, evaluator, outcome.default_rule);
  return outcome;
}

void RenderMessage(const ir::Policy& policy, const ir::Rule& rule,
                   const eval::BoundRequest& request,
                   const EvalOptions& options, eval::RuleOutcome& outcome) {
  ExpressionEvaluator evaluator(policy, request, options);
  RenderWith(policy, rule, evaluator, outcome);
}

bool EvaluateWhere(const ir::Policy& policy, ir::NodeId where,
                   const eval::BoundRequest& request,
                   const EvalOptions& options) {
  if (where == ir::kNoNode) return true;
  ExpressionEvaluator evaluator(policy, request, options);
  absl::StatusOr<bool> eligible = evaluator.EvalBool(where);
  return eligible.ok() && *eligible;
}

absl::StatusOr<eval::Decision> Decide(const ir::Policy& policy,
                                      std::string_view json,
                                      const eval::Defaults& defaults,
                                      bool explain,
                                      const SourceManager* sources,
                                      const EvalOptions& options) {
  absl::StatusOr<eval::BoundRequest> request = eval::BindJson(policy, json);
  if (!request.ok()) return request.status();
  eval::Outcome outcome = Evaluate(policy, *request, options);
  return eval::Combine(policy, *request, outcome, defaults, explain, sources);
}

}  // namespace signoff::interp
