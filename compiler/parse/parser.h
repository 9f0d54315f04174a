// Parsing: source text to AST.
//
// The only entry point into ANTLR. Syntax errors become SyntaxError
// diagnostics (with recovery: every error in a file is reported, not just
// the first); literal problems (durations, escapes, integer range,
// interpolation) are reported here too. Parsing never throws, never aborts
// and never hangs: the file size and nesting depth are limited.
#ifndef SIGNOFF_COMPILER_PARSE_PARSER_H_
#define SIGNOFF_COMPILER_PARSE_PARSER_H_

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace signoff::parse {

inline constexpr size_t kMaxFileBytes = 4 * 1024 * 1024;
inline constexpr int kMaxNestingDepth = 64;

// Parses one file of `sources`. Always returns a File; declarations that
// failed to parse are left out (and reported).
ast::File ParseFile(const SourceManager& sources, FileId file,
                    DiagnosticBag& diags);

}  // namespace signoff::parse

#endif  // SIGNOFF_COMPILER_PARSE_PARSER_H_
