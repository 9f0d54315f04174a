#include "runtime/channels/signatures.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "runtime/crypto/encoding.h"
#include "stdlib/absl_compat.h"

namespace signoff::channels {
namespace {

std::string Signed(std::string_view version, std::string_view secret,
                   std::string_view message) {
  return absl::StrCat(AsAbsl(version), "=",
                      crypto::HexEncode(crypto::HmacSha256(secret, message)));
}

// The checks both schemes share; `expected` is computed only once the
// timestamp is acceptable.
template <typename Expected>
absl::Status Verify(std::string_view what, std::string_view timestamp,
                    std::string_view signature, int64_t now,
                    Expected expected) {
  if (timestamp.empty() || signature.empty()) {
    return absl::UnauthenticatedError(
        absl::StrCat(AsAbsl(what), " request without timestamp or signature"));
  }
  int64_t seconds = 0;
  if (timestamp.find_first_not_of("0123456789") != std::string_view::npos ||
      timestamp.size() > 12 || !absl::SimpleAtoi(AsAbsl(timestamp), &seconds)) {
    return absl::UnauthenticatedError(
        absl::StrCat(AsAbsl(what), " timestamp is not unix seconds: `",
                     AsAbsl(timestamp), "`"));
  }
  if (std::llabs(now - seconds) > kMaxClockSkewSeconds) {
    return absl::UnauthenticatedError(
        absl::StrCat(AsAbsl(what), " timestamp is ", now - seconds,
                     " s from now (more than ", kMaxClockSkewSeconds,
                     " s): a replay or a wrong clock"));
  }
  if (!crypto::ConstantTimeEquals(expected(), signature)) {
    return absl::UnauthenticatedError(
        absl::StrCat(AsAbsl(what), " signature does not match"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string SlackSignature(std::string_view signing_secret,
                           std::string_view timestamp, std::string_view body) {
  return Signed("v0", signing_secret,
                absl::StrCat("v0:", AsAbsl(timestamp), ":", AsAbsl(body)));
}

absl::Status VerifySlackSignature(std::string_view signing_secret,
                                  std::string_view timestamp,
                                  std::string_view body,
                                  std::string_view signature, int64_t now) {
  return Verify("Slack", timestamp, signature, now, [&] {
    return SlackSignature(signing_secret, timestamp, body);
  });
}

std::string WebhookSignature(std::string_view secret, int64_t timestamp,
                             std::string_view body) {
  return Signed("v1", secret, absl::StrCat(timestamp, ".", AsAbsl(body)));
}

absl::Status VerifyWebhookSignature(std::string_view secret,
                                    std::string_view timestamp,
                                    std::string_view body,
                                    std::string_view signature, int64_t now) {
  return Verify("webhook", timestamp, signature, now, [&] {
    return Signed("v1", secret,
                  absl::StrCat(AsAbsl(timestamp), ".", AsAbsl(body)));
  });
}

}  // namespace signoff::channels
