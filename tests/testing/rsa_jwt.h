// RSA keys, their JWKS text and RS256 tokens for tests of the Teams channel
// (runtime/channels/jwt.h): what the Bot Framework does when it signs the
// activities it sends to a bot.
//
//   RsaKey key = NewRsaKey();
//   WriteFile("teams-keys.json", JwksText({RsaJwk(key.get(), "k1")}));
//   std::string token = Rs256Token(key.get(), {{"alg", "RS256"},
//                                              {"kid", "k1"}}, claims);
//
// Tests only: keys are made fresh (2048 bits take some milliseconds) and
// OpenSSL failures are not reported.
#ifndef SIGNOFF_TESTS_TESTING_RSA_JWT_H_
#define SIGNOFF_TESTS_TESTING_RSA_JWT_H_

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "runtime/crypto/encoding.h"

namespace signoff::testing {

using RsaKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

// A fresh RSA key pair.
inline RsaKey NewRsaKey(unsigned bits = 2048) {
  return RsaKey(EVP_RSA_gen(bits), EVP_PKEY_free);
}

// The big-endian bytes of the BIGNUM parameter `name` of `key`.
inline std::string RsaKeyParam(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string bytes(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return bytes;
}

// The public half of `key` as a JWK named `kid`.
inline nlohmann::json RsaJwk(const EVP_PKEY* key, const std::string& kid) {
  return {
      {"kty", "RSA"},
      {"kid", kid},
      {"use", "sig"},
      {"n", crypto::Base64UrlEncode(RsaKeyParam(key, OSSL_PKEY_PARAM_RSA_N))},
      {"e", crypto::Base64UrlEncode(RsaKeyParam(key, OSSL_PKEY_PARAM_RSA_E))}};
}

// {"keys": [...]} as text, for a jwks_file.
inline std::string JwksText(const std::vector<nlohmann::json>& keys) {
  return nlohmann::json({{"keys", keys}}).dump();
}

// The RSASSA-PKCS1-v1_5 SHA-256 signature of `data` by `key`.
inline std::string Rs256Sign(EVP_PKEY* key, const std::string& data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                              EVP_MD_CTX_free);
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key);
  size_t size = 0;
  EVP_DigestSign(ctx.get(), nullptr, &size,
                 reinterpret_cast<const unsigned char*>(data.data()),
                 data.size());
  std::string signature(size, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()),
                 &size, reinterpret_cast<const unsigned char*>(data.data()),
                 data.size());
  signature.resize(size);
  return signature;
}

// A compact JWS: base64url(header).base64url(claims).base64url(signature
// by `key`), whatever `header` says the algorithm is.
inline std::string Rs256Token(EVP_PKEY* key, const nlohmann::json& header,
                              const nlohmann::json& claims) {
  const std::string data = crypto::Base64UrlEncode(header.dump()) + "." +
                           crypto::Base64UrlEncode(claims.dump());
  return data + "." + crypto::Base64UrlEncode(Rs256Sign(key, data));
}

}  // namespace signoff::testing

#endif  // SIGNOFF_TESTS_TESTING_RSA_JWT_H_
