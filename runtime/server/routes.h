// The server's built-in routes (RUNTIME.md §7), grouped by concern. Each
// function returns routes whose handlers capture `context` by reference:
// the context must outlive them (Server owns both).
//
//   CoreRoutes      POST /v1/decide, GET /v1/keys, POST /v1/admin/reload,
//                   GET /healthz, GET /metrics
//   AuditRoutes     GET /v1/audit, GET /v1/audit/verify
//   ApprovalRoutes  the approval workflow: requests, votes, cancel, grants
//   ChannelRoutes   the Slack and Teams callbacks
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

// The channel callbacks (RUNTIME.md §8), public routes that authenticate
// the platform themselves; 404 when no channel of that kind is configured.
//   POST /v1/channels/slack/interactions
//       X-Slack-Signature checked against every Slack channel's signing
//       secret (v0, 300 s window; a signature seen before is a replay:
//       401); the click's user mapped through the directory (`slack:`);
//       answered 200 at once, the vote cast in the background as that
//       identity (a refusal is told to the clicker through response_url).
//   POST /v1/channels/teams/activities
//       Authorization: Bearer JWT checked (RS256 with the jwks_file keys,
//       issuer https://api.botframework.com, audience = app_id, exp/nbf
//       with 5 min skew): 401 otherwise; an `adaptiveCard/action` invoke
//       with verb approve|reject; from.aadObjectId mapped through the
//       directory (`teams:`); the vote is cast at once and the answer is
//       the updated card (or a message saying why the vote was refused).
// Refusals before a vote are audited as `channel.refused` with a reason.
std::vector<Route> ChannelRoutes(ServerContext& context);

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_ROUTES_H_
