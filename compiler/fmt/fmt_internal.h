// Private to compiler/fmt: single-line text of clauses and test values, and
// the block printers FormatFile is built from.
#ifndef SIGNOFF_COMPILER_FMT_FMT_INTERNAL_H_
#define SIGNOFF_COMPILER_FMT_FMT_INTERNAL_H_

#include <string>
#include <string_view>

#include "compiler/ast/ast.h"
#include "compiler/fmt/printer.h"

namespace signoff::fmt {

// `2 of sre where approver.team != requester.team`. `source` is the file's
// text, used to print counts as written (`1_0`).
std::string RequirementText(std::string_view source, const ast::Requirement& r);
// One clause on one line: `require 2 of sre`, `expire 30m`, `on a.*, b`.
std::string ClauseText(std::string_view source, const ast::Clause& clause);
// `list<string>`, `map<string,string>`.
std::string TypeRefText(const ast::TypeRef& type);

// A test input value on one line: `{dataset: "x", rows: [1, 2]}`.
std::string ValueText(const ast::TestValue& value);
// An object key: bare when it is an identifier, quoted otherwise.
std::string KeyText(const std::string& key);

// `test "name" { input {...} expect ... }`, laid out over several lines.
void PrintTest(Printer& p, std::string_view source, const ast::TestDecl& test);

}  // namespace signoff::fmt

#endif  // SIGNOFF_COMPILER_FMT_FMT_INTERNAL_H_
