// Grants (runtime/grants): action digests, sg1 tokens, JWKS, ids.
#include "runtime/grants/grants.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "runtime/crypto/canonical_json.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/crypto/encoding.h"
#include "runtime/grants/ids.h"
#include "runtime/grants/jwks.h"
#include "stdlib/absl_compat.h"

namespace signoff::grants {
namespace {

using nlohmann::json;

constexpr int64_t kIssued = 1795255200;  // 2026-11-21T10:00:00Z
constexpr int64_t kExpires = kIssued + 300;

std::unique_ptr<crypto::SigningKey> KeyFromByte(char byte) {
  auto key = crypto::SigningKey::FromSeed(std::string(32, byte));
  EXPECT_TRUE(key.ok()) << key.status();
  return std::move(key).value();
}

json Params() {
  return json::parse(R"({"dataset": "customers", "rows": 50000,
                         "tags": ["q4", "finance"], "dry_run": false})");
}

GrantClaims Claims() {
  GrantClaims claims;
  claims.grant_id = "g_abcdefghijklmnopqrstuvwxyz";
  claims.request_id = "r_234567abcdefghijklmnopqrst";
  claims.requester = "agent:etl";
  claims.action = "data.export";
  claims.digest = ActionDigest("data.export", Params(), "agent:etl");
  claims.issued = kIssued;
  claims.expires = kExpires;
  return claims;
}

// The payload MintToken would write for Claims() signed by `key`.
json Payload(const crypto::SigningKey& key) {
  GrantClaims c = Claims();
  return json{{"action", c.action},
              {"digest", c.digest},
              {"expires", "2026-11-21T10:05:00Z"},
              {"grant_id", c.grant_id},
              {"issued", "2026-11-21T10:00:00Z"},
              {"kid", key.key_id()},
              {"request_id", c.request_id},
              {"requester", c.requester}};
}

// A token over exactly `payload_text`, signed as MintToken signs.
std::string SignedToken(std::string_view payload_text,
                        const crypto::SigningKey& key) {
  std::string signed_part = "sg1." + crypto::Base64UrlEncode(payload_text);
  return signed_part + "." + crypto::Base64UrlEncode(key.Sign(signed_part));
}

std::vector<std::string> Split(const std::string& token) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot; (dot = token.find('.', start)) != std::string::npos;
       start = dot + 1) {
    parts.push_back(token.substr(start, dot - start));
  }
  parts.push_back(token.substr(start));
  return parts;
}

class GrantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = KeyFromByte('\x01');
    other_ = KeyFromByte('\x02');
    keys_ = PublicKeySet::FromKeys({key_.get()});
  }

  // Expects `result` to be refused with `error` and a message starting
  // with `message`.
  template <typename T>
  void ExpectRefused(const T& result, GrantError error,
                     std::string_view message) {
    absl::Status status;
    if constexpr (std::is_same_v<T, absl::Status>) {
      status = result;
    } else {
      status = result.status();
    }
    ASSERT_FALSE(status.ok()) << "expected " << GrantErrorName(error);
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
    EXPECT_EQ(GrantErrorOf(status), error) << status;
    EXPECT_EQ(AsStd(status.message()).substr(0, message.size()), message)
        << status;
  }

  std::string Mint() { return MintToken(Claims(), *key_); }

  std::unique_ptr<crypto::SigningKey> key_;
  std::unique_ptr<crypto::SigningKey> other_;
  PublicKeySet keys_;
};

// --- digest ------------------------------------------------------------------

TEST(ActionDigestTest, IsSha256OfTheCanonicalSubject) {
  json params = json::parse(R"({"rows": 5, "dataset": "c"})");
  EXPECT_EQ(ActionDigest("data.export", params, "alice"),
            crypto::Sha256Tagged(
                R"({"action":"data.export","params":{"dataset":"c","rows":5},)"
                R"("requester":"alice"})"));
  // Missing params are {}.
  EXPECT_EQ(ActionDigest("a.b", json(), "alice"),
            ActionDigest("a.b", json::object(), "alice"));
  EXPECT_EQ(ActionDigest("a.b", json(), "alice"),
            crypto::Sha256Tagged(
                R"({"action":"a.b","params":{},"requester":"alice"})"));
}

