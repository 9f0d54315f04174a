// A request bound to a compiled policy's slots.
//
// Binding validates the request against LANGUAGE.md §6 and the schema of its
// action (when declared) and fills one Value per slot the policy reads.
// Problems with the request are collected in `errors`; a request with
// errors is invalid and is decided `deny` (LANGUAGE.md §5.1). Only text that
// is not JSON at all is a Status error.
#ifndef SIGNOFF_COMPILER_EVAL_REQUEST_H_
#define SIGNOFF_COMPILER_EVAL_REQUEST_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/eval/value.h"
#include "compiler/ir/ir.h"

namespace signoff::eval {

struct BoundRequest {
  std::string action;
  int action_id = -1;         // index into Policy::actions; -1 when undeclared
  std::vector<Value> slots;   // one per Policy::slots entry
  std::vector<bool> present;  // whether the field was given
  // Each names the field: "params.rows: expected int, got string".
  std::vector<std::string> errors;

  bool valid() const { return errors.empty(); }
};

// Whether `name` is an action name: identifiers joined by `.`, as in
// `data.export` (LANGUAGE.md §2).
bool IsActionName(std::string_view name);

// Binds a JSON request (LANGUAGE.md §6). `approver` slots are left at their
// zero values. InvalidArgument when `json` is not JSON.
absl::StatusOr<BoundRequest> BindJson(const ir::Policy& policy,
                                      std::string_view json);

// An identity as the runtime knows it, for `where` conditions.
struct Approver {
  std::string id;
  std::string team;
  std::vector<std::string> groups;
  StringMap attrs;
  bool mfa = false;
};

// Fills the approver slots of `request` (a copy is cheap enough for votes).
void BindApprover(const ir::Policy& policy, const Approver& approver,
                  BoundRequest& request);

}  // namespace signoff::eval

#endif  // SIGNOFF_COMPILER_EVAL_REQUEST_H_
