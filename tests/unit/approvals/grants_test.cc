// Grants through ApprovalService (RUNTIME.md §3): consumed once, refused a
// second time, with other params, after expiry, forged; every refusal
// audited.
#include "runtime/grants/grants.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "runtime/approvals/service.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/grants/ids.h"
#include "tests/unit/approvals/approvals_testing.h"

namespace signoff::approvals {
namespace {

using nlohmann::json;
using testing::ApprovalsTest;
using testing::kMigrate;
using testing::kMinute;
using testing::MigrateRequest;
using testing::Types;

class GrantsTest : public ApprovalsTest {
 protected:
  // An approved migration by agent:etl; its token in token_.
  std::string Approved() {
    std::string id = Pending("agent:etl", kMigrate);
    EXPECT_TRUE(Approve(id, "alice").ok());
    EXPECT_EQ(Approve(id, "bob")->status, "approved");
    absl::StatusOr<RequestView> view = service_->Get(id, "agent:etl");
    EXPECT_TRUE(view.ok()) << view.status();
    token_ = view.ok() ? view->grant : "";
    EXPECT_FALSE(token_.empty());
    return id;
  }

  // The reason of the last grant.refused entry.
  std::string LastRefusal() {
    std::string reason;
    for (const audit::AuditEntry& e : AllAudit()) {
      if (e.type == "grant.refused") reason = e.data["reason"];
    }
    return reason;
  }

  static std::optional<grants::GrantError> ErrorOf(
      const absl::StatusOr<grants::GrantClaims>& result) {
    return grants::GrantErrorOf(result.status());
  }

  std::string token_;
};

TEST_F(GrantsTest, ConsumedOnce) {
  std::string id = Approved();
  // Verifying does not consume and is not audited.
  absl::StatusOr<grants::GrantClaims> verified =
      service_->VerifyGrantParsed(token_, MigrateRequest(), "executor");
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->request_id, id);
  EXPECT_EQ(verified->requester, "agent:etl");
  EXPECT_EQ(State(id), "approved");

  absl::StatusOr<grants::GrantClaims> consumed =
      service_->ConsumeGrant(token_, MigrateRequest().dump(), "executor");
  ASSERT_TRUE(consumed.ok()) << consumed.status();
  EXPECT_EQ(State(id), "consumed");
  EXPECT_TRUE(service_->Get(id, "agent:etl")->grant.empty());

  absl::StatusOr<grants::GrantClaims> again =
      service_->ConsumeGrantParsed(token_, MigrateRequest(), "executor");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().message(), "grant already consumed");
  EXPECT_EQ(LastRefusal(), "already_consumed");
  // The reason travels with the status, for the HTTP layer.
  EXPECT_EQ(GrantRefusalReason(again.status()), "already_consumed");
  EXPECT_EQ(GrantRefusalReason(absl::PermissionDeniedError("x")), "");
  EXPECT_EQ(
      service_->VerifyGrantParsed(token_, MigrateRequest()).status().code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(AuditTypes(id),
            (Types{"request.created", "decision", "vote.accepted",
                   "vote.accepted", "request.approved", "grant.minted",
                   "grant.consumed", "grant.refused", "grant.refused"}));
  // A consumed grant does not expire later.
  Advance(60 * kMinute);
  EXPECT_EQ(*service_->Tick(), 0);
  EXPECT_EQ(State(id), "consumed");
  ExpectAuditVerifies();
}

TEST_F(GrantsTest, RefusedForAnotherAction) {
  std::string id = Approved();
  EXPECT_EQ(ErrorOf(service_->ConsumeGrantParsed(
                token_, MigrateRequest("agent:etl", 43))),
            grants::GrantError::kWrongParams);
  EXPECT_EQ(LastRefusal(), "wrong_params");
  EXPECT_EQ(
      service_->ConsumeGrantParsed(token_, MigrateRequest("agent:etl", 43))
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      ErrorOf(service_->ConsumeGrantParsed(token_, MigrateRequest("dana"))),
      grants::GrantError::kWrongRequester);
  json other = MigrateRequest();
  other["action"] = "data.export";
  EXPECT_EQ(ErrorOf(service_->ConsumeGrantParsed(token_, other)),
            grants::GrantError::kWrongAction);
  EXPECT_EQ(LastRefusal(), "wrong_action");
  // Not a request at all: 400, also audited.
  absl::StatusOr<grants::GrantClaims> bad =
      service_->ConsumeGrant(token_, "{nope");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LastRefusal(), "invalid_request");
  // None of that consumed it.
  EXPECT_EQ(State(id), "approved");
  EXPECT_TRUE(service_->ConsumeGrantParsed(token_, MigrateRequest()).ok());
  Types types = AuditTypes(id);
  EXPECT_EQ(std::count(types.begin(), types.end(), "grant.refused"), 5);
  EXPECT_EQ(types.back(), "grant.consumed");
  ExpectAuditVerifies();
}