TEST(ActionDigestTest, IndependentOfKeyOrderAndWhitespace) {
  json a = json::parse(
      R"({"dataset":"customers","rows":50000,"meta":{"x":1,"y":[1,2]}})");
  json b = json::parse(R"(
    {
      "meta" : { "y" : [ 1 , 2 ], "x" : 1 },
      "rows" : 50000,
      "dataset" : "customers"
    })");
  EXPECT_EQ(ActionDigest("data.export", a, "agent:etl"),
            ActionDigest("data.export", b, "agent:etl"));
}

TEST(ActionDigestTest, DependsOnEveryValue) {
  const json base = Params();
  const std::string digest = ActionDigest("data.export", base, "agent:etl");
  EXPECT_EQ(digest.substr(0, 7), "sha256:");
  EXPECT_EQ(digest.size(), 7u + 64u);
  std::set<std::string> seen = {digest};
  auto expect_new = [&](const std::string& d, const char* what) {
    EXPECT_TRUE(seen.insert(d).second) << what;
  };
  expect_new(ActionDigest("data.exporT", base, "agent:etl"), "action");
  expect_new(ActionDigest("data.export", base, "agent:etm"), "requester");
  json p = base;
  p["dataset"] = "customerz";
  expect_new(ActionDigest("data.export", p, "agent:etl"), "string value");
  p = base;
  p["rows"] = 50001;
  expect_new(ActionDigest("data.export", p, "agent:etl"), "number value");
  p = base;
  p["rows"] = "50000";
  expect_new(ActionDigest("data.export", p, "agent:etl"), "number as string");
  p = base;
  p["tags"][1] = "finance ";
  expect_new(ActionDigest("data.export", p, "agent:etl"), "list element");
  p = base;
  p["tags"] = json::array({"finance", "q4"});
  expect_new(ActionDigest("data.export", p, "agent:etl"), "list order");
  p = base;
  p["dry_run"] = true;
  expect_new(ActionDigest("data.export", p, "agent:etl"), "bool value");
  p = base;
  p["extra"] = nullptr;
  expect_new(ActionDigest("data.export", p, "agent:etl"), "added key");
  p = base;
  p.erase("dry_run");
  expect_new(ActionDigest("data.export", p, "agent:etl"), "removed key");
  expect_new(ActionDigest("data.export", json::object(), "agent:etl"),
             "no params");
}

// --- minting and verifying
// -----------------------------------------------------

TEST_F(GrantsTest, MintVerifyRoundTrip) {
  const std::string token = Mint();
  absl::StatusOr<GrantClaims> claims = VerifyToken(token, keys_, kIssued);
  ASSERT_TRUE(claims.ok()) << claims.status();
  GrantClaims expected = Claims();
  expected.key_id = key_->key_id();
  EXPECT_EQ(*claims, expected);
  EXPECT_TRUE(
      CheckGrantFor(*claims, "data.export", Params(), "agent:etl").ok());
  // The same claims give the same token (Ed25519 is deterministic).
  EXPECT_EQ(Mint(), token);
  // MintToken names the key that signs, not what claims.key_id says.
  GrantClaims lying = Claims();
  lying.key_id = "ed25519:0000000000000000";
  EXPECT_EQ(MintToken(lying, *key_), token);
}

TEST_F(GrantsTest, TokenFormat) {
  const std::string token = Mint();
  std::vector<std::string> parts = Split(token);
  ASSERT_EQ(parts.size(), 3u) << token;
  EXPECT_EQ(parts[0], "sg1");
  std::optional<std::string> payload = crypto::Base64UrlDecode(parts[1]);
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(*payload, crypto::CanonicalJson(Payload(*key_)));
  EXPECT_NE(payload->find(R"("expires":"2026-11-21T10:05:00Z")"),
            std::string::npos);
  std::optional<std::string> signature = crypto::Base64UrlDecode(parts[2]);
  ASSERT_TRUE(signature.has_value());
  EXPECT_EQ(signature->size(), 64u);
  // The version prefix is signed too.
  EXPECT_TRUE(
      crypto::VerifyEd25519(key_->public_key(), "sg1." + parts[1], *signature));
  EXPECT_FALSE(crypto::VerifyEd25519(key_->public_key(), parts[1], *signature));
}

