// AST builder: expressions.
//
// Operator chains are loops in the grammar and are folded here to the left
// (`a - b - c` is `(a - b) - c`). Comparisons do not chain. Every node's
// depth is tracked so that a very long chain cannot build a tree deep
// enough to overflow the stack of a later (recursive) phase.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "compiler/parse/builder.h"
#include "compiler/parse/literals.h"
#include "stdlib/absl_compat.h"

namespace signoff::parse {
namespace {

using P = SignoffParser;

ast::BinaryOp OpFor(size_t token_type) {
  switch (token_type) {
    case P::OR:
      return ast::BinaryOp::kOr;
    case P::AND:
      return ast::BinaryOp::kAnd;
    case P::EQ:
      return ast::BinaryOp::kEq;
    case P::NE:
      return ast::BinaryOp::kNe;
    case P::LT:
      return ast::BinaryOp::kLt;
    case P::LE:
      return ast::BinaryOp::kLe;
    case P::GT:
      return ast::BinaryOp::kGt;
    case P::GE:
      return ast::BinaryOp::kGe;
    case P::IN:
      return ast::BinaryOp::kIn;
    case P::LIKE:
      return ast::BinaryOp::kLike;
    case P::MATCHES:
      return ast::BinaryOp::kMatches;
    case P::PLUS:
      return ast::BinaryOp::kAdd;
    case P::MINUS:
      return ast::BinaryOp::kSub;
    default:
      return ast::BinaryOp::kMul;
  }
}

// The operator tokens between the operands of a chain rule.
std::vector<antlr4::Token*> ChainOperators(antlr4::ParserRuleContext* ctx) {
  std::vector<antlr4::Token*> ops;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(child)) {
      ops.push_back(t->getSymbol());
    }
  }
  return ops;
}

}  // namespace

bool AstBuilder::Track(const ast::Expr& expr) {
  int depth = 1;
  for (const ast::ExprPtr& child : expr.children) {
    if (child == nullptr) continue;
    auto it = depth_.find(child.get());
    depth = std::max(depth, (it == depth_.end() ? 1 : it->second) + 1);
  }
  depth_[&expr] = depth;
  if (depth > kMaxExprDepth && !too_deep_) {
    too_deep_ = true;
    failed_ = true;
    state_.diags.Report(
        DiagKind::kNestingTooDeep, expr.span,
        absl::StrCat("expression is nested more than ", kMaxExprDepth,
                     " operations deep"),
        "split it into several `when` clauses, or test membership with "
        "`in [...]` instead of chaining `or`");
  }
  return !too_deep_;
}

ast::ExprPtr AstBuilder::Binary(ast::BinaryOp op, ast::ExprPtr left,
                                ast::ExprPtr right) {
  auto expr = ast::MakeExpr(ast::ExprKind::kBinary,
                            SourceSpan::Cover(left->span, right->span));
  expr->binary_op = op;
  expr->children.push_back(std::move(left));
  expr->children.push_back(std::move(right));
  Track(*expr);
  return expr;
}

ast::ExprPtr AstBuilder::Expr(P::ExprContext* ctx) { return Or(ctx->orExpr()); }

ast::ExprPtr AstBuilder::Or(P::OrExprContext* ctx) {
  std::vector<P::AndExprContext*> operands = ctx->andExpr();
  ast::ExprPtr left = And(operands[0]);
  for (size_t i = 1; i < operands.size() && !too_deep_; ++i) {
    left = Binary(ast::BinaryOp::kOr, std::move(left), And(operands[i]));
  }
  return left;
}

ast::ExprPtr AstBuilder::And(P::AndExprContext* ctx) {
  std::vector<P::NotExprContext*> operands = ctx->notExpr();
  ast::ExprPtr left = Not(operands[0]);
  for (size_t i = 1; i < operands.size() && !too_deep_; ++i) {
    left = Binary(ast::BinaryOp::kAnd, std::move(left), Not(operands[i]));
  }
  return left;
}

ast::ExprPtr AstBuilder::Not(P::NotExprContext* ctx) {
  if (ctx->cmpExpr() != nullptr) return Compare(ctx->cmpExpr());
  ast::ExprPtr operand = Not(ctx->notExpr());
  auto expr = ast::MakeExpr(ast::ExprKind::kUnary, state_.map.Span(ctx));
  expr->unary_op = ast::UnaryOp::kNot;
  expr->children.push_back(std::move(operand));
  Track(*expr);
  return expr;
}

ast::ExprPtr AstBuilder::Compare(P::CmpExprContext* ctx) {
  ast::ExprPtr left = Add(ctx->addExpr());
  std::vector<P::CmpOpContext*> ops = ctx->cmpOp();
  std::vector<P::CmpOperandContext*> operands = ctx->cmpOperand();
  if (ops.empty()) return left;
  ast::BinaryOp op = OpFor(ops[0]->getStart()->getType());
  ast::ExprPtr right = CompareOperand(operands[0], op == ast::BinaryOp::kIn);
  left = Binary(op, std::move(left), std::move(right));
  if (ops.size() > 1) {
    StructuralError(
        state_.map.Span(ops[1]),
        absl::StrCat("`", AsAbsl(state_.map.Text(ops[1]->getStart())),
                     "` cannot follow another comparison; comparison "
                     "operators do not chain"),
        "combine comparisons with `and`, as in `a < b and b < c`");
  }
  return left;
}

