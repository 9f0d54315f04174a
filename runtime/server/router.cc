#include "runtime/server/router.h"

#include <algorithm>
#include <utility>

namespace signoff::server {
namespace {

// "/a/b/c" -> {"a", "b", "c"}; "/" -> {}. Empty segments ("//", a trailing
// "/") are kept, so they match no placeholder.
std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path[0] != '/') {
    segments.push_back(path);  // matches nothing real
    return segments;
  }
  path.remove_prefix(1);
  if (path.empty()) return segments;
  while (true) {
    size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsPlaceholder(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(Route route) {
  Compiled compiled;
  for (std::string_view segment : Split(route.pattern)) {
    compiled.segments.emplace_back(segment);
  }
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method == route.method &&
        routes_[i].pattern == route.pattern) {
      routes_[i] = std::move(route);
      compiled_[i] = std::move(compiled);
      return;
    }
  }
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(compiled));
}

bool Router::MatchSegments(
    const Compiled& pattern, const std::vector<std::string_view>& path,
    std::map<std::string, std::string, std::less<>>* params) {
  if (pattern.segments.size() != path.size()) return false;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& want = pattern.segments[i];
    if (IsPlaceholder(want)) {
      if (path[i].empty()) return false;
    } else if (want != path[i]) {
      return false;
    }
  }
  if (params != nullptr) {
    for (size_t i = 0; i < path.size(); ++i) {
      const std::string& want = pattern.segments[i];
      if (IsPlaceholder(want)) {
        (*params)[want.substr(1, want.size() - 2)] = std::string(path[i]);
      }
    }
  }
  return true;
}

Router::Match Router::Find(std::string_view method,
                           std::string_view path) const {
  Match match;
  std::vector<std::string_view> segments = Split(path);
  // Literal routes win over placeholders: "/v1/requests/x" with both
  // "/v1/requests/{id}" and a literal route prefers the literal one.
  int best = -1;
  size_t best_literals = 0;
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (!MatchSegments(compiled_[i], segments, nullptr)) continue;
    if (routes_[i].method != method) {
      match.allowed.push_back(routes_[i].method);
      continue;
    }
    size_t literals = std::count_if(
        compiled_[i].segments.begin(), compiled_[i].segments.end(),
        [](const std::string& s) { return !IsPlaceholder(s); });
    if (best < 0 || literals > best_literals) {
      best = static_cast<int>(i);
      best_literals = literals;
    }
  }
  if (best >= 0) {
    match.kind = Match::kFound;
    match.route = &routes_[best];
    MatchSegments(compiled_[best], segments, &match.params);
    match.allowed.clear();
    return match;
  }
  if (!match.allowed.empty()) {
    std::sort(match.allowed.begin(), match.allowed.end());
    match.allowed.erase(std::unique(match.allowed.begin(), match.allowed.end()),
                        match.allowed.end());
    match.kind = Match::kMethodNotAllowed;
  }
  return match;
}

}  // namespace signoff::server