// The example of docs/api.md ("Grants"), byte for byte: the token format
// (member names, time form, signed prefix, encodings) cannot drift from
// what the docs promise executors.
TEST(GrantsDocTest, DocumentedExample) {
  auto key = KeyFromByte('\x01');
  const json params = json::parse(R"({"db": "orders", "version": 42})");
  GrantClaims claims;
  claims.grant_id = "g_7k2mq4xw3jz5bnv6tcr2hp4dle";
  claims.request_id = "r_c3nq7vbx2mlk4jwy5tz6hdpgra";
  claims.requester = "alice";
  claims.action = "db.migrate";
  claims.digest = ActionDigest("db.migrate", params, "alice");
  claims.issued = 1795269600;  // 2026-11-21T14:00:00Z
  claims.expires = claims.issued + 300;
  EXPECT_EQ(claims.digest,
            "sha256:"
            "f9b1c60a92270b739df9bc586e1c4baa21bf2fc6e1842d5d589347ca570600a3");
  const std::string token = MintToken(claims, *key);
  const std::string jwks = KeysJson({key.get()});
  EXPECT_EQ(jwks, R"({"keys":[{"alg":"EdDSA","crv":"Ed25519",)"
                  R"("kid":"ed25519:34750f98bd59fcfc","kty":"OKP","use":"sig",)"
                  R"("x":"iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w"}]})");
  std::string doc = [] {
    std::ifstream in(std::string(SIGNOFF_SOURCE_DIR) + "/docs/api.md");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }();
  ASSERT_FALSE(doc.empty());
  EXPECT_NE(doc.find("\n" + token + "\n"), std::string::npos)
      << "docs/api.md does not show the token\n"
      << token;
  EXPECT_NE(doc.find(R"("x":"iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w")"),
            std::string::npos);
  EXPECT_NE(doc.find(claims.digest), std::string::npos);

  absl::StatusOr<PublicKeySet> keys = PublicKeySet::FromJwks(jwks);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_TRUE(VerifyGrantForRequest(
                  token, *keys,
                  R"({"action": "db.migrate", "requester": {"id": "alice"},
                      "params": {"version": 42, "db": "orders"}})",
                  claims.issued + 1)
                  .ok());
}

TEST_F(GrantsTest, FlippedSignatureByteIsBadSignature) {
  std::vector<std::string> parts = Split(Mint());
  std::string signature = *crypto::Base64UrlDecode(parts[2]);
  for (size_t i : {size_t{0}, size_t{31}, size_t{63}}) {
    std::string flipped = signature;
    flipped[i] ^= 0x01;
    std::string token =
        parts[0] + "." + parts[1] + "." + crypto::Base64UrlEncode(flipped);
    ExpectRefused(VerifyToken(token, keys_, kIssued), GrantError::kBadSignature,
                  "bad signature");
  }
}

TEST_F(GrantsTest, AlteredPayloadIsBadSignature) {
  std::vector<std::string> parts = Split(Mint());
  std::string payload = *crypto::Base64UrlDecode(parts[1]);
  // Every claim a forger would like to change, one byte each, keeping the
  // payload well-formed so only the signature can tell.
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"data.export", "data.exporT"},
           {"10:05:00Z", "11:05:00Z"},
           {"agent:etl", "agent:etm"},
           {"g_abc", "g_abd"}}) {
    std::string altered = payload;
    size_t at = altered.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    altered.replace(at, from.size(), to);
    std::string token =
        parts[0] + "." + crypto::Base64UrlEncode(altered) + "." + parts[2];
    ExpectRefused(VerifyToken(token, keys_, kIssued), GrantError::kBadSignature,
                  "bad signature");
  }
}

