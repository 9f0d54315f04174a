// Grants (RUNTIME.md §3): the single-action privilege minted when a request
// is approved, as a signed token an executor can check offline.
//
// Token:   sg1.<base64url(payload)>.<base64url(signature)>
// Payload: the canonical JSON (runtime/crypto/canonical_json.h) of
//   {"action": "db.migrate", "digest": "sha256:<64 hex>",
//    "expires": "2026-11-21T14:05:00Z", "grant_id": "g_...",
//    "issued": "2026-11-21T14:00:00Z", "kid": "ed25519:<16 hex>",
//    "request_id": "r_...", "requester": "alice"}
//   exactly these eight string members; times RFC 3339 in UTC, whole
//   seconds, "Z" (the form stdlib::FormatRfc3339 prints).
// Signature: Ed25519 (RFC 8032) by the key named `kid`, over the ASCII
//   bytes "sg1." + base64url(payload), so the version is signed too.
// base64url is RFC 4648 §5 without padding, and only the canonical
// encoding is accepted (crypto::Base64UrlDecode), so a token has exactly
// one spelling: what was signed is what is verified.
//
// `digest` binds the grant to one action: ActionDigest(action, params,
// requester id). Verifying is two steps: VerifyToken (the token is ours,
// intact and not expired) and CheckGrantFor (it is for this very action);
// VerifyGrantForRequest does both from a LANGUAGE.md §6 request. Whether a
// grant was already consumed is the store's business, not this library's.
//
// Errors. Every reason a token is refused is a PermissionDenied status
// (HTTP 403, RUNTIME.md §7) with a message for people ("bad signature",
// "grant expired at 2026-11-21T14:05:00Z", ...) and a GrantError for code,
// read with GrantErrorOf(status). A request that is not a valid request
// (VerifyGrantForRequest) is InvalidArgument and has no GrantError: the
// caller's input is wrong (HTTP 400), not the grant.
//
// Thread safety: every function is pure (no shared state) and may be
// called from any number of threads at once; a PublicKeySet may be shared
// by them while nobody modifies it.
#ifndef SIGNOFF_RUNTIME_GRANTS_GRANTS_H_
#define SIGNOFF_RUNTIME_GRANTS_GRANTS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "runtime/crypto/ed25519.h"
#include "runtime/grants/jwks.h"

namespace signoff::grants {

// The version prefix of tokens this library mints and accepts.
inline constexpr std::string_view kTokenVersion = "sg1";
// Longer tokens are refused as malformed before any parsing (a real one is
// a few hundred bytes: params are in the digest, not in the token).
inline constexpr size_t kMaxTokenSize = 8192;

// "sha256:" + hex SHA-256 of the canonical JSON of
// {"action": action, "params": params, "requester": requester_id}.
// `params` is the request's params object exactly as submitted; a null
// (missing) params counts as {}. Key order and whitespace of the text it
// was parsed from do not matter; every value does (1 and "1" differ).
std::string ActionDigest(std::string_view action, const nlohmann::json& params,
                         std::string_view requester_id);

// What a token says. Strings are UTF-8.
struct GrantClaims {
  std::string grant_id;
  std::string request_id;
  std::string requester;  // requester.id of the request
  std::string action;
  std::string digest;   // ActionDigest of the approved action
  std::string key_id;   // `kid`: the key that signed (set by MintToken)
  int64_t issued = 0;   // unix seconds
  int64_t expires = 0;  // unix seconds; valid while now < expires

  friend bool operator==(const GrantClaims&, const GrantClaims&) = default;
};

// The token of `claims`, signed by `key`; `kid` is key.key_id() whatever
// claims.key_id says. Times must lie in the years 0000-9999 (RFC 3339).
std::string MintToken(const GrantClaims& claims, const crypto::SigningKey& key);

// Why a grant was refused.
enum class GrantError {
  kMalformed,       // not a well-formed sg1 token
  kUnknownKey,      // signed by a key not in the set
  kBadSignature,    // forged or altered
  kExpired,         // now >= expires
  kWrongAction,     // presented for another action
  kWrongParams,     // presented with other params (digest mismatch)
  kWrongRequester,  // presented for another requester
};

// Stable snake_case name for APIs and logs: "malformed_token",
// "unknown_key", "bad_signature", "expired", "wrong_action",
// "wrong_params", "wrong_requester".
std::string_view GrantErrorName(GrantError error);

// The GrantError a status of this library carries; nullopt for OK and for
// any other status.
std::optional<GrantError> GrantErrorOf(const absl::Status& status);

// Checks, in this order, and returns the claims of a valid token:
//   format     "malformed token: <what>"   (three parts, prefix sg1,
//              canonical base64url, a 64-byte signature, a payload that is
//              canonical JSON of exactly the eight string members, times
//              as above, digest "sha256:<64 lowercase hex>")
//   key        "unknown signing key <kid>"
//   signature  "bad signature"
//   expiry     "grant expired at <expires>"   when now >= expires
// `now` is unix seconds. Not checked: `issued` in the future (clocks of
// runtime and executor may differ), and the action (CheckGrantFor).
absl::StatusOr<GrantClaims> VerifyToken(std::string_view token,
                                        const PublicKeySet& keys, int64_t now);

// Whether verified `claims` are for this action, in this order:
//   "grant is for action `X`, not `Y`"
//   "grant is for requester `X`, not `Y`"
//   "grant is for other params"   (the digest differs)
absl::Status CheckGrantFor(const GrantClaims& claims, std::string_view action,
                           const nlohmann::json& params,
                           std::string_view requester_id);

// For executors: VerifyToken, then CheckGrantFor against the LANGUAGE.md
// §6 request the grant is presented with: `action` (a string, required),
// `params` (an object; missing or null is {}), `requester.id` (a string;
// missing is ""). Other members are not looked at. InvalidArgument, without
// a GrantError, when the text is not JSON or those members have the wrong
// types; the request is checked before the token.
absl::StatusOr<GrantClaims> VerifyGrantForRequest(std::string_view token,
                                                  const PublicKeySet& keys,
                                                  std::string_view request_json,
                                                  int64_t now);
// The same with the request already parsed (e.g. the `request` member of a
// `POST /v1/grants/verify` body).
absl::StatusOr<GrantClaims> VerifyGrantForParsedRequest(
    std::string_view token, const PublicKeySet& keys,
    const nlohmann::json& request, int64_t now);

}  // namespace signoff::grants

#endif  // SIGNOFF_RUNTIME_GRANTS_GRANTS_H_
