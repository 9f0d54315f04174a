// Literal forms and their errors, with exact positions.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/unit/parse/parse_test_util.h"

namespace signoff::parse {
namespace {

using testing::DiagRanges;
using testing::Parse;
using testing::Parsed;

// The members of `group g = [...]`, decoded.
std::vector<std::string> Members(const Parsed& p) {
  std::vector<std::string> out;
  if (p.file.decls.empty()) return out;
  const auto* g = std::get_if<ast::GroupDecl>(&p.file.decls[0]);
  if (g == nullptr) return out;
  for (const auto& m : g->value->members) out.push_back(m.value);
  return out;
}

TEST(LiteralsTest, StringEscapes) {
  auto p = Parse(
      R"(group g = ["a\"b", "c\\d", "e\nf", "g\th", "\u{1F600}", "\u{41}\u{e9}", "#x", ""])");
  EXPECT_EQ(DiagRanges(*p), "");
  EXPECT_EQ(Members(*p), (std::vector<std::string>{"a\"b", "c\\d", "e\nf",
                                                   "g\th", "\xF0\x9F\x98\x80",
                                                   "A\xC3\xA9", "#x", ""}));
  const auto& g = std::get<ast::GroupDecl>(p->file.decls[0]);
  EXPECT_EQ(g.value->members[0].text, R"("a\"b")");
}

TEST(LiteralsTest, InvalidEscapes) {
  auto p = Parse(
      "group g = [\n  \"a\\qb\", \"\\u{D800}\", \"\\u{110000}\",\n"
      "  \"\\u41\", \"\\u{}\", \"\\u{1234567}\", \"\\u{12x}\"]\n");
  EXPECT_EQ(DiagRanges(*p),
            "2:5-7 InvalidEscape: invalid escape `\\q`\n"
            "2:12-20 InvalidEscape: invalid escape `\\u{D800}`: not a Unicode "
            "scalar value\n"
            "2:24-34 InvalidEscape: invalid escape `\\u{110000}`: not a "
            "Unicode scalar value\n"
            "3:4-6 InvalidEscape: invalid escape `\\u`: write `\\u{...}` with "
            "braces\n"
            "3:12-16 InvalidEscape: invalid escape `\\u{}`: expected 1 to 6 "
            "hex digits\n"
            "3:20-31 InvalidEscape: invalid escape `\\u{1234567}`: expected 1 "
            "to 6 hex digits\n"
            "3:35-42 InvalidEscape: invalid escape `\\u{12x}`: expected 1 to 6 "
            "hex digits and a `}`\n");
  // The declaration is kept with what could be decoded.
  EXPECT_EQ(Members(*p)[0], "ab");
  EXPECT_EQ(
      p->diags.all()[0].help,
      "the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{...}` with 1 "
      "to 6 hex digits");
}

TEST(LiteralsTest, Utf8InStringsAndColumnsInCodePoints) {
  auto p = Parse("group g = [\"h\xC3\xA9llo \xF0\x9F\x98\x80\", \"\\z\"]");
  EXPECT_EQ(Members(*p)[0], "h\xC3\xA9llo \xF0\x9F\x98\x80");
  // `"héllo 😀"` is 9 code points starting at column 12.
  EXPECT_EQ(DiagRanges(*p), "1:24-26 InvalidEscape: invalid escape `\\z`\n");
}

TEST(LiteralsTest, UnterminatedString) {
  auto p = Parse("group g = [\"abc]\ngroup h = [\"x\"]\n");
  EXPECT_EQ(DiagRanges(*p), "1:12-17 SyntaxError: unterminated string\n");
  ASSERT_EQ(p->file.decls.size(), 1u);  // only `h`; no cascade for `g`
  EXPECT_EQ(std::get<ast::GroupDecl>(p->file.decls[0]).name.name, "h");
  auto q = Parse("rule r { on x deny \"oops\\");
  EXPECT_EQ(DiagRanges(*q), "1:20-26 SyntaxError: unterminated string\n");
}

TEST(LiteralsTest, Integers) {
  auto p = Parse(
      "rule r {\n  when a == 10_000 and b == 9223372036854775807 and c == 0\n"
      "  veto 1_2\n}\n");
  EXPECT_EQ(DiagRanges(*p), "");
  const auto& rule = std::get<ast::RuleDecl>(p->file.decls[0]);
  const ast::Expr& cond = *rule.clauses[0].condition;
  const ast::Expr& ten_k = *cond.children[0]->children[0]->children[1];
  EXPECT_EQ(ten_k.int_value, 10000);
  EXPECT_EQ(ten_k.text, "10_000");
  EXPECT_EQ(cond.children[0]->children[1]->children[1]->int_value, INT64_MAX);
  EXPECT_EQ(rule.clauses[1].count, 12);
  EXPECT_EQ(p->sources.Slice(rule.clauses[1].count_span), "1_2");
}

TEST(LiteralsTest, IntegerErrors) {
  auto p = Parse(
      "rule r {\n  when a == 9223372036854775808\n  veto 10_\n"
      "  when b == 1__0\n}\n");
  EXPECT_EQ(DiagRanges(*p),
            "2:13-32 IntegerOutOfRange: integer `9223372036854775808` does not "
            "fit in 64 bits\n"
            "3:8-11 SyntaxError: malformed integer `10_`: a `_` separator must "
            "stand between digits\n"
            "4:13-17 SyntaxError: malformed integer `1__0`: a `_` separator "
            "must stand between digits\n");
}

TEST(LiteralsTest, Durations) {
  auto p = Parse("rule r {\n  expire 45s\n  grant 1h30m\n  when x < 7d\n}\n");
  EXPECT_EQ(DiagRanges(*p), "");
  const auto& rule = std::get<ast::RuleDecl>(p->file.decls[0]);
  EXPECT_EQ(rule.clauses[0].seconds, 45);
  EXPECT_EQ(rule.clauses[1].seconds, 5400);
  EXPECT_EQ(rule.clauses[1].duration_text, "1h30m");
  const ast::Expr& d = *rule.clauses[2].condition->children[1];
  EXPECT_EQ(d.kind, ast::ExprKind::kDurationLit);
  EXPECT_EQ(d.int_value, 604800);
  EXPECT_EQ(d.text, "7d");
}

TEST(LiteralsTest, DurationErrorsAreOneToken) {
  auto p = Parse(
      "rule r {\n  expire 5x\n  grant 1m30h\n  expire 5mins\n"
      "  escalate after 30m1h to sre\n}\n");
  EXPECT_EQ(
      DiagRanges(*p),
      "2:10-12 InvalidDuration: invalid duration `5x`: unknown unit `x`: use "
      "`s`, `m`, `h` or `d`\n"
      "3:9-14 InvalidDuration: invalid duration `1m30h`: units must appear "
      "once each, largest first (`1h30m`, not `30m1h`)\n"
      "4:10-15 InvalidDuration: invalid duration `5mins`: unknown unit "
      "`mins`: use `s`, `m`, `h` or `d`\n"
      "5:18-23 InvalidDuration: invalid duration `30m1h`: units must appear "
      "once each, largest first (`1h30m`, not `30m1h`)\n");
  EXPECT_EQ(p->file.decls.size(), 1u);  // kept; the checker sees it
}

TEST(LiteralsTest, Booleans) {
  auto p = Parse("rule r { when true and not false allow }");
  EXPECT_EQ(DiagRanges(*p), "");
  const auto& rule = std::get<ast::RuleDecl>(p->file.decls[0]);
  const ast::Expr& cond = *rule.clauses[0].condition;
  EXPECT_TRUE(cond.children[0]->bool_value);
  EXPECT_EQ(cond.children[0]->text, "true");
  EXPECT_FALSE(cond.children[1]->children[0]->bool_value);
}

TEST(LiteralsTest, Patterns) {
  auto p = Parse("rule r { on **.read, a.**.b, iam.** allow }");
  EXPECT_EQ(DiagRanges(*p),
            "1:13-15 InvalidPattern: `**` may only be the last segment of a "
            "pattern\n"
            "1:24-26 InvalidPattern: `**` may only be the last segment of a "
            "pattern\n");
  // Keywords are fine as segments.
  auto q = Parse("rule r { on iam.role.grant, rule.on.* allow }");
  EXPECT_EQ(DiagRanges(*q), "");
  const auto& rule = std::get<ast::RuleDecl>(q->file.decls[0]);
  EXPECT_EQ(rule.clauses[0].patterns[1].text, "rule.on.*");
}

}  // namespace
}  // namespace signoff::parse
