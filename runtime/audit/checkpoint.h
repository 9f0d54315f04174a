// Signed checkpoints of the audit chain head (RUNTIME.md §4).
//
// A checkpoint states "entry `seq` has hash `hash`", signed with the
// runtime's Ed25519 key: signature = base64url(Ed25519(CanonicalJson(
// {"hash", "kid", "seq", "time"}))). Because every hash covers all the
// entries before it, one valid checkpoint pins the whole log up to `seq`:
// a truncated or rewritten log no longer matches it.
//
// Thread safety: plain values; every function is pure (the lookup passed
// in must be safe to call from the calling thread).
#ifndef SIGNOFF_RUNTIME_AUDIT_CHECKPOINT_H_
#define SIGNOFF_RUNTIME_AUDIT_CHECKPOINT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "runtime/crypto/ed25519.h"

namespace signoff::audit {

struct Checkpoint {
  int64_t seq = 0;
  std::string hash;       // the hash of entry `seq` (64 lowercase hex)
  std::string time;       // RFC 3339, when it was signed
  std::string kid;        // crypto::SigningKey::key_id() of the signer
  std::string signature;  // base64url, no padding
};

// The raw 32-byte Ed25519 public key of a key id, or nullopt when unknown.
using PublicKeyLookup =
    std::function<std::optional<std::string>(std::string_view kid)>;

// A lookup that knows exactly `public_key` (under crypto::KeyIdOf).
PublicKeyLookup SingleKeyLookup(std::string public_key);

// The signed bytes: CanonicalJson({"hash", "kid", "seq", "time"}).
std::string CheckpointMessage(const Checkpoint& checkpoint);

Checkpoint SignCheckpoint(int64_t seq, std::string hash, std::string time,
                          const crypto::SigningKey& key);

// OK when the signature verifies under the key `kid` names. NotFound when
// `keys` does not know the kid; InvalidArgument for a signature that is not
// base64url; PermissionDenied when it does not verify (forged, or a field
// altered). Messages are sentences without the "checkpoint at seq N" part.
absl::Status VerifyCheckpoint(const Checkpoint& checkpoint,
                              const PublicKeyLookup& keys);

// {"seq", "hash", "time", "kid", "signature"}.
nlohmann::json CheckpointToJson(const Checkpoint& checkpoint);
// Exactly those five keys, seq an integer >= 0, the others strings.
absl::StatusOr<Checkpoint> CheckpointFromJson(const nlohmann::json& json);

}  // namespace signoff::audit

#endif  // SIGNOFF_RUNTIME_AUDIT_CHECKPOINT_H_