TEST_F(GrantsTest, PaddedOrNonCanonicalBase64IsMalformed) {
  // A token whose payload's encoding is not a multiple of 4 characters
  // (so padding and trailing bits exist): lengthen the requester until so.
  GrantClaims claims = Claims();
  std::vector<std::string> parts = Split(MintToken(claims, *key_));
  while (parts[1].size() % 4 == 0) {
    claims.requester += "x";
    parts = Split(MintToken(claims, *key_));
  }
  auto token = [&](const std::string& payload, const std::string& signature) {
    return parts[0] + "." + payload + "." + signature;
  };
  ASSERT_TRUE(VerifyToken(token(parts[1], parts[2]), keys_, kIssued).ok());
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::string kPayloadError =
      "malformed token: payload is not unpadded base64url";
  const std::string kSignatureError =
      "malformed token: signature is not unpadded base64url";

  // Padding on either part. 64 bytes of signature encode to 86 characters
  // (2 short of a multiple of 4).
  ASSERT_EQ(parts[2].size() % 4, 2u);
  ExpectRefused(VerifyToken(token(parts[1], parts[2] + "=="), keys_, kIssued),
                GrantError::kMalformed, kSignatureError);
  std::string padded = parts[1];
  while (padded.size() % 4 != 0) padded += "=";
  ExpectRefused(VerifyToken(token(padded, parts[2]), keys_, kIssued),
                GrantError::kMalformed, kPayloadError);

  // Characters of the standard alphabet instead of the URL one.
  for (char c : {'+', '/'}) {
    std::string standard = parts[2];
    standard[10] = c;
    ExpectRefused(VerifyToken(token(parts[1], standard), keys_, kIssued),
                  GrantError::kMalformed, kSignatureError);
    standard = parts[1];
    standard[10] = c;
    ExpectRefused(VerifyToken(token(standard, parts[2]), keys_, kIssued),
                  GrantError::kMalformed, kPayloadError);
  }

  // Non-zero trailing bits: a lax decoder reads the same bytes from these,
  // a strict one must not (one spelling per token).
  std::string sloppy = parts[2];
  size_t last = kAlphabet.find(sloppy.back());
  ASSERT_EQ(last & 0x0f, 0u);  // 4 unused bits, zero in the real token
  sloppy.back() = kAlphabet[last | 0x01];
  ExpectRefused(VerifyToken(token(parts[1], sloppy), keys_, kIssued),
                GrantError::kMalformed, kSignatureError);
  sloppy = parts[1];
  last = kAlphabet.find(sloppy.back());
  const size_t unused_bits = sloppy.size() % 4 == 2 ? 4 : 2;
  ASSERT_EQ(last & ((1u << unused_bits) - 1), 0u);
  sloppy.back() = kAlphabet[last | 0x01];
  ExpectRefused(VerifyToken(token(sloppy, parts[2]), keys_, kIssued),
                GrantError::kMalformed, kPayloadError);
}

TEST_F(GrantsTest, StructureErrorsAreMalformed) {
  std::vector<std::string> parts = Split(Mint());
  const std::string& v = parts[0];
  const std::string& p = parts[1];
  const std::string& s = parts[2];
  const std::string kShape =
      "malformed token: expected sg1.<payload>.<signature>";
  ExpectRefused(VerifyToken(v + p + s, keys_, kIssued), GrantError::kMalformed,
                kShape);
  ExpectRefused(VerifyToken(v + "." + p + s, keys_, kIssued),
                GrantError::kMalformed, kShape);
  ExpectRefused(VerifyToken(v + "." + p + "." + s + ".", keys_, kIssued),
                GrantError::kMalformed, kShape);
  ExpectRefused(VerifyToken("", keys_, kIssued), GrantError::kMalformed,
                kShape);
  ExpectRefused(VerifyToken("sg2." + p + "." + s, keys_, kIssued),
                GrantError::kMalformed,
                "malformed token: version `sg2`, expected `sg1`");
  ExpectRefused(VerifyToken("SG1." + p + "." + s, keys_, kIssued),
                GrantError::kMalformed, "malformed token: version `SG1`");
  // A valid base64url signature of the wrong length.
  std::string short_sig =
      crypto::Base64UrlEncode(crypto::Base64UrlDecode(s)->substr(0, 63));
  ExpectRefused(VerifyToken(v + "." + p + "." + short_sig, keys_, kIssued),
                GrantError::kMalformed,
                "malformed token: signature is not 64 bytes");
  ExpectRefused(VerifyToken(std::string(kMaxTokenSize + 1, 'a'), keys_, 0),
                GrantError::kMalformed, "malformed token: longer than 8192");
}

