// Builds our AST from ANTLR's parse tree (private to compiler/parse).
//
// The builder sees only trees of declarations that parsed without a syntax
// error. It checks what the grammar leaves open (literal values, reserved
// declaration names, pattern shapes, comparison chains, message
// interpolation) and reports problems with precise spans. A structural
// problem (`failed()`) drops the declaration; a bad literal is reported and
// the declaration kept with a best-effort value, so later phases see it.
//
// Split across build_decls.cc, build_clauses.cc, build_exprs.cc,
// build_tests.cc and interpolation.cc.
#ifndef SIGNOFF_COMPILER_PARSE_BUILDER_H_
#define SIGNOFF_COMPILER_PARSE_BUILDER_H_

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/parse/parse_state.h"

namespace signoff::parse {

// Expressions deeper than this (counting every operator, not only
// brackets) are rejected so that no later phase recurses too deeply.
inline constexpr int kMaxExprDepth = 1000;

class AstBuilder {
 public:
  explicit AstBuilder(ParseState& state) : state_(state) {}

  // A declaration, or nullopt when it has a structural error (reported).
  std::optional<ast::Decl> Declaration(SignoffParser::DeclarationContext* ctx);
  ast::ExprPtr Expr(SignoffParser::ExprContext* ctx);
  bool failed() const { return failed_; }

 private:
  using TerminalNode = antlr4::tree::TerminalNode;

  // build_decls.cc
  ast::ImportDecl Import(SignoffParser::ImportDeclContext* ctx);
  ast::GroupDecl Group(SignoffParser::GroupDeclContext* ctx);
  ast::ChannelDecl Channel(SignoffParser::ChannelDeclContext* ctx);
  ast::ActionDecl Action(SignoffParser::ActionDeclContext* ctx);
  ast::RuleDecl Rule(SignoffParser::RuleDeclContext* ctx);
  ast::DefaultDecl Default(SignoffParser::DefaultDeclContext* ctx);
  ast::GroupExprPtr GroupExpr(SignoffParser::GroupExprContext* ctx);
  ast::GroupExprPtr GroupTerm(SignoffParser::GroupTermContext* ctx);
  ast::TypeRef Type(SignoffParser::TypeRefContext* ctx);
  ast::ActionName ActionName(SignoffParser::ActionNameContext* ctx);
  // A declaration's name: reports ReservedWord for a keyword.
  ast::Identifier DeclName(SignoffParser::WordContext* word,
                           std::string_view what);
  ast::Identifier Ident(TerminalNode* node);
  ast::Identifier Word(SignoffParser::WordContext* word);
  ast::StringLiteral String(TerminalNode* node);
  int64_t Int(TerminalNode* node);
  int64_t Duration(TerminalNode* node);
  void StructuralError(SourceSpan span, std::string message,
                       std::string help = "");

  // build_clauses.cc
  void Clauses(const std::vector<SignoffParser::ClauseContext*>& ctxs,
               std::vector<ast::Clause>* out);
  void Clause(SignoffParser::ClauseContext* ctx, std::vector<ast::Clause>* out);
  ast::ActionName Pattern(SignoffParser::PatternContext* ctx);
  ast::Requirement Requirement(SignoffParser::RequirementContext* ctx);
  std::vector<ast::Identifier> Channels(SignoffParser::ChannelListContext* ctx);

  // interpolation.cc
  ast::Message Message(TerminalNode* string);

  // build_exprs.cc
  ast::ExprPtr Or(SignoffParser::OrExprContext* ctx);
  ast::ExprPtr And(SignoffParser::AndExprContext* ctx);
  ast::ExprPtr Not(SignoffParser::NotExprContext* ctx);
  ast::ExprPtr Compare(SignoffParser::CmpExprContext* ctx);
  ast::ExprPtr CompareOperand(SignoffParser::CmpOperandContext* ctx,
                              bool allow_range);
  ast::ExprPtr Add(SignoffParser::AddExprContext* ctx);
  ast::ExprPtr Mul(SignoffParser::MulExprContext* ctx);
  ast::ExprPtr Unary(SignoffParser::UnaryExprContext* ctx);
  ast::ExprPtr Postfix(SignoffParser::PostfixExprContext* ctx);
  ast::ExprPtr Primary(SignoffParser::PrimaryContext* ctx);
  ast::ExprPtr Binary(ast::BinaryOp op, ast::ExprPtr left, ast::ExprPtr right);
  // Records the depth of a finished node; false once the limit is passed.
  bool Track(const ast::Expr& expr);

  // build_tests.cc
  ast::TestDecl Test(SignoffParser::TestDeclContext* ctx);
  ast::TestValuePtr Object(SignoffParser::ObjectContext* ctx);
  ast::TestValuePtr Value(SignoffParser::ValueContext* ctx);
  ast::Expectation Expectation(SignoffParser::ExpectationContext* ctx);

  ParseState& state_;
  bool failed_ = false;
  bool too_deep_ = false;
  std::unordered_map<const ast::Expr*, int> depth_;
};

// Parses the text of one `{...}` interpolation (already decoded from the
// string literal; `remap` maps its offsets 0..size to file offsets).
// Returns null after reporting when it does not parse.
ast::ExprPtr ParseInterpolation(std::string_view text,
                                const std::vector<uint32_t>& remap, FileId file,
                                Reporter& diags);

}  // namespace signoff::parse

#endif  // SIGNOFF_COMPILER_PARSE_BUILDER_H_
