// Decisions: what a back end computes per rule, and the combined decision of
// LANGUAGE.md §5 and §7.
//
// A back end (interpreter or JIT) evaluates every rule against a bound
// request and reports an Outcome; Combine() applies §5.4 (deny overrides,
// requirement merging, strictest expire/grant/veto, channel union,
// escalations, default) identically for both back ends.
#ifndef SIGNOFF_COMPILER_EVAL_DECISION_H_
#define SIGNOFF_COMPILER_EVAL_DECISION_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "compiler/eval/request.h"
#include "compiler/ir/ir.h"

namespace signoff::eval {

enum class RuleStatus : unsigned char {
  kNotMatched,     // no pattern matches the action
  kNotApplicable,  // reads params the action does not declare (§5.2)
  kConditionFailed,
  kCandidate,
  kError,  // evaluation error: a candidate deny (§5.3)
};

struct RuleOutcome {
  RuleStatus status = RuleStatus::kNotMatched;
  int failed_condition = -1;          // kConditionFailed: index into conditions
  std::string error;                  // kError: what went wrong
  std::vector<std::string> messages;  // kCandidate require rules: rendered
};

struct Outcome {
  std::vector<RuleOutcome> rules;  // parallel to Policy::rules
  RuleOutcome default_rule;        // rendered messages of the default
};

enum class DecisionKind : unsigned char { kAllow, kDeny, kRequireApproval };
std::string_view DecisionKindName(DecisionKind kind);  // "require_approval"

struct DecisionRequirement {
  int64_t count = 0;
  int group = -1;  // index into Policy::groups
  std::string group_name;
  ir::NodeId where = ir::kNoNode;
  std::string where_text;  // "" when none
};

// An `escalate after D to G [notify C, ...]` of a deciding require rule
// (RUNTIME.md §8): if the request is still pending `after_seconds` after it
// was opened, identities of `group` also become eligible for the clauses
// listed in `requirements` (with those clauses' own `where`; self-approval
// is still refused) and `channels` are notified once.
struct DecisionEscalation {
  int64_t after_seconds = 0;
  int group = -1;  // index into Policy::groups
  std::string group_name;
  std::vector<std::string> channels;  // sorted, unique names
  // Indexes into Decision::requirements this escalation widens (the
  // declaring rule's own `require` lines, after merging), ascending.
  std::vector<int> requirements;
  std::string rule;  // the declaring rule ("default" for the default)

  bool operator==(const DecisionEscalation&) const = default;
};

struct ExplainEntry {
  std::string rule;
  std::string status;  // "candidate", "condition_failed", "not_applicable",
                       // "error"
  bool candidate = false;
  std::string condition;  // the failing condition's text (`unless` prefixed)
  std::string location;   // "file:line:col" of that condition
  std::string error;
};

struct Decision {
  DecisionKind kind = DecisionKind::kDeny;
  std::vector<std::string> rules;    // deciding rules, source order
  std::vector<std::string> reasons;  // deny reasons
  std::vector<DecisionRequirement> requirements;
  int64_t veto = 0;                   // 0 when not require_approval
  int64_t expire_seconds = 0;         // 0 when not require_approval
  int64_t grant_seconds = 0;          // grant lifetime; 0 when denied
  std::vector<std::string> channels;  // sorted by name
  // require_approval only; sorted by after_seconds, then group_name, then
  // rule. Empty for allow and deny.
  std::vector<DecisionEscalation> escalations;
  std::vector<std::string> messages;
  std::vector<std::string> errors;
  std::string policy;  // digest
  bool decided_by_default = false;
  bool invalid_request = false;       // errors are then the request's problems
  std::vector<ExplainEntry> explain;  // filled when asked for
};

// The classification of a decision without its texts: what a hot path
// needs to act on (allow, deny, or ask for approval) and which rules
// decided. Computed without allocating by the JIT's fast path; the full
// Decision has the same kind, default flag and rules.
struct Verdict {
  DecisionKind kind = DecisionKind::kDeny;
  bool decided_by_default = false;
  // The request was invalid (kind is then kDeny, rules empty).
  bool invalid_request = false;
  // Indices into Policy::rules of the deciding rules, in source order.
  // Points into storage owned by whoever produced the verdict (a scratch),
  // valid until its next use.
  std::span<const uint32_t> rules;
};

// The verdict of a full decision; `storage` receives the rule indices.
Verdict VerdictOf(const ir::Policy& policy, const Decision& decision,
                  std::vector<uint32_t>& storage);

// Runtime-configurable defaults for clauses a rule leaves out.
struct Defaults {
  int64_t expire_seconds = 3600;
  int64_t grant_seconds = 300;
  int64_t veto = 1;
};

// Builds the decision from a back end's outcome. `sources` (optional) turns
// spans into "file:line:col" for explain entries.
Decision Combine(const ir::Policy& policy, const BoundRequest& request,
                 const Outcome& outcome, const Defaults& defaults, bool explain,
                 const SourceManager* sources);

// LANGUAGE.md §7. `pretty` indents with two spaces; otherwise one line.
std::string DecisionToJson(const Decision& decision, bool with_explain,
                           bool pretty);
// A human-readable summary for `signoff eval --format text`.
std::string DecisionToText(const Decision& decision, bool with_explain);

}  // namespace signoff::eval

#endif  // SIGNOFF_COMPILER_EVAL_DECISION_H_
