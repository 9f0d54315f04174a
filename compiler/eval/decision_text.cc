// The decision as a human-readable summary (`signoff eval --format text`).
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/eval/decision.h"
#include "stdlib/builtins.h"

namespace signoff::eval {
namespace {

void AppendExplain(std::string& out, const std::vector<ExplainEntry>& entries) {
  out += "  explain:\n";
  if (entries.empty()) out += "    (no rule matched)\n";
  for (const ExplainEntry& entry : entries) {
    absl::StrAppend(&out, "    ", entry.rule, ": ", entry.status);
    if (!entry.condition.empty()) {
      absl::StrAppend(&out, ": `", entry.condition, "`");
    }
    if (!entry.location.empty()) absl::StrAppend(&out, " at ", entry.location);
    if (!entry.error.empty()) absl::StrAppend(&out, ": ", entry.error);
    out += "\n";
  }
}

}  // namespace

std::string DecisionToText(const Decision& decision, bool with_explain) {
  std::string out(DecisionKindName(decision.kind));
  if (!decision.rules.empty()) {
    absl::StrAppend(&out, " (rules: ", absl::StrJoin(decision.rules, ", "),
                    ")");
  } else if (decision.decided_by_default) {
    out += " (default)";
  }
  out += "\n";
  for (const DecisionRequirement& requirement : decision.requirements) {
    absl::StrAppend(&out, "  need ", requirement.count, " of ",
                    requirement.group_name);
    if (!requirement.where_text.empty()) {
      absl::StrAppend(&out, " where ", requirement.where_text);
    }
    out += "\n";
  }
  if (decision.kind == DecisionKind::kRequireApproval) {
    absl::StrAppend(&out, "  veto ", decision.veto, ", expire ",
                    stdlib::FormatDuration(decision.expire_seconds), ", grant ",
                    stdlib::FormatDuration(decision.grant_seconds), "\n");
    if (!decision.channels.empty()) {
      absl::StrAppend(&out, "  notify ", absl::StrJoin(decision.channels, ", "),
                      "\n");
    }
    for (const DecisionEscalation& escalation : decision.escalations) {
      absl::StrAppend(&out, "  escalate after ",
                      stdlib::FormatDuration(escalation.after_seconds), " to ",
                      escalation.group_name);
      if (!escalation.channels.empty()) {
        absl::StrAppend(&out, " notify ",
                        absl::StrJoin(escalation.channels, ", "));
      }
      out += "\n";
    }
  } else if (decision.kind == DecisionKind::kAllow) {
    absl::StrAppend(&out, "  grant ",
                    stdlib::FormatDuration(decision.grant_seconds), "\n");
  }
  for (const std::string& message : decision.messages) {
    absl::StrAppend(&out, "  message: ", message, "\n");
  }
  for (const std::string& reason : decision.reasons) {
    absl::StrAppend(&out, "  reason: ", reason, "\n");
  }
  for (const std::string& error : decision.errors) {
    absl::StrAppend(&out, "  error: ", error, "\n");
  }
  if (with_explain) AppendExplain(out, decision.explain);
  return out;
}

}  // namespace signoff::eval
