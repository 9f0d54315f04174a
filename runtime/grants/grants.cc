#include "runtime/grants/grants.h"

#include <array>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "runtime/crypto/canonical_json.h"
#include "runtime/crypto/encoding.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::grants {
namespace {

using nlohmann::json;

// Where a status of this library keeps its GrantError (the name).
constexpr char kGrantErrorUrl[] = "type.signoff.dev/signoff.grants.GrantError";

constexpr std::array<GrantError, 7> kAllErrors = {
    GrantError::kMalformed,     GrantError::kUnknownKey,
    GrantError::kBadSignature,  GrantError::kExpired,
    GrantError::kWrongAction,   GrantError::kWrongParams,
    GrantError::kWrongRequester};

// The payload members, in canonical (sorted) order.
constexpr std::array<const char*, 8> kMembers = {
    "action", "digest", "expires",    "grant_id",
    "issued", "kid",    "request_id", "requester"};

absl::Status Refuse(GrantError error, std::string_view message) {
  absl::Status status = absl::PermissionDeniedError(AsAbsl(message));
  status.SetPayload(kGrantErrorUrl, absl::Cord(AsAbsl(GrantErrorName(error))));
  return status;
}

absl::Status Malformed(std::string_view what) {
  return Refuse(GrantError::kMalformed,
                absl::StrCat("malformed token: ", AsAbsl(what)));
}

// Untrusted text for a message: printable ASCII only, at most 64 bytes.
std::string Shown(std::string_view text) {
  constexpr size_t kMax = 64;
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    char c = text[i];
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (text.size() > kMax) out += "...";
  return out;
}

// Unix seconds of a time in exactly the form FormatRfc3339 prints.
std::optional<int64_t> ParseCanonicalTime(std::string_view text) {
  std::optional<int64_t> t = stdlib::ParseRfc3339(text);
  if (!t.has_value() || stdlib::FormatRfc3339(*t) != text) return std::nullopt;
  return t;
}

bool IsDigest(std::string_view text) {
  constexpr std::string_view kTag = "sha256:";
  if (text.size() != kTag.size() + 64 || text.substr(0, kTag.size()) != kTag) {
    return false;
  }
  for (char c : text.substr(kTag.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The claims of a decoded payload, or a malformed-token status.
absl::StatusOr<GrantClaims> ParsePayload(std::string_view payload) {
  json doc = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Malformed("payload is not JSON");
  if (!doc.is_object()) return Malformed("payload is not a JSON object");
  for (const auto& [name, value] : doc.items()) {
    bool known = false;
    for (const char* member : kMembers) known = known || name == member;
    if (!known) {
      return Malformed(absl::StrCat("unexpected field `", Shown(name), "`"));
    }
  }
  for (const char* member : kMembers) {
    auto it = doc.find(member);
    if (it == doc.end()) {
      return Malformed(absl::StrCat("missing field `", member, "`"));
    }
    if (!it->is_string()) {
      return Malformed(absl::StrCat("field `", member, "` is not a string"));
    }
  }
  // One spelling per claim set (this also rejects duplicate keys).
  if (crypto::CanonicalJson(doc) != payload) {
    return Malformed("payload is not canonical JSON");
  }
  GrantClaims claims;
  claims.action = doc["action"].get<std::string>();
  claims.digest = doc["digest"].get<std::string>();
  claims.grant_id = doc["grant_id"].get<std::string>();
  claims.key_id = doc["kid"].get<std::string>();
  claims.request_id = doc["request_id"].get<std::string>();
  claims.requester = doc["requester"].get<std::string>();
  for (auto [member, field] : {std::pair{"issued", &claims.issued},
                               std::pair{"expires", &claims.expires}}) {
    std::optional<int64_t> t =
        ParseCanonicalTime(doc[member].get_ref<const std::string&>());
    if (!t.has_value()) {
      return Malformed(absl::StrCat("`", member,
                                    "` is not an RFC 3339 UTC time like ",
                                    "2026-11-21T14:00:00Z"));
    }
    *field = *t;
  }
  if (!IsDigest(claims.digest)) {
    return Malformed("`digest` is not sha256:<64 lowercase hex digits>");
  }
  return claims;
}

}  // namespace

std::string ActionDigest(std::string_view action, const json& params,
                         std::string_view requester_id) {
  json subject = json::object();
  subject["action"] = std::string(action);
  subject["params"] = params.is_null() ? json::object() : params;
  subject["requester"] = std::string(requester_id);
  return crypto::Sha256Tagged(crypto::CanonicalJson(subject));
}

std::string MintToken(const GrantClaims& claims,
                      const crypto::SigningKey& key) {
  json payload = json::object();
  payload["action"] = claims.action;
  payload["digest"] = claims.digest;
  payload["expires"] = stdlib::FormatRfc3339(claims.expires);
  payload["grant_id"] = claims.grant_id;
  payload["issued"] = stdlib::FormatRfc3339(claims.issued);
  payload["kid"] = key.key_id();
  payload["request_id"] = claims.request_id;
  payload["requester"] = claims.requester;
  std::string signed_part =
      absl::StrCat(AsAbsl(kTokenVersion), ".",
                   crypto::Base64UrlEncode(crypto::CanonicalJson(payload)));
  std::string signature = key.Sign(signed_part);
  return absl::StrCat(signed_part, ".", crypto::Base64UrlEncode(signature));
}

std::string_view GrantErrorName(GrantError error) {
  switch (error) {
    case GrantError::kMalformed:
      return "malformed_token";
    case GrantError::kUnknownKey:
      return "unknown_key";
    case GrantError::kBadSignature:
      return "bad_signature";
    case GrantError::kExpired:
      return "expired";
    case GrantError::kWrongAction:
      return "wrong_action";
    case GrantError::kWrongParams:
      return "wrong_params";
    case GrantError::kWrongRequester:
      return "wrong_requester";
  }
  return "unknown";
}

std::optional<GrantError> GrantErrorOf(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  auto payload = status.GetPayload(kGrantErrorUrl);  // absl::optional
  if (!payload.has_value()) return std::nullopt;
  for (GrantError error : kAllErrors) {
    if (*payload == AsAbsl(GrantErrorName(error))) return error;
  }
  return std::nullopt;
}

absl::StatusOr<GrantClaims> VerifyToken(std::string_view token,
                                        const PublicKeySet& keys, int64_t now) {
  if (token.size() > kMaxTokenSize) {
    return Malformed(absl::StrCat("longer than ", kMaxTokenSize, " bytes"));
  }
  const size_t first = token.find('.');
  const size_t second =
      first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos ||
      token.find('.', second + 1) != std::string_view::npos) {
    return Malformed("expected sg1.<payload>.<signature>");
  }
  const std::string_view version = token.substr(0, first);
  const std::string_view payload_text =
      token.substr(first + 1, second - first - 1);
  const std::string_view signature_text = token.substr(second + 1);
  if (version != kTokenVersion) {
    return Malformed(
        absl::StrCat("version `", Shown(version), "`, expected `sg1`"));
  }
  std::optional<std::string> payload = crypto::Base64UrlDecode(payload_text);
  if (!payload.has_value()) {
    return Malformed("payload is not unpadded base64url");
  }
  std::optional<std::string> signature =
      crypto::Base64UrlDecode(signature_text);
  if (!signature.has_value()) {
    return Malformed("signature is not unpadded base64url");
  }
  if (signature->size() != crypto::kEd25519SignatureSize) {
    return Malformed("signature is not 64 bytes");
  }
  absl::StatusOr<GrantClaims> claims = ParsePayload(*payload);
  if (!claims.ok()) return claims.status();

  const std::string* public_key = keys.Find(claims->key_id);
  if (public_key == nullptr) {
    return Refuse(GrantError::kUnknownKey,
                  absl::StrCat("unknown signing key ", Shown(claims->key_id)));
  }
  if (!crypto::VerifyEd25519(*public_key, token.substr(0, second),
                             *signature)) {
    return Refuse(GrantError::kBadSignature, "bad signature");
  }
  if (now >= claims->expires) {
    return Refuse(GrantError::kExpired,
                  absl::StrCat("grant expired at ",
                               stdlib::FormatRfc3339(claims->expires)));
  }
  return claims;
}

absl::Status CheckGrantFor(const GrantClaims& claims, std::string_view action,
                           const json& params, std::string_view requester_id) {
  if (claims.action != action) {
    return Refuse(GrantError::kWrongAction,
                  absl::StrCat("grant is for action `", claims.action,
                               "`, not `", AsAbsl(action), "`"));
  }
  if (claims.requester != requester_id) {
    return Refuse(GrantError::kWrongRequester,
                  absl::StrCat("grant is for requester `", claims.requester,
                               "`, not `", AsAbsl(requester_id), "`"));
  }
  if (!crypto::ConstantTimeEquals(claims.digest,
                                  ActionDigest(action, params, requester_id))) {
    return Refuse(GrantError::kWrongParams, "grant is for other params");
  }
  return absl::OkStatus();
}

absl::StatusOr<GrantClaims> VerifyGrantForParsedRequest(
    std::string_view token, const PublicKeySet& keys, const json& request,
    int64_t now) {
  if (!request.is_object()) {
    return absl::InvalidArgumentError("the request is not a JSON object");
  }
  auto action = request.find("action");
  if (action == request.end() || !action->is_string()) {
    return absl::InvalidArgumentError("the request has no string `action`");
  }
  static const json kNoParams = json::object();
  const json* params = &kNoParams;
  if (auto it = request.find("params"); it != request.end() && !it->is_null()) {
    if (!it->is_object()) {
      return absl::InvalidArgumentError(
          "the request's `params` is not an object");
    }
    params = &*it;
  }
  std::string requester_id;
  if (auto it = request.find("requester");
      it != request.end() && !it->is_null()) {
    if (!it->is_object()) {
      return absl::InvalidArgumentError(
          "the request's `requester` is not an object");
    }
    if (auto id = it->find("id"); id != it->end() && !id->is_null()) {
      if (!id->is_string()) {
        return absl::InvalidArgumentError(
            "the request's `requester.id` is not a string");
      }
      requester_id = id->get<std::string>();
    }
  }
  absl::StatusOr<GrantClaims> claims = VerifyToken(token, keys, now);
  if (!claims.ok()) return claims.status();
  if (absl::Status s =
          CheckGrantFor(*claims, action->get_ref<const std::string&>(), *params,
                        requester_id);
      !s.ok()) {
    return s;
  }
  return claims;
}

absl::StatusOr<GrantClaims> VerifyGrantForRequest(std::string_view token,
                                                  const PublicKeySet& keys,
                                                  std::string_view request_json,
                                                  int64_t now) {
  json request = json::parse(request_json, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) {
    return absl::InvalidArgumentError("the request is not valid JSON");
  }
  return VerifyGrantForParsedRequest(token, keys, request, now);
}

}  // namespace signoff::grants
