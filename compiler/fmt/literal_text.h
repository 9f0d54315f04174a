// Source spelling of literals, for the formatter.
//
// Parsed literals keep the text the author wrote; these helpers fall back to
// a canonical spelling for values built without it (hand-made trees).
#ifndef SIGNOFF_COMPILER_FMT_LITERAL_TEXT_H_
#define SIGNOFF_COMPILER_FMT_LITERAL_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "compiler/ast/ast.h"

namespace signoff::fmt {

// The literal as written, or stdlib::QuoteString(value) when no text was
// kept.
std::string StringLiteralText(const ast::StringLiteral& literal);

// Whether `s` is an identifier `[A-Za-z_][A-Za-z0-9_]*`.
bool IsIdentifier(std::string_view s);

}  // namespace signoff::fmt

#endif  // SIGNOFF_COMPILER_FMT_LITERAL_TEXT_H_
