// AST builder: the clauses of `rule` and `default { ... }` bodies.
//
// Clause structure (one effect, `on` present, no duplicates) is the
// checker's job; here each clause is built as written, in source order.
#include <string>

#include "absl/strings/str_join.h"
#include "compiler/parse/builder.h"

namespace signoff::parse {

using P = SignoffParser;

void AstBuilder::Clauses(const std::vector<P::ClauseContext*>& ctxs,
                         std::vector<ast::Clause>* out) {
  for (P::ClauseContext* ctx : ctxs) Clause(ctx, out);
}

ast::ActionName AstBuilder::Pattern(P::PatternContext* ctx) {
  ast::ActionName pattern;
  pattern.span = state_.map.Span(ctx);
  std::vector<P::PatternSegmentContext*> segments = ctx->patternSegment();
  for (size_t i = 0; i < segments.size(); ++i) {
    P::PatternSegmentContext* segment = segments[i];
    pattern.segments.push_back(
        std::string(state_.map.Text(segment->getStart())));
    if (segment->STARSTAR() != nullptr && i + 1 < segments.size()) {
      state_.diags.Report(DiagKind::kInvalidPattern, state_.map.Span(segment),
                          "`**` may only be the last segment of a pattern",
                          "use `*` to match exactly one segment, as in "
                          "`*.read`");
    }
  }
  pattern.text = absl::StrJoin(pattern.segments, ".");
  return pattern;
}

ast::Requirement AstBuilder::Requirement(P::RequirementContext* ctx) {
  ast::Requirement requirement;
  requirement.count = Int(ctx->INT());
  requirement.count_span = state_.map.Span(ctx->INT());
  requirement.group = GroupExpr(ctx->groupExpr());
  if (ctx->expr() != nullptr) requirement.where = Expr(ctx->expr());
  return requirement;
}

std::vector<ast::Identifier> AstBuilder::Channels(P::ChannelListContext* ctx) {
  std::vector<ast::Identifier> channels;
  for (TerminalNode* name : ctx->IDENT()) channels.push_back(Ident(name));
  return channels;
}

void AstBuilder::Clause(P::ClauseContext* ctx, std::vector<ast::Clause>* out) {
  ast::Clause clause;
  clause.span = state_.map.Span(ctx);
  clause.keyword_span = state_.map.Span(ctx->getStart());
  if (auto* on = dynamic_cast<P::OnClauseContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kOn;
    for (P::PatternContext* pattern : on->pattern()) {
      clause.patterns.push_back(Pattern(pattern));
    }
  } else if (auto* when = dynamic_cast<P::WhenClauseContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kWhen;
    clause.condition = Expr(when->expr());
  } else if (auto* unless = dynamic_cast<P::UnlessClauseContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kUnless;
    clause.condition = Expr(unless->expr());
  } else if (dynamic_cast<P::AllowClauseContext*>(ctx) != nullptr) {
    clause.kind = ast::ClauseKind::kAllow;
  } else if (auto* deny = dynamic_cast<P::DenyClauseContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kDeny;
    if (deny->STRING() != nullptr) clause.reason = String(deny->STRING());
  } else if (auto* require = dynamic_cast<P::RequireClauseContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kRequire;
    clause.requirement = Requirement(require->requirement());
  } else if (auto* veto = dynamic_cast<P::VetoClauseContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kVeto;
    clause.count = Int(veto->INT());
    clause.count_span = state_.map.Span(veto->INT());
  } else if (auto* expire = dynamic_cast<P::ExpireClauseContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kExpire;
    clause.seconds = Duration(expire->DURATION());
    clause.duration_text = state_.map.Text(expire->DURATION()->getSymbol());
  } else if (auto* grant = dynamic_cast<P::GrantClauseContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kGrant;
    clause.seconds = Duration(grant->DURATION());
    clause.duration_text = state_.map.Text(grant->DURATION()->getSymbol());
  } else if (auto* notify = dynamic_cast<P::NotifyClauseContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kNotify;
    clause.channels = Channels(notify->channelList());
  } else if (auto* message = dynamic_cast<P::MessageClauseContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kMessage;
    clause.message = Message(message->STRING());
  } else if (auto* escalate = dynamic_cast<P::EscalateClauseContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kEscalate;
    ast::Escalation escalation;
    antlr4::Token* after = escalate->DURATION()->getSymbol();
    escalation.after_seconds = Duration(escalate->DURATION());
    escalation.after_text = state_.map.Text(after);
    escalation.after_span = state_.map.Span(after);
    escalation.group = GroupExpr(escalate->groupExpr());
    // `notify` on a line of its own is the rule's notify clause, not the
    // escalation's: `escalate after 10m to oncall notify pager` is one line.
    if (TerminalNode* notify = escalate->NOTIFY()) {
      antlr4::Token* group_end = escalate->groupExpr()->getStop();
      if (notify->getSymbol()->getLine() == group_end->getLine()) {
        escalation.channels = Channels(escalate->channelList());
      } else {
        clause.span = state_.map.Span(ctx->getStart(), group_end);
        clause.escalation = std::move(escalation);
        out->push_back(std::move(clause));
        ast::Clause split;
        split.kind = ast::ClauseKind::kNotify;
        split.keyword_span = state_.map.Span(notify);
        split.span = state_.map.Span(notify->getSymbol(), ctx->getStop());
        split.channels = Channels(escalate->channelList());
        out->push_back(std::move(split));
        return;
      }
    }
    clause.escalation = std::move(escalation);
  }
  out->push_back(std::move(clause));
}

}  // namespace signoff::parse
