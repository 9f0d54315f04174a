// Declarations: the shared namespace, placement of tests, channel kinds and
// action schemas (field types, duplicate fields).
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "compiler/check/check_state.h"

namespace signoff::check::internal {
namespace {

constexpr std::string_view kTypeSpellings[] = {
    "string", "int",          "bool",      "duration",          "time",
    "ip",     "list<string>", "list<int>", "map<string,string>"};

// Adds `name` to the shared namespace; reports a duplicate and returns false
// when it is taken.
bool Declare(CheckState& state, const std::string& name, NameKind kind,
             SourceSpan span, int index) {
  auto [it, inserted] =
      state.names.try_emplace(name, NameEntry{kind, span, index});
  if (inserted) return true;
  const NameEntry& first = it->second;
  std::string help;
  if (first.kind != kind) {
    help = "groups, channels, rules and actions share one namespace; " +
           Quote(name) + " is already a " +
           std::string(NameKindWord(first.kind));
  }
  Diagnostic& diag = state.diags.Report(
      DiagKind::kDuplicateDeclaration, span,
      "the name " + Quote(name) + " is already declared", std::move(help));
  diag.notes.push_back({first.span, "first declared here"});
  return false;
}

Type ScalarType(std::string_view name) {
  if (name == "string") return Type::kString;
  if (name == "int") return Type::kInt;
  if (name == "bool") return Type::kBool;
  if (name == "duration") return Type::kDuration;
  if (name == "time") return Type::kTime;
  if (name == "ip") return Type::kIp;
  return Type::kError;
}

bool IsPlain(const ast::TypeRef& ref, std::string_view name) {
  return ref.args.empty() && ref.name == name;
}

Type ResolveTypeRef(CheckState& state, ast::TypeRef& ref) {
  Type type = Type::kError;
  if (ref.args.empty()) {
    type = ScalarType(ref.name);
  } else if (ref.name == "list" && ref.args.size() == 1 &&
             (IsPlain(ref.args[0], "string") || IsPlain(ref.args[0], "int"))) {
    type = ref.args[0].name == "string" ? Type::kListString : Type::kListInt;
  } else if (ref.name == "map" && ref.args.size() == 2 &&
             IsPlain(ref.args[0], "string") && IsPlain(ref.args[1], "string")) {
    type = Type::kMapStringString;
  }
  for (ast::TypeRef& arg : ref.args) {
    arg.resolved = ScalarType(arg.name);
  }
  ref.resolved = type;
  if (type != Type::kError) return type;

  std::string spelled(state.sources.Slice(ref.span));
  std::string help;
  if (ref.name == "list") {
    help =
        "a list holds `string` or `int` values: `list<string>` or "
        "`list<int>`";
  } else if (ref.name == "map") {
    help = "the only map type is `map<string,string>`";
  } else {
    std::vector<std::string> candidates(std::begin(kTypeSpellings),
                                        std::end(kTypeSpellings));
    help = DidYouMean(spelled, candidates);
    if (help.empty()) {
      help =
          "the field types are `string`, `int`, `bool`, `duration`, `time`, "
          "`ip`, `list<string>`, `list<int>` and `map<string,string>`";
    }
  }
  state.diags.Report(DiagKind::kUnknownType, ref.span,
                     "unknown type " + Quote(spelled), std::move(help));
  return Type::kError;
}

void CollectChannel(CheckState& state, ast::ChannelDecl& channel) {
  int index = static_cast<int>(state.model.channels.size());
  if (!Declare(state, channel.name.name, NameKind::kChannel, channel.name.span,
               index)) {
    return;
  }
  state.model.channels.push_back(&channel);
  const std::string& kind = channel.kind.name;
  if (kind != "slack" && kind != "teams" && kind != "webhook") {
    std::string help = DidYouMean(kind, {"slack", "teams", "webhook"});
    if (help.empty()) {
      help = "a channel is `slack(...)`, `teams(...)` or `webhook(...)`";
    }
    state.diags.Report(DiagKind::kUnknownChannelKind, channel.kind.span,
                       "unknown channel kind " + Quote(kind), std::move(help));
  }
}

void CollectAction(CheckState& state, ast::ActionDecl& action) {
  for (const std::string& segment : action.name.segments) {
    if (segment == "*" || segment == "**") {
      state.diags.Report(
          DiagKind::kInvalidPattern, action.name.span,
          "an action declaration names one action, but " +
              Quote(action.name.text) + " is a pattern",
          "write the full name, e.g. `action data.export { ... }`");
      return;
    }
  }
  int index = static_cast<int>(state.model.actions.size());
  if (!Declare(state, action.name.text, NameKind::kAction, action.name.span,
               index)) {
    return;
  }
  state.model.actions.push_back(&action);
  absl::flat_hash_map<std::string, const ast::FieldDecl*> seen;
  for (ast::FieldDecl& field : action.fields) {
    ResolveTypeRef(state, field.type);
    auto [it, inserted] = seen.try_emplace(field.name.name, &field);
    if (!inserted) {
      Diagnostic& diag = state.diags.Report(
          DiagKind::kDuplicateField, field.name.span,
          "field " + Quote(field.name.name) + " is declared twice in " +
              Quote(action.name.text));
      diag.notes.push_back({it->second->name.span, "first declared here"});
    }
  }
}

class Collector {
 public:
  explicit Collector(CheckState& state) : state_(state) {}

