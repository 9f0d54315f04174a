// The server's HTTP vocabulary, independent of the HTTP library: requests
// as handlers see them, responses, routes, and the JSON error shape of
// RUNTIME.md §7:
//
//   {"error": {"code": "bad_request", "message": "..."}}
//
// Codes and statuses: bad_request 400, unauthenticated 401, forbidden 403,
// not_found 404, method_not_allowed 405, conflict 409, payload_too_large
// 413, unsupported_media_type 415, internal 500, not_implemented 501,
// unavailable 503.
//
// A handler is a function from HttpRequest to HttpResponse. It runs on one
// of the server's worker threads, possibly many at once, so it must be
// thread-safe; it must not throw (a throw is answered 500 `internal`).
//
// Thread safety: plain values.
#ifndef SIGNOFF_RUNTIME_SERVER_HTTP_H_
#define SIGNOFF_RUNTIME_SERVER_HTTP_H_

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "runtime/directory/directory.h"

namespace signoff::server {

struct ServingState;

struct HttpRequest {
  std::string method;  // "GET", "POST", ... (HEAD is served as GET)
  std::string path;    // without the query
  // Values of the route's `{name}` segments.
  std::map<std::string, std::string, std::less<>> path_params;
  // Decoded query parameters, in order; a name may repeat.
  std::vector<std::pair<std::string, std::string>> query;
  // Header names as sent (compare with Header(), case-insensitively).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;     // complete and within max_body_bytes
  std::string peer_ip;  // the TCP peer's address
  // The authenticated caller: its directory entry in `state`. Null on
  // public routes.
  const runtime::Identity* identity = nullptr;
  // The policy set and directory this request is served with, pinned for
  // its whole duration (a reload does not change it mid-request).
  std::shared_ptr<const ServingState> state;

  // The first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The query parameter `name`; nullopt when absent. InvalidArgument when
  // given more than once.
  absl::StatusOr<std::optional<std::string>> Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Close the connection after this response (e.g. the request body was
  // not read to its end).
  bool close_connection = false;
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Who may call a route.
enum class Access {
  kPublic,         // anyone (/healthz, /metrics, channel callbacks that
                   // authenticate themselves by signature)
  kAuthenticated,  // any identity with a valid API key
  kAuditor,        // `auditors` or `admins` of signoff.yaml
  kAdmin,          // `admins` of signoff.yaml
};

struct Route {
  std::string method;   // "GET" or "POST" (or another method)
  std::string pattern;  // "/v1/requests/{id}/votes": `{name}` matches one
                        // non-empty segment
  Access access = Access::kAuthenticated;
  Handler handler;
};

// `value` as one line of JSON (invalid UTF-8 replaced, never throws).
std::string DumpJson(const nlohmann::json& value);

HttpResponse JsonResponse(int status, const nlohmann::json& body);
// The error shape above.
HttpResponse ErrorResponse(int status, std::string_view code,
                           std::string_view message);
// The code of a status: "bad_request" for 400, ...; "error" if unknown.
std::string_view ErrorCodeFor(int status);
// A Status as an error response: InvalidArgument 400, Unauthenticated 401,
// PermissionDenied 403, NotFound 404, AlreadyExists and FailedPrecondition
// 409, ResourceExhausted 413, Unimplemented 501, Unavailable 503, anything
// else 500 (with a generic message; the detail is not leaked).
HttpResponse StatusResponse(const absl::Status& status);

// InvalidArgument naming the first query parameter not in `allowed`.
absl::Status OnlyQueryParams(const HttpRequest& request,
                             std::initializer_list<std::string_view> allowed);

// Parses a JSON object body strictly: not JSON, not an object, or a key
// outside `allowed` is InvalidArgument ("unknown field `x` (expected a, b)").
absl::StatusOr<nlohmann::json> ParseJsonObject(
    std::string_view body, std::initializer_list<std::string_view> allowed);

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_HTTP_H_