TEST_F(GrantsTest, PayloadSchemaIsStrictEvenWhenSigned) {
  // Each payload is signed with the right key: the format check refuses
  // it on its own.
  struct Case {
    std::string payload_text;
    std::string message;
  };
  json extra = Payload(*key_);
  extra["scope"] = "admin";
  json missing = Payload(*key_);
  missing.erase("request_id");
  json number_time = Payload(*key_);
  number_time["expires"] = kExpires;
  json offset_time = Payload(*key_);
  offset_time["expires"] = "2026-11-21T11:05:00+01:00";
  json fraction_time = Payload(*key_);
  fraction_time["issued"] = "2026-11-21T10:00:00.000Z";
  json bad_digest = Payload(*key_);
  bad_digest["digest"] = "sha256:XYZ";
  std::string spaced = Payload(*key_).dump(1);
  std::string canonical = crypto::CanonicalJson(Payload(*key_));
  std::string duplicated =
      canonical.substr(0, canonical.size() - 1) + R"(,"action":"x.y"})";
  const Case cases[] = {
      {crypto::CanonicalJson(extra), "unexpected field `scope`"},
      {crypto::CanonicalJson(missing), "missing field `request_id`"},
      {crypto::CanonicalJson(number_time), "field `expires` is not a string"},
      {crypto::CanonicalJson(offset_time), "`expires` is not an RFC 3339"},
      {crypto::CanonicalJson(fraction_time), "`issued` is not an RFC 3339"},
      {crypto::CanonicalJson(bad_digest), "`digest` is not sha256:"},
      {spaced, "payload is not canonical JSON"},
      {duplicated, "payload is not canonical JSON"},
      {"[1,2]", "payload is not a JSON object"},
      {"{\"action\":", "payload is not JSON"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.payload_text);
    ExpectRefused(VerifyToken(SignedToken(c.payload_text, *key_), keys_, 0),
                  GrantError::kMalformed, "malformed token: " + c.message);
  }
  // The control: the canonical payload signed the same way is valid.
  EXPECT_TRUE(VerifyToken(SignedToken(canonical, *key_), keys_, 0).ok());
  EXPECT_EQ(SignedToken(canonical, *key_), Mint());
}

TEST_F(GrantsTest, UnknownKeyAndOtherKeys) {
  // Minted by a key the verifier does not know.
  const std::string by_other = MintToken(Claims(), *other_);
  ExpectRefused(VerifyToken(by_other, keys_, kIssued), GrantError::kUnknownKey,
                "unknown signing key " + other_->key_id());
  // Claiming our kid but signed by another key.
  const std::string forged =
      SignedToken(crypto::CanonicalJson(Payload(*key_)), *other_);
  ExpectRefused(VerifyToken(forged, keys_, kIssued), GrantError::kBadSignature,
                "bad signature");
  // Either key verifies once both are in the set.
  PublicKeySet both = PublicKeySet::FromKeys({key_.get(), other_.get()});
  EXPECT_TRUE(VerifyToken(by_other, both, kIssued).ok());
  EXPECT_TRUE(VerifyToken(Mint(), both, kIssued).ok());
  // An empty set knows no key.
  ExpectRefused(VerifyToken(Mint(), PublicKeySet(), kIssued),
                GrantError::kUnknownKey, "unknown signing key ed25519:");
}

TEST_F(GrantsTest, ExpiresExactlyAtExpires) {
  const std::string token = Mint();
  EXPECT_TRUE(VerifyToken(token, keys_, kIssued - 3600).ok());  // skew
  EXPECT_TRUE(VerifyToken(token, keys_, kExpires - 1).ok());
  ExpectRefused(VerifyToken(token, keys_, kExpires), GrantError::kExpired,
                "grant expired at 2026-11-21T10:05:00Z");
  ExpectRefused(VerifyToken(token, keys_, kExpires + 86400),
                GrantError::kExpired, "grant expired at 2026-11-21T10:05:00Z");
}

