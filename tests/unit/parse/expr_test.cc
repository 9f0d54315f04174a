// Expressions: precedence, associativity, postfix forms, ranges, literals'
// payloads and spans.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/unit/parse/parse_test_util.h"

namespace signoff::parse {
namespace {

using testing::Parse;
using testing::Parsed;

// Parses `condition` as the first clause of a rule.
std::unique_ptr<Parsed> ParseWhen(const std::string& condition) {
  return Parse("rule r {\n  when " + condition + "\n  allow\n}\n");
}

const ast::Expr* Condition(const Parsed& p) {
  if (p.file.decls.size() != 1) return nullptr;
  const auto* rule = std::get_if<ast::RuleDecl>(&p.file.decls[0]);
  if (rule == nullptr || rule->clauses.empty()) return nullptr;
  return rule->clauses[0].condition.get();
}

// A compact S-expression of the tree.
std::string Sexpr(const ast::Expr& e) {
  auto kids = [&](std::string head) {
    for (const ast::ExprPtr& c : e.children) head += " " + Sexpr(*c);
    return "(" + head + ")";
  };
  switch (e.kind) {
    case ast::ExprKind::kIntLit:
    case ast::ExprKind::kDurationLit:
      return e.text + "=" + std::to_string(e.int_value);
    case ast::ExprKind::kStringLit:
      return e.text;
    case ast::ExprKind::kBoolLit:
      return e.bool_value ? "#t" : "#f";
    case ast::ExprKind::kName:
      return e.name;
    case ast::ExprKind::kListLit:
      return kids("list");
    case ast::ExprKind::kRange:
      return kids("range");
    case ast::ExprKind::kParen:
      return kids("paren");
    case ast::ExprKind::kField:
      return "(. " + Sexpr(*e.children[0]) + " " + e.name + ")";
    case ast::ExprKind::kIndex:
      return kids("[]");
    case ast::ExprKind::kCall:
      return kids("call " + e.name);
    case ast::ExprKind::kUnary:
      return kids(e.unary_op == ast::UnaryOp::kNot ? "not" : "neg");
    case ast::ExprKind::kBinary:
      return kids(std::string(ast::BinaryOpSpelling(e.binary_op)));
  }
  return "?";
}

std::string Tree(const std::string& condition) {
  auto p = ParseWhen(condition);
  std::string errors;
  for (const Diagnostic& d : p->diags.all()) errors += d.message + "; ";
  const ast::Expr* e = Condition(*p);
  if (!errors.empty() || e == nullptr) return "error: " + errors;
  return Sexpr(*e);
}

TEST(ExprTest, Precedence) {
  EXPECT_EQ(Tree("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(Tree("a and b or c"), "(or (and a b) c)");
  EXPECT_EQ(Tree("not a and b"), "(and (not a) b)");
  EXPECT_EQ(Tree("not a == b"), "(not (== a b))");
  EXPECT_EQ(Tree("a == b + c * d"), "(== a (+ b (* c d)))");
  EXPECT_EQ(Tree("a * b + c"), "(+ (* a b) c)");
  EXPECT_EQ(Tree("-a * b"), "(* (neg a) b)");
  EXPECT_EQ(Tree("-a.b"), "(neg (. a b))");
  EXPECT_EQ(Tree("a + b in c"), "(in (+ a b) c)");
  EXPECT_EQ(Tree("x like \"a*\" or y matches \"b\""),
            "(or (like x \"a*\") (matches y \"b\"))");
  EXPECT_EQ(Tree("a < b and c <= d and e > f and g >= h and i != j"),
            "(and (and (and (and (< a b) (<= c d)) (> e f)) (>= g h)) (!= i "
            "j))");
}

TEST(ExprTest, Associativity) {
  EXPECT_EQ(Tree("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(Tree("a + b - c + d"), "(+ (- (+ a b) c) d)");
  EXPECT_EQ(Tree("a * b * c"), "(* (* a b) c)");
  EXPECT_EQ(Tree("a or b or c"), "(or (or a b) c)");
  EXPECT_EQ(Tree("a and b and c"), "(and (and a b) c)");
  EXPECT_EQ(Tree("not not a"), "(not (not a))");
  EXPECT_EQ(Tree("- - a"), "(neg (neg a))");
  EXPECT_EQ(Tree("a - -b"), "(- a (neg b))");
}

TEST(ExprTest, ComparisonsDoNotChain) {
  auto p = ParseWhen("a == b == c");
  ASSERT_EQ(p->diags.all().size(), 1u);
  const Diagnostic& d = p->diags.all()[0];
  EXPECT_EQ(d.kind, DiagKind::kSyntaxError);
  EXPECT_EQ(p->sources.Slice(d.span), "==");
  EXPECT_EQ(p->sources.Begin(d.span).column, 15u);
  EXPECT_TRUE(p->file.decls.empty());
  EXPECT_EQ(Tree("a < b < c").substr(0, 6), "error:");
  EXPECT_EQ(Tree("(a == b) == c"), "(== (paren (== a b)) c)");
}

TEST(ExprTest, PostfixCallsAndLiterals) {
  EXPECT_EQ(Tree("params.a.b"), "(. (. params a) b)");
  EXPECT_EQ(Tree("requester.attrs[\"k\"]"), "([] (. requester attrs) \"k\")");
  EXPECT_EQ(Tree("m[\"a\"][\"b\"].c"), "(. ([] ([] m \"a\") \"b\") c)");
  EXPECT_EQ(Tree("f()"), "(call f)");
  EXPECT_EQ(Tree("has(requester.attrs, \"k\",)"),
            "(call has (. requester attrs) \"k\")");
  EXPECT_EQ(Tree("len(s).x"), "(. (call len s) x)");
  EXPECT_EQ(Tree("[]"), "(list)");
  EXPECT_EQ(Tree("[1, 2,]"), "(list 1=1 2=2)");
  EXPECT_EQ(Tree("(a)"), "(paren a)");
  EXPECT_EQ(Tree("10_000 == 45s"), "(== 10_000=10000 45s=45)");
  EXPECT_EQ(Tree("1h30m == 7d"), "(== 1h30m=5400 7d=604800)");
  EXPECT_EQ(Tree("true != false"), "(!= #t #f)");
  EXPECT_EQ(Tree("action == \"x\""), "(== action \"x\")");
  // Any word after a dot, keywords included.
  EXPECT_EQ(Tree("params.action == params.in"),
            "(== (. params action) (. params in))");
  EXPECT_EQ(Tree("params.grant.default"), "(. (. params grant) default)");
}

TEST(ExprTest, Ranges) {
  EXPECT_EQ(Tree("n in 9..17"), "(in n (range 9=9 17=17))");
  EXPECT_EQ(Tree("n in (-5)..5"), "(in n (range (paren (neg 5=5)) 5=5))");
  EXPECT_EQ(Tree("n in -5..a + 1"), "(in n (range (neg 5=5) (+ a 1=1)))");
  EXPECT_EQ(Tree("hour(t, \"UTC\") in 9..17 and x"),
            "(and (in (call hour t \"UTC\") (range 9=9 17=17)) x)");
  auto p = ParseWhen("n == 1..2");
  ASSERT_EQ(p->diags.all().size(), 1u);
  EXPECT_EQ(p->diags.all()[0].message, "a range `a..b` can only follow `in`");
  EXPECT_EQ(p->sources.Slice(p->diags.all()[0].span), "..");
  EXPECT_EQ(Tree("1..2").substr(0, 6), "error:");
}

TEST(ExprTest, SpansAndPayloads) {
  auto p = ParseWhen("not (requester.attrs[\"k\"] == -10) or f(x, 2)");
  const ast::Expr* e = Condition(*p);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(p->sources.Slice(e->span),
            "not (requester.attrs[\"k\"] == -10) or f(x, 2)");
  const ast::Expr& lhs = *e->children[0];
  EXPECT_EQ(p->sources.Slice(lhs.span), "not (requester.attrs[\"k\"] == -10)");
  const ast::Expr& paren = *lhs.children[0];
  EXPECT_EQ(paren.kind, ast::ExprKind::kParen);
  EXPECT_EQ(p->sources.Slice(paren.span), "(requester.attrs[\"k\"] == -10)");
  const ast::Expr& eq = *paren.children[0];
  const ast::Expr& index = *eq.children[0];
  EXPECT_EQ(p->sources.Slice(index.span), "requester.attrs[\"k\"]");
  const ast::Expr& field = *index.children[0];
  EXPECT_EQ(field.name, "attrs");
  EXPECT_EQ(p->sources.Slice(field.name_span), "attrs");
  EXPECT_EQ(p->sources.Slice(field.span), "requester.attrs");
  EXPECT_EQ(index.children[1]->string_value, "k");
  EXPECT_EQ(p->sources.Slice(eq.children[1]->span), "-10");
  const ast::Expr& call = *e->children[1];
  EXPECT_EQ(call.kind, ast::ExprKind::kCall);
  EXPECT_EQ(p->sources.Slice(call.name_span), "f");
  EXPECT_EQ(p->sources.Slice(call.span), "f(x, 2)");
  EXPECT_EQ(call.children.size(), 2u);
}

TEST(ExprTest, BareNamesAreIdentifiersOrAction) {
  auto p = ParseWhen("grant == 1");
  ASSERT_EQ(p->diags.all().size(), 1u);
  EXPECT_EQ(p->diags.all()[0].message,
            "unexpected `grant`; expected an expression");
  EXPECT_EQ(p->diags.all()[0].help,
            "`grant` is a reserved word and cannot be used as a name");
}

TEST(ExprTest, LongChainsAreLimited) {
  std::string chain = "a";
  for (int i = 0; i < 5000; ++i) chain += " or a";
  auto p = ParseWhen(chain);
  ASSERT_EQ(p->diags.all().size(), 1u);
  EXPECT_EQ(p->diags.all()[0].kind, DiagKind::kNestingTooDeep);
  EXPECT_TRUE(p->file.decls.empty());
  std::string fine = "a";
  for (int i = 0; i < 500; ++i) fine += " + a";
  EXPECT_EQ(Tree(fine).substr(0, 4), "(+ (");
}

}  // namespace
}  // namespace signoff::parse
