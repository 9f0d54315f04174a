// The public keys that verify grant tokens, and their JSON Web Key Set
// (RFC 7517, RFC 8037 for Ed25519) as `GET /v1/keys` serves it:
//
//   {"keys":[{"alg":"EdDSA","crv":"Ed25519","kid":"ed25519:0123456789abcdef",
//             "kty":"OKP","use":"sig","x":"<base64url of the raw 32-byte
//             key>"}]}
//
// Key ids are derived from the key (crypto::KeyIdOf: "ed25519:" + the first
// 16 hex digits of SHA-256(raw key)), so a set never holds two keys under
// one id and a JWKS entry whose `kid` does not match its `x` is refused.
//
// Thread safety: a PublicKeySet is a value; const methods may be called
// from any number of threads at once. KeysJson is pure.
#ifndef SIGNOFF_RUNTIME_GRANTS_JWKS_H_
#define SIGNOFF_RUNTIME_GRANTS_JWKS_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/crypto/ed25519.h"

namespace signoff::grants {

class PublicKeySet {
 public:
  // An empty set (it verifies nothing).
  PublicKeySet() = default;

  // Parses a JWKS. Strict: the text must be a JSON object whose `keys` is
  // an array of objects, each with `kty` "OKP", `crv` "Ed25519", `x` the
  // unpadded base64url of exactly 32 bytes, `kid` equal to KeyIdOf(x),
  // `alg` (when present) "EdDSA" and `use` (when present) "sig", no
  // private part `d`, and no kid twice. Other members are ignored (RFC 7517
  // §4). InvalidArgument naming the entry ("JWKS key 1 (kid ...): ...")
  // otherwise. An empty `keys` array gives an empty set.
  static absl::StatusOr<PublicKeySet> FromJwks(std::string_view json);

  // The public halves of `keys` (null pointers are skipped).
  static PublicKeySet FromKeys(
      const std::vector<const crypto::SigningKey*>& keys);

  // Adds a raw 32-byte Ed25519 public key under KeyIdOf(public_key);
  // adding a key already present does nothing. InvalidArgument when the
  // key is not 32 bytes.
  absl::Status Add(std::string_view public_key);

  // The raw public key named `kid`, or nullptr. Valid while the set lives
  // and is not modified.
  const std::string* Find(std::string_view kid) const;

  // Key ids, sorted.
  std::vector<std::string> key_ids() const;
  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }

 private:
  std::map<std::string, std::string, std::less<>> keys_;  // kid -> raw key
};

// The JWKS of `keys` (null pointers and repeats skipped), in canonical JSON
// (keys sorted, no whitespace): exactly what FromJwks accepts.
std::string KeysJson(const std::vector<const crypto::SigningKey*>& keys);

}  // namespace signoff::grants

#endif  // SIGNOFF_RUNTIME_GRANTS_JWKS_H_
