// The seam where the approval workflow (runtime/approvals) plugs into the
// server: until it does, its endpoints answer 501 with the JSON error
// shape, after the same authentication the real handlers will get.
#include <string>

#include "absl/strings/str_cat.h"
#include "runtime/server/routes.h"

namespace signoff::server {
namespace {

Route Placeholder(std::string method, std::string pattern, Access access) {
  std::string what = absl::StrCat(method, " ", pattern);
  return {std::move(method), std::move(pattern), access,
          [what](const HttpRequest&) {
            return ErrorResponse(
                501, "not_implemented",
                absl::StrCat(what, " is not available in this build yet"));
          }};
}

}  // namespace

std::vector<Route> ApprovalPlaceholderRoutes() {
  return {
      Placeholder("POST", "/v1/requests", Access::kAuthenticated),
      Placeholder("GET", "/v1/requests", Access::kAuthenticated),
      Placeholder("GET", "/v1/requests/{id}", Access::kAuthenticated),
      Placeholder("POST", "/v1/requests/{id}/votes", Access::kAuthenticated),
      Placeholder("POST", "/v1/requests/{id}/cancel", Access::kAuthenticated),
      Placeholder("POST", "/v1/grants/verify", Access::kAuthenticated),
      Placeholder("POST", "/v1/grants/consume", Access::kAuthenticated),
      Placeholder("POST", "/v1/channels/slack/interactions", Access::kPublic),
      Placeholder("POST", "/v1/channels/teams/activities", Access::kPublic),
  };
}

}  // namespace signoff::server
