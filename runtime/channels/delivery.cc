#include "runtime/channels/delivery.h"

#include <httplib.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
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
  DeliveryResult result;
  // scheme://host[:port] and the path.
  const size_t scheme_end = message.url.find("://");
  const size_t path_start = scheme_end == std::string::npos
                                ? std::string::npos
                                : message.url.find('/', scheme_end + 3);
  if (scheme_end == std::string::npos) {
    result.outcome = Outcome::kRejected;
    result.detail = absl::StrCat("not a URL: ", message.url);
    return result;
  }
  const std::string origin = message.url.substr(0, path_start);
  const std::string path =
      path_start == std::string::npos ? "/" : message.url.substr(path_start);
  httplib::Client client(origin);
  if (!client.is_valid()) {
    result.outcome = Outcome::kRejected;
    result.detail = absl::StrCat("unsupported URL: ", message.url);
    return result;
  }
  const time_t seconds = static_cast<time_t>(timeout_ms / 1000);
  const time_t micros = static_cast<time_t>((timeout_ms % 1000) * 1000);
  client.set_connection_timeout(seconds, micros);
  client.set_read_timeout(seconds, micros);
  client.set_write_timeout(seconds, micros);
  client.set_tcp_nodelay(true);
  const httplib::Headers headers = {
      {"X-Signoff-Timestamp", absl::StrCat(now_seconds)},
      {"X-Signoff-Signature",
       WebhookSignature(secret, now_seconds, message.body)},
      {"Idempotency-Key", message.idempotency_key},
      {"User-Agent", "signoff"}};
  httplib::Result response =
      client.Post(path.c_str(), headers, message.body, "application/json");
  if (!response) {
    result.detail = httplib::to_string(response.error());
    result.outcome = Outcome::kRetry;
    return result;
  }
  result.status = response->status;
  result.outcome = Classify(response->status);
  result.detail = absl::StrCat("HTTP ", response->status);
  return result;
}

}  // namespace signoff::channels
