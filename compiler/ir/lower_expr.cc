// Lowering of checked expressions to IR nodes (pools are in pools.cc).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/check/semantic.h"
#include "compiler/ir/lower_internal.h"
#include "stdlib/builtins.h"

namespace signoff::ir::internal {
namespace {

using ast::BinaryOp;
using ast::ExprKind;

bool IsLiteralInt(const ast::Expr& e) {
  return e.kind == ExprKind::kIntLit ||
         (e.kind == ExprKind::kUnary && e.unary_op == ast::UnaryOp::kNeg &&
          e.children[0]->kind == ExprKind::kIntLit);
}

int64_t LiteralInt(const ast::Expr& e) {
  if (e.kind == ExprKind::kIntLit) return e.int_value;
  // Negating a parsed literal cannot overflow: literals are at most INT64_MAX.
  return -e.children[0]->int_value;
}

// Whether every element is a string literal (or every one an int literal).
bool IsLiteralList(const ast::Expr& list, Type element) {
  for (const ast::ExprPtr& child : list.children) {
    const ast::Expr& e = check::StripParens(*child);
    if (element == Type::kString && e.kind != ExprKind::kStringLit) {
      return false;
    }
    if (element == Type::kInt && !IsLiteralInt(e)) return false;
  }
  return element == Type::kString || element == Type::kInt;
}

std::optional<SlotSource> SourceOf(ast::NameRef ref) {
  switch (ref) {
    case ast::NameRef::kParams:
      return SlotSource::kParams;
    case ast::NameRef::kRequester:
      return SlotSource::kRequester;
    case ast::NameRef::kContext:
      return SlotSource::kContext;
    case ast::NameRef::kApprover:
      return SlotSource::kApprover;
    default:
      return std::nullopt;
  }
}

Op BinaryOpCode(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return Op::kOr;
    case BinaryOp::kAnd:
      return Op::kAnd;
    case BinaryOp::kEq:
      return Op::kEq;
    case BinaryOp::kNe:
      return Op::kNe;
    case BinaryOp::kLt:
      return Op::kLt;
    case BinaryOp::kLe:
      return Op::kLe;
    case BinaryOp::kGt:
      return Op::kGt;
    case BinaryOp::kGe:
      return Op::kGe;
    case BinaryOp::kAdd:
      return Op::kAdd;
    case BinaryOp::kSub:
      return Op::kSub;
    case BinaryOp::kMul:
      return Op::kMul;
    case BinaryOp::kIn:
      return Op::kInList;
    case BinaryOp::kLike:
      return Op::kLike;
    case BinaryOp::kMatches:
      return Op::kMatches;
  }
  return Op::kEq;
}

}  // namespace

void PolicyBuilder::Fail(std::string message) {
  if (status_.ok()) status_ = absl::InternalError(message);
}

NodeId PolicyBuilder::Add(Op op, Type type, SourceSpan span,
                          std::vector<NodeId> args, int64_t imm, uint32_t ref) {
  for (NodeId arg : args) {
    if (arg == kNoNode) return kNoNode;  // an error was recorded below
  }
  Node node;
  node.op = op;
  node.type = type;
  node.imm = imm;
  node.ref = ref;
  node.args = std::move(args);
  node.span = span;
  policy_.nodes.push_back(std::move(node));
  return static_cast<NodeId>(policy_.nodes.size() - 1);
}

NodeId PolicyBuilder::LowerExpr(const ast::Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kIntLit:
      return Add(Op::kConstInt, Type::kInt, expr.span, {}, expr.int_value);
    case ExprKind::kStringLit:
      return Add(Op::kConstString, Type::kString, expr.span, {}, 0,
                 InternString(expr.string_value));
    case ExprKind::kBoolLit:
      return Add(Op::kConstBool, Type::kBool, expr.span, {},
                 expr.bool_value ? 1 : 0);
    case ExprKind::kDurationLit:
      return Add(Op::kConstDuration, Type::kDuration, expr.span, {},
                 expr.int_value);
    case ExprKind::kListLit:
      return LowerLiteralList(expr, ElementType(expr.type));
    case ExprKind::kName:
      if (expr.ref == ast::NameRef::kAction) {
        return Add(Op::kAction, Type::kString, expr.span);
      }
      Fail("name `" + expr.name + "` is not a value");
      return kNoNode;
    case ExprKind::kField:
      return LowerField(expr);
    case ExprKind::kIndex:
      return Add(Op::kIndex, Type::kString, expr.span,
                 {LowerExpr(*expr.children[0]), LowerExpr(*expr.children[1])});
    case ExprKind::kCall:
      return LowerCall(expr);
    case ExprKind::kUnary:
      return LowerUnary(expr);
    case ExprKind::kBinary:
      return LowerBinary(expr);
    case ExprKind::kParen:
      return LowerExpr(*expr.children[0]);
    case ExprKind::kRange:
      Fail("a range outside `in`");
      return kNoNode;
  }
  Fail("unknown expression kind");
  return kNoNode;
}

NodeId PolicyBuilder::LowerLiteralList(const ast::Expr& list, Type element) {
  if (!IsLiteralList(list, element) && !list.children.empty()) {
    Fail("a list value with non-literal elements");
    return kNoNode;
  }
  if (element == Type::kInt) {
    std::vector<int64_t> values;
    for (const ast::ExprPtr& child : list.children) {
      values.push_back(LiteralInt(check::StripParens(*child)));
    }
    return Add(Op::kConstListInt, Type::kListInt, list.span, {}, 0,
               InternIntList(std::move(values)));
  }
  std::vector<uint32_t> values;
  for (const ast::ExprPtr& child : list.children) {
    values.push_back(InternString(check::StripParens(*child).string_value));
  }
  return Add(Op::kConstListString, Type::kListString, list.span, {}, 0,
             InternStringList(std::move(values)));
}

