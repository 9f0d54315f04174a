// The route table: which handler serves a method and path, and who may
// call it. Patterns are literal segments and `{name}` placeholders, each
// matching one non-empty segment: "/v1/requests/{id}/votes". A path no
// pattern matches is 404; a path some pattern matches under another method
// is 405 with the methods that exist (the `Allow` header).
//
// The table is where features plug in: Add() with the method and pattern
// of an existing route replaces it. The approval workflow's routes start as
// 501 placeholders (approval_routes.h) that runtime/approvals replaces.
//
// Thread safety: Add is not thread-safe; once the server is listening the
// table is only read (Match is const and thread-safe).
#ifndef SIGNOFF_RUNTIME_SERVER_ROUTER_H_
#define SIGNOFF_RUNTIME_SERVER_ROUTER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/server/http.h"

namespace signoff::server {

class Router {
 public:
  // Adds `route`, or replaces the one with the same method and pattern.
  void Add(Route route);

  struct Match {
    enum Kind { kFound, kNotFound, kMethodNotAllowed } kind = kNotFound;
    const Route* route = nullptr;  // kFound
    std::map<std::string, std::string, std::less<>> params;
    std::vector<std::string> allowed;  // kMethodNotAllowed, sorted
  };
  Match Find(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{id}" for a placeholder
  };
  static bool MatchSegments(
      const Compiled& pattern, const std::vector<std::string_view>& path,
      std::map<std::string, std::string, std::less<>>* params);

  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;  // parallel to routes_
};

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_ROUTER_H_
