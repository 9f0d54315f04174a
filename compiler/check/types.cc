// Expression typing: literals, names, entity fields, indexing and unary
// operators. Binary operators are in operators.cc, calls in calls.cc.
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/entities.h"
#include "compiler/check/expr_checker.h"
#include "compiler/check/semantic.h"

namespace signoff::check::internal {
namespace {

ast::NameRef EntityRef(std::string_view name) {
  if (name == "params") return ast::NameRef::kParams;
  if (name == "requester") return ast::NameRef::kRequester;
  if (name == "context") return ast::NameRef::kContext;
  if (name == "approver") return ast::NameRef::kApprover;
  return ast::NameRef::kUnresolved;
}

}  // namespace

void ExprChecker::Mismatch(SourceSpan span, std::string message,
                           std::string help) {
  state_.diags.Report(DiagKind::kTypeMismatch, span, std::move(message),
                      std::move(help));
}

void ExprChecker::CheckCondition(ast::Expr& expr) {
  Type type = CheckValue(expr);
  if (type != Type::kError && type != Type::kBool) {
    Mismatch(expr.span, "condition must be `bool`, found " + QuoteType(type));
  }
}

Type ExprChecker::CheckValue(ast::Expr& expr) {
  Type type = Check(expr);
  if (type == Type::kGroup) {
    const ast::Expr& name = StripParens(expr);
    Mismatch(expr.span, "group " + Quote(name.name) + " is not a value",
             "a group can only be used on the right of `in`, as in "
             "`requester.id in " +
                 name.name + "`");
    return Type::kError;
  }
  if (type == Type::kRange) {
    Mismatch(expr.span, "a range is not a value",
             "a range can only be used on the right of `in`, as in "
             "`hour(context.time, \"UTC\") in 9..17`");
    return Type::kError;
  }
  return type;
}

Type ExprChecker::Check(ast::Expr& expr) {
  Type type = Type::kError;
  switch (expr.kind) {
    case ast::ExprKind::kIntLit:
      type = Type::kInt;
      break;
    case ast::ExprKind::kStringLit:
      type = Type::kString;
      break;
    case ast::ExprKind::kBoolLit:
      type = Type::kBool;
      break;
    case ast::ExprKind::kDurationLit:
      type = Type::kDuration;
      break;
    case ast::ExprKind::kListLit:
      type = CheckListValue(expr);
      break;
    case ast::ExprKind::kRange:
      type = CheckRange(expr);
      break;
    case ast::ExprKind::kName:
      type = CheckName(expr);
      break;
    case ast::ExprKind::kField:
      type = CheckField(expr);
      break;
    case ast::ExprKind::kIndex:
      type = CheckIndex(expr);
      break;
    case ast::ExprKind::kCall:
      type = CheckCall(expr);
      break;
    case ast::ExprKind::kUnary:
      type = CheckUnary(expr);
      break;
    case ast::ExprKind::kBinary:
      type = CheckBinary(expr);
      break;
    case ast::ExprKind::kParen:
      type = Check(*expr.children[0]);
      break;
  }
  expr.type = type;
  return type;
}

Type ExprChecker::CheckName(ast::Expr& expr) {
  const std::string& name = expr.name;
  if (name == "action") {
    expr.ref = ast::NameRef::kAction;
    return Type::kString;
  }
  if (ast::NameRef ref = EntityRef(name); ref != ast::NameRef::kUnresolved) {
    expr.ref = ref;
    if (ref == ast::NameRef::kApprover && !in_where_) {
      state_.diags.Report(DiagKind::kApproverOutsideWhere, expr.span,
                          "`approver` can only be used in a `where` condition",
                          "`where` filters who may approve, as in "
                          "`require 1 of sre where approver.mfa`");
      return Type::kError;
    }
    std::string example = ref == ast::NameRef::kParams      ? "params.rows"
                          : ref == ast::NameRef::kRequester ? "requester.id"
                          : ref == ast::NameRef::kContext   ? "context.time"
                                                            : "approver.id";
    Mismatch(expr.span, Quote(name) +
                            " is an entity; read one of its fields, e.g. " +
                            Quote(example));
    return Type::kError;
  }
  int group = state_.FindDeclaredGroup(name);
  if (group >= 0) {
    expr.ref = ast::NameRef::kGroup;
    expr.decl_index = group;
    state_.group_used[group] = true;
    return Type::kGroup;
  }
  std::vector<std::string> candidates = state_.DeclaredGroupNames();
  for (const char* builtin :
       {"action", "params", "requester", "context", "approver"}) {
    candidates.emplace_back(builtin);
  }
  std::string help = DidYouMean(name, candidates);
  if (help.empty()) {
    for (int index : params_.matched) {
      if (FindField(*state_.model.actions[index], name) != nullptr) {
        help = "did you mean " + Quote("params." + name) + "?";
        break;
      }
    }
  }
  if (help.empty()) {
    if (const NameEntry* entry = state_.Find(name)) {
      help = Quote(name) + " is a " + std::string(NameKindWord(entry->kind)) +
             "; only groups can be named in expressions";
    }
  }
  state_.diags.Report(DiagKind::kUnknownName, expr.span,
                      "unknown name " + Quote(name), std::move(help));
  return Type::kError;
}

Type ExprChecker::CheckField(ast::Expr& expr) {
  ast::Expr& object = *expr.children[0];
  if (object.kind == ast::ExprKind::kName &&
      EntityRef(object.name) != ast::NameRef::kUnresolved) {
    return CheckEntityField(expr, object);
  }
  Type type = CheckValue(object);
  if (type == Type::kError) return Type::kError;
  if (type == Type::kMapStringString) {
    Mismatch(expr.name_span, "a `map<string,string>` has no fields",
             "read an entry with `[\"" + expr.name + "\"]`");
  } else {
    Mismatch(expr.name_span, "a value of type " + QuoteType(type) +
                                 " has no field " + Quote(expr.name));
  }
  return Type::kError;
}

Type ExprChecker::CheckEntityField(ast::Expr& expr, ast::Expr& entity) {
  ast::NameRef ref = EntityRef(entity.name);
  entity.ref = ref;
  if (ref == ast::NameRef::kApprover && !in_where_) {
    state_.diags.Report(DiagKind::kApproverOutsideWhere, entity.span,
                        "`approver` can only be used in a `where` condition",
                        "`where` filters who may approve, as in "
                        "`require 1 of sre where approver.mfa`");
    return Type::kError;
  }
  if (ref == ast::NameRef::kParams) {
    return ResolveParam(state_, params_, expr.name, expr.name_span);
  }
  Entity which = ref == ast::NameRef::kRequester ? Entity::kRequester
                 : ref == ast::NameRef::kContext ? Entity::kContext
                                                 : Entity::kApprover;
  std::vector<std::string> names;
  for (const EntityField& f : EntityFields(which)) {
    if (f.name == expr.name) return f.type;
    names.emplace_back(f.name);
  }
  std::string help = DidYouMean(expr.name, names);
  if (help.empty()) {
    help = Quote(entity.name) + " has the fields ";
    for (size_t i = 0; i < names.size(); ++i) {
      if (i > 0) help += i + 1 == names.size() ? " and " : ", ";
      help += Quote(names[i]);
    }
  }
  state_.diags.Report(DiagKind::kUnknownField, expr.name_span,
                      Quote(entity.name) + " has no field " + Quote(expr.name),
                      std::move(help));
  return Type::kError;
}

Type ExprChecker::CheckIndex(ast::Expr& expr) {
  ast::Expr& map = *expr.children[0];
  ast::Expr& key = *expr.children[1];
  Type map_type = CheckValue(map);
  Type key_type = CheckValue(key);
  if (map_type != Type::kError && map_type != Type::kMapStringString) {
    Mismatch(map.span,
             "only a `map<string,string>` can be indexed, found " +
                 QuoteType(map_type),
             IsListType(map_type) ? "test membership with `x in list`" : "");
    return Type::kError;
  }
  if (key_type != Type::kError && key_type != Type::kString) {
    Mismatch(key.span,
             "a map key must be a `string`, found " + QuoteType(key_type));
  }
  return map_type == Type::kError ? Type::kError : Type::kString;
}

Type ExprChecker::CheckUnary(ast::Expr& expr) {
  ast::Expr& operand = *expr.children[0];
  Type type = CheckValue(operand);
  if (expr.unary_op == ast::UnaryOp::kNot) {
    if (type != Type::kError && type != Type::kBool) {
      Mismatch(operand.span,
               "`not` needs a `bool` operand, found " + QuoteType(type));
    }
    return Type::kBool;
  }
  if (type == Type::kError) return Type::kError;
  if (type == Type::kInt || type == Type::kDuration) return type;
  Mismatch(operand.span,
           "unary `-` needs an `int` or `duration` operand, found " +
               QuoteType(type));
  return Type::kError;
}

}  // namespace signoff::check::internal
