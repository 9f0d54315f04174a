// The webhook channel (RUNTIME.md §8): every request and state change of
// the requests naming it, POSTed as JSON to one URL and signed
// (X-Signoff-Timestamp, X-Signoff-Signature = "v1=" + hex HMAC-SHA256 of
// "timestamp.body"; delivery.h PostWebhook), with the message's
// Idempotency-Key. The body is the outbox payload (channel.h) with the
// message id added:
//
//   {"id": "m_…", "event": "vote.accepted", "time": "…", "actor": "alice",
//    "request": {…the request view…}}
//
// Votes come back through the HTTP API, authenticated like any other.
//
// Thread safety: Send may be called from any one thread at a time (the
// outbox worker); the channel holds no mutable state.
#ifndef SIGNOFF_RUNTIME_CHANNELS_WEBHOOK_H_
#define SIGNOFF_RUNTIME_CHANNELS_WEBHOOK_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/channels/channel.h"

namespace signoff::channels {

struct WebhookOptions {
  std::string name;    // the policy's channel name
  std::string url;     // http(s)://host[:port]/path
  std::string secret;  // HMAC key
  int64_t timeout_ms = 5000;
};

class WebhookChannel : public Channel {
 public:
  explicit WebhookChannel(WebhookOptions options)
      : options_(std::move(options)) {}

  const std::string& name() const override { return options_.name; }
  std::string_view kind() const override { return "webhook"; }
  SendResult Send(const Notification& message, std::string_view ref) override;

  // The JSON body POSTed for `message`.
  static std::string Body(const Notification& message);

 private:
  const WebhookOptions options_;
};

}  // namespace signoff::channels

#endif  // SIGNOFF_RUNTIME_CHANNELS_WEBHOOK_H_
