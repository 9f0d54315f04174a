// The decision as JSON (LANGUAGE.md §7), keys in the documented order.
#include <string>

#include "compiler/eval/decision.h"
#include "nlohmann/json.hpp"
#include "stdlib/builtins.h"

namespace signoff::eval {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json Strings(const std::vector<std::string>& strings) {
  ordered_json array = ordered_json::array();
  for (const std::string& s : strings) array.push_back(s);
  return array;
}

std::string DurationText(int64_t seconds) {
  return seconds == 0 ? "" : stdlib::FormatDuration(seconds);
}

// {"after", "group", "notify", "requirements", "rule"} per escalation.
ordered_json EscalationsJson(
    const std::vector<DecisionEscalation>& escalations) {
  ordered_json array = ordered_json::array();
  for (const DecisionEscalation& escalation : escalations) {
    ordered_json object = ordered_json::object();
    object["after"] = stdlib::FormatDuration(escalation.after_seconds);
    object["group"] = escalation.group_name;
    object["notify"] = Strings(escalation.channels);
    ordered_json requirements = ordered_json::array();
    for (int index : escalation.requirements) requirements.push_back(index);
    object["requirements"] = std::move(requirements);
    object["rule"] = escalation.rule;
    array.push_back(std::move(object));
  }
  return array;
}

ordered_json ExplainJson(const std::vector<ExplainEntry>& entries) {
  ordered_json array = ordered_json::array();
  for (const ExplainEntry& entry : entries) {
    ordered_json object = ordered_json::object();
    object["rule"] = entry.rule;
    object["candidate"] = entry.candidate;
    object["status"] = entry.status;
    if (!entry.condition.empty()) object["condition"] = entry.condition;
    if (!entry.location.empty()) object["location"] = entry.location;
    if (!entry.error.empty()) object["error"] = entry.error;
    array.push_back(std::move(object));
  }
  return array;
}

}  // namespace

std::string_view DecisionKindName(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::kAllow:
      return "allow";
    case DecisionKind::kDeny:
      return "deny";
    case DecisionKind::kRequireApproval:
      return "require_approval";
  }
  return "deny";
}

std::string DecisionToJson(const Decision& decision, bool with_explain,
                           bool pretty) {
  ordered_json out = ordered_json::object();
  out["decision"] = std::string(DecisionKindName(decision.kind));
  out["rules"] = Strings(decision.rules);
  out["reasons"] = Strings(decision.reasons);
  ordered_json requirements = ordered_json::array();
  for (const DecisionRequirement& requirement : decision.requirements) {
    ordered_json object = ordered_json::object();
    object["count"] = requirement.count;
    object["group"] = requirement.group_name;
    if (!requirement.where_text.empty()) {
      object["where"] = requirement.where_text;
    }
    requirements.push_back(std::move(object));
  }
  out["requirements"] = std::move(requirements);
  out["veto"] = decision.veto;
  out["expire"] = DurationText(decision.expire_seconds);
  out["grant"] = DurationText(decision.grant_seconds);
  out["channels"] = Strings(decision.channels);
  // Only when there is one, so that decisions of policies without
  // `escalate` keep exactly the shape of LANGUAGE.md §7.
  if (!decision.escalations.empty()) {
    out["escalations"] = EscalationsJson(decision.escalations);
  }
  out["messages"] = Strings(decision.messages);
  out["errors"] = Strings(decision.errors);
  out["policy"] = decision.policy;
  if (with_explain) out["explain"] = ExplainJson(decision.explain);
  // `replace` keeps dump() from throwing on invalid UTF-8 (which BindJson
  // and the lexer never let through, but this must not throw regardless).
  return out.dump(pretty ? 2 : -1, ' ', /*ensure_ascii=*/false,
                  ordered_json::error_handler_t::replace);
}

}  // namespace signoff::eval
