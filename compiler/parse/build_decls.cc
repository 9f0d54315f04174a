// AST builder: declarations, group expressions, types and shared helpers.
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/parse/builder.h"
#include "compiler/parse/literals.h"
#include "stdlib/absl_compat.h"

namespace signoff::parse {

using P = SignoffParser;

std::optional<ast::Decl> AstBuilder::Declaration(P::DeclarationContext* ctx) {
  failed_ = false;
  too_deep_ = false;
  depth_.clear();
  std::optional<ast::Decl> decl;
  if (auto* c = ctx->importDecl()) {
    decl = Import(c);
  } else if (auto* c = ctx->groupDecl()) {
    decl = Group(c);
  } else if (auto* c = ctx->channelDecl()) {
    decl = Channel(c);
  } else if (auto* c = ctx->actionDecl()) {
    decl = Action(c);
  } else if (auto* c = ctx->ruleDecl()) {
    decl = Rule(c);
  } else if (auto* c = ctx->defaultDecl()) {
    decl = Default(c);
  } else if (auto* c = ctx->testDecl()) {
    decl = Test(c);
  }
  depth_.clear();
  if (failed_) return std::nullopt;
  return decl;
}

void AstBuilder::StructuralError(SourceSpan span, std::string message,
                                 std::string help) {
  failed_ = true;
  state_.SyntaxError(span, std::move(message), std::move(help));
}

ast::Identifier AstBuilder::Ident(TerminalNode* node) {
  return {std::string(state_.map.Text(node->getSymbol())),
          state_.map.Span(node)};
}

ast::Identifier AstBuilder::Word(P::WordContext* word) {
  return {std::string(state_.map.Text(word->getStart())),
          state_.map.Span(word)};
}

ast::Identifier AstBuilder::DeclName(P::WordContext* word,
                                     std::string_view what) {
  ast::Identifier id = Word(word);
  if (word->IDENT() == nullptr) {
    state_.diags.Report(
        DiagKind::kReservedWord, id.span,
        absl::StrCat("`", id.name, "` is a reserved word and cannot name a ",
                     AsAbsl(what)),
        absl::StrCat("rename it, e.g. `", id.name, "_", AsAbsl(what), "`"));
  }
  return id;
}

ast::StringLiteral AstBuilder::String(TerminalNode* node) {
  const antlr4::Token* token = node->getSymbol();
  ast::StringLiteral lit;
  lit.text = std::string(state_.map.Text(token));
  lit.span = state_.map.Span(token);
  lit.value = DecodeString(lit.text, state_.map.Offsets(token), state_.diags);
  return lit;
}

int64_t AstBuilder::Int(TerminalNode* node) {
  return ParseIntLiteral(state_.map.Text(node->getSymbol()),
                         state_.map.Span(node), state_.diags)
      .value_or(0);
}

int64_t AstBuilder::Duration(TerminalNode* node) {
  return ParseDurationLiteral(state_.map.Text(node->getSymbol()),
                              state_.map.Span(node), state_.diags)
      .value_or(0);
}

ast::ImportDecl AstBuilder::Import(P::ImportDeclContext* ctx) {
  return {state_.map.Span(ctx), String(ctx->STRING())};
}

ast::GroupDecl AstBuilder::Group(P::GroupDeclContext* ctx) {
  ast::GroupDecl decl;
  decl.span = state_.map.Span(ctx);
  decl.name = DeclName(ctx->word(), "group");
  decl.value = GroupExpr(ctx->groupExpr());
  return decl;
}

ast::GroupExprPtr AstBuilder::GroupExpr(P::GroupExprContext* ctx) {
  std::vector<P::GroupTermContext*> terms = ctx->groupTerm();
  if (terms.size() == 1) return GroupTerm(terms[0]);
  auto group = std::make_unique<ast::GroupExpr>();
  group->kind = ast::GroupExpr::Kind::kUnion;
  group->span = state_.map.Span(ctx);
  for (P::GroupTermContext* term : terms) {
    group->children.push_back(GroupTerm(term));
  }
  return group;
}

ast::GroupExprPtr AstBuilder::GroupTerm(P::GroupTermContext* ctx) {
  auto group = std::make_unique<ast::GroupExpr>();
  group->span = state_.map.Span(ctx);
  if (auto* call = dynamic_cast<P::GroupCallContext*>(ctx)) {
    group->kind = ast::GroupExpr::Kind::kDirectory;
    ast::Identifier fn = Ident(call->IDENT());
    if (fn.name != "directory") {
      StructuralError(
          fn.span,
          absl::StrCat("unknown group source `", fn.name,
                       "(...)`; expected `directory(\"...\")`"),
          "a group is a list of members `[\"alice\"]`, a group name, "
          "`directory(\"name\")`, or a union of these with `|`");
    }
    group->directory = String(call->STRING());
  } else if (auto* ref = dynamic_cast<P::GroupRefContext*>(ctx)) {
    group->kind = ast::GroupExpr::Kind::kRef;
    group->ref = Ident(ref->IDENT());
  } else if (auto* members = dynamic_cast<P::GroupMembersContext*>(ctx)) {
    group->kind = ast::GroupExpr::Kind::kMembers;
    for (TerminalNode* member : members->STRING()) {
      group->members.push_back(String(member));
    }
  }
  return group;
}

ast::ChannelDecl AstBuilder::Channel(P::ChannelDeclContext* ctx) {
  ast::ChannelDecl decl;
  decl.span = state_.map.Span(ctx);
  decl.name = DeclName(ctx->word(), "channel");
  decl.kind = Ident(ctx->IDENT());
  decl.target = String(ctx->STRING());
  return decl;
}

ast::ActionName AstBuilder::ActionName(P::ActionNameContext* ctx) {
  ast::ActionName name;
  name.span = state_.map.Span(ctx);
  for (P::WordContext* word : ctx->word()) {
    name.segments.push_back(std::string(state_.map.Text(word->getStart())));
  }
  name.text = absl::StrJoin(name.segments, ".");
  return name;
}

ast::TypeRef AstBuilder::Type(P::TypeRefContext* ctx) {
  ast::TypeRef type;
  type.span = state_.map.Span(ctx);
  type.name = std::string(state_.map.Text(ctx->IDENT()->getSymbol()));
  for (P::TypeRefContext* arg : ctx->typeRef()) type.args.push_back(Type(arg));
  return type;
}

ast::ActionDecl AstBuilder::Action(P::ActionDeclContext* ctx) {
  ast::ActionDecl decl;
  decl.span = state_.map.Span(ctx);
  decl.name = ActionName(ctx->actionName());
  for (P::FieldDeclContext* field_ctx : ctx->fieldDecl()) {
    ast::FieldDecl field;
    field.name = Word(field_ctx->word());
    field.type = Type(field_ctx->typeRef());
    field.optional = field_ctx->QUESTION() != nullptr;
    antlr4::Token* last = field.optional ? field_ctx->QUESTION()->getSymbol()
                                         : field_ctx->typeRef()->getStop();
    field.span = state_.map.Span(field_ctx->getStart(), last);
    decl.fields.push_back(std::move(field));
  }
  return decl;
}

ast::RuleDecl AstBuilder::Rule(P::RuleDeclContext* ctx) {
  ast::RuleDecl decl;
  decl.span = state_.map.Span(ctx);
  decl.name = DeclName(ctx->word(), "rule");
  Clauses(ctx->clause(), &decl.clauses);
  return decl;
}

ast::DefaultDecl AstBuilder::Default(P::DefaultDeclContext* ctx) {
  ast::DefaultDecl decl;
  decl.span = state_.map.Span(ctx);
  if (auto* block = dynamic_cast<P::DefaultBlockContext*>(ctx)) {
    decl.block = true;
    Clauses(block->clause(), &decl.clauses);
    return decl;
  }
  ast::Clause clause;
  antlr4::Token* keyword = ctx->getStart();
  if (auto* allow = dynamic_cast<P::DefaultAllowContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kAllow;
    keyword = allow->ALLOW()->getSymbol();
  } else if (auto* deny = dynamic_cast<P::DefaultDenyContext*>(ctx)) {
    clause.kind = ast::ClauseKind::kDeny;
    keyword = deny->DENY()->getSymbol();
    if (deny->STRING() != nullptr) clause.reason = String(deny->STRING());
  }
  clause.keyword_span = state_.map.Span(keyword);
  clause.span = state_.map.Span(keyword, ctx->getStop());
  decl.clauses.push_back(std::move(clause));
  return decl;
}

}  // namespace signoff::parse
