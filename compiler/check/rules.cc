// Rules and the default: clause structure (one effect kind, clauses that may
// appear once, approval clauses only on `require` rules) and the typing of
// every expression in them.
#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/check/check_state.h"
#include "compiler/check/expr_checker.h"
#include "compiler/check/semantic.h"
#include "stdlib/builtins.h"

namespace signoff::check::internal {
namespace {

using ast::ClauseKind;

bool IsEffect(ClauseKind kind) {
  return kind == ClauseKind::kAllow || kind == ClauseKind::kDeny ||
         kind == ClauseKind::kRequire;
}

bool NeedsRequire(ClauseKind kind) {
  switch (kind) {
    case ClauseKind::kVeto:
    case ClauseKind::kExpire:
    case ClauseKind::kGrant:
    case ClauseKind::kNotify:
    case ClauseKind::kMessage:
    case ClauseKind::kEscalate:
      return true;
    default:
      return false;
  }
}

bool AppearsOnce(ClauseKind kind) {
  switch (kind) {
    case ClauseKind::kOn:
    case ClauseKind::kVeto:
    case ClauseKind::kExpire:
    case ClauseKind::kGrant:
    case ClauseKind::kNotify:
    case ClauseKind::kMessage:
      return true;
    default:
      return false;
  }
}

Effect EffectOf(ClauseKind kind) {
  return kind == ClauseKind::kAllow  ? Effect::kAllow
         : kind == ClauseKind::kDeny ? Effect::kDeny
                                     : Effect::kRequire;
}

std::string Keyword(ClauseKind kind) { return Quote(ast::ClauseKeyword(kind)); }

// Checks the clauses of one rule or of the default.
class BodyChecker {
 public:
  // `owner`: "rule `x`" or "the `default`"; `owner_span`: where problems of
  // the whole body are reported (the rule's name, the `default` keyword).
  BodyChecker(CheckState& state, ParamScope& scope, std::string owner,
              SourceSpan owner_span)
      : state_(state),
        scope_(scope),
        owner_(std::move(owner)),
        owner_span_(owner_span),
        is_default_(scope.owner == ParamScope::Owner::kDefault) {}

  // Returns the effect (kDeny when none was written).
  Effect Run(std::vector<ast::Clause>& clauses) {
    for (ast::Clause& clause : clauses) Structure(clause);
    for (ast::Clause& clause : clauses) Types(clause);
    if (!is_default_ && first_[static_cast<int>(ClauseKind::kOn)] == nullptr) {
      state_.diags.Report(DiagKind::kMissingOn, owner_span_,
                          owner_ + " has no `on` clause",
                          "add `on PATTERN`, e.g. `on data.export` or "
                          "`on data.*`");
    }
    if (effect_ == nullptr) {
      state_.diags.Report(
          DiagKind::kMissingEffect, owner_span_, owner_ + " has no effect",
          "add `allow`, `deny \"reason\"` or `require N of GROUP`");
      return Effect::kDeny;
    }
    Effect effect = EffectOf(effect_->kind);
    if (effect != Effect::kRequire && !has_require_) {
      for (const ast::Clause& clause : clauses) {
        if (!NeedsRequire(clause.kind)) continue;
        state_.diags.Report(
            DiagKind::kClauseNeedsRequire, clause.keyword_span,
            Keyword(clause.kind) + " applies only to `require` rules, but " +
                owner_ + " is " + Keyword(effect_->kind),
            "remove it, or make the effect `require N of GROUP`");
      }
    }
    return effect;
  }

 private:
  void Structure(ast::Clause& clause) {
    ClauseKind kind = clause.kind;
    if (is_default_ && (kind == ClauseKind::kOn || kind == ClauseKind::kWhen ||
                        kind == ClauseKind::kUnless)) {
      state_.diags.Report(DiagKind::kDefaultCondition, clause.keyword_span,
                          "the `default` cannot have " + Keyword(kind) +
                              ": it decides every request no rule decides",
                          "write a rule for the conditional case");
      return;
    }
    const ast::Clause*& first = first_[static_cast<int>(kind)];
    if (AppearsOnce(kind) && first != nullptr) {
      Diagnostic& diag = state_.diags.Report(
          DiagKind::kDuplicateClause, clause.keyword_span,
          owner_ + " has a second " + Keyword(kind) + " clause",
          kind == ClauseKind::kOn
              ? "list several patterns in one `on`, separated by commas"
          : kind == ClauseKind::kNotify
              ? "list several channels in one `notify`, separated by "
                "commas"
              : "");
      diag.notes.push_back(
          {first->keyword_span, "first " + Keyword(kind) + " here"});
    }
    if (first == nullptr) first = &clause;
    if (!IsEffect(kind)) return;
    if (kind == ClauseKind::kRequire) has_require_ = true;
    if (effect_ == nullptr) {
      effect_ = &clause;
      return;
    }
    if (EffectOf(effect_->kind) != EffectOf(kind)) {
      if (conflict_reported_) return;
      conflict_reported_ = true;
      Diagnostic& diag = state_.diags.Report(
          DiagKind::kConflictingEffects, clause.keyword_span,
          owner_ + " has both " + Keyword(effect_->kind) + " and " +
              Keyword(kind),
          "a rule has exactly one effect kind: `allow`, `deny` or "
          "`require`; split it into two rules");
      diag.notes.push_back({effect_->keyword_span, "the first effect is here"});
    } else if (kind != ClauseKind::kRequire) {
      Diagnostic& diag = state_.diags.Report(
          DiagKind::kDuplicateClause, clause.keyword_span,
          owner_ + " has a second " + Keyword(kind) + " clause");
      diag.notes.push_back(
          {effect_->keyword_span, "first " + Keyword(kind) + " here"});
    }
  }

