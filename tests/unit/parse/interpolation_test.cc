// `message "..."` interpolation: parts, literal braces, spans pointing into
// the original string, and errors.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/unit/parse/parse_test_util.h"

namespace signoff::parse {
namespace {

using testing::DiagRanges;
using testing::Parse;
using testing::Parsed;

// Parses `rule r {\n  message <literal>\n}`; the string starts at 2:11.
std::unique_ptr<Parsed> ParseMessage(const std::string& literal) {
  return Parse("rule r {\n  message " + literal + "\n}\n");
}

const ast::Message* MessageOf(const Parsed& p) {
  if (p.file.decls.empty()) return nullptr;
  const auto& rule = std::get<ast::RuleDecl>(p.file.decls[0]);
  if (rule.clauses.empty() || !rule.clauses[0].message) return nullptr;
  return &*rule.clauses[0].message;
}

// Parts as "lit:<text>" / "expr:<source slice>".
std::vector<std::string> Parts(const Parsed& p) {
  std::vector<std::string> out;
  const ast::Message* m = MessageOf(p);
  if (m == nullptr) return out;
  for (const ast::MessagePart& part : m->parts) {
    if (part.expr) {
      out.push_back("expr:" + std::string(p.sources.Slice(part.expr->span)));
    } else {
      out.push_back("lit:" + part.literal);
    }
  }
  return out;
}

TEST(InterpolationTest, Parts) {
  auto p = ParseMessage(R"("{requester.id} exports {params.rows} rows")");
  EXPECT_EQ(DiagRanges(*p), "");
  EXPECT_EQ(Parts(*p),
            (std::vector<std::string>{"expr:requester.id", "lit: exports ",
                                      "expr:params.rows", "lit: rows"}));
  const ast::Message* m = MessageOf(*p);
  EXPECT_EQ(m->raw.text, R"("{requester.id} exports {params.rows} rows")");
  EXPECT_EQ(m->raw.value, "{requester.id} exports {params.rows} rows");
}

TEST(InterpolationTest, ExpressionSpansPointIntoTheString) {
  auto p = ParseMessage(R"("x {params.rows + 1} y")");
  const ast::Message* m = MessageOf(*p);
  ASSERT_NE(m, nullptr);
  const ast::Expr& sum = *m->parts[1].expr;
  LineCol b = p->sources.Begin(sum.span);
  EXPECT_EQ(b.line, 2u);
  EXPECT_EQ(b.column, 15u);
  EXPECT_EQ(p->sources.Slice(sum.span), "params.rows + 1");
  EXPECT_EQ(p->sources.Slice(sum.children[0]->name_span), "rows");
  EXPECT_EQ(sum.children[1]->int_value, 1);
}

TEST(InterpolationTest, LiteralBracesAndEscapes) {
  auto p = ParseMessage(R"("{{literal}} \u{7B}x\u{7D} {a}\n\"q\"")");
  EXPECT_EQ(DiagRanges(*p), "");
  EXPECT_EQ(Parts(*p), (std::vector<std::string>{"lit:{literal} {x} ", "expr:a",
                                                 "lit:\n\"q\""}));
}

TEST(InterpolationTest, AdjacentExpressionsAndStringsInside) {
  auto p =
      ParseMessage(R"("{a}{b} at {hour(context.time, \"Europe/Berlin\")}h")");
  EXPECT_EQ(DiagRanges(*p), "");
  ASSERT_EQ(Parts(*p).size(), 5u);
  EXPECT_EQ(Parts(*p)[3], R"(expr:hour(context.time, \"Europe/Berlin\"))");
  const ast::Expr& call = *MessageOf(*p)->parts[3].expr;
  EXPECT_EQ(call.name, "hour");
  EXPECT_EQ(call.children[1]->string_value, "Europe/Berlin");
  EXPECT_EQ(p->sources.Slice(call.children[1]->span), R"(\"Europe/Berlin\")");
  // A `}` inside an inner string does not end the interpolation.
  auto q = ParseMessage(R"("{lower(\"}\")}")");
  EXPECT_EQ(DiagRanges(*q), "");
  EXPECT_EQ(MessageOf(*q)->parts[0].expr->children[0]->string_value, "}");
}

TEST(InterpolationTest, Errors) {
  EXPECT_EQ(DiagRanges(*ParseMessage(R"("a {} b")")),
            "2:14-16 InvalidInterpolation: empty interpolation `{}` in a "
            "message\n");
  EXPECT_EQ(DiagRanges(*ParseMessage(R"("a { } b")")),
            "2:14-17 InvalidInterpolation: empty interpolation `{}` in a "
            "message\n");
  EXPECT_EQ(DiagRanges(*ParseMessage(R"("a {b c")")),
            "2:14-15 InvalidInterpolation: unclosed `{` in a message\n");
  EXPECT_EQ(DiagRanges(*ParseMessage(R"("a } b")")),
            "2:14-15 InvalidInterpolation: unmatched `}` in a message\n");
  EXPECT_EQ(DiagRanges(*ParseMessage(R"("x {a +} y")")),
            "2:18-18 InvalidInterpolation: invalid interpolation: unexpected "
            "end of the interpolation; expected an expression\n");
  EXPECT_EQ(DiagRanges(*ParseMessage(R"("x {a b} y")")),
            "2:17-18 InvalidInterpolation: invalid interpolation: expected "
            "`}` after `a`, found `b`\n");
  EXPECT_EQ(DiagRanges(*ParseMessage(R"("{rule}")")),
            "2:13-17 InvalidInterpolation: invalid interpolation: unexpected "
            "`rule`; expected an expression\n");
  EXPECT_EQ(DiagRanges(*ParseMessage(R"("{a == 1..2}")")),
            "2:19-21 InvalidInterpolation: a range `a..b` can only follow "
            "`in`\n");
  EXPECT_EQ(DiagRanges(*ParseMessage(R"("{a # b}")")),
            "2:15-18 InvalidInterpolation: a comment cannot appear inside an "
            "interpolation\n");
  EXPECT_EQ(DiagRanges(*ParseMessage(R"("{x.y @}")")),
            "2:17-18 InvalidInterpolation: unexpected character `@`\n");
  auto p = ParseMessage(R"("ok {a} {5x}")");
  EXPECT_EQ(DiagRanges(*p),
            "2:20-22 InvalidDuration: invalid duration `5x`: unknown unit "
            "`x`: use `s`, `m`, `h` or `d`\n");
  EXPECT_EQ(p->diags.all()[0].help.substr(0, 10), "a duration");
  // The rule is kept; the bad part is left out.
  auto q = ParseMessage(R"("a {} b {c}")");
  EXPECT_EQ(Parts(*q), (std::vector<std::string>{"lit:a  b ", "expr:c"}));
}

TEST(InterpolationTest, OnlyMessagesInterpolate) {
  auto p = Parse("rule r { on x deny \"{not} {interpolated\" }\n");
  EXPECT_EQ(DiagRanges(*p), "");
  const auto& rule = std::get<ast::RuleDecl>(p->file.decls[0]);
  EXPECT_EQ(rule.clauses[1].reason->value, "{not} {interpolated");
}

TEST(InterpolationTest, DeepNestingInsideAnInterpolation) {
  std::string deep(100, '(');
  auto p = ParseMessage("\"{" + deep + "a" + std::string(100, ')') + "}\"");
  ASSERT_EQ(p->diags.all().size(), 1u);
  EXPECT_EQ(p->diags.all()[0].kind, DiagKind::kNestingTooDeep);
  EXPECT_EQ(p->sources.Begin(p->diags.all()[0].span).column, 13u + 64u);
}

}  // namespace
}  // namespace signoff::parse
