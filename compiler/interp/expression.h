// Internal to the interpreter: evaluation of one IR expression tree.
#ifndef SIGNOFF_COMPILER_INTERP_EXPRESSION_H_
#define SIGNOFF_COMPILER_INTERP_EXPRESSION_H_

#include "absl/status/statusor.h"
#include "compiler/eval/request.h"
#include "compiler/eval/value.h"
#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"

namespace signoff::interp::internal {

// Evaluates nodes of `policy` against `request`. An evaluation error
// (integer overflow, malformed IR) is a Status whose message says what
// went wrong, e.g. "integer overflow in `*`".
class ExpressionEvaluator {
 public:
  ExpressionEvaluator(const ir::Policy& policy,
                      const eval::BoundRequest& request,
                      const EvalOptions& options)
      : policy_(policy), request_(request), options_(options) {}

  absl::StatusOr<eval::Value> Eval(ir::NodeId id) const;
  absl::StatusOr<bool> EvalBool(ir::NodeId id) const;
  absl::StatusOr<int64_t> EvalInt(ir::NodeId id) const;
  absl::StatusOr<std::string> EvalString(ir::NodeId id) const;

 private:
  absl::StatusOr<const ir::Node*> GetNode(ir::NodeId id) const;
  absl::StatusOr<const ir::Node*> Arg(const ir::Node& node, size_t i) const;
  absl::StatusOr<bool> Compare(const ir::Node& node) const;
  absl::StatusOr<int64_t> Arithmetic(const ir::Node& node) const;
  absl::StatusOr<bool> InList(const ir::Node& node) const;
  absl::StatusOr<bool> InGroup(const ir::Node& node) const;
  absl::StatusOr<eval::Value> Call(const ir::Node& node) const;

  const ir::Policy& policy_;
  const eval::BoundRequest& request_;
  const EvalOptions& options_;
};

}  // namespace signoff::interp::internal

#endif  // SIGNOFF_COMPILER_INTERP_EXPRESSION_H_
