// A channel: where the humans who approve are told about a request and see
// it progress (RUNTIME.md §8). Slack, Teams and webhooks implement Channel;
// the outbox (outbox.h) calls Send for each persisted message, in order per
// request and channel, and retries, dead-letters and audits as the result
// says.
//
// What a channel is sent. Each message of the outbox is one change of one
// request, with the request as it stood right after that change (the
// payload, JSON):
//
//   {"event": "vote.accepted",            // the audit type of the change:
//                                         // request.created, vote.accepted,
//                                         // request.approved|rejected|
//                                         // expired|cancelled|escalated,
//                                         // grant.consumed
//    "time": "2026-11-21T03:00:00Z",      // when it happened
//    "actor": "alice",                    // who made it ("runtime", ...)
//    "escalation": {...},                 // request.escalated only:
//                                         // {"group", "after", "notify",
//                                         //  "requirements"}
//    "request": { ... }}                  // the request view of
//                                         // GET /v1/requests/{id} (never
//                                         // with the grant token): id,
//                                         // status, action, params,
//                                         // requester, context, decision
//                                         // (LANGUAGE.md §7), created,
//                                         // expires, resolved, resolved_by,
//                                         // votes [{identity, vote, comment,
//                                         // time, counted}], requirements
//                                         // [{group, where?, needed, have,
//                                         // approvers, satisfiable}],
//                                         // rejections, veto,
//                                         // time_left_seconds
//
// A chat channel posts the request once and then edits that post in place:
// Send receives the reference its first delivery returned for the request
// (`ref`, JSON text such as {"channel": "C1", "ts": "1700000000.000100"}),
// stored by the outbox with the delivery, and "" until there is one.
//
// Thread safety: the outbox calls Send of one channel from one thread at a
// time; inbound callbacks (server routes) may use a channel's const parts
// concurrently.
#ifndef SIGNOFF_RUNTIME_CHANNELS_CHANNEL_H_
#define SIGNOFF_RUNTIME_CHANNELS_CHANNEL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "runtime/channels/delivery.h"

namespace signoff::channels {

// The payload above for `event` at `time_ms` (unix ms) by `actor`, with
// the request view; `escalation` is added when not null.
nlohmann::json ChangePayload(std::string_view event, int64_t time_ms,
                             std::string_view actor, nlohmann::json request,
                             nlohmann::json escalation = nullptr);

// One message to deliver.
struct Notification {
  std::string id;               // the outbox message id
  std::string idempotency_key;  // the same on every attempt
  std::string request_id;
  std::string event;       // payload["event"]
  nlohmann::json payload;  // see the file comment
  int64_t attempt = 1;     // 1 for the first try
  int64_t now_ms = 0;      // the outbox's clock at this attempt (unix ms)
};

struct SendResult {
  DeliveryResult delivery;
  // When not empty: the reference to keep for later messages of this
  // request on this channel (replaces the stored one). Only meaningful with
  // delivery.outcome == kDelivered.
  std::string ref;
};

class Channel {
 public:
  virtual ~Channel() = default;
  // The policy's channel name (`channel sre_room = ...`).
  virtual const std::string& name() const = 0;
  // "slack", "teams" or "webhook".
  virtual std::string_view kind() const = 0;
  // Delivers `message`; `ref` is the stored reference ("" when none).
  // Blocks at most for the channel's timeouts; never throws.
  virtual SendResult Send(const Notification& message,
                          std::string_view ref) = 0;
};

}  // namespace signoff::channels

#endif  // SIGNOFF_RUNTIME_CHANNELS_CHANNEL_H_
