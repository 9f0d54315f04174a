// The checker's driver: runs the passes over a whole policy set.
#include "compiler/check/checker.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/check/check_state.h"
#include "stdlib/absl_compat.h"

namespace signoff::check {

namespace internal {

std::string_view NameKindWord(NameKind kind) {
  switch (kind) {
    case NameKind::kGroup:
      return "group";
    case NameKind::kChannel:
      return "channel";
    case NameKind::kRule:
      return "rule";
    case NameKind::kAction:
      return "action";
  }
  return "name";
}

const NameEntry* CheckState::Find(std::string_view name) const {
  auto it = names.find(AsAbsl(name));
  return it == names.end() ? nullptr : &it->second;
}

int CheckState::FindDeclaredGroup(std::string_view name) const {
  const NameEntry* entry = Find(name);
  if (entry == nullptr || entry->kind != NameKind::kGroup) return -1;
  return entry->index;
}

std::vector<std::string> CheckState::DeclaredGroupNames() const {
  std::vector<std::string> out;
  for (const ResolvedGroup& group : model.groups) {
    if (group.declared) out.push_back(group.name);
  }
  return out;
}

std::vector<std::string> CheckState::ChannelNames() const {
  std::vector<std::string> out;
  for (const ast::ChannelDecl* channel : model.channels) {
    out.push_back(channel->name.name);
  }
  return out;
}

bool CheckState::IsLibrary(SourceSpan span) const {
  return std::find(options.library_files.begin(), options.library_files.end(),
                   span.file) != options.library_files.end();
}

std::string Quote(std::string_view text) {
  std::string out = "`";
  out.append(text);
  out.push_back('`');
  return out;
}

std::string QuoteType(Type type) { return Quote(TypeName(type)); }

std::string DidYouMean(std::string_view name,
                       const std::vector<std::string>& candidates) {
  std::string best = ClosestMatch(name, candidates);
  if (best.empty()) return "";
  return "did you mean " + Quote(best) + "?";
}

SourceSpan Prefix(SourceSpan span, uint32_t length) {
  SourceSpan out = span;
  out.end = std::min(span.end, span.begin + length);
  return out;
}

int ResolveChannel(CheckState& state, const ast::Identifier& name) {
  int index = state.model.FindChannel(name.name);
  if (index >= 0) {
    state.channel_used[index] = true;
    return index;
  }
  std::string help = DidYouMean(name.name, state.ChannelNames());
  if (help.empty()) {
    if (const NameEntry* entry = state.Find(name.name)) {
      help = Quote(name.name) + " is a " +
             std::string(NameKindWord(entry->kind)) + ", not a channel";
    } else {
      help =
          "declare it with `channel " + name.name + " = slack(\"#channel\")`";
    }
  }
  state.diags.Report(DiagKind::kUnknownName, name.span,
                     "unknown channel " + Quote(name.name), help);
  return -1;
}

}  // namespace internal

SemanticModel Check(const SourceManager& sources, std::vector<ast::File>& files,
                    const CheckOptions& options, DiagnosticBag& diags) {
  internal::CheckState state(sources, files, options, diags);
  internal::CollectDeclarations(state);
  internal::ResolveDeclaredGroups(state);
  internal::CheckRules(state);
  internal::CheckDefault(state);
  internal::CheckTests(state);
  internal::RunLints(state);
  return std::move(state.model);
}

}  // namespace signoff::check
