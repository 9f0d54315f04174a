// FormatExpr and FormatGroupExpr: canonical single-line source text.
//
// Literals print their source spelling; operators get one space each side;
// parentheses appear where the author wrote them (ExprKind::kParen). A tree
// built by hand without Paren nodes still prints text that parses back to
// the same tree: a child that binds looser than its position requires is
// parenthesised. For parsed trees this never triggers, because the parser
// keeps the author's parentheses.
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/fmt/formatter.h"
#include "compiler/fmt/literal_text.h"
#include "stdlib/builtins.h"

namespace signoff::fmt {
namespace {

using ast::BinaryOp;
using ast::Expr;
using ast::ExprKind;
using ast::UnaryOp;

// Binding strength, loosest first (LANGUAGE.md §4). A range `a..b` sits
// between the comparisons (it is the right side of `in`) and `+ -`.
enum Prec : int {
  kPrecOr = 10,
  kPrecAnd = 20,
  kPrecNot = 30,
  kPrecCompare = 40,
  kPrecRange = 45,
  kPrecAdd = 50,
  kPrecMul = 60,
  kPrecNeg = 70,
  kPrecPostfix = 80,
  kPrecAtom = 90,
};

int BinaryPrec(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return kPrecOr;
    case BinaryOp::kAnd:
      return kPrecAnd;
    case BinaryOp::kEq:
    case BinaryOp::kNe:
    case BinaryOp::kLt:
    case BinaryOp::kLe:
    case BinaryOp::kGt:
    case BinaryOp::kGe:
    case BinaryOp::kIn:
    case BinaryOp::kLike:
    case BinaryOp::kMatches:
      return kPrecCompare;
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
      return kPrecAdd;
    case BinaryOp::kMul:
      return kPrecMul;
  }
  return kPrecAtom;
}

int ExprPrec(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kBinary:
      return BinaryPrec(e.binary_op);
    case ExprKind::kUnary:
      return e.unary_op == UnaryOp::kNot ? kPrecNot : kPrecNeg;
    case ExprKind::kRange:
      return kPrecRange;
    case ExprKind::kField:
    case ExprKind::kIndex:
    case ExprKind::kCall:
      return kPrecPostfix;
    case ExprKind::kIntLit:
    case ExprKind::kStringLit:
    case ExprKind::kBoolLit:
    case ExprKind::kDurationLit:
    case ExprKind::kListLit:
    case ExprKind::kName:
    case ExprKind::kParen:
      return kPrecAtom;
  }
  return kPrecAtom;
}

// Whether `op` gives the same result however a chain of it is grouped, so a
// right operand that is the same operator needs no parentheses.
bool IsAssociative(BinaryOp op) {
  return op == BinaryOp::kOr || op == BinaryOp::kAnd || op == BinaryOp::kAdd ||
         op == BinaryOp::kMul;
}

void Append(const Expr& e, std::string& out);

// Appends `child`, parenthesised when it binds looser than `min_prec`.
void AppendOperand(const Expr* child, int min_prec, std::string& out) {
  if (child == nullptr) {
    out += "<?>";
    return;
  }
  if (ExprPrec(*child) < min_prec) {
    out += '(';
    Append(*child, out);
    out += ')';
  } else {
    Append(*child, out);
  }
}

const Expr* Child(const Expr& e, size_t i) {
  return i < e.children.size() ? e.children[i].get() : nullptr;
}

void AppendList(const Expr& e, std::string& out) {
  for (size_t i = 0; i < e.children.size(); ++i) {
    if (i > 0) out += ", ";
    AppendOperand(e.children[i].get(), kPrecOr, out);
  }
}

// Operator chains (`a or b or c ...`) and postfix chains (`a.b[c].d`) form
// left-deep trees as long as the source line; they print iteratively so a
// long chain cannot exhaust the stack.
void AppendBinary(const Expr& e, std::string& out) {
  int prec = BinaryPrec(e.binary_op);
  // Comparisons do not associate: `a == b == c` is not valid source.
  int lhs_prec = prec == kPrecCompare ? prec + 1 : prec;
  std::vector<const Expr*> spine = {&e};  // outermost first
  while (prec != kPrecCompare) {
    const Expr* lhs = Child(*spine.back(), 0);
    if (lhs == nullptr || lhs->kind != ExprKind::kBinary ||
        BinaryPrec(lhs->binary_op) != prec) {
      break;
    }
    spine.push_back(lhs);
  }
  AppendOperand(Child(*spine.back(), 0), lhs_prec, out);
  for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
    const Expr& node = **it;
    out += ' ';
    out += ast::BinaryOpSpelling(node.binary_op);
    out += ' ';
    const Expr* rhs = Child(node, 1);
    bool same_op_ok = rhs != nullptr && rhs->kind == ExprKind::kBinary &&
                      rhs->binary_op == node.binary_op &&
                      IsAssociative(node.binary_op);
    AppendOperand(rhs, same_op_ok ? prec : prec + 1, out);
  }
}

