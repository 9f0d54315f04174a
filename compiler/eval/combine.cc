// Combining rule outcomes into a decision (LANGUAGE.md §5.4), shared by the
// interpreter and the JIT.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/eval/decision.h"

namespace signoff::eval {
namespace {

constexpr std::string_view kNoRuleReason = "no rule covers this action";

std::string FailureText(const ir::Rule& rule, const RuleOutcome& outcome) {
  return absl::StrCat("rule `", rule.name, "` failed: ", outcome.error);
}

// Accumulates the require candidates of one decision.
class RequireBuilder {
 public:
  RequireBuilder(const ir::Policy& policy, const Defaults& defaults)
      : policy_(policy), defaults_(defaults) {}

  void Add(const ir::Rule& rule, const RuleOutcome& outcome) {
    // Indexes of this rule's requirements, kept only when it escalates.
    std::vector<int> own;
    for (const ir::Requirement& requirement : rule.requirements) {
      int index = AddRequirement(requirement);
      if (!rule.escalations.empty()) own.push_back(index);
    }
    if (!rule.escalations.empty()) {
      std::sort(own.begin(), own.end());
      own.erase(std::unique(own.begin(), own.end()), own.end());
      for (const ir::Escalation& escalation : rule.escalations) {
        AddEscalation(rule, escalation, own);
      }
    }
    veto_ = std::min(veto_, rule.veto.value_or(defaults_.veto));
    expire_ = std::min(expire_,
                       rule.expire_seconds.value_or(defaults_.expire_seconds));
    grant_ =
        std::min(grant_, rule.grant_seconds.value_or(defaults_.grant_seconds));
    for (int channel : rule.channels) {
      if (channel >= 0 &&
          static_cast<size_t>(channel) < policy_.channels.size()) {
        channels_.push_back(policy_.channels[channel].name);
      }
    }
    messages_.insert(messages_.end(), outcome.messages.begin(),
                     outcome.messages.end());
  }

  void Finish(Decision& decision) {
    decision.kind = DecisionKind::kRequireApproval;
    decision.requirements = std::move(requirements_);
    decision.veto = veto_;
    decision.expire_seconds = expire_;
    decision.grant_seconds = grant_;
    std::sort(channels_.begin(), channels_.end());
    channels_.erase(std::unique(channels_.begin(), channels_.end()),
                    channels_.end());
    decision.channels = std::move(channels_);
    std::stable_sort(
        escalations_.begin(), escalations_.end(),
        [](const DecisionEscalation& a, const DecisionEscalation& b) {
          if (a.after_seconds != b.after_seconds) {
            return a.after_seconds < b.after_seconds;
          }
          if (a.group_name != b.group_name) {
            return a.group_name < b.group_name;
          }
          return a.rule < b.rule;
        });
    decision.escalations = std::move(escalations_);
    decision.messages = std::move(messages_);
  }

 private:
  // Identical group and `where` merge into the first, keeping the larger
  // count. Returns the index of the merged requirement.
  int AddRequirement(const ir::Requirement& requirement) {
    for (size_t i = 0; i < requirements_.size(); ++i) {
      DecisionRequirement& existing = requirements_[i];
      if (existing.group == requirement.group &&
          existing.where_text == requirement.where_text) {
        existing.count = std::max(existing.count, requirement.count);
        return static_cast<int>(i);
      }
    }
    DecisionRequirement entry;
    entry.count = requirement.count;
    entry.group = requirement.group;
    if (requirement.group >= 0 &&
        static_cast<size_t>(requirement.group) < policy_.groups.size()) {
      entry.group_name = policy_.groups[requirement.group].name;
    }
    entry.where = requirement.where;
    entry.where_text = requirement.where_text;
    requirements_.push_back(std::move(entry));
    return static_cast<int>(requirements_.size() - 1);
  }

