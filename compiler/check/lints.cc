// Lints: warnings about policies that compile but are probably wrong.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/check/check_state.h"
#include "compiler/check/semantic.h"
#include "stdlib/builtins.h"

namespace signoff::check::internal {
namespace {

using ast::ClauseKind;

const ast::Clause* FindClause(const std::vector<ast::Clause>& clauses,
                              ClauseKind kind) {
  for (const ast::Clause& clause : clauses) {
    if (clause.kind == kind) return &clause;
  }
  return nullptr;
}

// Whether `clauses` hold `unless requester.id in <group>`.
bool ExcludesMembers(const std::vector<ast::Clause>& clauses, int group) {
  for (const ast::Clause& clause : clauses) {
    if (clause.kind != ClauseKind::kUnless || clause.condition == nullptr) {
      continue;
    }
    const ast::Expr& cond = StripParens(*clause.condition);
    if (cond.kind != ast::ExprKind::kBinary ||
        cond.binary_op != ast::BinaryOp::kIn) {
      continue;
    }
    const ast::Expr& left = StripParens(*cond.children[0]);
    const ast::Expr& right = StripParens(*cond.children[1]);
    if (left.kind == ast::ExprKind::kField && left.name == "id" &&
        left.children[0]->kind == ast::ExprKind::kName &&
        left.children[0]->name == "requester" &&
        right.kind == ast::ExprKind::kName &&
        right.ref == ast::NameRef::kGroup && right.decl_index == group) {
      return true;
    }
  }
  return false;
}

// The seconds of a duration literal, or nullopt when it is malformed (the
// parser reported it and stored 0).
std::optional<int64_t> LiteralSeconds(const std::string& text) {
  absl::StatusOr<int64_t> seconds = stdlib::ParseDuration(text);
  if (!seconds.ok()) return std::nullopt;
  return *seconds;
}

class Linter {
 public:
  explicit Linter(CheckState& state) : state_(state) {}

  void Run() {
    for (const ast::RuleDecl* rule : state_.rule_decls) {
      Quorums(rule->clauses);
    }
    if (state_.default_decl != nullptr) {
      Quorums(state_.default_decl->clauses);
      DefaultAllow(*state_.default_decl);
      if (state_.model.default_rule.effect == Effect::kRequire) {
        Escalations(state_.default_decl->clauses, "the `default`");
      }
    }
    Groups();
    Channels();
    Actions();
    Rules();
  }

 private:
  void Quorums(const std::vector<ast::Clause>& clauses) {
    for (const ast::Clause& clause : clauses) {
      if (clause.kind != ClauseKind::kRequire) continue;
      const ast::Requirement& req = clause.requirement;
      if (req.group == nullptr || req.group->decl_index < 0 || req.count < 1) {
        continue;
      }
      int index = req.group->decl_index;
      const ResolvedGroup& group = state_.model.groups[index];
      if (!group.directories.empty() || !state_.group_ok[index]) continue;
      int64_t members = static_cast<int64_t>(group.members.size());
      bool requester_may_be_member =
          members > 0 && !ExcludesMembers(clauses, index);
      int64_t usable = requester_may_be_member ? members - 1 : members;
      if (req.count <= usable) continue;
      std::string message = "quorum of " + std::to_string(req.count) +
                            " can never be met: " + Quote(group.name);
      std::string help;
      if (members == 0) {
        message += " has no members";
      } else if (req.count > members) {
        message += " has only " + std::to_string(members) +
                   (members == 1 ? " member" : " members");
        help = "lower the count or add members";
      } else {
        message += " has " + std::to_string(members) +
                   " members and the requester may be one of them";
        help =
            "nobody approves their own request; lower the count, or add "
            "`unless requester.id in " +
            group.name + "` so members' requests take another path";
      }
      state_.diags.Report(DiagKind::kUnreachableQuorum,
                          SourceSpan::Cover(req.count_span, req.group->span),
                          std::move(message), std::move(help));
    }
  }

  // An escalation due when or after the request expires never fires. Only
  // the owner's own `expire` is known here: the runtime's default lifetime
  // is configuration.
  void Escalations(const std::vector<ast::Clause>& clauses,
                   const std::string& owner) {
    const ast::Clause* expire = FindClause(clauses, ClauseKind::kExpire);
    if (expire == nullptr) return;
    std::optional<int64_t> lifetime = LiteralSeconds(expire->duration_text);
    if (!lifetime.has_value()) return;
    for (const ast::Clause& clause : clauses) {
      if (clause.kind != ClauseKind::kEscalate ||
          !clause.escalation.has_value()) {
        continue;
      }
      const ast::Escalation& escalation = *clause.escalation;
      std::optional<int64_t> after = LiteralSeconds(escalation.after_text);
      // `after 0s` is an error of its own (EscalationZeroDelay).
      if (!after.has_value() || *after == 0 || *after < *lifetime) continue;
      Diagnostic& diag = state_.diags.Report(
          DiagKind::kEscalationNeverFires, escalation.after_span,
          "`escalate after " + escalation.after_text + "` can never fire: " +
              owner + " expires its requests after " + expire->duration_text,
          "escalate sooner than `expire`, or give requests longer to live");
      diag.notes.push_back({expire->span, "the request lifetime is set here"});
    }
  }

