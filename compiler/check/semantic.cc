#include "compiler/check/semantic.h"

#include <string>
#include <string_view>
#include <vector>

namespace signoff::check {

int SemanticModel::FindGroup(std::string_view name) const {
  for (size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].declared && groups[i].name == name)
      return static_cast<int>(i);
  }
  return -1;
}

int SemanticModel::FindChannel(std::string_view name) const {
  for (size_t i = 0; i < channels.size(); ++i) {
    if (channels[i]->name.name == name) return static_cast<int>(i);
  }
  return -1;
}

int SemanticModel::FindAction(std::string_view name) const {
  for (size_t i = 0; i < actions.size(); ++i) {
    if (actions[i]->name.text == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

// Matches segments[si..] against parts[pi..].
bool MatchFrom(const std::vector<std::string>& segments, size_t si,
               const std::vector<std::string_view>& parts, size_t pi) {
  if (si == segments.size()) return pi == parts.size();
  const std::string& segment = segments[si];
  if (segment == "**") {
    // One or more segments.
    for (size_t end = pi + 1; end <= parts.size(); ++end) {
      if (MatchFrom(segments, si + 1, parts, end)) return true;
    }
    return false;
  }
  if (pi == parts.size()) return false;
  if (segment != "*" && segment != parts[pi]) return false;
  return MatchFrom(segments, si + 1, parts, pi + 1);
}

}  // namespace

bool PatternMatches(const std::vector<std::string>& segments,
                    std::string_view action) {
  if (segments.empty() || action.empty()) return false;
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dot = action.find('.', start);
    parts.push_back(action.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return MatchFrom(segments, 0, parts, 0);
}

const ast::Expr& StripParens(const ast::Expr& expr) {
  const ast::Expr* e = &expr;
  while (e->kind == ast::ExprKind::kParen && !e->children.empty()) {
    e = e->children[0].get();
  }
  return *e;
}

ast::Expr& StripParens(ast::Expr& expr) {
  ast::Expr* e = &expr;
  while (e->kind == ast::ExprKind::kParen && !e->children.empty()) {
    e = e->children[0].get();
  }
  return *e;
}

}  // namespace signoff::check
