// FormatExpr / FormatGroupExpr over hand-built trees (no parser needed).
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "compiler/ast/ast.h"
#include "compiler/fmt/formatter.h"

namespace signoff::fmt {
namespace {

using ast::BinaryOp;
using ast::ExprKind;
using ast::ExprPtr;

ExprPtr Name(std::string name) {
  ExprPtr e = ast::MakeExpr(ExprKind::kName, {});
  e->name = std::move(name);
  return e;
}
ExprPtr Lit(ExprKind kind, std::string text) {
  ExprPtr e = ast::MakeExpr(kind, {});
  e->text = std::move(text);
  return e;
}
ExprPtr Str(std::string decoded) {
  ExprPtr e = ast::MakeExpr(ExprKind::kStringLit, {});
  e->string_value = std::move(decoded);
  return e;
}
ExprPtr Field(ExprPtr x, std::string name) {
  ExprPtr e = ast::MakeExpr(ExprKind::kField, {});
  e->name = std::move(name);
  e->children.push_back(std::move(x));
  return e;
}
ExprPtr Path(std::string root, std::string field) {
  return Field(Name(std::move(root)), std::move(field));
}
ExprPtr Bin(BinaryOp op, ExprPtr a, ExprPtr b) {
  ExprPtr e = ast::MakeExpr(ExprKind::kBinary, {});
  e->binary_op = op;
  e->children.push_back(std::move(a));
  e->children.push_back(std::move(b));
  return e;
}
ExprPtr Un(ast::UnaryOp op, ExprPtr x) {
  ExprPtr e = ast::MakeExpr(ExprKind::kUnary, {});
  e->unary_op = op;
  e->children.push_back(std::move(x));
  return e;
}
ExprPtr Paren(ExprPtr x) {
  ExprPtr e = ast::MakeExpr(ExprKind::kParen, {});
  e->children.push_back(std::move(x));
  return e;
}
template <typename... Args>
ExprPtr Node(ExprKind kind, Args... args) {
  ExprPtr e = ast::MakeExpr(kind, {});
  (e->children.push_back(std::move(args)), ...);
  return e;
}
ExprPtr Call(std::string name, std::vector<ExprPtr> args) {
  ExprPtr e = ast::MakeExpr(ExprKind::kCall, {});
  e->name = std::move(name);
  e->children = std::move(args);
  return e;
}
std::vector<ExprPtr> Args(ExprPtr a, ExprPtr b) {
  std::vector<ExprPtr> v;
  v.push_back(std::move(a));
  v.push_back(std::move(b));
  return v;
}

TEST(FormatExprTest, Operators) {
  EXPECT_EQ(FormatExpr(*Bin(BinaryOp::kNe, Path("approver", "team"),
                            Path("requester", "team"))),
            "approver.team != requester.team");
  EXPECT_EQ(FormatExpr(*Bin(BinaryOp::kIn, Path("params", "classification"),
                            Node(ExprKind::kListLit,
                                 Lit(ExprKind::kStringLit, "\"confidential\""),
                                 Lit(ExprKind::kStringLit, "\"restricted\"")))),
            "params.classification in [\"confidential\", \"restricted\"]");
  EXPECT_EQ(FormatExpr(*Bin(BinaryOp::kIn, Name("n"),
                            Node(ExprKind::kRange, Lit(ExprKind::kIntLit, "9"),
                                 Lit(ExprKind::kIntLit, "17")))),
            "n in 9..17");
  EXPECT_EQ(FormatExpr(*Un(ast::UnaryOp::kNot, Name("x"))), "not x");
  EXPECT_EQ(FormatExpr(*Un(ast::UnaryOp::kNeg, Name("x"))), "-x");
  EXPECT_EQ(
      FormatExpr(*Un(ast::UnaryOp::kNeg, Un(ast::UnaryOp::kNeg, Name("x")))),
      "- -x");
  EXPECT_EQ(FormatExpr(*Bin(BinaryOp::kLike, Path("params", "destination"),
                            Lit(ExprKind::kStringLit, "\"s3://public-*\""))),
            "params.destination like \"s3://public-*\"");
}

TEST(FormatExprTest, LiteralsKeepTheirSpelling) {
  EXPECT_EQ(FormatExpr(*Lit(ExprKind::kIntLit, "10_000")), "10_000");
  EXPECT_EQ(FormatExpr(*Lit(ExprKind::kDurationLit, "1h30m")), "1h30m");
  EXPECT_EQ(FormatExpr(*Lit(ExprKind::kStringLit, R"("a\u{1F600}\"b")")),
            R"("a\u{1F600}\"b")");
  ExprPtr t = ast::MakeExpr(ExprKind::kBoolLit, {});
  t->bool_value = true;
  EXPECT_EQ(FormatExpr(*t), "true");
  // Hand-built literals without text fall back to canonical spelling.
  EXPECT_EQ(FormatExpr(*Str("a\"b\n")), R"("a\"b\n")");
  ExprPtr d = ast::MakeExpr(ExprKind::kDurationLit, {});
  d->int_value = 5400;
  EXPECT_EQ(FormatExpr(*d), "1h30m");
  ExprPtr i = ast::MakeExpr(ExprKind::kIntLit, {});
  i->int_value = 42;
  EXPECT_EQ(FormatExpr(*i), "42");
}

TEST(FormatExprTest, CallsIndexAndLists) {
  EXPECT_EQ(FormatExpr(*Call("starts_with",
                             Args(Path("params", "dataset"), Str("pii_")))),
            "starts_with(params.dataset, \"pii_\")");
  EXPECT_EQ(FormatExpr(*Call("f", {})), "f()");
  EXPECT_EQ(
      FormatExpr(*Node(ExprKind::kIndex, Path("requester", "attrs"), Str("k"))),
      "requester.attrs[\"k\"]");
  EXPECT_EQ(FormatExpr(*Node(ExprKind::kListLit)), "[]");
  EXPECT_EQ(FormatExpr(*Field(Call("f", {}), "x")), "f().x");
}

TEST(FormatExprTest, ParenthesesAsWritten) {
  // (a or b) and c
  EXPECT_EQ(FormatExpr(*Bin(BinaryOp::kAnd,
                            Paren(Bin(BinaryOp::kOr, Name("a"), Name("b"))),
                            Name("c"))),
            "(a or b) and c");
  // Redundant parentheses the author wrote are kept.
  EXPECT_EQ(
      FormatExpr(*Paren(Bin(BinaryOp::kAnd, Name("a"), Paren(Name("b"))))),
      "(a and (b))");
  // a or b and c: `and` binds tighter, no parentheses needed.
  EXPECT_EQ(FormatExpr(*Bin(BinaryOp::kOr, Name("a"),
                            Bin(BinaryOp::kAnd, Name("b"), Name("c")))),
            "a or b and c");
  EXPECT_EQ(FormatExpr(*Un(ast::UnaryOp::kNot,
                           Paren(Bin(BinaryOp::kOr, Name("a"), Name("b"))))),
            "not (a or b)");
  // not a == b parses as not (a == b): no parentheses.
  EXPECT_EQ(FormatExpr(*Un(ast::UnaryOp::kNot,
                           Bin(BinaryOp::kEq, Name("a"), Name("b")))),
            "not a == b");
  EXPECT_EQ(FormatExpr(*Bin(BinaryOp::kMul, Name("a"),
                            Paren(Bin(BinaryOp::kAdd, Name("b"),
                                      Lit(ExprKind::kIntLit, "1"))))),
            "a * (b + 1)");
}

TEST(FormatExprTest, HandBuiltTreesGetNeededParentheses) {
  // Trees without Paren nodes still print text that parses back to them.
  EXPECT_EQ(
      FormatExpr(*Bin(BinaryOp::kAnd, Bin(BinaryOp::kOr, Name("a"), Name("b")),
                      Name("c"))),
      "(a or b) and c");
  EXPECT_EQ(FormatExpr(*Bin(BinaryOp::kSub, Name("a"),
                            Bin(BinaryOp::kSub, Name("b"), Name("c")))),
            "a - (b - c)");
  EXPECT_EQ(
      FormatExpr(*Bin(BinaryOp::kSub, Bin(BinaryOp::kSub, Name("a"), Name("b")),
                      Name("c"))),
      "a - b - c");
  EXPECT_EQ(FormatExpr(*Bin(BinaryOp::kAnd, Name("a"),
                            Bin(BinaryOp::kAnd, Name("b"), Name("c")))),
            "a and b and c");
  EXPECT_EQ(FormatExpr(*Bin(BinaryOp::kEq, Un(ast::UnaryOp::kNot, Name("a")),
                            Name("b"))),
            "(not a) == b");
  EXPECT_EQ(
      FormatExpr(*Bin(BinaryOp::kEq, Bin(BinaryOp::kEq, Name("a"), Name("b")),
                      Name("c"))),
      "(a == b) == c");
  EXPECT_EQ(FormatExpr(*Field(Bin(BinaryOp::kAdd, Name("a"), Name("b")), "x")),
            "(a + b).x");
  EXPECT_EQ(FormatExpr(*Un(ast::UnaryOp::kNeg,
                           Bin(BinaryOp::kMul, Name("a"), Name("b")))),
            "-(a * b)");
}

TEST(FormatExprTest, LongChainsDoNotRecurse) {
  // A left-deep chain as long as a 4 MiB file allows.
  constexpr int kTerms = 500000;
  ExprPtr chain = Name("a");
  for (int i = 1; i < kTerms; ++i) {
    chain = Bin(BinaryOp::kOr, std::move(chain), Name("a"));
  }
  std::string text = FormatExpr(*chain);
  EXPECT_EQ(text.size(), kTerms * 1 + (kTerms - 1) * 4);
  ExprPtr fields = Name("x");
  for (int i = 0; i < kTerms; ++i) fields = Field(std::move(fields), "f");
  EXPECT_EQ(FormatExpr(*fields).size(), 1 + kTerms * 2);
  // Destroying these trees recurses too; unlink them iteratively.
  for (ExprPtr* e : {&chain, &fields}) {
    while (*e != nullptr && !(*e)->children.empty()) {
      ExprPtr next = std::move((*e)->children[0]);
      *e = std::move(next);
    }
  }
}

TEST(FormatExprTest, MixedChains) {
  EXPECT_EQ(
      FormatExpr(*Bin(BinaryOp::kAdd, Bin(BinaryOp::kSub, Name("a"), Name("b")),
                      Name("c"))),
      "a - b + c");
  EXPECT_EQ(
      FormatExpr(*Bin(BinaryOp::kOr, Bin(BinaryOp::kAnd, Name("a"), Name("b")),
                      Bin(BinaryOp::kAnd, Name("c"), Name("d")))),
      "a and b or c and d");
  ExprPtr idx = Node(ExprKind::kIndex, Path("requester", "attrs"), Str("k"));
  EXPECT_EQ(FormatExpr(*Field(std::move(idx), "x")),
            "requester.attrs[\"k\"].x");
}

ast::GroupExprPtr Group(ast::GroupExpr::Kind kind) {
  auto g = std::make_unique<ast::GroupExpr>();
  g->kind = kind;
  return g;
}

TEST(FormatGroupExprTest, AllKinds) {
  auto ref = Group(ast::GroupExpr::Kind::kRef);
  ref->ref.name = "sre";
  EXPECT_EQ(FormatGroupExpr(*ref), "sre");

  auto members = Group(ast::GroupExpr::Kind::kMembers);
  members->members.push_back({"alice", "\"alice\"", {}});
  members->members.push_back({"bob", "", {}});  // no text: quoted value
  EXPECT_EQ(FormatGroupExpr(*members), "[\"alice\", \"bob\"]");

  auto dir = Group(ast::GroupExpr::Kind::kDirectory);
  dir->directory = {"oncall", "\"oncall\"", {}};
  EXPECT_EQ(FormatGroupExpr(*dir), "directory(\"oncall\")");

  auto x = Group(ast::GroupExpr::Kind::kMembers);
  x->members.push_back({"x", "\"x\"", {}});
  auto b = Group(ast::GroupExpr::Kind::kRef);
  b->ref.name = "b";
  auto a = Group(ast::GroupExpr::Kind::kRef);
  a->ref.name = "a";
  auto u = Group(ast::GroupExpr::Kind::kUnion);
  u->children.push_back(std::move(a));
  u->children.push_back(std::move(b));
  u->children.push_back(std::move(x));
  EXPECT_EQ(FormatGroupExpr(*u), "a | b | [\"x\"]");

  EXPECT_EQ(FormatGroupExpr(*Group(ast::GroupExpr::Kind::kMembers)), "[]");
}

}  // namespace
}  // namespace signoff::fmt