NodeId PolicyBuilder::LowerField(const ast::Expr& expr) {
  const ast::Expr& object = *expr.children[0];
  std::optional<SlotSource> source;
  if (object.kind == ExprKind::kName) source = SourceOf(object.ref);
  if (!source.has_value()) {
    Fail("field `" + expr.name + "` of something that is not an entity");
    return kNoNode;
  }
  return Add(Op::kSlot, expr.type, expr.span, {}, 0,
             SlotFor(*source, expr.name, expr.type));
}

NodeId PolicyBuilder::LowerCall(const ast::Expr& expr) {
  if (expr.name == "has" && expr.children.size() == 1) {
    const ast::Expr& field = check::StripParens(*expr.children[0]);
    if (field.kind != ExprKind::kField) {
      Fail("`has` of something that is not a params field");
      return kNoNode;
    }
    return Add(Op::kPresent, Type::kBool, expr.span, {}, 0,
               SlotFor(SlotSource::kParams, field.name, field.type));
  }
  const stdlib::BuiltinInfo* chosen = nullptr;
  for (const stdlib::BuiltinInfo& info : stdlib::AllBuiltins()) {
    if (info.name != expr.name || info.args.size() != expr.children.size()) {
      continue;
    }
    bool match = true;
    for (size_t i = 0; i < info.args.size(); ++i) {
      match = match && info.args[i] == expr.children[i]->type;
    }
    if (match) chosen = &info;
  }
  if (chosen == nullptr) {
    Fail("no built-in `" + expr.name + "` for these argument types");
    return kNoNode;
  }
  std::vector<NodeId> args;
  for (const ast::ExprPtr& arg : expr.children) args.push_back(LowerExpr(*arg));
  uint32_t ref = 0;
  if (chosen->id == stdlib::Builtin::kHour ||
      chosen->id == stdlib::Builtin::kWeekday) {
    ref = InternTimeZone(check::StripParens(*expr.children[1]).string_value);
  } else if (chosen->id == stdlib::Builtin::kInCidr) {
    ref = InternCidr(check::StripParens(*expr.children[1]).string_value);
  }
  return Add(Op::kCall, chosen->result, expr.span, std::move(args),
             static_cast<int64_t>(chosen->id), ref);
}

NodeId PolicyBuilder::LowerUnary(const ast::Expr& expr) {
  Op op = expr.unary_op == ast::UnaryOp::kNot ? Op::kNot : Op::kNeg;
  return Add(op, expr.type, expr.span, {LowerExpr(*expr.children[0])});
}

NodeId PolicyBuilder::LowerBinary(const ast::Expr& expr) {
  switch (expr.binary_op) {
    case BinaryOp::kIn:
      return LowerIn(expr);
    case BinaryOp::kLike:
    case BinaryOp::kMatches:
      return LowerPatternOp(expr);
    default:
      break;
  }
  NodeId left = LowerExpr(*expr.children[0]);
  NodeId right = LowerExpr(*expr.children[1]);
  return Add(BinaryOpCode(expr.binary_op), expr.type, expr.span, {left, right});
}

NodeId PolicyBuilder::LowerIn(const ast::Expr& expr) {
  const ast::Expr& left = *expr.children[0];
  const ast::Expr& right = check::StripParens(*expr.children[1]);
  if (right.kind == ExprKind::kRange) {
    return Add(Op::kInRange, Type::kBool, expr.span,
               {LowerExpr(left), LowerExpr(*right.children[0]),
                LowerExpr(*right.children[1])});
  }
  if (right.kind == ExprKind::kName && right.ref == ast::NameRef::kGroup) {
    return Add(Op::kInGroup, Type::kBool, expr.span, {LowerExpr(left)}, 0,
               static_cast<uint32_t>(right.decl_index));
  }
  if (right.kind != ExprKind::kListLit) {
    // A list-typed value: a list field.
    return Add(Op::kInList, Type::kBool, expr.span,
               {LowerExpr(left), LowerExpr(right)});
  }
  if (right.children.empty()) {
    return Add(Op::kConstBool, Type::kBool, expr.span, {}, 0);
  }
  if (IsLiteralList(right, left.type)) {
    return Add(Op::kInList, Type::kBool, expr.span,
               {LowerExpr(left), LowerLiteralList(right, left.type)});
  }
  // Elements that are not all literals: x == e0 or x == e1 or ...
  NodeId chain = kNoNode;
  for (const ast::ExprPtr& element : right.children) {
    NodeId eq = Add(Op::kEq, Type::kBool, element->span,
                    {LowerExpr(left), LowerExpr(*element)});
    chain = chain == kNoNode
                ? eq
                : Add(Op::kOr, Type::kBool, expr.span, {chain, eq});
    if (chain == kNoNode) return kNoNode;
  }
  return chain;
}

NodeId PolicyBuilder::LowerPatternOp(const ast::Expr& expr) {
  const ast::Expr& pattern = check::StripParens(*expr.children[1]);
  NodeId left = LowerExpr(*expr.children[0]);
  if (expr.binary_op == BinaryOp::kLike) {
    return Add(Op::kLike, Type::kBool, expr.span, {left}, 0,
               InternGlob(pattern.string_value));
  }
  return Add(Op::kMatches, Type::kBool, expr.span, {left}, 0,
             InternRegex(pattern.string_value));
}

}  // namespace signoff::ir::internal
