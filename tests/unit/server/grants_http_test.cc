// Grants over HTTP (issue 4, point 2): POST /v1/grants/verify and
// /v1/grants/consume with genuine, replayed, misdirected, expired, forged
// and foreign tokens, every refusal audited; GET /v1/keys verifies offline.
#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "runtime/crypto/canonical_json.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/crypto/encoding.h"
#include "runtime/grants/grants.h"
#include "runtime/grants/jwks.h"
#include "tests/unit/server/approvals_testing.h"

namespace signoff::server::testing {
namespace {

using nlohmann::json;

// The three dot-separated parts of a token.
std::vector<std::string> PartsOf(const std::string& token) {
  return absl::StrSplit(token, '.');
}

class GrantsHttpTest : public ApprovalsHttpTest {
 protected:
  // An allowed ops.read by agent:bot: its token.
  std::string AllowedToken() {
    json submitted = Submit(kBot, "ops.read");
    EXPECT_TRUE(submitted["grant"].is_string()) << submitted;
    return submitted["grant"].is_string()
               ? submitted["grant"].get<std::string>()
               : "";
  }
  static json ReadRequest(const json& params = DefaultParams()) {
    return GrantRequest("ops.read", params, kBot);
  }

  // The grant.refused reasons in the audit log, in order.
  std::vector<std::string> RefusalReasons() {
    std::vector<std::string> reasons;
    for (const json& entry : AuditEntries()) {
      if (entry["type"] != "grant.refused") continue;
      EXPECT_EQ(entry["actor"], "exec") << entry;
      EXPECT_TRUE(entry["data"]["message"].is_string()) << entry;
      reasons.push_back(entry["data"]["reason"].get<std::string>());
    }
    return reasons;
  }