TEST_F(GrantsTest, ChecksInOrder) {
  // Malformed before unknown key before signature before expiry.
  const std::string by_other = MintToken(Claims(), *other_);
  ExpectRefused(VerifyToken(by_other, keys_, kExpires + 1),
                GrantError::kUnknownKey, "unknown signing key");
  std::vector<std::string> parts = Split(Mint());
  std::string signature = *crypto::Base64UrlDecode(parts[2]);
  signature[0] ^= 0x01;
  ExpectRefused(VerifyToken(parts[0] + "." + parts[1] + "." +
                                crypto::Base64UrlEncode(signature),
                            keys_, kExpires + 1),
                GrantError::kBadSignature, "bad signature");
  ExpectRefused(VerifyToken("sg2." + parts[1] + "." + parts[2], PublicKeySet(),
                            kExpires + 1),
                GrantError::kMalformed, "malformed token");
}

TEST_F(GrantsTest, CheckGrantForWrongActionParamsRequester) {
  absl::StatusOr<GrantClaims> claims = VerifyToken(Mint(), keys_, kIssued);
  ASSERT_TRUE(claims.ok()) << claims.status();
  ExpectRefused(CheckGrantFor(*claims, "data.delete", Params(), "agent:etl"),
                GrantError::kWrongAction,
                "grant is for action `data.export`, not `data.delete`");
  json other = Params();
  other["rows"] = 50001;
  ExpectRefused(CheckGrantFor(*claims, "data.export", other, "agent:etl"),
                GrantError::kWrongParams, "grant is for other params");
  ExpectRefused(
      CheckGrantFor(*claims, "data.export", json::object(), "agent:etl"),
      GrantError::kWrongParams, "grant is for other params");
  ExpectRefused(CheckGrantFor(*claims, "data.export", Params(), "dana"),
                GrantError::kWrongRequester,
                "grant is for requester `agent:etl`, not `dana`");
  // Reordered params are the same params.
  json reordered = json::parse(R"({"tags": ["q4", "finance"], "dry_run": false,
                                   "rows": 50000, "dataset": "customers"})");
  EXPECT_TRUE(
      CheckGrantFor(*claims, "data.export", reordered, "agent:etl").ok());
}

TEST_F(GrantsTest, VerifyGrantForRequest) {
  const std::string token = Mint();
  const std::string request = R"({
    "action": "data.export",
    "params": {"rows": 50000, "dataset": "customers",
               "tags": ["q4", "finance"], "dry_run": false},
    "requester": {"id": "agent:etl", "kind": "agent", "on_behalf_of": "dana"},
    "context": {"time": "2026-11-21T10:01:00Z", "ip": "10.1.2.3"}
  })";
  absl::StatusOr<GrantClaims> claims =
      VerifyGrantForRequest(token, keys_, request, kIssued + 60);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->grant_id, Claims().grant_id);
  EXPECT_EQ(claims->key_id, key_->key_id());

  ExpectRefused(VerifyGrantForRequest(token, keys_, request, kExpires),
                GrantError::kExpired, "grant expired at");
  ExpectRefused(
      VerifyGrantForRequest(token, keys_,
                            R"({"action": "data.export", "params": {"rows": 1},
              "requester": {"id": "agent:etl"}})",
                            kIssued),
      GrantError::kWrongParams, "grant is for other params");
  ExpectRefused(VerifyGrantForRequest(token, keys_,
                                      R"({"action": "data.export"})", kIssued),
                GrantError::kWrongRequester,
                "grant is for requester `agent:etl`, not ``");

  // A grant for an action without params matches a request without them.
  GrantClaims bare = Claims();
  bare.action = "app.deploy";
  bare.requester = "alice";
  bare.digest = ActionDigest("app.deploy", json(), "alice");
  const std::string bare_token = MintToken(bare, *key_);
  for (
      const char* r :
      {R"({"action": "app.deploy", "requester": {"id": "alice"}})",
       R"({"action": "app.deploy", "params": {}, "requester": {"id": "alice"}})",
       R"({"action": "app.deploy", "params": null,
            "requester": {"id": "alice"}})"}) {
    EXPECT_TRUE(VerifyGrantForRequest(bare_token, keys_, r, kIssued).ok()) << r;
  }

  // Requests that are not requests: InvalidArgument, no GrantError, and
  // reported before anything about the token.
  for (const char* r :
       {"not json", "[]", R"({"params": {}})", R"({"action": 1})",
        R"({"action": "a.b", "params": [1]})",
        R"({"action": "a.b", "requester": "alice"})",
        R"({"action": "a.b", "requester": {"id": 7}})"}) {
    absl::StatusOr<GrantClaims> result =
        VerifyGrantForRequest("garbage", keys_, r, kIssued);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument)
        << r << ": " << result.status();
    EXPECT_FALSE(GrantErrorOf(result.status()).has_value()) << r;
  }
}

