// The reference interpreter: evaluates IR trees directly.
//
// It defines the semantics the JIT must reproduce bit for bit (the
// differential suite compares them). Correctness over speed.
//
// Thread safety: Evaluate is a pure function of its arguments.
#ifndef SIGNOFF_COMPILER_INTERP_INTERPRETER_H_
#define SIGNOFF_COMPILER_INTERP_INTERPRETER_H_

#include "absl/status/statusor.h"
#include "compiler/eval/decision.h"
#include "compiler/eval/request.h"
#include "compiler/ir/ir.h"

namespace signoff::interp {

// Evaluates every rule (and the default's message) against `request`.
// An invalid request (errors non-empty) evaluates no rule.
eval::Outcome Evaluate(const ir::Policy& policy,
                       const eval::BoundRequest& request);

// Evaluates one requirement's `where` for a request with approver slots
// bound. An evaluation error counts as false (the approver is not eligible).
bool EvaluateWhere(const ir::Policy& policy, ir::NodeId where,
                   const eval::BoundRequest& request);

// Convenience: bind, evaluate, combine.
absl::StatusOr<eval::Decision> Decide(const ir::Policy& policy,
                                      std::string_view json,
                                      const eval::Defaults& defaults,
                                      bool explain,
                                      const SourceManager* sources);

}  // namespace signoff::interp

#endif  // SIGNOFF_COMPILER_INTERP_INTERPRETER_H_
