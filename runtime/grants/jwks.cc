#include "runtime/grants/jwks.h"

#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "runtime/crypto/canonical_json.h"
#include "runtime/crypto/encoding.h"
#include "stdlib/absl_compat.h"

namespace signoff::grants {
namespace {

using nlohmann::json;

// `"text"`, as JSON would print it (for names taken from the input).
std::string Quoted(const json& value) { return crypto::CanonicalJson(value); }

// The string member `name` of `entry`, nullopt when absent; an error when
// present but not a string.
absl::StatusOr<std::optional<std::string>> StringMember(
    const json& entry, const char* name, const std::string& where) {
  auto it = entry.find(name);
  if (it == entry.end()) return std::optional<std::string>();
  if (!it->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": `", name, "` is not a string"));
  }
  return std::optional<std::string>(it->get<std::string>());
}

absl::Status Expect(const json& entry, const char* name,
                    std::string_view expected, bool required,
                    const std::string& where) {
  absl::StatusOr<std::optional<std::string>> value =
      StringMember(entry, name, where);
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    if (!required) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(where, ": no `", name, "`"));
  }
  if (**value != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": `", name, "` is ", Quoted(**value),
                     ", expected \"", AsAbsl(expected), "\""));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PublicKeySet> PublicKeySet::FromJwks(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return absl::InvalidArgumentError("JWKS is not valid JSON");
  }
  if (!doc.is_object()) {
    return absl::InvalidArgumentError("JWKS is not a JSON object");
  }
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) {
    return absl::InvalidArgumentError("JWKS has no `keys` array");
  }
  PublicKeySet set;
  for (size_t i = 0; i < keys->size(); ++i) {
    const json& entry = (*keys)[i];
    std::string where = absl::StrCat("JWKS key ", i);
    if (!entry.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": not a JSON object"));
    }
    absl::StatusOr<std::optional<std::string>> kid =
        StringMember(entry, "kid", where);
    if (!kid.ok()) return kid.status();
    if (!kid->has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": no `kid`"));
    }
    absl::StrAppend(&where, " (kid ", Quoted(**kid), ")");
    if (absl::Status s = Expect(entry, "kty", "OKP", true, where); !s.ok()) {
      return s;
    }
    if (absl::Status s = Expect(entry, "crv", "Ed25519", true, where);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = Expect(entry, "alg", "EdDSA", false, where); !s.ok()) {
      return s;
    }
    if (absl::Status s = Expect(entry, "use", "sig", false, where); !s.ok()) {
      return s;
    }
    if (entry.contains("d")) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": holds the private key `d`; publish public keys only"));
    }
    absl::StatusOr<std::optional<std::string>> x =
        StringMember(entry, "x", where);
    if (!x.ok()) return x.status();
    if (!x->has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": no `x`"));
    }
    std::optional<std::string> raw = crypto::Base64UrlDecode(**x);
    if (!raw.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": `x` is not unpadded base64url (RFC 4648 §5)"));
    }
    if (raw->size() != crypto::kEd25519PublicKeySize) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": `x` is ", raw->size(),
                       " bytes, an Ed25519 public key is 32"));
    }
    const std::string derived = crypto::KeyIdOf(*raw);
    if (**kid != derived) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": `kid` does not match the key, whose id is ", derived));
    }
    if (set.keys_.contains(derived)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": the same key appears twice"));
    }
    set.keys_.emplace(derived, std::move(*raw));
  }
  return set;
}

PublicKeySet PublicKeySet::FromKeys(
    const std::vector<const crypto::SigningKey*>& keys) {
  PublicKeySet set;
  for (const crypto::SigningKey* key : keys) {
    if (key != nullptr) set.keys_.emplace(key->key_id(), key->public_key());
  }
  return set;
}

absl::Status PublicKeySet::Add(std::string_view public_key) {
  if (public_key.size() != crypto::kEd25519PublicKeySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an Ed25519 public key is 32 bytes, not ", public_key.size()));
  }
  keys_.emplace(crypto::KeyIdOf(public_key), std::string(public_key));
  return absl::OkStatus();
}

const std::string* PublicKeySet::Find(std::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<std::string> PublicKeySet::key_ids() const {
  std::vector<std::string> ids;
  ids.reserve(keys_.size());
  for (const auto& [kid, key] : keys_) ids.push_back(kid);
  return ids;
}

std::string KeysJson(const std::vector<const crypto::SigningKey*>& keys) {
  json list = json::array();
  std::set<std::string_view> seen;  // one entry per key, as FromJwks wants
  for (const crypto::SigningKey* key : keys) {
    if (key == nullptr || !seen.insert(key->key_id()).second) continue;
    list.push_back({{"kty", "OKP"},
                    {"crv", "Ed25519"},
                    {"alg", "EdDSA"},
                    {"use", "sig"},
                    {"kid", key->key_id()},
                    {"x", crypto::Base64UrlEncode(key->public_key())}});
  }
  return crypto::CanonicalJson(json{{"keys", std::move(list)}});
}

}  // namespace signoff::grants
