// The server's built-in routes (RUNTIME.md §7), grouped by concern. Each
// function returns routes whose handlers capture `context` by reference:
// the context must outlive them (Server owns both).
//
//   CoreRoutes      POST /v1/decide, GET /v1/keys, POST /v1/admin/reload,
//                   GET /healthz, GET /metrics
//   AuditRoutes     GET /v1/audit, GET /v1/audit/verify
//   ApprovalRoutes  the approval workflow: requests, votes, cancel, grants
//   ChannelPlaceholderRoutes
//                   the channel callbacks, answering 501 `not_implemented`
//                   until the channels replace them (Server::Options::routes,
//                   same method and pattern)
//
// Thread safety: the handlers are thread-safe.
#ifndef SIGNOFF_RUNTIME_SERVER_ROUTES_H_
#define SIGNOFF_RUNTIME_SERVER_ROUTES_H_

#include <cstdint>
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

// The longest `?wait=` long-poll honoured (longer waits are cut to it): a
// waiting request holds one of the server's worker threads.
inline constexpr int64_t kMaxWaitSeconds = 60;

// The approval workflow of RUNTIME.md §7 over the context's
// ApprovalService, as the authenticated identity; every body is parsed
// strictly (unknown fields, wrong types: 400, nothing changed). Statuses
// follow approvals/service.h (400/401/403/404/409; "no policy is loaded"
// 503).
//   POST /v1/requests             LANGUAGE.md §6 without `requester`
//                                 -> {id, status, decision, grant?, expires?}
//   GET  /v1/requests/{id}        the request view (approvals::ToJson);
//                                 ?wait=30s (or =30) long-polls until it is
//                                 final, at most kMaxWaitSeconds
//   GET  /v1/requests[?status=pending]
//                                 {"requests": [views]}: the caller's inbox
//   POST /v1/requests/{id}/votes  {"vote": "approve"|"reject",
//                                 "comment"?: "..."} -> the view after the
//                                 vote plus "resolved": true when this vote
//                                 decided the request
//   POST /v1/requests/{id}/cancel no body (or {}) -> the view after it
//   POST /v1/grants/verify        {"token", "request"} -> {"valid": true,
//                                 "grant": {grant_id, request_id, requester,
//                                 action, digest, issued, expires}}
//   POST /v1/grants/consume       the same, marks it used (once only):
//                                 adds "consumed": true
// A refused grant is 403 (409 when already consumed) with the refusal's
// reason in the error object: {"error": {"code": "forbidden", "message":
// "...", "reason": "expired"}} (approvals::GrantRefusalReason).
std::vector<Route> ApprovalRoutes(ServerContext& context);

// The channel callbacks, not implemented yet (answering 501):
//   POST /v1/channels/slack/interactions  public (Slack signature)
//   POST /v1/channels/teams/activities    public (Bot Framework JWT)
std::vector<Route> ChannelPlaceholderRoutes();

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_ROUTES_H_