  void Types(ast::Clause& clause) {
    switch (clause.kind) {
      case ClauseKind::kWhen:
      case ClauseKind::kUnless:
        if (!is_default_ && clause.condition != nullptr) {
          ExprChecker(state_, scope_, /*in_where=*/false)
              .CheckCondition(*clause.condition);
        }
        break;
      case ClauseKind::kRequire:
        CheckRequirement(state_, scope_, clause.requirement);
        break;
      case ClauseKind::kVeto:
        if (clause.count < 1) {
          state_.diags.Report(DiagKind::kInvalidCount, clause.count_span,
                              "`veto` must be at least 1, found " +
                                  std::to_string(clause.count));
        }
        break;
      case ClauseKind::kNotify:
        for (const ast::Identifier& channel : clause.channels) {
          ResolveChannel(state_, channel);
        }
        break;
      case ClauseKind::kMessage:
        if (clause.message.has_value()) {
          for (ast::MessagePart& part : clause.message->parts) {
            if (part.expr == nullptr) continue;
            ExprChecker(state_, scope_, /*in_where=*/false)
                .CheckValue(*part.expr);
          }
        }
        break;
      case ClauseKind::kEscalate:
        if (clause.escalation.has_value()) {
          // A malformed literal also reads 0 seconds; it is reported by
          // the parser already.
          absl::StatusOr<int64_t> after =
              stdlib::ParseDuration(clause.escalation->after_text);
          if (after.ok() && *after == 0) {
            state_.diags.Report(
                DiagKind::kEscalationZeroDelay, clause.escalation->after_span,
                "`escalate after " + clause.escalation->after_text +
                    "` would widen the quorum the moment the request opens",
                "give the first approvers time, e.g. `escalate after 10m`, "
                "or add the group as a `require` line");
          }
          if (clause.escalation->group != nullptr) {
            ResolveGroupUse(state_, *clause.escalation->group);
          }
          for (const ast::Identifier& channel : clause.escalation->channels) {
            ResolveChannel(state_, channel);
          }
        }
        break;
      default:
        break;
    }
  }

  CheckState& state_;
  ParamScope& scope_;
  std::string owner_;
  SourceSpan owner_span_;
  bool is_default_;
  std::array<const ast::Clause*, 12> first_{};
  const ast::Clause* effect_ = nullptr;
  bool has_require_ = false;
  bool conflict_reported_ = false;
};

}  // namespace

void CheckRequirement(CheckState& state, ParamScope& scope,
                      ast::Requirement& requirement) {
  if (requirement.count < 1) {
    state.diags.Report(DiagKind::kInvalidCount, requirement.count_span,
                       "a quorum needs at least 1 approval, found " +
                           std::to_string(requirement.count));
  }
  if (requirement.group != nullptr) {
    ResolveGroupUse(state, *requirement.group);
  }
  if (requirement.where != nullptr) {
    ExprChecker(state, scope, /*in_where=*/true)
        .CheckCondition(*requirement.where);
  }
}

void CheckRules(CheckState& state) {
  for (size_t i = 0; i < state.rule_decls.size(); ++i) {
    ast::RuleDecl& rule = *state.rule_decls[i];
    ParamScope scope;
    scope.owner = ParamScope::Owner::kRule;
    std::vector<const ast::ActionName*> patterns;
    for (const ast::Clause& clause : rule.clauses) {
      if (clause.kind != ClauseKind::kOn) continue;
      for (const ast::ActionName& pattern : clause.patterns) {
        patterns.push_back(&pattern);
      }
    }
    for (size_t p = 0; p < patterns.size(); ++p) {
      if (p > 0) scope.subject += ", ";
      scope.subject += Quote(patterns[p]->text);
    }
    for (size_t a = 0; a < state.model.actions.size(); ++a) {
      const std::string& name = state.model.actions[a]->name.text;
      for (const ast::ActionName* pattern : patterns) {
        if (PatternMatches(pattern->segments, name)) {
          scope.matched.push_back(static_cast<int>(a));
          break;
        }
      }
    }
    RuleInfo& info = state.model.rules[i];
    info.effect = BodyChecker(state, scope, "rule " + Quote(rule.name.name),
                              rule.name.span)
                      .Run(rule.clauses);
    FinishParams(state, scope, rule.name, info);
  }
}

void CheckDefault(CheckState& state) {
  RuleInfo& info = state.model.default_rule;
  info.decl = nullptr;
  info.effect = Effect::kDeny;
  if (state.default_decl != nullptr) {
    ParamScope scope;
    scope.owner = ParamScope::Owner::kDefault;
    scope.subject = "`default`";
    info.effect = BodyChecker(state, scope, "the `default`",
                              Prefix(state.default_decl->span, 7))
                      .Run(state.default_decl->clauses);
  }
  // The default covers every action and reads no params.
  info.params_read.clear();
  info.matches_action.assign(state.model.actions.size(), false);
  info.applies_to_action.assign(state.model.actions.size(), true);
}

}  // namespace signoff::check::internal
