// One delivery attempt of a channel message and what to do next, the
// pieces the outbox workers are built from (RUNTIME.md §8):
//
//   DeliveryResult r = PostWebhook(message, secret, now_seconds);
//   if (r.outcome == Outcome::kRetry && attempt < policy.max_attempts)
//     next_at = now_ms + BackoffMs(policy, attempt, random);
//
// A webhook POST carries X-Signoff-Timestamp, X-Signoff-Signature
// (signatures.h) and Idempotency-Key (the message's key: the same on every
// retry, so a receiver that saw an attempt whose answer was lost can drop
// the repeat).
//
// Thread safety: pure functions; PostWebhook opens its own connection.
#ifndef SIGNOFF_RUNTIME_CHANNELS_DELIVERY_H_
#define SIGNOFF_RUNTIME_CHANNELS_DELIVERY_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace signoff::channels {

struct RetryPolicy {
  int max_attempts = 8;            // then the dead letter
  int64_t base_ms = 1000;          // the delay after the first failure
  int64_t max_ms = 5 * 60 * 1000;  // the longest delay
};

// The delay before the next attempt after `failures` failed ones (>= 1):
// base * 2^(failures-1) capped at max, with jitter: a value in [d/2, d]
// chosen by `random` (any 64-bit value), so channels that failed together
// do not retry together.
int64_t BackoffMs(const RetryPolicy& policy, int failures, uint64_t random);

enum class Outcome {
  kDelivered,  // 2xx
  kRetry,      // no answer, 408, 425, 429 or 5xx: try again later
  kRejected,   // any other status: the receiver will not take it
};

// What an HTTP status (0: no response at all) means for the message.
Outcome Classify(int status);

struct DeliveryResult {
  Outcome outcome = Outcome::kRetry;
  int status = 0;      // the HTTP status, 0 without a response
  std::string detail;  // for the audit entry: "HTTP 503", "connection refused"
  // The receiver asked to wait this long before the next try (Retry-After
  // of a 429 or 503); 0 when it did not. The outbox waits at least this.
  int64_t retry_after_ms = 0;
};

struct HttpAnswer;
// What an answer means: delivered (2xx), retry (no answer, 408, 425, 429,
// 5xx; Retry-After kept) or rejected (other statuses, a URL that cannot be
// called); `detail` is "HTTP <status>" or the transport error.
DeliveryResult ResultOf(const HttpAnswer& answer);

struct WebhookMessage {
  std::string url;  // http://host[:port]/path or https://...
  std::string body;
  std::string idempotency_key;
};

// POSTs `message` as JSON, signed with `secret` at `now_seconds`, waiting
// at most `timeout_ms` for connect and for the answer.
DeliveryResult PostWebhook(const WebhookMessage& message,
                           std::string_view secret, int64_t now_seconds,
                           int64_t timeout_ms = 5000);

}  // namespace signoff::channels

#endif  // SIGNOFF_RUNTIME_CHANNELS_DELIVERY_H_
