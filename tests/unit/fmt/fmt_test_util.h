// Helpers for formatter tests that go through the parser: format source text,
// count its comments, and check that formatting is stable and loses nothing.
#ifndef SIGNOFF_TESTS_UNIT_FMT_FMT_TEST_UTIL_H_
#define SIGNOFF_TESTS_UNIT_FMT_FMT_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "compiler/diag/render.h"
#include "compiler/fmt/formatter.h"
#include "compiler/parse/parser.h"

namespace signoff::fmt::testing {

// FormatFile(parse(text)); fails the test when `text` has syntax errors.
inline std::string Format(std::string_view text,
                          std::string path = "policy.signoff") {
  SourceManager sources;
  FileId id = sources.Add(std::move(path), std::string(text));
  DiagnosticBag diags;
  ast::File file = parse::ParseFile(sources, id, diags);
  EXPECT_FALSE(diags.has_errors())
      << RenderDiagnostics(sources, diags.all(), DiagFormat::kText, {})
      << "in:\n"
      << text;
  return FormatFile(sources, file);
}

// The `#` comments of a file, as the parser sees them.
inline std::size_t CountComments(std::string_view text,
                                 std::string path = "policy.signoff") {
  SourceManager sources;
  FileId id = sources.Add(std::move(path), std::string(text));
  DiagnosticBag diags;
  return parse::ParseFile(sources, id, diags).comments.size();
}

// Formats `text`, checks idempotence and that no comment was lost, and
// returns the formatted text.
inline std::string FormatChecked(std::string_view text,
                                 std::string path = "policy.signoff") {
  std::string once = Format(text, path);
  std::string twice = Format(once, path);
  EXPECT_EQ(once, twice) << "not idempotent; input:\n" << text;
  EXPECT_EQ(CountComments(text, path), CountComments(once, path))
      << "comments lost or duplicated; output:\n"
      << once;
  return once;
}

}  // namespace signoff::fmt::testing

#endif  // SIGNOFF_TESTS_UNIT_FMT_FMT_TEST_UTIL_H_
