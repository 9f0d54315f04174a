// The canonical formatter (`signoff fmt`) and expression printing.
//
// Format() prints a parsed file in canonical layout, keeping every comment.
// It is idempotent: formatting its own output changes nothing. It refuses
// (returns an error) files with syntax errors, so nothing is ever lost.
#ifndef SIGNOFF_COMPILER_FMT_FORMATTER_H_
#define SIGNOFF_COMPILER_FMT_FORMATTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "compiler/ast/ast.h"
#include "compiler/source/source.h"

namespace signoff::fmt {

// Canonical source text of an expression, with minimal spacing and the
// parentheses the author wrote: `approver.team != requester.team`.
std::string FormatExpr(const ast::Expr& expr);
std::string FormatGroupExpr(const ast::GroupExpr& group);

// The whole file, canonically laid out.
std::string FormatFile(const SourceManager& sources, const ast::File& file);

}  // namespace signoff::fmt

#endif  // SIGNOFF_COMPILER_FMT_FORMATTER_H_