  // Expects a refusal with this status and reason.
  static void ExpectRefused(const httplib::Result& result, int status,
                            const std::string& reason) {
    ExpectError(result, status, status == 409 ? "conflict" : "forbidden");
    EXPECT_EQ(ReasonOf(result), reason) << (result ? result->body : "");
  }
};

TEST_F(GrantsHttpTest, VerifyDoesNotConsumeAndConsumeWorksOnce) {
  StartDefault();
  const std::string token = AllowedToken();
  ASSERT_FALSE(token.empty());
  json claims;
  for (int i = 0; i < 2; ++i) {
    httplib::Result verified = Grant("verify", token, ReadRequest());
    ASSERT_EQ(StatusOf(verified), 200) << verified->body;
    json body = JsonOf(verified);
    EXPECT_EQ(body["valid"], true);
    EXPECT_FALSE(body.contains("consumed"));
    claims = body["grant"];
  }
  EXPECT_EQ(claims["action"], "ops.read");
  EXPECT_EQ(claims["requester"], kBot);
  EXPECT_EQ(claims["digest"],
            grants::ActionDigest("ops.read", DefaultParams(), kBot));
  const std::string id = claims["request_id"].get<std::string>();
  EXPECT_EQ(StatusOfRequest(id), "approved");

  httplib::Result consumed = Grant("consume", token, ReadRequest());
  ASSERT_EQ(StatusOf(consumed), 200) << consumed->body;
  EXPECT_EQ(JsonOf(consumed)["consumed"], true);
  EXPECT_EQ(JsonOf(consumed)["valid"], true);
  EXPECT_EQ(JsonOf(consumed)["grant"], claims);
  EXPECT_EQ(StatusOfRequest(id), "consumed");
  EXPECT_FALSE(View(kBot, id).contains("grant"));

  // Once only, whoever presents it.
  ExpectRefused(Grant("consume", token, ReadRequest()), 409,
                "already_consumed");
  ExpectRefused(Grant("consume", token, ReadRequest(), kBot), 409,
                "already_consumed");
  ExpectRefused(Grant("verify", token, ReadRequest()), 409, "already_consumed");
  EXPECT_EQ(AuditOf(id, "grant.consumed").size(), 1u);
  std::vector<json> refused = AuditOf(id, "grant.refused");
  ASSERT_EQ(refused.size(), 3u);
  EXPECT_EQ(refused[0]["data"]["reason"], "already_consumed");
  EXPECT_EQ(refused[0]["data"]["operation"], "consume");
  EXPECT_EQ(refused[2]["data"]["operation"], "verify");
  EXPECT_EQ(refused[0]["data"]["grant_id"], claims["grant_id"]);
}

TEST_F(GrantsHttpTest, OnlyForTheExactActionParamsAndRequester) {
  StartDefault();
  const std::string token = AllowedToken();
  ASSERT_FALSE(token.empty());
  ExpectRefused(Grant("consume", token, ReadRequest({{"service", "db"}})), 403,
                "wrong_params");
  ExpectRefused(Grant("consume", token,
                      ReadRequest({{"service", "web"}, {"extra", "x"}})),
                403, "wrong_params");
  ExpectRefused(
      Grant("consume", token, GrantRequest("ops.drop", DefaultParams(), kBot)),
      403, "wrong_action");
  ExpectRefused(
      Grant("verify", token, GrantRequest("ops.read", DefaultParams(), "dana")),
      403, "wrong_requester");
  EXPECT_EQ(RefusalReasons(),
            (std::vector<std::string>{"wrong_params", "wrong_params",
                                      "wrong_action", "wrong_requester"}));
  // None of them used it up.
  httplib::Result consumed = Grant("consume", token, ReadRequest());
  ASSERT_EQ(StatusOf(consumed), 200) << consumed->body;

  // A grant minted after a vote is bound the same way.
  const std::string id = SubmitId(kBot, "ops.deploy", DeployParams(3));
  ASSERT_EQ(StatusOf(Vote("alice", id)), 200);
  ASSERT_EQ(StatusOf(Vote("bob", id)), 200);
  const std::string deploy = View(kBot, id)["grant"].get<std::string>();
  ExpectRefused(Grant("consume", deploy,
                      GrantRequest("ops.deploy", DeployParams(4), kBot)),
                403, "wrong_params");
  // The optional note was not given: giving it now is other params.
  json noted = DeployParams(3);
  noted["note"] = "";
  ExpectRefused(
      Grant("consume", deploy, GrantRequest("ops.deploy", noted, kBot)), 403,
      "wrong_params");
  ASSERT_EQ(StatusOf(Grant("consume", deploy,
                           GrantRequest("ops.deploy", DeployParams(3), kBot))),
            200);
}

TEST_F(GrantsHttpTest, ExpiredGrantIsRefused) {
  StartDefault();
  // ops.brief: grant 1s.
  const std::string id = SubmitId(kBot, "ops.brief");
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(JsonOf(Vote("alice", id))["status"], "approved");
  json view = View(kBot, id);
  ASSERT_TRUE(view["grant"].is_string()) << view;
  const std::string token = view["grant"].get<std::string>();
  // Token times are whole seconds: after 2.2 s it has expired for sure.
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  const json request = GrantRequest("ops.brief", DefaultParams(), kBot);
  ExpectRefused(Grant("verify", token, request), 403, "expired");
  ExpectRefused(Grant("consume", token, request), 403, "expired");
  // The runner moves the request to expired, and the grant is no longer
  // shown.
  EXPECT_TRUE(Eventually([&] { return StatusOfRequest(id) == "expired"; }));
  EXPECT_FALSE(View(kBot, id).contains("grant"));
  std::vector<json> expired = AuditOf(id, "request.expired");
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0]["data"]["reason"], "grant expired unused");
  std::vector<json> refused = AuditOf(id, "grant.refused");
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_EQ(refused[1]["data"]["reason"], "expired");
  EXPECT_TRUE(AuditOf(id, "grant.consumed").empty());
}

