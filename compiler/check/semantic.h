// The checker's output: resolved declarations of a whole policy set.
//
// Produced by check::Check() from parsed files; consumed by ir::Lower() and
// the test runner. It points into the ast::File objects it was built from,
// which must outlive it.
#ifndef SIGNOFF_COMPILER_CHECK_SEMANTIC_H_
#define SIGNOFF_COMPILER_CHECK_SEMANTIC_H_

#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"

namespace signoff::check {

// A group with its members resolved: unions flattened, references followed.
struct ResolvedGroup {
  std::string name;  // declared name, or formatted text for inline groups
  SourceSpan span;
  std::vector<std::string> members;      // static members, sorted, unique
  std::vector<std::string> directories;  // directory(...) names, sorted, unique
  bool declared = true;  // false for inline `require 1 of ["a"]` groups
};

// A params field a rule reads, with its type across the matched actions.
struct ParamRead {
  std::string field;
  Type type = Type::kError;
};

enum class Effect : unsigned char { kAllow, kDeny, kRequire };

struct RuleInfo {
  const ast::RuleDecl* decl = nullptr;  // null for the default
  Effect effect = Effect::kDeny;
  std::vector<ParamRead> params_read;  // sorted by field name
  // For each entry of SemanticModel::actions: whether a pattern of this rule
  // matches it, and whether the rule can apply to it (its schema declares
  // every params field the rule reads, with the same type).
  std::vector<bool> matches_action;
  std::vector<bool> applies_to_action;
};

struct SemanticModel {
  std::vector<ResolvedGroup> groups;              // declared first, then inline
  std::vector<const ast::ChannelDecl*> channels;  // source order
  std::vector<const ast::ActionDecl*> actions;    // source order
  std::vector<RuleInfo> rules;                    // source order
  RuleInfo default_rule;  // decl == null; effect from the default (or deny)
  const ast::DefaultDecl* default_decl = nullptr;  // null: implicit deny
  std::vector<const ast::TestDecl*> tests;         // source order

  int FindGroup(std::string_view name) const;    // -1 if absent
  int FindChannel(std::string_view name) const;  // -1 if absent
  int FindAction(std::string_view name) const;   // -1 if absent
};

// Whether an action pattern (segments: literal names, "*" for exactly one
// segment, "**" for one or more segments) matches a dotted action name.
// Shared by the checker and ir::Pattern::Matches.
bool PatternMatches(const std::vector<std::string>& segments,
                    std::string_view action);

// `expr` with any enclosing parentheses removed.
const ast::Expr& StripParens(const ast::Expr& expr);
ast::Expr& StripParens(ast::Expr& expr);

}  // namespace signoff::check

#endif  // SIGNOFF_COMPILER_CHECK_SEMANTIC_H_