  // One entry per `escalate` of a deciding rule; an entry equal to an
  // earlier one in everything but the declaring rule is dropped.
  void AddEscalation(const ir::Rule& rule, const ir::Escalation& escalation,
                     const std::vector<int>& requirements) {
    DecisionEscalation entry;
    entry.after_seconds = escalation.after_seconds;
    entry.group = escalation.group;
    if (escalation.group >= 0 &&
        static_cast<size_t>(escalation.group) < policy_.groups.size()) {
      entry.group_name = policy_.groups[escalation.group].name;
    }
    for (int channel : escalation.channels) {
      if (channel >= 0 &&
          static_cast<size_t>(channel) < policy_.channels.size()) {
        entry.channels.push_back(policy_.channels[channel].name);
      }
    }
    std::sort(entry.channels.begin(), entry.channels.end());
    entry.channels.erase(
        std::unique(entry.channels.begin(), entry.channels.end()),
        entry.channels.end());
    entry.requirements = requirements;
    entry.rule = rule.name;
    for (const DecisionEscalation& existing : escalations_) {
      if (existing.after_seconds == entry.after_seconds &&
          existing.group == entry.group &&
          existing.channels == entry.channels &&
          existing.requirements == entry.requirements) {
        return;
      }
    }
    escalations_.push_back(std::move(entry));
  }

