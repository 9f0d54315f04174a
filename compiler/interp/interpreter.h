// The reference interpreter: evaluates IR trees directly.
//
// It defines the semantics the JIT must reproduce bit for bit (the
// differential suite compares them). Correctness over speed.
//
// Thread safety: Evaluate is a pure function of its arguments.
#ifndef SIGNOFF_COMPILER_INTERP_INTERPRETER_H_
#define SIGNOFF_COMPILER_INTERP_INTERPRETER_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "compiler/eval/decision.h"
#include "compiler/eval/request.h"
#include "compiler/ir/ir.h"

namespace signoff::interp {

struct EvalOptions {
  // Membership of `identity` in the runtime directory's group
  // `directory_group` (a `directory("...")` group, LANGUAGE.md §5.6). When
  // unset, directory groups have no members. Must be safe to call from the
  // evaluating thread; it is called only while evaluating `id in GROUP`.
  std::function<bool(std::string_view directory_group,
                     std::string_view identity)>
      directory_member;
};

// Evaluates every rule (and the default's message) against `request`.
// An invalid request (errors non-empty) evaluates no rule.
eval::Outcome Evaluate(const ir::Policy& policy,
                       const eval::BoundRequest& request,
                       const EvalOptions& options = EvalOptions());

// Evaluates one requirement's `where` for a request with approver slots
// bound. An evaluation error counts as false (the approver is not eligible).
// kNoNode (no `where`) is true.
bool EvaluateWhere(const ir::Policy& policy, ir::NodeId where,
                   const eval::BoundRequest& request,
                   const EvalOptions& options = EvalOptions());

// Renders `rule`'s message into `outcome` exactly as Evaluate does for a
// candidate: only a `require` rule with a message renders; an evaluation
// error makes the outcome an error (`error` set, messages cleared). For back
// ends that decide conditions themselves (the JIT renders candidates' and
// the default's messages through this, off the allow/deny path).
void RenderMessage(const ir::Policy& policy, const ir::Rule& rule,
                   const eval::BoundRequest& request,
                   const EvalOptions& options, eval::RuleOutcome& outcome);

// The evaluation error of an overflowing `+`, `-`, `*` (ir::Op kAdd, kSub,
// kMul) or unary `-` (kNeg): "integer overflow in `*`".
std::string OverflowMessage(ir::Op op);

// Convenience: bind, evaluate, combine. InvalidArgument when `json` is not
// JSON; every other problem with the request is a `deny` with errors.
absl::StatusOr<eval::Decision> Decide(
    const ir::Policy& policy, std::string_view json,
    const eval::Defaults& defaults, bool explain, const SourceManager* sources,
    const EvalOptions& options = EvalOptions());

}  // namespace signoff::interp

#endif  // SIGNOFF_COMPILER_INTERP_INTERPRETER_H_
