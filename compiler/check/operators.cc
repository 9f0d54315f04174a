// Expression typing of binary operators: logic, comparison, arithmetic,
// membership (`in`), `like` and `matches`; list literals and ranges.
#include <string>

#include "compiler/check/expr_checker.h"
#include "compiler/check/semantic.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::check::internal {
namespace {

bool IsEquatable(Type t) {
  switch (t) {
    case Type::kInt:
    case Type::kString:
    case Type::kBool:
    case Type::kDuration:
    case Type::kTime:
    case Type::kIp:
    case Type::kListString:
    case Type::kListInt:
      return true;
    default:
      return false;
  }
}

bool IsOrdered(Type t) {
  return t == Type::kInt || t == Type::kDuration || t == Type::kTime ||
         t == Type::kString;
}

// Types a list literal may hold (compared with `==` by `in`).
bool IsElementType(Type t) {
  return t == Type::kInt || t == Type::kString || t == Type::kBool ||
         t == Type::kDuration || t == Type::kTime || t == Type::kIp;
}

bool IsLiteralElement(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::kStringLit || e.kind == ast::ExprKind::kIntLit) {
    return true;
  }
  return e.kind == ast::ExprKind::kUnary && e.unary_op == ast::UnaryOp::kNeg &&
         e.children[0]->kind == ast::ExprKind::kIntLit;
}

// Sets the type of the parentheses around `inner` too.
void SetTypeThroughParens(ast::Expr& outer, Type type) {
  for (ast::Expr* e = &outer;; e = e->children[0].get()) {
    e->type = type;
    if (e->kind != ast::ExprKind::kParen || e->children.empty()) break;
  }
}

}  // namespace

Type ExprChecker::CheckBinary(ast::Expr& expr) {
  switch (expr.binary_op) {
    case ast::BinaryOp::kOr:
    case ast::BinaryOp::kAnd:
      return CheckLogic(expr);
    case ast::BinaryOp::kEq:
    case ast::BinaryOp::kNe:
    case ast::BinaryOp::kLt:
    case ast::BinaryOp::kLe:
    case ast::BinaryOp::kGt:
    case ast::BinaryOp::kGe:
      return CheckComparison(expr);
    case ast::BinaryOp::kIn:
      return CheckIn(expr);
    case ast::BinaryOp::kLike:
    case ast::BinaryOp::kMatches:
      return CheckPatternOp(expr);
    case ast::BinaryOp::kAdd:
    case ast::BinaryOp::kSub:
    case ast::BinaryOp::kMul:
      return CheckArithmetic(expr);
  }
  return Type::kError;
}

Type ExprChecker::CheckLogic(ast::Expr& expr) {
  std::string op(ast::BinaryOpSpelling(expr.binary_op));
  for (ast::ExprPtr& operand : expr.children) {
    Type type = CheckValue(*operand);
    if (type != Type::kError && type != Type::kBool) {
      Mismatch(operand->span,
               Quote(op) + " needs `bool` operands, found " + QuoteType(type));
    }
  }
  return Type::kBool;
}

Type ExprChecker::CheckComparison(ast::Expr& expr) {
  std::string op(ast::BinaryOpSpelling(expr.binary_op));
  Type left = CheckValue(*expr.children[0]);
  Type right = CheckValue(*expr.children[1]);
  if (left == Type::kError || right == Type::kError) return Type::kBool;
  if (left != right) {
    std::string help;
    if ((left == Type::kDuration && right == Type::kInt) ||
        (left == Type::kInt && right == Type::kDuration)) {
      help = "write a duration with its unit, e.g. `30m`";
    }
    Mismatch(expr.span,
             "cannot compare " + QuoteType(left) + " with " + QuoteType(right),
             std::move(help));
    return Type::kBool;
  }
  bool equality = expr.binary_op == ast::BinaryOp::kEq ||
                  expr.binary_op == ast::BinaryOp::kNe;
  if (equality ? !IsEquatable(left) : !IsOrdered(left)) {
    Mismatch(expr.span, Quote(op) + " is not defined for " + QuoteType(left));
  }
  return Type::kBool;
}

Type ExprChecker::CheckArithmetic(ast::Expr& expr) {
  std::string op(ast::BinaryOpSpelling(expr.binary_op));
  Type left = CheckValue(*expr.children[0]);
  Type right = CheckValue(*expr.children[1]);
  if (left == Type::kError || right == Type::kError) return Type::kError;
  if (expr.binary_op == ast::BinaryOp::kMul) {
    if (left == Type::kInt && right == Type::kInt) return Type::kInt;
    Mismatch(expr.span, "`*` needs `int` operands, found " + QuoteType(left) +
                            " and " + QuoteType(right));
    return Type::kError;
  }
  if (left == right && (left == Type::kInt || left == Type::kDuration)) {
    return left;
  }
  if (left != right) {
    Mismatch(expr.span, Quote(op) + " needs operands of one type, found " +
                            QuoteType(left) + " and " + QuoteType(right));
  } else {
    Mismatch(expr.span, Quote(op) + " is not defined for " + QuoteType(left),
             "arithmetic works on `int` and `duration`");
  }
  return Type::kError;
}

