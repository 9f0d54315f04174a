// One request through the route table: find the route (404, or 405 with an
// `Allow` header), pin the serving state, authenticate and authorise the
// caller, call the handler.
//
// Authentication (every route but Access::kPublic): the header
//   Authorization: Bearer <api key>
// (scheme case-insensitive) whose SHA-256 matches an `api_keys` entry of
// directory.yaml (ServingState::api_keys). No header, another scheme, or an
// unknown key: 401 `unauthenticated` with `WWW-Authenticate: Bearer`. A
// known identity without the route's role (Access::kAdmin: `admins`;
// Access::kAuditor: `auditors` or `admins`): 403 `forbidden`.
//
// Thread safety: thread-safe when the router is no longer modified.
#ifndef SIGNOFF_RUNTIME_SERVER_DISPATCH_H_
#define SIGNOFF_RUNTIME_SERVER_DISPATCH_H_

#include <string_view>

#include "runtime/server/context.h"
#include "runtime/server/http.h"
#include "runtime/server/router.h"

namespace signoff::server {

// The key of an `Authorization: Bearer <key>` value; "" when the value is
// not of that form.
std::string_view BearerKey(std::string_view authorization);

// `request` has method, path, query, headers, body and peer_ip set; the
// rest is filled here. A handler's exception is not caught here (the HTTP
// layer answers it with 500).
HttpResponse Dispatch(const Router& router, ServerContext& context,
                      HttpRequest& request);

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_DISPATCH_H_