ast::ExprPtr AstBuilder::CompareOperand(P::CmpOperandContext* ctx,
                                        bool allow_range) {
  std::vector<P::AddExprContext*> bounds = ctx->addExpr();
  ast::ExprPtr low = Add(bounds[0]);
  if (bounds.size() < 2) return low;
  if (!allow_range) {
    StructuralError(state_.map.Span(ctx->DOTDOT()),
                    "a range `a..b` can only follow `in`",
                    "write a membership test such as `hour in 9..17`");
  }
  ast::ExprPtr high = Add(bounds[1]);
  auto range = ast::MakeExpr(ast::ExprKind::kRange, state_.map.Span(ctx));
  range->children.push_back(std::move(low));
  range->children.push_back(std::move(high));
  Track(*range);
  return range;
}

ast::ExprPtr AstBuilder::Add(P::AddExprContext* ctx) {
  std::vector<P::MulExprContext*> operands = ctx->mulExpr();
  std::vector<antlr4::Token*> ops = ChainOperators(ctx);
  ast::ExprPtr left = Mul(operands[0]);
  for (size_t i = 1; i < operands.size() && !too_deep_; ++i) {
    left =
        Binary(OpFor(ops[i - 1]->getType()), std::move(left), Mul(operands[i]));
  }
  return left;
}

ast::ExprPtr AstBuilder::Mul(P::MulExprContext* ctx) {
  std::vector<P::UnaryExprContext*> operands = ctx->unaryExpr();
  ast::ExprPtr left = Unary(operands[0]);
  for (size_t i = 1; i < operands.size() && !too_deep_; ++i) {
    left = Binary(ast::BinaryOp::kMul, std::move(left), Unary(operands[i]));
  }
  return left;
}

ast::ExprPtr AstBuilder::Unary(P::UnaryExprContext* ctx) {
  if (ctx->postfixExpr() != nullptr) return Postfix(ctx->postfixExpr());
  ast::ExprPtr operand = Unary(ctx->unaryExpr());
  auto expr = ast::MakeExpr(ast::ExprKind::kUnary, state_.map.Span(ctx));
  expr->unary_op = ast::UnaryOp::kNeg;
  expr->children.push_back(std::move(operand));
  Track(*expr);
  return expr;
}

ast::ExprPtr AstBuilder::Postfix(P::PostfixExprContext* ctx) {
  ast::ExprPtr expr = Primary(ctx->primary());
  for (P::PostfixOpContext* op : ctx->postfixOp()) {
    if (too_deep_) break;
    SourceSpan span = SourceSpan::Cover(expr->span, state_.map.Span(op));
    ast::ExprPtr node;
    if (auto* field = dynamic_cast<P::FieldOpContext*>(op)) {
      node = ast::MakeExpr(ast::ExprKind::kField, span);
      ast::Identifier name = Word(field->word());
      node->name = std::move(name.name);
      node->name_span = name.span;
      node->children.push_back(std::move(expr));
    } else {
      auto* index = static_cast<P::IndexOpContext*>(op);
      node = ast::MakeExpr(ast::ExprKind::kIndex, span);
      node->children.push_back(std::move(expr));
      node->children.push_back(Expr(index->expr()));
    }
    Track(*node);
    expr = std::move(node);
  }
  return expr;
}

ast::ExprPtr AstBuilder::Primary(P::PrimaryContext* ctx) {
  SourceSpan span = state_.map.Span(ctx);
  antlr4::Token* first = ctx->getStart();
  ast::ExprPtr expr;
  if (auto* lit = dynamic_cast<P::IntLitContext*>(ctx)) {
    expr = ast::MakeExpr(ast::ExprKind::kIntLit, span);
    expr->int_value = Int(lit->INT());
    expr->text = state_.map.Text(first);
  } else if (auto* str = dynamic_cast<P::StringLitContext*>(ctx)) {
    expr = ast::MakeExpr(ast::ExprKind::kStringLit, span);
    ast::StringLiteral value = String(str->STRING());
    expr->string_value = std::move(value.value);
    expr->text = std::move(value.text);
  } else if (auto* dur = dynamic_cast<P::DurationLitContext*>(ctx)) {
    expr = ast::MakeExpr(ast::ExprKind::kDurationLit, span);
    expr->int_value = Duration(dur->DURATION());
    expr->text = state_.map.Text(first);
  } else if (dynamic_cast<P::BoolLitContext*>(ctx) != nullptr) {
    expr = ast::MakeExpr(ast::ExprKind::kBoolLit, span);
    expr->bool_value = first->getType() == P::TRUE;
    expr->text = state_.map.Text(first);
  } else if (auto* list = dynamic_cast<P::ListLitContext*>(ctx)) {
    expr = ast::MakeExpr(ast::ExprKind::kListLit, span);
    for (P::ExprContext* item : list->expr()) {
      if (too_deep_) break;
      expr->children.push_back(Expr(item));
    }
  } else if (auto* paren = dynamic_cast<P::ParenExprContext*>(ctx)) {
    expr = ast::MakeExpr(ast::ExprKind::kParen, span);
    expr->children.push_back(Expr(paren->expr()));
  } else if (auto* call = dynamic_cast<P::CallExprContext*>(ctx)) {
    expr = ast::MakeExpr(ast::ExprKind::kCall, span);
    ast::Identifier name = Ident(call->IDENT());
    expr->name = std::move(name.name);
    expr->name_span = name.span;
    for (P::ExprContext* arg : call->expr()) {
      if (too_deep_) break;
      expr->children.push_back(Expr(arg));
    }
  } else {
    expr = ast::MakeExpr(ast::ExprKind::kName, span);
    expr->name = state_.map.Text(first);
    expr->name_span = span;
  }
  Track(*expr);
  return expr;
}

}  // namespace signoff::parse