bool IsPostfix(const Expr* e) {
  return e != nullptr &&
         (e->kind == ExprKind::kField || e->kind == ExprKind::kIndex);
}

void AppendPostfix(const Expr& e, std::string& out) {
  std::vector<const Expr*> spine = {&e};  // outermost first
  while (IsPostfix(Child(*spine.back(), 0))) {
    spine.push_back(Child(*spine.back(), 0));
  }
  AppendOperand(Child(*spine.back(), 0), kPrecPostfix, out);
  for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
    const Expr& node = **it;
    if (node.kind == ExprKind::kField) {
      out += '.';
      out += node.name;
    } else {
      out += '[';
      AppendOperand(Child(node, 1), kPrecOr, out);
      out += ']';
    }
  }
}

void AppendUnary(const Expr& e, std::string& out) {
  if (e.unary_op == UnaryOp::kNot) {
    out += "not ";
    AppendOperand(Child(e, 0), kPrecNot, out);
    return;
  }
  out += '-';
  size_t mark = out.size();
  AppendOperand(Child(e, 0), kPrecNeg, out);
  // `- -x` must not print as `--x`.
  if (out.size() > mark && out[mark] == '-') out.insert(mark, " ");
}

void Append(const Expr& e, std::string& out) {
  switch (e.kind) {
    case ExprKind::kIntLit:
      out += e.text.empty() ? std::to_string(e.int_value) : e.text;
      return;
    case ExprKind::kStringLit:
      out += e.text.empty() ? stdlib::QuoteString(e.string_value) : e.text;
      return;
    case ExprKind::kBoolLit:
      out += e.bool_value ? "true" : "false";
      return;
    case ExprKind::kDurationLit:
      out += e.text.empty() ? stdlib::FormatDuration(e.int_value) : e.text;
      return;
    case ExprKind::kListLit:
      out += '[';
      AppendList(e, out);
      out += ']';
      return;
    case ExprKind::kRange:
      AppendOperand(Child(e, 0), kPrecAdd, out);
      out += "..";
      AppendOperand(Child(e, 1), kPrecAdd, out);
      return;
    case ExprKind::kName:
      out += e.name;
      return;
    case ExprKind::kField:
    case ExprKind::kIndex:
      AppendPostfix(e, out);
      return;
    case ExprKind::kCall:
      out += e.name;
      out += '(';
      AppendList(e, out);
      out += ')';
      return;
    case ExprKind::kUnary:
      AppendUnary(e, out);
      return;
    case ExprKind::kBinary:
      AppendBinary(e, out);
      return;
    case ExprKind::kParen:
      out += '(';
      AppendOperand(Child(e, 0), kPrecOr, out);
      out += ')';
      return;
  }
}

void AppendGroup(const ast::GroupExpr& g, std::string& out) {
  switch (g.kind) {
    case ast::GroupExpr::Kind::kMembers:
      out += '[';
      for (size_t i = 0; i < g.members.size(); ++i) {
        if (i > 0) out += ", ";
        out += StringLiteralText(g.members[i]);
      }
      out += ']';
      return;
    case ast::GroupExpr::Kind::kDirectory:
      out += "directory(";
      out += StringLiteralText(g.directory);
      out += ')';
      return;
    case ast::GroupExpr::Kind::kRef:
      out += g.ref.name;
      return;
    case ast::GroupExpr::Kind::kUnion:
      for (size_t i = 0; i < g.children.size(); ++i) {
        if (i > 0) out += " | ";
        if (g.children[i] == nullptr) {
          out += "<?>";
        } else {
          AppendGroup(*g.children[i], out);
        }
      }
      return;
  }
}

}  // namespace

std::string FormatExpr(const ast::Expr& expr) {
  std::string out;
  Append(expr, out);
  return out;
}

std::string FormatGroupExpr(const ast::GroupExpr& group) {
  std::string out;
  AppendGroup(group, out);
  return out;
}

}  // namespace signoff::fmt