TEST(GrantErrorTest, NamesAndStatuses) {
  std::set<std::string_view> names;
  for (GrantError e : {GrantError::kMalformed, GrantError::kUnknownKey,
                       GrantError::kBadSignature, GrantError::kExpired,
                       GrantError::kWrongAction, GrantError::kWrongParams,
                       GrantError::kWrongRequester}) {
    EXPECT_TRUE(names.insert(GrantErrorName(e)).second) << GrantErrorName(e);
  }
  EXPECT_EQ(GrantErrorName(GrantError::kMalformed), "malformed_token");
  EXPECT_FALSE(GrantErrorOf(absl::OkStatus()).has_value());
  EXPECT_FALSE(
      GrantErrorOf(absl::PermissionDeniedError("bad signature")).has_value());
}

// --- JWKS
// ----------------------------------------------------------------------

TEST_F(GrantsTest, JwksRoundTrip) {
  const std::string text = KeysJson({key_.get(), other_.get(), key_.get()});
  json doc = json::parse(text);
  ASSERT_EQ(doc["keys"].size(), 2u) << text;  // the repeat is dropped
  const json& entry = doc["keys"][0].at("kid") == key_->key_id()
                          ? doc["keys"][0]
                          : doc["keys"][1];
  EXPECT_EQ(entry, (json{{"kty", "OKP"},
                         {"crv", "Ed25519"},
                         {"alg", "EdDSA"},
                         {"use", "sig"},
                         {"kid", key_->key_id()},
                         {"x", crypto::Base64UrlEncode(key_->public_key())}}));
  EXPECT_EQ(text, crypto::CanonicalJson(doc));

  absl::StatusOr<PublicKeySet> set = PublicKeySet::FromJwks(text);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->size(), 2u);
  ASSERT_NE(set->Find(key_->key_id()), nullptr);
  EXPECT_EQ(*set->Find(key_->key_id()), key_->public_key());
  EXPECT_EQ(*set->Find(other_->key_id()), other_->public_key());
  EXPECT_EQ(set->Find("ed25519:0000000000000000"), nullptr);
  std::vector<std::string> ids = {key_->key_id(), other_->key_id()};
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(set->key_ids(), ids);
  // Tokens verify against the parsed set.
  EXPECT_TRUE(VerifyToken(Mint(), *set, kIssued).ok());
  EXPECT_TRUE(VerifyToken(MintToken(Claims(), *other_), *set, kIssued).ok());

  absl::StatusOr<PublicKeySet> empty = PublicKeySet::FromJwks(KeysJson({}));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(KeysJson({}), R"({"keys":[]})");

  // Members the JWK spec allows are ignored; alg/use are optional.
  json lax = json::parse(KeysJson({key_.get()}));
  lax["keys"][0].erase("alg");
  lax["keys"][0].erase("use");
  lax["keys"][0]["key_ops"] = json::array({"verify"});
  lax["issuer"] = "signoff";
  EXPECT_TRUE(PublicKeySet::FromJwks(lax.dump(2)).ok());
}

