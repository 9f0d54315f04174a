#include "runtime/channels/jwt.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "runtime/crypto/encoding.h"
#include "tests/testing/rsa_jwt.h"

namespace signoff::channels {
namespace {

using nlohmann::json;
using Pkey = testing::RsaKey;
using testing::NewRsaKey;
using testing::Rs256Token;
using testing::RsaJwk;

constexpr int64_t kNow = 1'800'000'000;
constexpr char kIssuer[] = "https://api.botframework.com";
constexpr char kAppId[] = "00000000-0000-0000-0000-00000000a99";

class JwtTest : public ::testing::Test {
 protected:
  JwtTest() : key_(NewRsaKey()), other_(NewRsaKey()) {
    json jwks = {{"keys",
                  {{{"kty", "EC"}, {"kid", "ec"}},  // skipped
                   RsaJwk(key_.get(), "k1"),
                   RsaJwk(other_.get(), "k2")}}};
    absl::StatusOr<RsaKeySet> set = RsaKeySet::FromJwks(jwks.dump());
    EXPECT_TRUE(set.ok()) << set.status();
    if (set.ok()) keys_ = std::make_unique<RsaKeySet>(*std::move(set));
  }

  static json Header(const std::string& kid = "k1") {
    return {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid}};
  }
  static json Claims() {
    return {{"iss", kIssuer},
            {"aud", kAppId},
            {"exp", kNow + 600},
            {"nbf", kNow - 10},
            {"serviceurl", "https://smba.trafficmanager.net/teams/"}};
  }
  absl::Status Check(const std::string& token, int64_t now = kNow) const {
    return VerifyRs256(token, *keys_, {kIssuer, kAppId, now}).status();
  }
  std::string Refusal(const std::string& token, int64_t now = kNow) const {
    absl::Status s = Check(token, now);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
    return std::string(s.message());
  }

  Pkey key_, other_;
  std::unique_ptr<RsaKeySet> keys_;
};

TEST_F(JwtTest, AcceptsAGoodTokenAndReturnsItsClaims) {
  ASSERT_EQ(keys_->size(), 2u);
  absl::StatusOr<json> claims =
      VerifyRs256(Rs256Token(key_.get(), Header(), Claims()), *keys_,
                  {kIssuer, kAppId, kNow});
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ((*claims)["serviceurl"], "https://smba.trafficmanager.net/teams/");
  // The second key by its kid; an audience array containing the app id.
  json claims2 = Claims();
  claims2["aud"] = {"other", kAppId};
  EXPECT_TRUE(Check(Rs256Token(other_.get(), Header("k2"), claims2)).ok());
}

TEST_F(JwtTest, LifetimeHasFiveMinutesOfSkew) {
  const std::string token = Rs256Token(key_.get(), Header(), Claims());
  EXPECT_TRUE(Check(token, kNow + 600 + 300).ok());
  EXPECT_NE(Refusal(token, kNow + 600 + 301).find("expired"),
            std::string::npos);
  EXPECT_TRUE(Check(token, kNow - 10 - 300).ok());
  EXPECT_NE(Refusal(token, kNow - 10 - 301).find("nbf"), std::string::npos);
  json no_exp = Claims();
  no_exp.erase("exp");
  EXPECT_NE(Refusal(Rs256Token(key_.get(), Header(), no_exp)).find("exp"),
            std::string::npos);
}

TEST_F(JwtTest, RefusesWrongIssuerAudienceKeyOrSignature) {
  json claims = Claims();
  claims["iss"] = "https://login.example.com";
  EXPECT_NE(Refusal(Rs256Token(key_.get(), Header(), claims)).find("issuer"),
            std::string::npos);
  claims = Claims();
  claims["aud"] = "another-app";
  EXPECT_NE(Refusal(Rs256Token(key_.get(), Header(), claims)).find("audience"),
            std::string::npos);
  // Signed by the other key but naming k1; an unknown kid; no kid with two
  // keys.
  EXPECT_NE(Refusal(Rs256Token(other_.get(), Header("k1"), Claims()))
                .find("bad signature"),
            std::string::npos);
  EXPECT_NE(Refusal(Rs256Token(key_.get(), Header("k9"), Claims()))
                .find("unknown key"),
            std::string::npos);
  json no_kid = Header();
  no_kid.erase("kid");
  Refusal(Rs256Token(key_.get(), no_kid, Claims()));
  // A key nobody configured.
  Pkey stranger = NewRsaKey();
  Refusal(Rs256Token(stranger.get(), Header(), Claims()));
  // Claims altered after signing.
  std::string token = Rs256Token(key_.get(), Header(), Claims());
  const size_t first = token.find('.'), second = token.find('.', first + 1);
  json forged = Claims();
  forged["aud"] = kAppId;
  forged["exp"] = kNow + 999999;
  std::string altered = token.substr(0, first + 1) +
                        crypto::Base64UrlEncode(forged.dump()) +
                        token.substr(second);
  EXPECT_NE(Refusal(altered).find("bad signature"), std::string::npos);
}

TEST_F(JwtTest, OnlyRs256WhateverTheHeaderSays) {
  json none = Header();
  none["alg"] = "none";
  const std::string unsigned_token =
      crypto::Base64UrlEncode(none.dump()) + "." +
      crypto::Base64UrlEncode(Claims().dump()) + ".";
  EXPECT_NE(Refusal(unsigned_token).find("only RS256"), std::string::npos);
  json hs = Header();
  hs["alg"] = "HS256";
  EXPECT_NE(Refusal(Rs256Token(key_.get(), hs, Claims())).find("only RS256"),
            std::string::npos);
  for (const char* bad :
       {"", "a.b", "a.b.c.d", "!!.??.**", "e30.e30.", "W10.e30.AAAA"}) {
    Refusal(bad);
  }
}

TEST(RsaKeySetTest, RefusesBadSets) {
  for (const char* bad :
       {"", "[]", "{}", R"({"keys": 1})", R"({"keys": []})",
        R"({"keys": [{"kty": "EC"}]})",
        R"({"keys": [{"kty": "RSA", "kid": "x", "n": "!!", "e": "AQAB"}]})",
        R"({"keys": [{"kty": "RSA", "kid": "x", "e": "AQAB"}]})"}) {
    EXPECT_EQ(RsaKeySet::FromJwks(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  // Too short to be trusted.
  Pkey small(EVP_RSA_gen(1024), EVP_PKEY_free);
  json jwks = {{"keys", {RsaJwk(small.get(), "small")}}};
  absl::StatusOr<RsaKeySet> set = RsaKeySet::FromJwks(jwks.dump());
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(set.status().message().find("1024 bits"), std::string::npos)
      << set.status();
}

}  // namespace
}  // namespace signoff::channels
