// Groups: unions flattened, references followed, cycles and unknown names
// reported; inline groups of `require`/`escalate` get anonymous entries.
#include <algorithm>
#include <string>
#include <vector>

#include "compiler/check/check_state.h"
#include "compiler/fmt/formatter.h"

namespace signoff::check::internal {
namespace {

enum class Visit : unsigned char { kNew, kActive, kDone };

void SortUnique(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

class GroupResolver {
 public:
  // `declared_done`: the declared groups are already resolved.
  GroupResolver(CheckState& state, bool declared_done)
      : state_(state),
        visit_(state.group_decls.size(),
               declared_done ? Visit::kDone : Visit::kNew) {}

  // Resolves declared group `index` (and what it refers to).
  void ResolveDeclared(int index) {
    if (visit_[index] != Visit::kNew) return;
    visit_[index] = Visit::kActive;
    path_.push_back(index);
    std::vector<std::string> members;
    std::vector<std::string> directories;
    bool ok = Collect(*state_.group_decls[index]->value, members, directories);
    SortUnique(members);
    SortUnique(directories);
    state_.model.groups[index].members = std::move(members);
    state_.model.groups[index].directories = std::move(directories);
    state_.group_ok[index] = ok;
    path_.pop_back();
    visit_[index] = Visit::kDone;
  }

  // Appends the members and directories `expr` denotes; false after an
  // error (reported).
  bool Collect(ast::GroupExpr& expr, std::vector<std::string>& members,
               std::vector<std::string>& directories) {
    switch (expr.kind) {
      case ast::GroupExpr::Kind::kMembers:
        for (const ast::StringLiteral& member : expr.members) {
          members.push_back(member.value);
        }
        return true;
      case ast::GroupExpr::Kind::kDirectory:
        directories.push_back(expr.directory.value);
        return true;
      case ast::GroupExpr::Kind::kRef:
        return CollectRef(expr, members, directories);
      case ast::GroupExpr::Kind::kUnion: {
        bool ok = true;
        for (ast::GroupExprPtr& child : expr.children) {
          ok = Collect(*child, members, directories) && ok;
        }
        return ok;
      }
    }
    return false;
  }

 private:
  bool CollectRef(ast::GroupExpr& expr, std::vector<std::string>& members,
                  std::vector<std::string>& directories) {
    const std::string& name = expr.ref.name;
    int index = state_.FindDeclaredGroup(name);
    if (index < 0) {
      std::string help = DidYouMean(name, state_.DeclaredGroupNames());
      if (help.empty()) {
        if (const NameEntry* entry = state_.Find(name)) {
          help = Quote(name) + " is a " +
                 std::string(NameKindWord(entry->kind)) + ", not a group";
        }
      }
      state_.diags.Report(DiagKind::kUnknownName, expr.ref.span,
                          "unknown group " + Quote(name), std::move(help));
      return false;
    }
    expr.decl_index = index;
    state_.group_used[index] = true;
    if (visit_[index] == Visit::kActive) {
      ReportCycle(expr, index);
      return false;
    }
    ResolveDeclared(index);
    const ResolvedGroup& target = state_.model.groups[index];
    members.insert(members.end(), target.members.begin(), target.members.end());
    directories.insert(directories.end(), target.directories.begin(),
                       target.directories.end());
    return state_.group_ok[index];
  }

  void ReportCycle(const ast::GroupExpr& expr, int index) {
    std::string chain;
    auto start = std::find(path_.begin(), path_.end(), index);
    for (auto it = start; it != path_.end(); ++it) {
      chain += Quote(state_.model.groups[*it].name) + " -> ";
    }
    chain += Quote(state_.model.groups[index].name);
    Diagnostic& diag =
        state_.diags.Report(DiagKind::kGroupCycle, expr.ref.span,
                            "group " + Quote(state_.model.groups[index].name) +
                                " is defined in terms of itself: " + chain);
    diag.notes.push_back(
        {state_.model.groups[index].span, "the cycle starts here"});
  }

  CheckState& state_;
  std::vector<Visit> visit_;
  std::vector<int> path_;
};

}  // namespace

void ResolveDeclaredGroups(CheckState& state) {
  GroupResolver resolver(state, /*declared_done=*/false);
  for (size_t i = 0; i < state.group_decls.size(); ++i) {
    resolver.ResolveDeclared(static_cast<int>(i));
  }
}

int ResolveGroupUse(CheckState& state, ast::GroupExpr& group) {
  GroupResolver resolver(state, /*declared_done=*/true);
  if (group.kind == ast::GroupExpr::Kind::kRef) {
    std::vector<std::string> members;
    std::vector<std::string> directories;
    if (!resolver.Collect(group, members, directories) &&
        group.decl_index < 0) {
      return -1;
    }
    return group.decl_index;
  }
  ResolvedGroup inline_group;
  inline_group.name = fmt::FormatGroupExpr(group);
  inline_group.span = group.span;
  inline_group.declared = false;
  bool ok =
      resolver.Collect(group, inline_group.members, inline_group.directories);
  if (!ok) return -1;
  SortUnique(inline_group.members);
  SortUnique(inline_group.directories);
  auto it = state.inline_groups.find(inline_group.name);
  if (it != state.inline_groups.end()) {
    group.decl_index = it->second;
    return it->second;
  }
  int index = static_cast<int>(state.model.groups.size());
  state.inline_groups.emplace(inline_group.name, index);
  state.model.groups.push_back(std::move(inline_group));
  state.group_used.push_back(true);
  state.group_ok.push_back(true);
  group.decl_index = index;
  return index;
}

}  // namespace signoff::check::internal
