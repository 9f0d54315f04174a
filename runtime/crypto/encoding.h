// Byte encodings and digests the runtime shares: hex, base64url (RFC 4648
// §5, no padding), SHA-256, HMAC-SHA256 and a constant-time compare.
//
// Thread safety: every function is pure.
#ifndef SIGNOFF_RUNTIME_CRYPTO_ENCODING_H_
#define SIGNOFF_RUNTIME_CRYPTO_ENCODING_H_

#include <optional>
#include <string>
#include <string_view>

namespace signoff::crypto {

// Lowercase hex of `bytes`.
std::string HexEncode(std::string_view bytes);
// nullopt unless `hex` is an even number of hex digits (either case).
std::optional<std::string> HexDecode(std::string_view hex);

// Base64url without padding.
std::string Base64UrlEncode(std::string_view bytes);
// nullopt on any character outside the base64url alphabet, on padding, on
// an impossible length, or on non-zero trailing bits (so every byte string
// has exactly one accepted encoding).
std::optional<std::string> Base64UrlDecode(std::string_view text);

// SHA-256 of `bytes`: 32 raw bytes.
std::string Sha256(std::string_view bytes);
// "sha256:" + lowercase hex of SHA-256(bytes).
std::string Sha256Tagged(std::string_view bytes);

// HMAC-SHA256(key, message): 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view message);

// Compares in time independent of where the inputs differ (length aside).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace signoff::crypto

#endif  // SIGNOFF_RUNTIME_CRYPTO_ENCODING_H_