TEST_F(GrantsTest, JwksRejectsBadEntries) {
  const json good = json::parse(KeysJson({key_.get()}));
  const std::string x = crypto::Base64UrlEncode(key_->public_key());
  auto with = [&](const char* member, json value) {
    json doc = good;
    doc["keys"][0][member] = std::move(value);
    return doc.dump();
  };
  auto without = [&](const char* member) {
    json doc = good;
    doc["keys"][0].erase(member);
    return doc.dump();
  };
  json two = good;
  two["keys"].push_back(two["keys"][0]);
  const std::string entry0 = "JWKS key 0 (kid \"" + key_->key_id() + "\"): ";
  const std::pair<std::string, std::string> cases[] = {
      {"not json", "JWKS is not valid JSON"},
      {"[]", "JWKS is not a JSON object"},
      {"{}", "JWKS has no `keys` array"},
      {R"({"keys": {}})", "JWKS has no `keys` array"},
      {R"({"keys": [1]})", "JWKS key 0: not a JSON object"},
      {without("kid"), "JWKS key 0: no `kid`"},
      {with("kid", 5), "JWKS key 0: `kid` is not a string"},
      {with("kty", "RSA"), entry0 + "`kty` is \"RSA\", expected \"OKP\""},
      {without("kty"), entry0 + "no `kty`"},
      {with("crv", "X25519"),
       entry0 + "`crv` is \"X25519\", expected \"Ed25519\""},
      {with("alg", "ES256"), entry0 + "`alg` is \"ES256\""},
      {with("use", "enc"), entry0 + "`use` is \"enc\""},
      {with("d", x), entry0 + "holds the private key `d`"},
      {without("x"), entry0 + "no `x`"},
      {with("x", 1), entry0 + "`x` is not a string"},
      {with("x", x + "="), entry0 + "`x` is not unpadded base64url"},
      {with("x", "+/" + x.substr(2)), entry0 + "`x` is not unpadded base64url"},
      {with("x", crypto::Base64UrlEncode(key_->public_key().substr(1))),
       entry0 + "`x` is 31 bytes, an Ed25519 public key is 32"},
      {with("x", crypto::Base64UrlEncode(other_->public_key())),
       entry0 + "`kid` does not match the key, whose id is " +
           other_->key_id()},
      {two.dump(), "JWKS key 1 (kid \"" + key_->key_id() +
                       "\"): the same key appears twice"},
  };
  for (const auto& [text, message] : cases) {
    absl::StatusOr<PublicKeySet> set = PublicKeySet::FromJwks(text);
    ASSERT_FALSE(set.ok()) << text;
    EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(AsStd(set.status().message()).substr(0, message.size()), message)
        << text << "\n"
        << set.status();
  }
}

TEST(PublicKeySetTest, AddDerivesTheKeyId) {
  auto key = KeyFromByte('\x07');
  PublicKeySet set;
  EXPECT_TRUE(set.Add(key->public_key()).ok());
  EXPECT_TRUE(set.Add(key->public_key()).ok());  // idempotent
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(set.key_ids(), std::vector<std::string>{key->key_id()});
  EXPECT_EQ(set.Add("short").code(), absl::StatusCode::kInvalidArgument);
}

// --- ids
// -------------------------------------------------------------------------

bool IsBase32Id(const std::string& id, std::string_view prefix) {
  if (id.size() != prefix.size() + kIdRandomChars) return false;
  if (id.compare(0, prefix.size(), prefix) != 0) return false;
  for (char c : std::string_view(id).substr(prefix.size())) {
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

TEST(IdsTest, UniqueAndWellFormed) {
  std::set<std::string> ids;
  std::set<char> chars;
  for (int i = 0; i < 10000; ++i) {
    std::string id = NewGrantId();
    ASSERT_TRUE(IsBase32Id(id, "g_")) << id;
    EXPECT_TRUE(ids.insert(id).second) << "repeated " << id;
    chars.insert(id.begin() + 2, id.end());
    // The last character carries 5 random bits too (130 of 136 drawn).
    chars.insert(id.back());
  }
  EXPECT_EQ(ids.size(), 10000u);
  // 260,000 draws from 32 characters: every one of them shows up.
  EXPECT_EQ(chars.size(), 32u);
  std::set<char> last;
  for (const std::string& id : ids) last.insert(id.back());
  EXPECT_EQ(last.size(), 32u);

  const std::string r = NewId("r_");
  EXPECT_TRUE(IsBase32Id(r, "r_")) << r;
  EXPECT_TRUE(IsBase32Id(NewId(""), ""));
}

}  // namespace
}  // namespace signoff::grants
