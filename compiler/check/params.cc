// `params.F` across the actions a rule's patterns match (LANGUAGE.md §5.2):
// the field's type, unknown fields, conflicting types, and the per-action
// applicability table.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "compiler/check/check_state.h"

namespace signoff::check::internal {
namespace {

std::string ParamFieldMessage(const CheckState& state, const ParamScope& scope,
                              const std::string& field) {
  switch (scope.owner) {
    case ParamScope::Owner::kDefault:
      return "the `default` covers every action, so it cannot read " +
             Quote("params." + field);
    case ParamScope::Owner::kTest:
      if (scope.matched.empty()) {
        return "action " + scope.subject + " is not declared, so " +
               Quote("params." + field) + " has no type";
      }
      return "action " + scope.subject + " declares no field " + Quote(field);
    case ParamScope::Owner::kRule:
      break;
  }
  return "no action matched by " + scope.subject + " declares a field " +
         Quote(field);
}

}  // namespace

const ast::FieldDecl* FindField(const ast::ActionDecl& action,
                                std::string_view field) {
  for (const ast::FieldDecl& decl : action.fields) {
    if (decl.name.name == field) return &decl;
  }
  return nullptr;
}

Type ResolveParam(CheckState& state, ParamScope& scope,
                  const std::string& field, SourceSpan name_span) {
  auto it = scope.reads.find(field);
  if (it != scope.reads.end()) return it->second.type;
  ParamScope::Read& read = scope.reads[field];
  read.first = name_span;

  std::vector<std::pair<const ast::ActionDecl*, const ast::FieldDecl*>>
      declaring;
  std::set<std::string> known_fields;
  if (scope.owner != ParamScope::Owner::kDefault) {
    for (int index : scope.matched) {
      const ast::ActionDecl* action = state.model.actions[index];
      for (const ast::FieldDecl& decl : action->fields) {
        known_fields.insert(decl.name.name);
      }
      if (const ast::FieldDecl* decl = FindField(*action, field)) {
        declaring.emplace_back(action, decl);
      }
    }
  }
  if (declaring.empty()) {
    std::string help;
    if (scope.owner == ParamScope::Owner::kDefault) {
      help = "read params in a rule whose `on` names the action";
    } else if (scope.matched.empty()) {
      help = "declare the action's schema with `action NAME { ... }`";
    } else {
      help = DidYouMean(field, std::vector<std::string>(known_fields.begin(),
                                                        known_fields.end()));
    }
    state.diags.Report(DiagKind::kUnknownParamField, name_span,
                       ParamFieldMessage(state, scope, field), std::move(help));
    return read.type = Type::kError;
  }

  Type type = Type::kError;
  bool conflict = false;
  for (const auto& [action, decl] : declaring) {
    Type t = decl->type.resolved;
    if (t == Type::kError) continue;  // an unknown type, already reported
    if (type == Type::kError) {
      type = t;
    } else if (t != type) {
      conflict = true;
    }
  }
  if (conflict) {
    Diagnostic& diag = state.diags.Report(
        DiagKind::kParamTypeConflict, name_span,
        Quote("params." + field) + " has different types in the actions " +
            scope.subject + " matches",
        "match actions that agree on the field's type, or split the rule");
    for (const auto& [action, decl] : declaring) {
      diag.notes.push_back(
          {decl->span, Quote(action->name.text) + " declares " +
                           Quote(field + ": " +
                                 std::string(TypeName(decl->type.resolved)))});
    }
    return read.type = Type::kError;
  }
  return read.type = type;
}

bool ParamIsOptional(const CheckState& state, const ParamScope& scope,
                     const std::string& field) {
  for (int index : scope.matched) {
    const ast::FieldDecl* decl = FindField(*state.model.actions[index], field);
    if (decl != nullptr && decl->optional) return true;
  }
  return false;
}

void FinishParams(CheckState& state, const ParamScope& scope,
                  const ast::Identifier& rule_name, RuleInfo& info) {
  size_t action_count = state.model.actions.size();
  info.params_read.clear();
  for (const auto& [field, read] : scope.reads) {  // std::map: sorted
    info.params_read.push_back(ParamRead{field, read.type});
  }
  info.matches_action.assign(action_count, false);
  info.applies_to_action.assign(action_count, false);
  for (int index : scope.matched) {
    info.matches_action[index] = true;
    const ast::ActionDecl& action = *state.model.actions[index];
    const ParamRead* missing = nullptr;
    bool applies = true;
    for (const ParamRead& read : info.params_read) {
      const ast::FieldDecl* decl = FindField(action, read.field);
      if (decl == nullptr) {
        if (missing == nullptr && read.type != Type::kError) missing = &read;
        applies = false;
      } else if (decl->type.resolved != read.type) {
        applies = false;
      }
    }
    info.applies_to_action[index] = applies;
    if (missing != nullptr && scope.owner == ParamScope::Owner::kRule) {
      state.diags.Report(
          DiagKind::kRuleNeverApplies, rule_name.span,
          "rule " + Quote(rule_name.name) + " reads " +
              Quote("params." + missing->field) + ", which " +
              Quote(action.name.text) + " does not declare; it never " +
              "applies to " + Quote(action.name.text),
          "narrow the rule's `on` patterns, or declare the field in " +
              Quote(action.name.text));
    }
  }
}

}  // namespace signoff::check::internal
