// Built-in function calls: overload choice by argument types, `has`, and the
// literal arguments validated at compile time (time zones, CIDR blocks).
#include <string>
#include <vector>

#include "compiler/check/expr_checker.h"
#include "compiler/check/semantic.h"
#include "compiler/fmt/formatter.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::check::internal {
namespace {

std::string ArgumentCount(size_t n) {
  return std::to_string(n) + (n == 1 ? " argument" : " arguments");
}

std::string Ordinal(size_t i) {
  static const char* const kWords[] = {"first", "second", "third", "fourth"};
  return i < 4 ? kWords[i] : "argument " + std::to_string(i + 1);
}

bool IsParamsField(const ast::Expr& expr) {
  return expr.kind == ast::ExprKind::kField &&
         expr.children[0]->kind == ast::ExprKind::kName &&
         expr.children[0]->name == "params";
}

}  // namespace

Type ExprChecker::CheckCall(ast::Expr& expr) {
  const std::string& name = expr.name;
  if (name == "has") return CheckHas(expr);

  std::vector<const stdlib::BuiltinInfo*> overloads;
  for (const stdlib::BuiltinInfo& info : stdlib::AllBuiltins()) {
    if (info.name == name) overloads.push_back(&info);
  }
  if (overloads.empty()) {
    for (ast::ExprPtr& arg : expr.children) CheckValue(*arg);
    std::vector<std::string> names = stdlib::BuiltinNames();
    names.push_back("has");
    state_.diags.Report(DiagKind::kUnknownFunction, expr.name_span,
                        "unknown function " + Quote(name),
                        DidYouMean(name, names));
    return Type::kError;
  }
  const Type result = overloads[0]->result;  // the same for every overload
  const size_t arity = overloads[0]->args.size();
  std::vector<Type> types;
  for (ast::ExprPtr& arg : expr.children) types.push_back(CheckValue(*arg));
  if (expr.children.size() != arity) {
    state_.diags.Report(DiagKind::kWrongArgumentCount, expr.span,
                        Quote(name) + " takes " + ArgumentCount(arity) +
                            ", found " + std::to_string(expr.children.size()));
    return result;
  }
  for (Type type : types) {
    if (type == Type::kError) return result;
  }
  const stdlib::BuiltinInfo* chosen = nullptr;
  for (const stdlib::BuiltinInfo* info : overloads) {
    if (info->args == types) chosen = info;
  }
  if (chosen == nullptr) {
    if (overloads.size() > 1) {
      // Overloads differ in their (single) first argument: `len`.
      std::string accepted;
      for (size_t i = 0; i < overloads.size(); ++i) {
        if (i > 0) accepted += i + 1 == overloads.size() ? " or " : ", ";
        accepted += QuoteType(overloads[i]->args[0]);
      }
      Mismatch(expr.children[0]->span, Quote(name) + " takes a " + accepted +
                                           ", found " + QuoteType(types[0]));
      return result;
    }
    for (size_t i = 0; i < arity; ++i) {
      if (types[i] != overloads[0]->args[i]) {
        Mismatch(expr.children[i]->span, "the " + Ordinal(i) + " argument of " +
                                             Quote(name) + " must be " +
                                             QuoteType(overloads[0]->args[i]) +
                                             ", found " + QuoteType(types[i]));
        break;
      }
    }
    return result;
  }
  if (chosen->id == stdlib::Builtin::kHour ||
      chosen->id == stdlib::Builtin::kWeekday ||
      chosen->id == stdlib::Builtin::kInCidr) {
    CheckLiteralArgument(expr, *expr.children[1]);
  }
  return result;
}

void ExprChecker::CheckLiteralArgument(ast::Expr& call, ast::Expr& arg) {
  bool cidr = call.name == "in_cidr";
  const ast::Expr& literal = StripParens(arg);
  if (literal.kind != ast::ExprKind::kStringLit) {
    state_.diags.Report(
        DiagKind::kNotLiteral, arg.span,
        cidr ? "the network of `in_cidr` must be a string literal"
             : "the time zone of " + Quote(call.name) +
                   " must be a string literal",
        cidr ? "write it as in `in_cidr(context.ip, \"10.0.0.0/8\")`"
             : "write it as in `" + call.name +
                   "(context.time, \"Europe/Berlin\")`");
    return;
  }
  if (cidr) {
    auto parsed = stdlib::Cidr::Parse(literal.string_value);
    if (!parsed.ok()) {
      state_.diags.Report(DiagKind::kInvalidCidr, literal.span,
                          "invalid CIDR block: " +
                              std::string(AsStd(parsed.status().message())));
    }
    return;
  }
  auto zone = stdlib::TimeZone::Load(literal.string_value);
  if (!zone.ok()) {
    std::string help =
        DidYouMean(literal.string_value, stdlib::TimeZone::KnownNames());
    if (help.empty()) {
      help = "use an IANA name such as `\"Europe/Berlin\"` or `\"UTC\"`";
    }
    state_.diags.Report(DiagKind::kUnknownTimezone, literal.span,
                        "unknown time zone " + Quote(literal.string_value),
                        std::move(help));
  }
}

Type ExprChecker::CheckHas(ast::Expr& expr) {
  if (expr.children.size() == 2) {
    Type map = CheckValue(*expr.children[0]);
    Type key = CheckValue(*expr.children[1]);
    if (map != Type::kError && map != Type::kMapStringString) {
      Mismatch(expr.children[0]->span,
               "the first argument of `has(map, key)` must be "
               "`map<string,string>`, found " +
                   QuoteType(map));
    } else if (key != Type::kError && key != Type::kString) {
      Mismatch(expr.children[1]->span,
               "a map key must be a `string`, found " + QuoteType(key));
    }
    return Type::kBool;
  }
  if (expr.children.size() != 1) {
    for (ast::ExprPtr& arg : expr.children) CheckValue(*arg);
    state_.diags.Report(DiagKind::kWrongArgumentCount, expr.span,
                        "`has` takes 1 or 2 arguments, found " +
                            std::to_string(expr.children.size()));
    return Type::kBool;
  }
  ast::Expr& arg = *expr.children[0];
  Type type = CheckValue(arg);
  if (type == Type::kError) return Type::kBool;
  const ast::Expr& field = StripParens(arg);
  if (IsParamsField(field)) {
    if (!ParamIsOptional(state_, params_, field.name)) {
      state_.diags.Report(
          DiagKind::kHasNeedsOptionalField, arg.span,
          Quote("params." + field.name) + " is not optional in any action " +
              (params_.owner == ParamScope::Owner::kRule ? "matched by " : "") +
              params_.subject,
          "a required field is always present; `has` tells whether an "
          "optional field (`name: type?`) was given");
    }
    return Type::kBool;
  }
  state_.diags.Report(DiagKind::kHasNeedsOptionalField, arg.span,
                      "`has` needs an optional `params` field, found " +
                          Quote(fmt::FormatExpr(arg)),
                      type == Type::kMapStringString
                          ? "to test for a map key, use `has(map, \"key\")`"
                          : "write it as in `has(params.note)`");
  return Type::kBool;
}

}  // namespace signoff::check::internal
