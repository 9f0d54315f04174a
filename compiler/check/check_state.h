// Private to the checker: the state shared by its passes.
//
// Check() runs the passes in order: declarations (namespace, schemas,
// channels), groups, rules and the default, tests, lints. Each pass is a
// free function in its own file taking the CheckState.
#ifndef SIGNOFF_COMPILER_CHECK_CHECK_STATE_H_
#define SIGNOFF_COMPILER_CHECK_CHECK_STATE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "compiler/ast/ast.h"
#include "compiler/check/checker.h"
#include "compiler/check/semantic.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace signoff::check::internal {

// What a name of the shared namespace denotes.
enum class NameKind : unsigned char { kGroup, kChannel, kRule, kAction };
std::string_view NameKindWord(NameKind kind);  // "group", "channel", ...

struct NameEntry {
  NameKind kind;
  SourceSpan span;  // the declaring name
  int index;        // into the model's list of that kind
};

// The params fields an expression may read, and what was read.
struct ParamScope {
  enum class Owner : unsigned char { kRule, kDefault, kTest };
  Owner owner = Owner::kRule;
  // Backticked description of what is matched, for messages:
  // "`data.*`", "`data.export`, `iam.**`".
  std::string subject;
  std::vector<int> matched;  // indexes into SemanticModel::actions

  struct Read {
    Type type = Type::kError;  // kError when reported
    SourceSpan first;          // the first `F` of `params.F`
  };
  std::map<std::string, Read> reads;  // by field name
};

struct CheckState {
  CheckState(const SourceManager& s, std::vector<ast::File>& f,
             const CheckOptions& o, DiagnosticBag& d)
      : sources(s), files(f), options(o), diags(d) {}

  const SourceManager& sources;
  std::vector<ast::File>& files;
  const CheckOptions& options;
  DiagnosticBag& diags;
  SemanticModel model;

  // The shared namespace: groups, channels, rules, actions.
  absl::flat_hash_map<std::string, NameEntry> names;

  // Mutable views of what the model points to (the checker annotates them).
  std::vector<ast::GroupDecl*> group_decls;  // declared prefix of groups
  std::vector<ast::RuleDecl*> rule_decls;    // parallel to model.rules
  ast::DefaultDecl* default_decl = nullptr;
  std::vector<ast::TestDecl*> test_decls;  // parallel to model.tests

  // Per declared group: resolved without error (no cycle, no unknown ref).
  std::vector<bool> group_ok;
  std::vector<bool> group_used;    // per entry of model.groups
  std::vector<bool> channel_used;  // per entry of model.channels
  // Inline groups by formatted text, so equal groups share one entry.
  absl::flat_hash_map<std::string, int> inline_groups;

  // Looks a name up in the shared namespace; null when absent.
  const NameEntry* Find(std::string_view name) const;
  int FindDeclaredGroup(std::string_view name) const;  // -1 if absent
  std::vector<std::string> DeclaredGroupNames() const;
  std::vector<std::string> ChannelNames() const;
  bool IsLibrary(SourceSpan span) const;
};

// --- passes (one file each) --------------------------------------------------

// declarations.cc: fills the namespace, channels, actions, rules, default
// and tests; reports duplicates, misplaced declarations, channel kinds,
// field types and duplicate fields.
void CollectDeclarations(CheckState& state);

// groups.cc
void ResolveDeclaredGroups(CheckState& state);
// Resolves the group of a `require`, `escalate` or expected requirement:
// a single reference denotes the declared group, anything else an inline
// group. Sets decl_index on the top node (and every kRef); returns it, or
// -1 after an error.
int ResolveGroupUse(CheckState& state, ast::GroupExpr& group);

// rules.cc
void CheckRules(CheckState& state);
// A `require` line (or an expected requirement of a test): count, group and
// `where` condition.
void CheckRequirement(CheckState& state, ParamScope& scope,
                      ast::Requirement& requirement);
void CheckDefault(CheckState& state);

// tests.cc
void CheckTests(CheckState& state);

// lints.cc
void RunLints(CheckState& state);

// params.cc: params fields across the actions a scope matches.
// The type of `params.<field>`; reports UnknownParamField or
// ParamTypeConflict once per field and scope (and then returns kError).
Type ResolveParam(CheckState& state, ParamScope& scope,
                  const std::string& field, SourceSpan name_span);
// Whether some matched action declares `field` as optional.
bool ParamIsOptional(const CheckState& state, const ParamScope& scope,
                     const std::string& field);
// Fills params_read, matches_action and applies_to_action of `info` and
// warns (RuleNeverApplies) about matched actions the rule can never apply to.
void FinishParams(CheckState& state, const ParamScope& scope,
                  const ast::Identifier& rule_name, RuleInfo& info);
// The declaration of `field` in `action`; null when it has none.
const ast::FieldDecl* FindField(const ast::ActionDecl& action,
                                std::string_view field);

// checker.cc: resolves a channel name (UnknownName with did-you-mean) and
// marks it used; -1 when unknown.
int ResolveChannel(CheckState& state, const ast::Identifier& name);

// Backticks around text: Quote("sre") == "`sre`".
std::string Quote(std::string_view text);
// The backticked spelling of a type: "`list<string>`".
std::string QuoteType(Type type);
// Help text "did you mean `x`?" or "" when nothing is close.
std::string DidYouMean(std::string_view name,
                       const std::vector<std::string>& candidates);
// The span of the first `length` bytes of `span` (a leading keyword).
SourceSpan Prefix(SourceSpan span, uint32_t length);

}  // namespace signoff::check::internal

#endif  // SIGNOFF_COMPILER_CHECK_CHECK_STATE_H_
