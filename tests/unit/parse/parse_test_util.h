// Helpers for parser tests: parse source text, render its diagnostics, and
// reach into the declarations of the result.
#ifndef SIGNOFF_TESTS_UNIT_PARSE_PARSE_TEST_UTIL_H_
#define SIGNOFF_TESTS_UNIT_PARSE_PARSE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <variant>

#include "compiler/parse/parser.h"

namespace signoff::parse::testing {

// A parsed file with everything it points into.
struct Parsed {
  SourceManager sources;
  FileId id = kNoFile;
  DiagnosticBag diags;
  ast::File file;
};

// Parses `text` as the file `path` (a `_test.signoff` path makes a test file).
inline std::unique_ptr<Parsed> Parse(
    const std::string& text, const std::string& path = "policy.signoff") {
  auto p = std::make_unique<Parsed>();
  p->id = p->sources.Add(path, text);
  p->file = ParseFile(p->sources, p->id, p->diags);
  return p;
}

// "line:col Kind: message" for every diagnostic, one a line.
inline std::string Diags(const Parsed& p) {
  std::string out;
  for (const Diagnostic& d : p.diags.all()) {
    LineCol b = p.sources.Begin(d.span);
    out += std::to_string(b.line) + ":" + std::to_string(b.column) + " " +
           std::string(DiagKindName(d.kind)) + ": " + d.message + "\n";
  }
  return out;
}

// "line:col-endcol Kind: message" for every diagnostic, one a line.
inline std::string DiagRanges(const Parsed& p) {
  std::string out;
  for (const Diagnostic& d : p.diags.all()) {
    LineCol b = p.sources.Begin(d.span);
    LineCol e = p.sources.End(d.span);
    out += std::to_string(b.line) + ":" + std::to_string(b.column) + "-" +
           std::to_string(e.column) + " " + std::string(DiagKindName(d.kind)) +
           ": " + d.message + "\n";
  }
  return out;
}

// The i-th declaration, which must be a T.
template <typename T>
const T& DeclAt(const Parsed& p, std::size_t i) {
  EXPECT_LT(i, p.file.decls.size());
  EXPECT_TRUE(std::holds_alternative<T>(p.file.decls.at(i))) << "decl " << i;
  return std::get<T>(p.file.decls.at(i));
}

}  // namespace signoff::parse::testing

#endif  // SIGNOFF_TESTS_UNIT_PARSE_PARSE_TEST_UTIL_H_
