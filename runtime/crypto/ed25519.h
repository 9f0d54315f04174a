// Ed25519 signing keys (OpenSSL), for grant tokens and audit checkpoints.
//
// A key directory holds `signing.key` (PKCS#8 PEM, mode 0600, created on
// first start in a directory made 0700). A key whose file other users can
// read or write is refused, as ssh refuses one.
//
// Thread safety: a SigningKey is immutable; Sign is const and thread-safe.
#ifndef SIGNOFF_RUNTIME_CRYPTO_ED25519_H_
#define SIGNOFF_RUNTIME_CRYPTO_ED25519_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace signoff::crypto {

inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

class SigningKey {
 public:
  // A fresh random key (not stored).
  static absl::StatusOr<std::unique_ptr<SigningKey>> Generate();
  // The key of `directory`/signing.key, creating both (0700 and 0600) when
  // the file does not exist. FailedPrecondition when the file is readable
  // or writable by group or others; InvalidArgument when it is not an
  // Ed25519 private key.
  static absl::StatusOr<std::unique_ptr<SigningKey>> LoadOrCreate(
      const std::string& directory);
  // From the raw 32-byte private key (RFC 8032 "secret key").
  static absl::StatusOr<std::unique_ptr<SigningKey>> FromSeed(
      std::string_view seed);
  // From a PKCS#8 PEM text.
  static absl::StatusOr<std::unique_ptr<SigningKey>> FromPem(
      std::string_view pem);

  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  // The 64-byte signature of `message`.
  std::string Sign(std::string_view message) const;
  // The raw 32-byte public key.
  const std::string& public_key() const { return public_key_; }
  // "ed25519:" + first 16 hex digits of SHA-256(public key): names the key
  // in tokens and checkpoints, so verifiers pick the right one.
  const std::string& key_id() const { return key_id_; }
  // PKCS#8 PEM of the private key (for storing it).
  std::string PrivatePem() const;

  struct Handle;  // the OpenSSL key (ed25519.cc)

 private:
  explicit SigningKey(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
  std::string public_key_;
  std::string key_id_;
};

// The key id of a raw public key (as SigningKey::key_id).
std::string KeyIdOf(std::string_view public_key);

// Whether `signature` is a valid Ed25519 signature of `message` under the
// raw 32-byte `public_key`. False for malformed keys or signatures.
bool VerifyEd25519(std::string_view public_key, std::string_view message,
                   std::string_view signature);

}  // namespace signoff::crypto

#endif  // SIGNOFF_RUNTIME_CRYPTO_ED25519_H_
