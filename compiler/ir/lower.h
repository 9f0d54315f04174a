// Lowering: checked AST to IR.
//
// Precondition: check::Check reported no errors for these files. Lowering
// assigns slots to the request fields rules read, interns literals, compiles
// patterns/globs/regexes/CIDRs/time zones, formats `where` and condition
// text, and computes the policy digest.
#ifndef SIGNOFF_COMPILER_IR_LOWER_H_
#define SIGNOFF_COMPILER_IR_LOWER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "compiler/ast/ast.h"
#include "compiler/check/semantic.h"
#include "compiler/ir/ir.h"
#include "compiler/source/source.h"

namespace signoff::ir {

absl::StatusOr<Policy> Lower(const SourceManager& sources,
                             const std::vector<ast::File>& files,
                             const check::SemanticModel& model);

}  // namespace signoff::ir

#endif  // SIGNOFF_COMPILER_IR_LOWER_H_