Type ExprChecker::CheckIn(ast::Expr& expr) {
  ast::Expr& left_expr = *expr.children[0];
  ast::Expr& right_expr = *expr.children[1];
  Type left = CheckValue(left_expr);
  ast::Expr& inner = StripParens(right_expr);
  if (inner.kind == ast::ExprKind::kListLit) {
    return CheckInList(expr, left, inner);
  }
  Type right = Check(right_expr);
  if (left == Type::kError || right == Type::kError) return Type::kBool;
  if (right == Type::kRange) {
    if (left != Type::kInt) {
      Mismatch(left_expr.span,
               "a range holds `int` values, but the left side of `in` is " +
                   QuoteType(left));
    }
  } else if (right == Type::kGroup) {
    if (left != Type::kString) {
      Mismatch(left_expr.span,
               "group membership needs a `string` on the left of `in`, "
               "found " +
                   QuoteType(left));
    }
  } else if (IsListType(right)) {
    if (ElementType(right) != left) {
      Mismatch(expr.span, "`in` looks for " + QuoteType(left) + " in a " +
                              QuoteType(right));
    }
  } else {
    Mismatch(right_expr.span,
             "the right side of `in` must be a list, a range or a group, "
             "found " +
                 QuoteType(right),
             right == Type::kString
                 ? "to look for a substring, use `contains(s, sub)`"
                 : "");
  }
  return Type::kBool;
}

Type ExprChecker::CheckInList(ast::Expr& expr, Type left, ast::Expr& list) {
  Type element = CheckListElements(list);
  Type list_type = element == Type::kString ? Type::kListString
                   : element == Type::kInt  ? Type::kListInt
                                            : Type::kError;
  SetTypeThroughParens(*expr.children[1], list_type);
  if (list.children.empty() || element == Type::kError ||
      left == Type::kError) {
    return Type::kBool;
  }
  if (element != left) {
    Mismatch(expr.span, "`in` looks for " + QuoteType(left) + " in a list of " +
                            QuoteType(element));
  }
  return Type::kBool;
}

Type ExprChecker::CheckListElements(ast::Expr& list) {
  Type common = Type::kError;
  bool bad = false;
  for (ast::ExprPtr& child : list.children) {
    Type type = CheckValue(*child);
    if (type == Type::kError) {
      bad = true;
    } else if (!IsElementType(type)) {
      Mismatch(child->span,
               "a list literal holds `string`, `int`, `bool`, `duration`, "
               "`time` or `ip` values, found " +
                   QuoteType(type));
      bad = true;
    } else if (common == Type::kError) {
      common = type;
    } else if (type != common) {
      Mismatch(child->span, "list elements must share one type: " +
                                QuoteType(common) + " then " + QuoteType(type));
      bad = true;
    }
  }
  return bad ? Type::kError : common;
}

Type ExprChecker::CheckListValue(ast::Expr& expr) {
  Type element = CheckListElements(expr);
  if (expr.children.empty()) {
    Mismatch(expr.span, "the type of an empty list is unknown here",
             "an empty list can only be used on the right of `in`");
    return Type::kError;
  }
  if (element == Type::kError) return Type::kError;
  if (element != Type::kString && element != Type::kInt) {
    Mismatch(expr.span,
             "a list value holds `string` or `int` elements, found " +
                 QuoteType(element),
             "a list of other values can only be used on the right of `in`");
    return Type::kError;
  }
  for (ast::ExprPtr& child : expr.children) {
    if (!IsLiteralElement(*child)) {
      state_.diags.Report(
          DiagKind::kNotLiteral, child->span,
          "a list outside the right side of `in` must hold only literals");
      return Type::kError;
    }
  }
  return element == Type::kString ? Type::kListString : Type::kListInt;
}

Type ExprChecker::CheckRange(ast::Expr& expr) {
  for (ast::ExprPtr& bound : expr.children) {
    Type type = CheckValue(*bound);
    if (type != Type::kError && type != Type::kInt) {
      Mismatch(bound->span,
               "a range bound must be an `int`, found " + QuoteType(type));
    }
  }
  return Type::kRange;
}

Type ExprChecker::CheckPatternOp(ast::Expr& expr) {
  bool is_like = expr.binary_op == ast::BinaryOp::kLike;
  std::string op = is_like ? "like" : "matches";
  ast::Expr& left_expr = *expr.children[0];
  ast::Expr& right_expr = *expr.children[1];
  Type left = CheckValue(left_expr);
  if (left != Type::kError && left != Type::kString) {
    Mismatch(
        left_expr.span,
        Quote(op) + " needs a `string` on the left, found " + QuoteType(left));
  }
  ast::Expr& pattern = StripParens(right_expr);
  if (pattern.kind != ast::ExprKind::kStringLit) {
    if (CheckValue(right_expr) != Type::kError) {
      state_.diags.Report(
          DiagKind::kNotLiteral, right_expr.span,
          "the pattern of " + Quote(op) + " must be a string literal",
          "patterns are compiled with the policy; write it as `\"...\"`");
    }
    return Type::kBool;
  }
  SetTypeThroughParens(right_expr, Type::kString);
  if (!is_like) {
    auto regex = stdlib::Regex::Compile(pattern.string_value);
    if (!regex.ok()) {
      state_.diags.Report(DiagKind::kInvalidRegex, pattern.span,
                          "invalid regular expression: " +
                              std::string(AsStd(regex.status().message())));
    }
  }
  return Type::kBool;
}

}  // namespace signoff::check::internal
