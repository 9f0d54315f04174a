#include "runtime/channels/webhook.h"

#include "nlohmann/json.hpp"
#include "runtime/channels/delivery.h"

namespace signoff::channels {

std::string WebhookChannel::Body(const Notification& message) {
  nlohmann::json body =
      message.payload.is_object() ? message.payload : nlohmann::json::object();
  body["id"] = message.id;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SendResult WebhookChannel::Send(const Notification& message,
                                std::string_view /*ref*/) {
  WebhookMessage post{options_.url, Body(message), message.idempotency_key};
  SendResult result;
  result.delivery = PostWebhook(post, options_.secret, message.now_ms / 1000,
                                options_.timeout_ms);
  return result;
}

}  // namespace signoff::channels