  const ir::Policy& policy_;
  const Defaults& defaults_;
  std::vector<DecisionRequirement> requirements_;
  int64_t veto_ = std::numeric_limits<int64_t>::max();
  int64_t expire_ = std::numeric_limits<int64_t>::max();
  int64_t grant_ = std::numeric_limits<int64_t>::max();
  std::vector<std::string> channels_;
  std::vector<DecisionEscalation> escalations_;
  std::vector<std::string> messages_;
};

std::string_view StatusName(RuleStatus status) {
  switch (status) {
    case RuleStatus::kNotMatched:
      return "not_matched";
    case RuleStatus::kNotApplicable:
      return "not_applicable";
    case RuleStatus::kConditionFailed:
      return "condition_failed";
    case RuleStatus::kCandidate:
      return "candidate";
    case RuleStatus::kError:
      return "error";
  }
  return "error";
}

std::vector<ExplainEntry> Explain(const ir::Policy& policy,
                                  const Outcome& outcome,
                                  const SourceManager* sources) {
  std::vector<ExplainEntry> entries;
  for (size_t i = 0; i < policy.rules.size() && i < outcome.rules.size(); ++i) {
    const ir::Rule& rule = policy.rules[i];
    const RuleOutcome& result = outcome.rules[i];
    if (result.status == RuleStatus::kNotMatched) continue;
    ExplainEntry entry;
    entry.rule = rule.name;
    entry.status = std::string(StatusName(result.status));
    // An evaluation error is a candidate deny (§5.3).
    entry.candidate = result.status == RuleStatus::kCandidate ||
                      result.status == RuleStatus::kError;
    entry.error = result.error;
    if (result.status == RuleStatus::kConditionFailed &&
        result.failed_condition >= 0 &&
        static_cast<size_t>(result.failed_condition) < rule.conditions.size()) {
      const ir::Condition& condition = rule.conditions[result.failed_condition];
      entry.condition = condition.negated
                            ? absl::StrCat("unless ", condition.text)
                            : condition.text;
      if (sources != nullptr && condition.span.valid() &&
          condition.span.file < sources->size()) {
        entry.location = sources->Describe(condition.span);
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

void DecideByDefault(const ir::Policy& policy, const Outcome& outcome,
                     const Defaults& defaults, Decision& decision) {
  const ir::Rule& rule = policy.default_rule;
  decision.decided_by_default = true;
  if (outcome.default_rule.status == RuleStatus::kError) {
    decision.kind = DecisionKind::kDeny;
    std::string text = FailureText(rule, outcome.default_rule);
    decision.reasons.push_back(text);
    decision.errors.push_back(std::move(text));
    return;
  }
  switch (rule.effect) {
    case ir::Effect::kDeny:
      decision.kind = DecisionKind::kDeny;
      decision.reasons.push_back(rule.deny_reason.empty()
                                     ? std::string(kNoRuleReason)
                                     : rule.deny_reason);
      return;
    case ir::Effect::kAllow:
      decision.kind = DecisionKind::kAllow;
      decision.grant_seconds = defaults.grant_seconds;
      return;
    case ir::Effect::kRequire: {
      RequireBuilder builder(policy, defaults);
      builder.Add(rule, outcome.default_rule);
      builder.Finish(decision);
      return;
    }
  }
}

}  // namespace

Decision Combine(const ir::Policy& policy, const BoundRequest& request,
                 const Outcome& outcome, const Defaults& defaults, bool explain,
                 const SourceManager* sources) {
  Decision decision;
  decision.policy = policy.digest;
  if (!request.valid()) {
    decision.kind = DecisionKind::kDeny;
    decision.invalid_request = true;
    decision.reasons.push_back("invalid request");
    decision.errors = request.errors;
    return decision;
  }

  std::vector<size_t> denies;
  std::vector<size_t> require_rules;
  std::vector<size_t> allows;
  for (size_t i = 0; i < policy.rules.size() && i < outcome.rules.size(); ++i) {
    RuleStatus status = outcome.rules[i].status;
    if (status == RuleStatus::kError) {
      denies.push_back(i);
    } else if (status == RuleStatus::kCandidate) {
      switch (policy.rules[i].effect) {
        case ir::Effect::kDeny:
          denies.push_back(i);
          break;
        case ir::Effect::kRequire:
          require_rules.push_back(i);
          break;
        case ir::Effect::kAllow:
          allows.push_back(i);
          break;
      }
    }
  }

  if (!denies.empty()) {
    decision.kind = DecisionKind::kDeny;
    for (size_t i : denies) {
      const ir::Rule& rule = policy.rules[i];
      const RuleOutcome& result = outcome.rules[i];
      decision.rules.push_back(rule.name);
      if (result.status == RuleStatus::kError) {
        std::string text = FailureText(rule, result);
        decision.reasons.push_back(text);
        decision.errors.push_back(std::move(text));
      } else if (rule.deny_reason.empty()) {
        decision.reasons.push_back(
            absl::StrCat("denied by rule `", rule.name, "`"));
      } else {
        decision.reasons.push_back(rule.deny_reason);
      }
    }
  } else if (!require_rules.empty()) {
    RequireBuilder builder(policy, defaults);
    for (size_t i : require_rules) {
      builder.Add(policy.rules[i], outcome.rules[i]);
      decision.rules.push_back(policy.rules[i].name);
    }
    builder.Finish(decision);
  } else if (!allows.empty()) {
    decision.kind = DecisionKind::kAllow;
    for (size_t i : allows) decision.rules.push_back(policy.rules[i].name);
    decision.grant_seconds = defaults.grant_seconds;
  } else {
    DecideByDefault(policy, outcome, defaults, decision);
  }

  if (explain) {
    decision.explain = Explain(policy, outcome, sources);
    if (decision.decided_by_default) {
      ExplainEntry entry;
      entry.rule = "default";
      entry.status = "candidate";
      entry.candidate = true;
      if (outcome.default_rule.status == RuleStatus::kError) {
        entry.status = "error";
        entry.error = outcome.default_rule.error;
      }
      decision.explain.push_back(std::move(entry));
    }
  }
  return decision;
}

Verdict VerdictOf(const ir::Policy& policy, const Decision& decision,
                  std::vector<uint32_t>& storage) {
  storage.clear();
  // decision.rules are names in source order; rule names are unique.
  size_t next = 0;
  for (size_t i = 0; i < policy.rules.size() && next < decision.rules.size();
       ++i) {
    if (policy.rules[i].name == decision.rules[next]) {
      storage.push_back(static_cast<uint32_t>(i));
      ++next;
    }
  }
  Verdict verdict;
  verdict.kind = decision.kind;
  verdict.decided_by_default = decision.decided_by_default;
  verdict.invalid_request = decision.invalid_request;
  verdict.rules = storage;
  return verdict;
}

}  // namespace signoff::eval
