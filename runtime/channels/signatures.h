// The request signatures of the approval channels (RUNTIME.md §8), as pure
// functions the channel endpoints and the outbox share:
//
//   Slack (inbound): X-Slack-Signature = "v0=" + hex HMAC-SHA256(signing
//   secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body), refused
//   when the timestamp is more than 300 s from now.
//   Webhook (outbound): X-Signoff-Signature = "v1=" + hex HMAC-SHA256(secret,
//   timestamp + "." + body), with X-Signoff-Timestamp the unix seconds.
//
// Comparisons of signatures are constant-time.
//
// Thread safety: pure functions.
#ifndef SIGNOFF_RUNTIME_CHANNELS_SIGNATURES_H_
#define SIGNOFF_RUNTIME_CHANNELS_SIGNATURES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace signoff::channels {

// How far a signed timestamp may be from the receiver's clock.
inline constexpr int64_t kMaxClockSkewSeconds = 300;

// "v0=" + 64 lowercase hex digits.
std::string SlackSignature(std::string_view signing_secret,
                           std::string_view timestamp, std::string_view body);

// Checks a Slack request: `timestamp` and `signature` are the header values
// as received (empty when absent), `body` the raw body, `now` unix seconds.
// Unauthenticated, saying which: a missing header, a timestamp that is not
// a decimal number of seconds, one more than kMaxClockSkewSeconds from
// `now` (a replay, or a wrong clock), or a signature that does not match.
absl::Status VerifySlackSignature(std::string_view signing_secret,
                                  std::string_view timestamp,
                                  std::string_view body,
                                  std::string_view signature, int64_t now);

// "v1=" + 64 lowercase hex digits, for X-Signoff-Signature; `timestamp` is
// the X-Signoff-Timestamp value (unix seconds).
std::string WebhookSignature(std::string_view secret, int64_t timestamp,
                             std::string_view body);

// What a webhook receiver does with X-Signoff-Timestamp and
// X-Signoff-Signature (for tests and receivers written in C++); the same
// refusals as VerifySlackSignature.
absl::Status VerifyWebhookSignature(std::string_view secret,
                                    std::string_view timestamp,
                                    std::string_view body,
                                    std::string_view signature, int64_t now);

}  // namespace signoff::channels

#endif  // SIGNOFF_RUNTIME_CHANNELS_SIGNATURES_H_