  void Run() {
    // A policy's own action declaration takes the place of a library
    // module's declaration of the same action (LANGUAGE.md §3's example both
    // imports std/actions and declares data.export).
    for (const ast::File& file : state_.files) {
      for (const ast::Decl& decl : file.decls) {
        const auto* action = std::get_if<ast::ActionDecl>(&decl);
        if (action != nullptr && !state_.IsLibrary(action->span)) {
          user_actions_.insert(action->name.text);
        }
      }
    }
    for (ast::File& file : state_.files) {
      for (ast::Decl& decl : file.decls) {
        if (std::holds_alternative<ast::ImportDecl>(decl)) continue;
        auto* test = std::get_if<ast::TestDecl>(&decl);
        if (file.is_test_file && test == nullptr) {
          state_.diags.Report(
              DiagKind::kDeclarationInTestFile, DeclSpan(decl),
              "a `_test.signoff` file may hold only `test` blocks",
              "move this declaration to a policy file");
          continue;
        }
        if (test != nullptr) {
          CollectTest(file, *test);
        } else if (auto* group = std::get_if<ast::GroupDecl>(&decl)) {
          CollectGroup(*group);
        } else if (auto* channel = std::get_if<ast::ChannelDecl>(&decl)) {
          CollectChannel(state_, *channel);
        } else if (auto* action = std::get_if<ast::ActionDecl>(&decl)) {
          if (state_.IsLibrary(action->span) &&
              user_actions_.contains(action->name.text)) {
            continue;  // overridden by the policy's own declaration
          }
          CollectAction(state_, *action);
        } else if (auto* rule = std::get_if<ast::RuleDecl>(&decl)) {
          CollectRule(*rule);
        } else if (auto* def = std::get_if<ast::DefaultDecl>(&decl)) {
          CollectDefault(*def);
        }
      }
    }
    state_.channel_used.assign(state_.model.channels.size(), false);
    state_.group_used.assign(state_.model.groups.size(), false);
    state_.group_ok.assign(state_.model.groups.size(), true);
  }

 private:
  static SourceSpan DeclSpan(const ast::Decl& decl) {
    return std::visit([](const auto& d) { return d.span; }, decl);
  }

  void CollectGroup(ast::GroupDecl& group) {
    const std::string& name = group.name.name;
    if (name == "params" || name == "requester" || name == "context" ||
        name == "approver") {
      // Expressions would read the entity, never the group.
      state_.diags.Report(DiagKind::kReservedWord, group.name.span,
                          Quote(name) +
                              " is a built-in name and cannot name "
                              "a group",
                          "rename it, e.g. `" + name + "_group`");
    }
    int index = static_cast<int>(state_.model.groups.size());
    if (!Declare(state_, group.name.name, NameKind::kGroup, group.name.span,
                 index)) {
      return;
    }
    ResolvedGroup resolved;
    resolved.name = group.name.name;
    resolved.span = group.name.span;
    state_.model.groups.push_back(std::move(resolved));
    state_.group_decls.push_back(&group);
  }

  void CollectRule(ast::RuleDecl& rule) {
    int index = static_cast<int>(state_.model.rules.size());
    // A duplicate is reported but still checked, so its body's errors show.
    Declare(state_, rule.name.name, NameKind::kRule, rule.name.span, index);
    RuleInfo info;
    info.decl = &rule;
    state_.model.rules.push_back(std::move(info));
    state_.rule_decls.push_back(&rule);
  }

  void CollectDefault(ast::DefaultDecl& def) {
    if (state_.default_decl != nullptr) {
      Diagnostic& diag = state_.diags.Report(
          DiagKind::kDuplicateDefault, Prefix(def.span, 7),
          "a policy set has one `default`, and this is a second one");
      diag.notes.push_back(
          {Prefix(state_.default_decl->span, 7), "first `default` here"});
      return;
    }
    state_.default_decl = &def;
    state_.model.default_decl = &def;
  }

  void CollectTest(const ast::File& file, ast::TestDecl& test) {
    if (!file.is_test_file) {
      state_.diags.Report(
          DiagKind::kTestOutsideTestFile, Prefix(test.span, 4),
          "a `test` block must be in a `_test.signoff` file",
          "move it to a file whose name ends in `_test.signoff`");
      return;
    }
    auto [it, inserted] = test_names_.try_emplace(test.name.value, &test);
    if (!inserted) {
      Diagnostic& diag = state_.diags.Report(
          DiagKind::kDuplicateDeclaration, test.name.span,
          "a test named " + test.name.text + " already exists");
      diag.notes.push_back({it->second->name.span, "first declared here"});
    }
    state_.model.tests.push_back(&test);
    state_.test_decls.push_back(&test);
  }

  CheckState& state_;
  absl::flat_hash_map<std::string, const ast::TestDecl*> test_names_;
  absl::flat_hash_set<std::string> user_actions_;
};

}  // namespace

void CollectDeclarations(CheckState& state) { Collector(state).Run(); }

}  // namespace signoff::check::internal
