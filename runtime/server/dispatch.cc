#include "runtime/server/dispatch.h"

#include <cctype>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "stdlib/absl_compat.h"

namespace signoff::server {
namespace {

HttpResponse Unauthenticated(std::string_view message) {
  HttpResponse response = ErrorResponse(401, "unauthenticated", message);
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"signoff\"");
  return response;
}

}  // namespace

std::string_view BearerKey(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return "";
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        kScheme[i]) {
      return "";
    }
  }
  std::string_view key = authorization.substr(kScheme.size());
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  return key;
}

HttpResponse Dispatch(const Router& router, ServerContext& context,
                      HttpRequest& request) {
  Router::Match match = router.Find(request.method, request.path);
  if (match.kind == Router::Match::kNotFound) {
    return ErrorResponse(404, "not_found",
                         absl::StrCat("no such endpoint: ", request.path));
  }
  if (match.kind == Router::Match::kMethodNotAllowed) {
    std::string allowed = absl::StrJoin(match.allowed, ", ");
    HttpResponse response =
        ErrorResponse(405, "method_not_allowed",
                      absl::StrCat(request.method, " is not allowed on ",
                                   request.path, " (allowed: ", allowed, ")"));
    response.headers.emplace_back("Allow", allowed);
    return response;
  }
  const Route& route = *match.route;
  request.path_params = std::move(match.params);
  request.state = context.state();

  if (route.access != Access::kPublic) {
    std::optional<std::string_view> header = request.Header("Authorization");
    if (!header) {
      return Unauthenticated(
          "an API key is required: send `Authorization: Bearer <key>`");
    }
    std::string_view key = BearerKey(*header);
    if (key.empty()) {
      return Unauthenticated("the Authorization header must be `Bearer <key>`");
    }
    request.identity = request.state->api_keys.Authenticate(key);
    if (request.identity == nullptr) return Unauthenticated("unknown API key");
    const std::string& id = request.identity->id;
    if (route.access == Access::kAdmin && !context.config().IsAdmin(id)) {
      return ErrorResponse(
          403, "forbidden",
          absl::StrCat("`", id,
                       "` is not an admin (`admins` in signoff.yaml)"));
    }
    if (route.access == Access::kAuditor && !context.config().IsAuditor(id)) {
      return ErrorResponse(
          403, "forbidden",
          absl::StrCat("`", id,
                       "` may not read the audit log (`auditors` or "
                       "`admins` in signoff.yaml)"));
    }
  }
  return route.handler(request);
}

}  // namespace signoff::server
