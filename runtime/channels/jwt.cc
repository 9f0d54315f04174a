#include "runtime/channels/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "runtime/crypto/encoding.h"
#include "stdlib/absl_compat.h"

namespace signoff::channels {

struct RsaKeySet::Key {
  std::string kid;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{nullptr,
                                                           EVP_PKEY_free};
};

namespace {

using nlohmann::json;

constexpr int kMinRsaBits = 2048;

absl::Status Refused(std::string_view why) {
  return absl::UnauthenticatedError(
      absl::StrCat("bearer token refused: ", AsAbsl(why)));
}

// An RSA public key from the big-endian bytes of its modulus and exponent.
absl::StatusOr<std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>> RsaKey(
    std::string_view n, std::string_view e) {
  using Bn = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
  Bn bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                    static_cast<int>(n.size()), nullptr),
          BN_free);
  Bn bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                    static_cast<int>(e.size()), nullptr),
          BN_free);
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> build(
      OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!bn_n || !bn_e || !build ||
      !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
    return absl::InternalError("cannot build an RSA key");
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(build.get()), OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <=
          0) {
    return absl::InvalidArgumentError("not a valid RSA public key");
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(raw, EVP_PKEY_free);
  if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    return absl::InvalidArgumentError(
        absl::StrCat("RSA key of ", EVP_PKEY_get_bits(key.get()),
                     " bits (at least ", kMinRsaBits, " required)"));
  }
  return key;
}

std::optional<std::string> Member(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// A decoded JWT segment that must be a JSON object.
std::optional<json> Segment(std::string_view text) {
  std::optional<std::string> bytes = crypto::Base64UrlDecode(text);
  if (!bytes) return std::nullopt;
  json value = json::parse(*bytes, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

}  // namespace

absl::StatusOr<RsaKeySet> RsaKeySet::FromJwks(std::string_view jwks_json) {
  json jwks = json::parse(jwks_json, nullptr, false);
  if (jwks.is_discarded() || !jwks.is_object() || !jwks.contains("keys") ||
      !jwks["keys"].is_array()) {
    return absl::InvalidArgumentError(
        "a JWKS must be a JSON object with a `keys` array");
  }
  RsaKeySet set;
  int index = 0;
  for (const json& jwk : jwks["keys"]) {
    const std::string where = absl::StrCat("keys[", index++, "]");
    if (!jwk.is_object() || Member(jwk, "kty") != "RSA") continue;
    std::optional<std::string> n = Member(jwk, "n");
    std::optional<std::string> e = Member(jwk, "e");
    std::optional<std::string> n_bytes =
        n ? crypto::Base64UrlDecode(*n) : std::nullopt;
    std::optional<std::string> e_bytes =
        e ? crypto::Base64UrlDecode(*e) : std::nullopt;
    if (!n_bytes || !e_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": an RSA key needs `n` and `e` in base64url"));
    }
    absl::StatusOr<std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>> pkey =
        RsaKey(*n_bytes, *e_bytes);
    if (!pkey.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": ", pkey.status().message()));
    }
    auto key = std::make_shared<Key>();
    key->kid = Member(jwk, "kid").value_or("");
    key->pkey = *std::move(pkey);
    set.keys_.push_back(std::move(key));
  }
  if (set.keys_.empty()) {
    return absl::InvalidArgumentError("the JWKS has no RSA key");
  }
  return set;
}

absl::Status RsaKeySet::VerifySha256(std::string_view kid,
                                     std::string_view data,
                                     std::string_view signature) const {
  const Key* key = nullptr;
  if (kid.empty()) {
    if (keys_.size() == 1) key = keys_.front().get();
  } else {
    for (const auto& k : keys_) {
      if (k->kid == kid) key = k.get();
    }
  }
  if (key == nullptr) {
    return Refused(kid.empty()
                       ? "no `kid`, and more than one key"
                       : absl::StrCat("unknown key `", AsAbsl(kid), "`"));
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                              EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                                   key->pkey.get()) != 1) {
    return absl::InternalError("cannot verify an RSA signature");
  }
  const int ok = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
      signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
      data.size());
  if (ok != 1) return Refused("bad signature");
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> VerifyRs256(std::string_view token,
                                           const RsaKeySet& keys,
                                           const JwtCheck& check) {
  std::vector<std::string_view> parts;
  for (absl::string_view part : absl::StrSplit(AsAbsl(token), '.')) {
    parts.push_back(AsStd(part));
  }
  if (token.size() > 16384 || parts.size() != 3) {
    return Refused("not a JWT (three base64url parts)");
  }
  std::optional<json> header = Segment(parts[0]);
  std::optional<json> claims = Segment(parts[1]);
  std::optional<std::string> signature = crypto::Base64UrlDecode(parts[2]);
  if (!header || !claims || !signature) {
    return Refused("malformed JWT");
  }
  if (Member(*header, "alg") != "RS256") {
    return Refused(absl::StrCat("algorithm `",
                                Member(*header, "alg").value_or(""),
                                "` (only RS256 is accepted)"));
  }
  const std::string signed_part =
      absl::StrCat(AsAbsl(parts[0]), ".", AsAbsl(parts[1]));
  if (absl::Status s = keys.VerifySha256(Member(*header, "kid").value_or(""),
                                         signed_part, *signature);
      !s.ok()) {
    return s;
  }
  if (Member(*claims, "iss") != check.issuer) {
    return Refused(absl::StrCat("issuer `", Member(*claims, "iss").value_or(""),
                                "` is not `", check.issuer, "`"));
  }
  bool audience = Member(*claims, "aud") == check.audience;
  if (auto aud = claims->find("aud"); aud != claims->end() && aud->is_array()) {
    for (const json& a : *aud) audience = audience || a == check.audience;
  }
  if (!audience) return Refused("audience is not this app");
  auto exp = claims->find("exp");
  if (exp == claims->end() || !exp->is_number_integer()) {
    return Refused("no `exp`");
  }
  if (check.now > exp->get<int64_t>() + check.skew_seconds) {
    return Refused("expired");
  }
  if (auto nbf = claims->find("nbf"); nbf != claims->end()) {
    if (!nbf->is_number_integer() ||
        nbf->get<int64_t>() > check.now + check.skew_seconds) {
      return Refused("not valid yet (`nbf`)");
    }
  }
  return *std::move(claims);
}

}  // namespace signoff::channels