TEST_F(GrantsTest, RefusedAfterExpiry) {
  std::string id = Approved();  // grant 15m
  Advance(15 * kMinute);
  absl::StatusOr<grants::GrantClaims> late =
      service_->ConsumeGrantParsed(token_, MigrateRequest());
  EXPECT_EQ(late.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorOf(late), grants::GrantError::kExpired);
  EXPECT_EQ(LastRefusal(), "expired");
  EXPECT_EQ(State(id), "approved");
  // The grant expired unused: the request follows at the next Tick.
  EXPECT_EQ(*service_->Tick(), 1);
  EXPECT_EQ(State(id), "expired");
  EXPECT_EQ(*service_->Tick(), 0);
  EXPECT_TRUE(service_->Get(id, "agent:etl")->grant.empty());
  Types types = AuditTypes(id);
  EXPECT_EQ(Types(types.end() - 3, types.end()),
            (Types{"grant.minted", "grant.refused", "request.expired"}));
  ExpectAuditVerifies();
}

TEST_F(GrantsTest, RefusedWhenForged) {
  std::string id = Approved();
  // Flip one character in the middle of the signature.
  std::string forged = token_;
  size_t middle = forged.rfind('.') + 20;
  forged[middle] = forged[middle] == 'A' ? 'B' : 'A';
  absl::StatusOr<grants::GrantClaims> result =
      service_->ConsumeGrantParsed(forged, MigrateRequest());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorOf(result), grants::GrantError::kBadSignature);
  EXPECT_EQ(LastRefusal(), "bad_signature");

  // Well signed, by a key that is not ours.
  auto other = crypto::SigningKey::Generate();
  ASSERT_TRUE(other.ok());
  grants::GrantClaims claims;
  claims.grant_id = grants::NewGrantId();
  claims.request_id = id;
  claims.requester = "agent:etl";
  claims.action = "db.migrate";
  claims.digest = grants::ActionDigest("db.migrate", MigrateRequest()["params"],
                                       "agent:etl");
  claims.issued = testing::kStart / 1000;
  claims.expires = claims.issued + 3600;
  std::string foreign = grants::MintToken(claims, **other);
  EXPECT_EQ(ErrorOf(service_->VerifyGrantParsed(foreign, MigrateRequest())),
            grants::GrantError::kUnknownKey);
  // Signed by our key but never issued (a store that lost its rows, or a
  // key shared with another runtime): not accepted either.
  std::string unissued = grants::MintToken(claims, *key_);
  absl::StatusOr<grants::GrantClaims> stray =
      service_->ConsumeGrantParsed(unissued, MigrateRequest());
  EXPECT_EQ(stray.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(LastRefusal(), "unknown_grant");

  EXPECT_EQ(State(id), "approved");
  EXPECT_TRUE(service_->ConsumeGrantParsed(token_, MigrateRequest()).ok());
  ExpectAuditVerifies();
}

TEST_F(GrantsTest, PublicKeysVerifyOffline) {
  Approved();
  EXPECT_EQ(service_->keys().key_ids(),
            std::vector<std::string>{key_->key_id()});
  absl::StatusOr<grants::GrantClaims> offline =
      grants::VerifyGrantForParsedRequest(token_, service_->keys(),
                                          MigrateRequest(),
                                          testing::kStart / 1000 + 60);
  EXPECT_TRUE(offline.ok()) << offline.status();
}

}  // namespace
}  // namespace signoff::approvals
