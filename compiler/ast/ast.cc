#include "compiler/ast/ast.h"

namespace signoff::ast {

ExprPtr MakeExpr(ExprKind kind, SourceSpan span) {
  auto expr = std::make_unique<Expr>();
  expr->kind = kind;
  expr->span = span;
  return expr;
}

std::string_view BinaryOpSpelling(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return "or";
    case BinaryOp::kAnd:
      return "and";
    case BinaryOp::kEq:
      return "==";
    case BinaryOp::kNe:
      return "!=";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kIn:
      return "in";
    case BinaryOp::kLike:
      return "like";
    case BinaryOp::kMatches:
      return "matches";
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
  }
  return "?";
}

std::string_view ExprKindName(ExprKind kind) {
  switch (kind) {
#define SIGNOFF_EXPR(name) \
  case ExprKind::k##name:  \
    return #name;
#include "compiler/ast/expr_kinds.def"
  }
  return "?";
}

std::string_view ClauseKeyword(ClauseKind kind) {
  switch (kind) {
    case ClauseKind::kOn:
      return "on";
    case ClauseKind::kWhen:
      return "when";
    case ClauseKind::kUnless:
      return "unless";
    case ClauseKind::kAllow:
      return "allow";
    case ClauseKind::kDeny:
      return "deny";
    case ClauseKind::kRequire:
      return "require";
    case ClauseKind::kVeto:
      return "veto";
    case ClauseKind::kExpire:
      return "expire";
    case ClauseKind::kGrant:
      return "grant";
    case ClauseKind::kNotify:
      return "notify";
    case ClauseKind::kMessage:
      return "message";
    case ClauseKind::kEscalate:
      return "escalate";
  }
  return "?";
}

}  // namespace signoff::ast