TEST_F(GrantsHttpTest, ForgedAlteredAndForeignTokensAreRefused) {
  StartDefault();
  const std::string token = AllowedToken();
  ASSERT_FALSE(token.empty());
  std::vector<std::string> parts = PartsOf(token);
  ASSERT_EQ(parts.size(), 3u);

  // One bit of the signature flipped.
  std::optional<std::string> signature = crypto::Base64UrlDecode(parts[2]);
  ASSERT_TRUE(signature.has_value());
  (*signature)[5] ^= 0x01;
  const std::string bad_signature =
      parts[0] + "." + parts[1] + "." + crypto::Base64UrlEncode(*signature);
  ExpectRefused(Grant("consume", bad_signature, ReadRequest()), 403,
                "bad_signature");

  // The payload altered (a later expiry), still well-formed.
  std::optional<std::string> payload = crypto::Base64UrlDecode(parts[1]);
  ASSERT_TRUE(payload.has_value());
  json claims = json::parse(*payload, nullptr, false);
  ASSERT_TRUE(claims.is_object());
  claims["expires"] = "2099-01-01T00:00:00Z";
  const std::string altered =
      parts[0] + "." + crypto::Base64UrlEncode(crypto::CanonicalJson(claims)) +
      "." + parts[2];
  ExpectRefused(Grant("consume", altered, ReadRequest()), 403, "bad_signature");

  // One byte of the payload flipped: no longer a well-formed token, or a
  // bad signature.
  std::string flipped = token;
  flipped[parts[0].size() + 1 + 10] ^= 0x01;
  httplib::Result flipped_result = Grant("consume", flipped, ReadRequest());
  EXPECT_EQ(StatusOf(flipped_result), 403);
  EXPECT_TRUE(ReasonOf(flipped_result) == "malformed_token" ||
              ReasonOf(flipped_result) == "bad_signature")
      << flipped_result->body;

  ExpectRefused(Grant("verify", "sg1.e30.AAAA", ReadRequest()), 403,
                "malformed_token");

  // A genuine-looking token signed by another key.
  absl::StatusOr<grants::GrantClaims> genuine = grants::VerifyToken(
      token, server_->context().approvals().keys(), /*now=*/0);
  ASSERT_TRUE(genuine.ok()) << genuine.status();
  absl::StatusOr<std::unique_ptr<crypto::SigningKey>> other =
      crypto::SigningKey::Generate();
  ASSERT_TRUE(other.ok());
  const std::string foreign = grants::MintToken(*genuine, **other);
  ExpectRefused(Grant("consume", foreign, ReadRequest()), 403, "unknown_key");

  const std::vector<std::string> reasons = RefusalReasons();
  ASSERT_EQ(reasons.size(), 5u);
  EXPECT_EQ(reasons[0], "bad_signature");
  EXPECT_EQ(reasons[1], "bad_signature");
  EXPECT_EQ(reasons[3], "malformed_token");
  EXPECT_EQ(reasons[4], "unknown_key");
  // Nothing was consumed: the genuine token still works, once.
  ASSERT_EQ(StatusOf(Grant("consume", token, ReadRequest())), 200);
  ExpectRefused(Grant("consume", token, ReadRequest()), 409,
                "already_consumed");
}

TEST_F(GrantsHttpTest, KeysVerifyAMintedGrantOffline) {
  StartDefault();
  const std::string token = AllowedToken();
  ASSERT_FALSE(token.empty());
  httplib::Result keys = GetAs("exec", "/v1/keys");
  ASSERT_EQ(StatusOf(keys), 200);
  absl::StatusOr<grants::PublicKeySet> set =
      grants::PublicKeySet::FromJwks(keys->body);
  ASSERT_TRUE(set.ok()) << set.status();
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  absl::StatusOr<grants::GrantClaims> claims =
      grants::VerifyGrantForRequest(token, *set, ReadRequest().dump(), now);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->requester, kBot);
  EXPECT_EQ(claims->action, "ops.read");
  EXPECT_GT(claims->expires, now);
  // Other params fail offline too.
  absl::StatusOr<grants::GrantClaims> other = grants::VerifyGrantForRequest(
      token, *set, ReadRequest({{"service", "db"}}).dump(), now);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(grants::GrantErrorOf(other.status()),
            grants::GrantError::kWrongParams);
  // Offline verification consumed nothing.
  ASSERT_EQ(StatusOf(Grant("consume", token, ReadRequest())), 200);
}

}  // namespace
}  // namespace signoff::server::testing
