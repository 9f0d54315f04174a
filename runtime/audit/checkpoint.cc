#include "runtime/audit/checkpoint.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/crypto/canonical_json.h"
#include "runtime/crypto/encoding.h"

namespace signoff::audit {

PublicKeyLookup SingleKeyLookup(std::string public_key) {
  std::string kid = crypto::KeyIdOf(public_key);
  return [kid = std::move(kid), public_key = std::move(public_key)](
             std::string_view wanted) -> std::optional<std::string> {
    if (wanted == kid) return public_key;
    return std::nullopt;
  };
}

std::string CheckpointMessage(const Checkpoint& checkpoint) {
  return crypto::CanonicalJson(nlohmann::json{{"seq", checkpoint.seq},
                                              {"hash", checkpoint.hash},
                                              {"time", checkpoint.time},
                                              {"kid", checkpoint.kid}});
}

Checkpoint SignCheckpoint(int64_t seq, std::string hash, std::string time,
                          const crypto::SigningKey& key) {
  Checkpoint checkpoint;
  checkpoint.seq = seq;
  checkpoint.hash = std::move(hash);
  checkpoint.time = std::move(time);
  checkpoint.kid = key.key_id();
  checkpoint.signature =
      crypto::Base64UrlEncode(key.Sign(CheckpointMessage(checkpoint)));
  return checkpoint;
}

absl::Status VerifyCheckpoint(const Checkpoint& checkpoint,
                              const PublicKeyLookup& keys) {
  std::optional<std::string> public_key;
  if (keys) public_key = keys(checkpoint.kid);
  if (!public_key.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("it is signed by unknown key `", checkpoint.kid, "`"));
  }
  const std::optional<std::string> signature =
      crypto::Base64UrlDecode(checkpoint.signature);
  if (!signature.has_value()) {
    return absl::InvalidArgumentError("its signature is not base64url");
  }
  if (!crypto::VerifyEd25519(*public_key, CheckpointMessage(checkpoint),
                             *signature)) {
    return absl::PermissionDeniedError(
        absl::StrCat("its signature does not verify under key `",
                     checkpoint.kid, "` (forged or altered)"));
  }
  return absl::OkStatus();
}

nlohmann::json CheckpointToJson(const Checkpoint& checkpoint) {
  return nlohmann::json{{"seq", checkpoint.seq},
                        {"hash", checkpoint.hash},
                        {"time", checkpoint.time},
                        {"kid", checkpoint.kid},
                        {"signature", checkpoint.signature}};
}

absl::StatusOr<Checkpoint> CheckpointFromJson(const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("a checkpoint is a JSON object");
  }
  Checkpoint checkpoint;
  int seen = 0;
  for (const auto& [key, value] : json.items()) {
    std::string* field = nullptr;
    if (key == "seq") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0) {
        return absl::InvalidArgumentError(
            "`seq` of a checkpoint must be an integer >= 0");
      }
      checkpoint.seq = value.get<int64_t>();
      ++seen;
      continue;
    }
    if (key == "hash") field = &checkpoint.hash;
    if (key == "time") field = &checkpoint.time;
    if (key == "kid") field = &checkpoint.kid;
    if (key == "signature") field = &checkpoint.signature;
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field `", key, "` in a checkpoint"));
    }
    if (!value.is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat("`", key, "` of a checkpoint must be a string"));
    }
    *field = value.get<std::string>();
    ++seen;
  }
  if (seen != 5) {
    return absl::InvalidArgumentError(
        "a checkpoint has seq, hash, time, kid and signature");
  }
  return checkpoint;
}

}  // namespace signoff::audit
