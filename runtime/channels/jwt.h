// Bearer JWTs of the Teams channel (RUNTIME.md §8): the Bot Framework
// signs the activities it sends to the bot with RS256; the runtime checks
// them against RSA keys from configuration (a JWKS file), the issuer, the
// audience (the app id) and the lifetime with 5 minutes of clock skew.
//
//   absl::StatusOr<RsaKeySet> keys = RsaKeySet::FromJwks(file_text);
//   absl::StatusOr<nlohmann::json> claims = VerifyRs256(
//       token, *keys, {.issuer = "https://api.botframework.com",
//                      .audience = app_id, .now = unix_seconds});
//
// Only RS256 is accepted (never `none`, never an HMAC algorithm, whatever
// the header says); a token must name its key (`kid`) unless the set has
// exactly one key.
//
// Thread safety: an RsaKeySet is immutable and may be shared; VerifyRs256
// is thread-safe.
#ifndef SIGNOFF_RUNTIME_CHANNELS_JWT_H_
#define SIGNOFF_RUNTIME_CHANNELS_JWT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace signoff::channels {

struct JwtCheck {
  std::string issuer;    // `iss` must equal it
  std::string audience;  // `aud` must equal it (or contain it, as an array)
  int64_t now = 0;       // unix seconds
  int64_t skew_seconds = 300;
};

class RsaKeySet {
 public:
  // {"keys": [{"kty": "RSA", "kid": "...", "n": "<b64url>", "e":
  // "<b64url>", ...}, ...]}; keys of other types are skipped, RSA keys
  // shorter than 2048 bits refused. InvalidArgument naming the problem,
  // also for a set without any usable key.
  static absl::StatusOr<RsaKeySet> FromJwks(std::string_view jwks_json);

  size_t size() const { return keys_.size(); }

  // Whether `signature` is an RSASSA-PKCS1-v1_5 SHA-256 signature of
  // `data` by the key `kid` ("" picks the only key of a one-key set).
  // Unauthenticated when not, or when there is no such key.
  absl::Status VerifySha256(std::string_view kid, std::string_view data,
                            std::string_view signature) const;

  struct Key;  // an OpenSSL public key and its kid

 private:
  std::vector<std::shared_ptr<const Key>> keys_;
};

// The token's claims when it is a well-formed RS256 JWT signed by a key of
// `keys`, from `check.issuer`, for `check.audience`, with `exp` (required)
// not passed and `nbf` (optional) reached, each within the skew.
// Unauthenticated, saying which check failed.
absl::StatusOr<nlohmann::json> VerifyRs256(std::string_view token,
                                           const RsaKeySet& keys,
                                           const JwtCheck& check);

}  // namespace signoff::channels

#endif  // SIGNOFF_RUNTIME_CHANNELS_JWT_H_
