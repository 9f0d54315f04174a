// Private to the checker: static typing of expressions.
//
// Annotates every node with its type (Expr::type) and every name with what
// it refers to (Expr::ref, Expr::decl_index). A node typed kError was
// already reported; operators over it report nothing more.
#ifndef SIGNOFF_COMPILER_CHECK_EXPR_CHECKER_H_
#define SIGNOFF_COMPILER_CHECK_EXPR_CHECKER_H_

#include <string>

#include "compiler/ast/ast.h"
#include "compiler/check/check_state.h"

namespace signoff::check::internal {

class ExprChecker {
 public:
  // `params`: the scope `params.F` resolves in. `in_where`: whether
  // `approver` may be read.
  ExprChecker(CheckState& state, ParamScope& params, bool in_where)
      : state_(state), params_(params), in_where_(in_where) {}

  // A `when`, `unless` or `where` condition: must be `bool`.
  void CheckCondition(ast::Expr& expr);
  // A value (message interpolation, operand, argument): any value type;
  // groups and ranges are rejected. Returns the type (kError if reported).
  Type CheckValue(ast::Expr& expr);

 private:
  // Any expression, including group names and ranges.
  Type Check(ast::Expr& expr);
  Type CheckName(ast::Expr& expr);
  Type CheckField(ast::Expr& expr);
  Type CheckEntityField(ast::Expr& expr, ast::Expr& entity);
  Type CheckIndex(ast::Expr& expr);
  Type CheckUnary(ast::Expr& expr);
  Type CheckBinary(ast::Expr& expr);
  Type CheckLogic(ast::Expr& expr);
  Type CheckComparison(ast::Expr& expr);
  Type CheckArithmetic(ast::Expr& expr);
  Type CheckIn(ast::Expr& expr);
  Type CheckInList(ast::Expr& expr, Type left, ast::Expr& list);
  Type CheckPatternOp(ast::Expr& expr);
  Type CheckRange(ast::Expr& expr);
  Type CheckListValue(ast::Expr& expr);
  // The common element type of a list literal's elements; kError if they
  // do not share one (reported) or the list is empty (not reported).
  Type CheckListElements(ast::Expr& list);

  // calls.cc
  Type CheckCall(ast::Expr& expr);
  Type CheckHas(ast::Expr& expr);
  void CheckLiteralArgument(ast::Expr& call, ast::Expr& arg);

  void Mismatch(SourceSpan span, std::string message, std::string help = "");

  CheckState& state_;
  ParamScope& params_;
  bool in_where_;
};

}  // namespace signoff::check::internal

#endif  // SIGNOFF_COMPILER_CHECK_EXPR_CHECKER_H_