  void DefaultAllow(const ast::DefaultDecl& def) {
    const ast::Clause* allow = FindClause(def.clauses, ClauseKind::kAllow);
    if (allow == nullptr) return;
    state_.diags.Report(
        DiagKind::kDefaultAllow,
        SourceSpan::Cover(Prefix(def.span, 7), allow->keyword_span),
        "`default allow` allows every action no rule covers",
        "zero standing privilege: prefer `default deny` and explicit `allow` "
        "rules");
  }

  void Groups() {
    for (size_t i = 0; i < state_.group_decls.size(); ++i) {
      const ResolvedGroup& group = state_.model.groups[i];
      if (state_.group_ok[i] && group.members.empty() &&
          group.directories.empty()) {
        state_.diags.Report(DiagKind::kEmptyGroup, group.span,
                            "group " + Quote(group.name) + " has no members",
                            "a quorum of this group can never be met");
      }
      if (!state_.group_used[i] && !state_.IsLibrary(group.span)) {
        state_.diags.Report(DiagKind::kUnusedGroup, group.span,
                            "group " + Quote(group.name) + " is never used",
                            "remove it, or use it in a `require`");
      }
    }
  }

  void Channels() {
    for (size_t i = 0; i < state_.model.channels.size(); ++i) {
      const ast::ChannelDecl& channel = *state_.model.channels[i];
      if (state_.channel_used[i] || state_.IsLibrary(channel.name.span)) {
        continue;
      }
      state_.diags.Report(
          DiagKind::kUnusedChannel, channel.name.span,
          "channel " + Quote(channel.name.name) + " is never used",
          "notify it from a `require` rule with `notify " + channel.name.name +
              "`");
    }
  }

  void Actions() {
    for (size_t a = 0; a < state_.model.actions.size(); ++a) {
      const ast::ActionDecl& action = *state_.model.actions[a];
      if (state_.IsLibrary(action.name.span)) continue;
      bool matched = false;
      for (const RuleInfo& rule : state_.model.rules) {
        if (a < rule.matches_action.size() && rule.matches_action[a]) {
          matched = true;
          break;
        }
      }
      if (matched) continue;
      state_.diags.Report(DiagKind::kUnusedAction, action.name.span,
                          "no rule matches action " + Quote(action.name.text),
                          "its requests all fall to the `default`");
    }
  }

  static std::set<std::string> PatternTexts(const ast::RuleDecl& rule) {
    std::set<std::string> texts;
    for (const ast::Clause& clause : rule.clauses) {
      if (clause.kind != ClauseKind::kOn) continue;
      for (const ast::ActionName& pattern : clause.patterns) {
        texts.insert(pattern.text);
      }
    }
    return texts;
  }

  static bool IsUnconditionalDeny(const ast::RuleDecl& rule) {
    bool deny = false;
    for (const ast::Clause& clause : rule.clauses) {
      switch (clause.kind) {
        case ClauseKind::kWhen:
        case ClauseKind::kUnless:
        case ClauseKind::kAllow:
        case ClauseKind::kRequire:
          return false;
        case ClauseKind::kDeny:
          deny = true;
          break;
        default:
          break;
      }
    }
    return deny;
  }

  void Rules() {
    std::vector<std::set<std::string>> patterns;
    for (const ast::RuleDecl* rule : state_.rule_decls) {
      patterns.push_back(PatternTexts(*rule));
    }
    for (size_t j = 0; j < state_.rule_decls.size(); ++j) {
      const ast::RuleDecl& rule = *state_.rule_decls[j];
      for (size_t i = 0; i < j && !patterns[j].empty(); ++i) {
        const ast::RuleDecl& earlier = *state_.rule_decls[i];
        if (patterns[i] != patterns[j] || !IsUnconditionalDeny(earlier)) {
          continue;
        }
        Diagnostic& diag = state_.diags.Report(
            DiagKind::kShadowedRule, rule.name.span,
            "rule " + Quote(rule.name.name) + " is shadowed: rule " +
                Quote(earlier.name.name) + " denies every request it matches",
            "remove it, or add a `when` to " + Quote(earlier.name.name));
        diag.notes.push_back(
            {earlier.name.span,
             Quote(earlier.name.name) + " denies unconditionally here"});
        break;
      }
      // Only clean `require` rules (no conflicting effect to fix first).
      if (state_.model.rules[j].effect != Effect::kRequire ||
          FindClause(rule.clauses, ClauseKind::kAllow) != nullptr ||
          FindClause(rule.clauses, ClauseKind::kDeny) != nullptr) {
        continue;
      }
      Escalations(rule.clauses, "rule " + Quote(rule.name.name));
      if (FindClause(rule.clauses, ClauseKind::kExpire) == nullptr) {
        state_.diags.Report(
            DiagKind::kRequireWithoutExpire, rule.name.span,
            "rule " + Quote(rule.name.name) +
                " has no `expire`; its requests stay open for the default "
                "lifetime",
            "state how long a request may wait, e.g. `expire 30m`");
      }
      if (FindClause(rule.clauses, ClauseKind::kNotify) == nullptr) {
        state_.diags.Report(
            DiagKind::kRequireWithoutNotify, rule.name.span,
            "rule " + Quote(rule.name.name) + " notifies no channel",
            "tell approvers about requests, e.g. `notify sre_room`");
      }
    }
  }

  CheckState& state_;
};

}  // namespace

void RunLints(CheckState& state) { Linter(state).Run(); }

}  // namespace signoff::check::internal
