// signoff_grant_verify (runtime/capi/signoff.h): a grant minted by the
// runtime, verified through the C API as an executor would.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "nlohmann/json.hpp"
#include "runtime/capi/signoff.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/grants/grants.h"
#include "runtime/grants/ids.h"
#include "runtime/grants/jwks.h"

namespace {

using nlohmann::json;

constexpr long long kIssued = 1795255200;  // 2026-11-21T10:00:00Z
constexpr long long kExpires = kIssued + 300;

constexpr char kRequest[] =
    R"({"action": "db.migrate", "params": {"db": "orders", "version": 42},
        "requester": {"id": "alice"}})";

class CApiGrantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = signoff::crypto::SigningKey::FromSeed(std::string(32, '\x05'));
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = std::move(key).value();
    keys_json_ = signoff::grants::KeysJson({key_.get()});
    signoff::grants::GrantClaims claims;
    claims.grant_id = signoff::grants::NewGrantId();
    claims.request_id = "r_1";
    claims.requester = "alice";
    claims.action = "db.migrate";
    claims.digest = signoff::grants::ActionDigest(
        "db.migrate", json::parse(R"({"version": 42, "db": "orders"})"),
        "alice");
    claims.issued = kIssued;
    claims.expires = kExpires;
    token_ = signoff::grants::MintToken(claims, *key_);
  }

  // The result and the reason (freed here), "" when there is none.
  std::pair<int, std::string> Verify(const char* token, const char* keys,
                                     const char* request, long long now) {
    char* reason = reinterpret_cast<char*>(0x1);  // must be overwritten
    int result = signoff_grant_verify(token, keys, request, now, &reason);
    std::string text = reason == nullptr ? "" : reason;
    signoff_string_free(reason);
    return {result, text};
  }

  std::unique_ptr<signoff::crypto::SigningKey> key_;
  std::string keys_json_;
  std::string token_;
};

TEST_F(CApiGrantsTest, Valid) {
  auto [result, reason] =
      Verify(token_.c_str(), keys_json_.c_str(), kRequest, kIssued + 10);
  EXPECT_EQ(result, 1) << reason << signoff_last_error();
  EXPECT_EQ(reason, "");
  // The reason pointer is optional.
  EXPECT_EQ(signoff_grant_verify(token_.c_str(), keys_json_.c_str(), kRequest,
                                 kIssued, nullptr),
            1);
}

TEST_F(CApiGrantsTest, InvalidWithReason) {
  EXPECT_EQ(Verify(token_.c_str(), keys_json_.c_str(), kRequest, kExpires),
            std::make_pair(0, std::string("grant expired at "
                                          "2026-11-21T10:05:00Z")));
  EXPECT_EQ(Verify(token_.c_str(), keys_json_.c_str(),
                   R"({"action": "db.migrate", "params": {"db": "orders",
                 "version": 43}, "requester": {"id": "alice"}})",
                   kIssued),
            std::make_pair(0, std::string("grant is for other params")));
  EXPECT_EQ(
      Verify(token_.c_str(), keys_json_.c_str(),
             R"({"action": "db.drop", "params": {"db": "orders",
                       "version": 42}, "requester": {"id": "alice"}})",
             kIssued),
      std::make_pair(0, std::string("grant is for action `db.migrate`, not "
                                    "`db.drop`")));
  std::string forged = token_;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Verify(forged.c_str(), keys_json_.c_str(), kRequest, kIssued),
            std::make_pair(0, std::string("bad signature")));
  EXPECT_EQ(Verify("sg1.x.y", keys_json_.c_str(), kRequest, kIssued).first, 0);
  const std::string no_keys = signoff::grants::KeysJson({});
  auto [result, reason] =
      Verify(token_.c_str(), no_keys.c_str(), kRequest, kIssued);
  EXPECT_EQ(result, 0);
  EXPECT_EQ(reason, "unknown signing key " + key_->key_id());
  // Without a reason pointer, still 0.
  EXPECT_EQ(signoff_grant_verify(token_.c_str(), keys_json_.c_str(), kRequest,
                                 kExpires, nullptr),
            0);
}

TEST_F(CApiGrantsTest, BadArgumentsFail) {
  const char* keys = keys_json_.c_str();
  const char* token = token_.c_str();
  EXPECT_EQ(Verify(nullptr, keys, kRequest, kIssued),
            std::make_pair(-1, std::string()));
  EXPECT_NE(std::strstr(signoff_last_error(), "NULL"), nullptr);
  EXPECT_EQ(Verify(token, nullptr, kRequest, kIssued).first, -1);
  EXPECT_EQ(Verify(token, keys, nullptr, kIssued).first, -1);

  EXPECT_EQ(Verify(token, "{\"keys\": 1}", kRequest, kIssued),
            std::make_pair(-1, std::string()));
  EXPECT_STREQ(signoff_last_error(), "JWKS has no `keys` array");
  EXPECT_EQ(Verify(token, keys, "{not json", kIssued),
            std::make_pair(-1, std::string()));
  EXPECT_STREQ(signoff_last_error(), "the request is not valid JSON");
  EXPECT_EQ(Verify(token, keys, R"({"params": {}})", kIssued).first, -1);
  EXPECT_STREQ(signoff_last_error(), "the request has no string `action`");
}

}  // namespace
