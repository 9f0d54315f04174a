// The server's built-in routes (RUNTIME.md §7), grouped by concern. Each
// function returns routes whose handlers capture `context` by reference:
// the context must outlive them (Server owns both).
//
//   CoreRoutes      POST /v1/decide, GET /v1/keys, POST /v1/admin/reload,
//                   GET /healthz, GET /metrics
//   AuditRoutes     GET /v1/audit, GET /v1/audit/verify
//   ApprovalPlaceholderRoutes
//                   the approval workflow and channel callbacks, answering
//                   501 `not_implemented` until runtime/approvals replaces
//                   them (Server::Options::routes, same method and pattern)
//
// Thread safety: the handlers are thread-safe.
#ifndef SIGNOFF_RUNTIME_SERVER_ROUTES_H_
#define SIGNOFF_RUNTIME_SERVER_ROUTES_H_

#include <vector>

#include "runtime/server/context.h"
#include "runtime/server/http.h"

namespace signoff::server {

// POST /v1/decide takes a whole LANGUAGE.md §6 request (requester
// included: it is a what-if question and has no side effects) and answers
// the §7 decision JSON, exactly Engine::Decide's; `?explain=true` adds the
// `explain` array. A body that is not JSON, not an object, or has a
// top-level key other than action, params, requester and context is 400;
// other problems with the request are a `deny` decision with `errors`, as
// in `signoff eval`.
std::vector<Route> CoreRoutes(ServerContext& context);

// GET /v1/audit?after=SEQ&limit=N: {"entries": [...], "next_after": SEQ}
// with entries seq > after (default 0) in seq order, at most `limit`
// (default 100, at most 1000; larger values are capped); next_after is the
// last seq returned (or `after`), to pass as `after` for the next page.
// GET /v1/audit/verify: {"ok": true, "entries": N} or {"ok": false,
// "first_bad": SEQ, "problem": "..."}. Both need an auditor or admin.
std::vector<Route> AuditRoutes(ServerContext& context);

// The approval endpoints of RUNTIME.md §7 not implemented here:
//   POST /v1/requests                     authenticated
//   GET  /v1/requests                     authenticated (inbox)
//   GET  /v1/requests/{id}                authenticated
//   POST /v1/requests/{id}/votes          authenticated
//   POST /v1/requests/{id}/cancel         authenticated
//   POST /v1/grants/verify                authenticated
//   POST /v1/grants/consume               authenticated
//   POST /v1/channels/slack/interactions  public (Slack signature)
//   POST /v1/channels/teams/activities    public (Bot Framework JWT)
std::vector<Route> ApprovalPlaceholderRoutes();

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_ROUTES_H_
