// Lowering: the checked AST and semantic model to an ir::Policy.
#include "compiler/ir/lower.h"

#include <algorithm>
#include <string>
#include <vector>

#include "compiler/fmt/formatter.h"
#include "compiler/ir/lower_internal.h"

namespace signoff::ir {
namespace {

using ast::ClauseKind;

class RuleLowerer {
 public:
  RuleLowerer(internal::PolicyBuilder& builder,
              const check::SemanticModel& model)
      : builder_(builder), model_(model) {}

  // Lowers the clauses of a rule or of the default into `rule`.
  void LowerClauses(const std::vector<ast::Clause>& clauses, Rule& rule) {
    for (const ast::Clause& clause : clauses) {
      switch (clause.kind) {
        case ClauseKind::kOn:
          for (const ast::ActionName& name : clause.patterns) {
            rule.patterns.push_back(Pattern{name.segments, name.text});
          }
          break;
        case ClauseKind::kWhen:
        case ClauseKind::kUnless:
          rule.conditions.push_back(Condition{
              builder_.LowerExpr(*clause.condition),
              clause.kind == ClauseKind::kUnless,
              fmt::FormatExpr(*clause.condition), clause.condition->span});
          break;
        case ClauseKind::kAllow:
          break;
        case ClauseKind::kDeny:
          if (clause.reason.has_value())
            rule.deny_reason = clause.reason->value;
          break;
        case ClauseKind::kRequire:
          rule.requirements.push_back(LowerRequirement(clause.requirement));
          break;
        case ClauseKind::kVeto:
          rule.veto = clause.count;
          break;
        case ClauseKind::kExpire:
          rule.expire_seconds = clause.seconds;
          break;
        case ClauseKind::kGrant:
          rule.grant_seconds = clause.seconds;
          break;
        case ClauseKind::kNotify:
          for (const ast::Identifier& channel : clause.channels) {
            AddChannel(rule.channels, channel);
          }
          break;
        case ClauseKind::kMessage:
          rule.has_message = true;
          for (const ast::MessagePart& part : clause.message->parts) {
            MessagePart lowered;
            if (part.expr != nullptr) {
              lowered.expr = builder_.LowerExpr(*part.expr);
            } else {
              lowered.literal = part.literal;
            }
            rule.message.push_back(std::move(lowered));
          }
          break;
        case ClauseKind::kEscalate: {
          const ast::Escalation& escalation = *clause.escalation;
          Escalation lowered;
          lowered.after_seconds = escalation.after_seconds;
          lowered.group = escalation.group->decl_index;
          for (const ast::Identifier& channel : escalation.channels) {
            AddChannel(lowered.channels, channel);
          }
          rule.escalations.push_back(std::move(lowered));
          break;
        }
      }
    }
  }

 private:
  Requirement LowerRequirement(const ast::Requirement& requirement) {
    Requirement lowered;
    lowered.count = requirement.count;
    lowered.group = requirement.group->decl_index;
    if (requirement.where != nullptr) {
      lowered.where = builder_.LowerExpr(*requirement.where);
      lowered.where_text = fmt::FormatExpr(*requirement.where);
    }
    return lowered;
  }

  void AddChannel(std::vector<int>& channels, const ast::Identifier& name) {
    int index = model_.FindChannel(name.name);
    if (index < 0) {
      builder_.Fail("unknown channel `" + name.name + "`");
      return;
    }
    if (std::find(channels.begin(), channels.end(), index) == channels.end()) {
      channels.push_back(index);
    }
  }

  internal::PolicyBuilder& builder_;
  const check::SemanticModel& model_;
};

Effect LowerEffect(check::Effect effect) {
  switch (effect) {
    case check::Effect::kAllow:
      return Effect::kAllow;
    case check::Effect::kDeny:
      return Effect::kDeny;
    case check::Effect::kRequire:
      return Effect::kRequire;
  }
  return Effect::kDeny;
}

void LowerDeclarations(const check::SemanticModel& model, Policy& policy) {
  for (const ast::ActionDecl* action : model.actions) {
    ActionSchema schema;
    schema.name = action->name.text;
    schema.span = action->span;
    for (const ast::FieldDecl& field : action->fields) {
      schema.fields.push_back(ActionField{field.name.name, field.type.resolved,
                                          field.optional, -1});
    }
    policy.actions.push_back(std::move(schema));
  }
  for (const check::ResolvedGroup& group : model.groups) {
    policy.groups.push_back(
        Group{group.name, group.members, group.directories});
  }
  for (const ast::ChannelDecl* channel : model.channels) {
    policy.channels.push_back(
        Channel{channel->name.name, channel->kind.name, channel->target.value});
  }
}

// Binds every action field to the params slot of its name and type.
void BindActionFields(Policy& policy) {
  for (ActionSchema& action : policy.actions) {
    for (ActionField& field : action.fields) {
      for (size_t s = 0; s < policy.slots.size(); ++s) {
        const Slot& slot = policy.slots[s];
        if (slot.source == SlotSource::kParams && slot.field == field.name &&
            slot.type == field.type) {
          field.slot = static_cast<int>(s);
          break;
        }
      }
    }
  }
}

}  // namespace

absl::StatusOr<Policy> Lower(const SourceManager& sources,
                             const std::vector<ast::File>& files,
                             const check::SemanticModel& model) {
  Policy policy;
  internal::PolicyBuilder builder(policy, model);
  LowerDeclarations(model, policy);
  RuleLowerer lowerer(builder, model);
  const size_t action_count = model.actions.size();

  for (const check::RuleInfo& info : model.rules) {
    if (info.decl == nullptr) return absl::InternalError("rule without decl");
    Rule rule;
    rule.name = info.decl->name.name;
    rule.span = info.decl->span;
    rule.effect = LowerEffect(info.effect);
    rule.reads_params = !info.params_read.empty();
    rule.applies = info.applies_to_action;
    rule.applies.resize(action_count, false);
    lowerer.LowerClauses(info.decl->clauses, rule);
    policy.rules.push_back(std::move(rule));
  }

  Rule& def = policy.default_rule;
  def.name = "default";
  def.effect = LowerEffect(model.default_rule.effect);
  def.applies.assign(action_count, true);
  if (model.default_decl != nullptr) {
    def.span = model.default_decl->span;
    lowerer.LowerClauses(model.default_decl->clauses, def);
  }

  if (!builder.status().ok()) return builder.status();
  BindActionFields(policy);
  policy.digest = internal::PolicyDigest(sources, files);
  return policy;
}

}  // namespace signoff::ir
