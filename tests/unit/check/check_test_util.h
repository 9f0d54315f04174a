// Helpers for checker tests: parse and check source text, then look for
// diagnostics by kind, position and message.
#ifndef SIGNOFF_TESTS_UNIT_CHECK_CHECK_TEST_UTIL_H_
#define SIGNOFF_TESTS_UNIT_CHECK_CHECK_TEST_UTIL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/checker.h"
#include "compiler/check/semantic.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/parse/parser.h"
#include "compiler/source/source.h"
#include "gtest/gtest.h"
#include "tests/unit/testing/language_md.h"

namespace signoff::check::testing {

struct Checked {
  SourceManager sources;
  std::vector<ast::File> files;
  SemanticModel model;
  DiagnosticBag parse_diags;
  DiagnosticBag diags;

  // Every diagnostic as "line:col: Kind: message", one a line.
  std::string Describe() const {
    std::string out;
    for (const Diagnostic& d : parse_diags.all()) {
      out += "parse " + Line(d) + "\n";
    }
    for (const Diagnostic& d : diags.all()) out += Line(d) + "\n";
    return out;
  }

  std::string Line(const Diagnostic& d) const {
    LineCol lc = sources.Begin(d.span);
    return sources.file(d.span.file).path() + ":" + std::to_string(lc.line) +
           ":" + std::to_string(lc.column) + ": " +
           std::string(DiagKindName(d.kind)) + ": " + d.message +
           (d.help.empty() ? "" : " [help: " + d.help + "]");
  }

  size_t Count(DiagKind kind) const {
    size_t n = 0;
    for (const Diagnostic& d : diags.all()) n += d.kind == kind;
    return n;
  }

  const Diagnostic* Find(DiagKind kind) const {
    for (const Diagnostic& d : diags.all()) {
      if (d.kind == kind) return &d;
    }
    return nullptr;
  }

  // The help of the first diagnostic of `kind`; fails the test (and returns
  // "") when there is none.
  std::string Help(DiagKind kind) const {
    const Diagnostic* d = Find(kind);
    EXPECT_NE(d, nullptr) << "no " << DiagKindName(kind) << "; got:\n"
                          << Describe();
    return d == nullptr ? std::string() : d->help;
  }
};

// Parses and checks {path, text} files in the given order.
inline std::unique_ptr<Checked> CheckFiles(
    const std::vector<std::pair<std::string, std::string>>& files,
    std::vector<std::string> library_paths = {}) {
  auto c = std::make_unique<Checked>();
  CheckOptions options;
  for (const auto& [path, text] : files) {
    FileId id = c->sources.Add(path, text);
    ast::File file = parse::ParseFile(c->sources, id, c->parse_diags);
    file.file = id;
    file.is_test_file = path.size() >= 13 && path.compare(path.size() - 13, 13,
                                                          "_test.signoff") == 0;
    c->files.push_back(std::move(file));
    for (const std::string& lib : library_paths) {
      if (lib == path) options.library_files.push_back(id);
    }
  }
  c->model = Check(c->sources, c->files, options, c->diags);
  return c;
}

inline std::unique_ptr<Checked> CheckSource(const std::string& text) {
  return CheckFiles({{"policy.signoff", text}});
}

// Expects a diagnostic of `kind` at line:col whose message contains `text`.
inline ::testing::AssertionResult HasDiag(const Checked& c, DiagKind kind,
                                          uint32_t line, uint32_t column,
                                          const std::string& text) {
  for (const Diagnostic& d : c.diags.all()) {
    if (d.kind != kind) continue;
    LineCol lc = c.sources.Begin(d.span);
    if (lc.line == line && lc.column == column &&
        d.message.find(text) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no " << DiagKindName(kind) << " at " << line << ":" << column
         << " containing \"" << text << "\"; got:\n"
         << c.Describe();
}

inline ::testing::AssertionResult NoErrors(const Checked& c) {
  if (!c.parse_diags.has_errors() && !c.diags.has_errors()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << c.Describe();
}

inline ::testing::AssertionResult NoDiagnostics(const Checked& c) {
  if (c.parse_diags.all().empty() && c.diags.all().empty()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << c.Describe();
}

// The LANGUAGE.md §3 example set (the checker ignores its `import`).
inline std::string ExampleSet() {
  return std::string(::signoff::testdata::kLanguageExample);
}

}  // namespace signoff::check::testing

#endif  // SIGNOFF_TESTS_UNIT_CHECK_CHECK_TEST_UTIL_H_
