#include "runtime/channels/delivery.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "runtime/channels/http_call.h"
#include "runtime/channels/signatures.h"
#include "stdlib/absl_compat.h"

namespace signoff::channels {

int64_t BackoffMs(const RetryPolicy& policy, int failures, uint64_t random) {
  int64_t delay = std::max<int64_t>(1, policy.base_ms);
  for (int i = 1; i < failures && delay < policy.max_ms; ++i) delay *= 2;
  delay = std::min(delay, std::max<int64_t>(1, policy.max_ms));
  const int64_t half = delay / 2;
  return half +
         static_cast<int64_t>(random % static_cast<uint64_t>(delay - half + 1));
}

Outcome Classify(int status) {
  if (status >= 200 && status < 300) return Outcome::kDelivered;
  if (status == 0 || status == 408 || status == 425 || status == 429 ||
      status >= 500) {
    return Outcome::kRetry;
  }
  return Outcome::kRejected;
}

DeliveryResult PostWebhook(const WebhookMessage& message,
                           std::string_view secret, int64_t now_seconds,
                           int64_t timeout_ms) {
  HttpCall call;
  call.url = message.url;
  call.body = message.body;
  call.timeout_ms = timeout_ms;
  call.headers = {{"X-Signoff-Timestamp", absl::StrCat(now_seconds)},
                  {"X-Signoff-Signature",
                   WebhookSignature(secret, now_seconds, message.body)},
                  {"Idempotency-Key", message.idempotency_key}};
  return ResultOf(CallHttp(call));
}

DeliveryResult ResultOf(const HttpAnswer& answer) {
  DeliveryResult result;
  if (answer.bad_url) {
    result.outcome = Outcome::kRejected;
    result.detail = answer.error;
    return result;
  }
  if (answer.status == 0) {
    result.outcome = Outcome::kRetry;
    result.detail = answer.error;
    return result;
  }
  result.status = answer.status;
  result.outcome = Classify(answer.status);
  result.detail = absl::StrCat("HTTP ", answer.status);
  result.retry_after_ms = answer.retry_after_seconds * 1000;
  return result;
}

}  // namespace signoff::channels
