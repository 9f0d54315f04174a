// GET /v1/audit and GET /v1/audit/verify against a real SQLite file,
// tampered with behind the server's back.
#include <sqlite3.h>

#include <string>

#include "runtime/audit/entry.h"
#include "runtime/store/store.h"
#include "tests/unit/server/server_testing.h"

namespace signoff::server::testing {
namespace {

class AuditRoutesTest : public ServerTest {
 protected:
  // Appends `n` entries through the server's store (entry 1 is the
  // policy.loaded of the start).
  void Append(int n) {
    for (int i = 0; i < n; ++i) {
      absl::Status s =
          server_->context().store().Write([&](store::WriteTx& tx) {
            audit::AuditEntry draft;
            draft.type = std::string(audit::kTypeDecision);
            draft.request = "r_" + std::to_string(i);
            draft.actor = "agent:etl";
            draft.data = {{"i", i}};
            return tx.AppendAudit(draft).status();
          });
      ASSERT_TRUE(s.ok()) << s;
    }
  }

  void RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
};

TEST_F(AuditRoutesTest, EntriesArePaged) {
  Start();
  Append(5);
  nlohmann::json page = JsonOf(Get("/v1/audit?limit=2", kCarolKey));
  ASSERT_EQ(page["entries"].size(), 2u) << page;
  EXPECT_EQ(page["entries"][0]["seq"], 1);
  EXPECT_EQ(page["entries"][0]["type"], "policy.loaded");
  EXPECT_EQ(page["entries"][0]["actor"], "runtime");
  EXPECT_EQ(page["entries"][0]["data"]["trigger"], "start");
  EXPECT_EQ(page["entries"][0]["policy"], server_->context().state()->digest);
  EXPECT_EQ(page["next_after"], 2);
  for (const char* key : {"seq", "time", "type", "request", "actor", "data",
                          "policy", "prev", "hash"}) {
    EXPECT_TRUE(page["entries"][1].contains(key)) << key;
  }
  EXPECT_EQ(page["entries"][1]["prev"], page["entries"][0]["hash"]);

  page = JsonOf(Get("/v1/audit?after=2", kCarolKey));
  ASSERT_EQ(page["entries"].size(), 4u);
  EXPECT_EQ(page["entries"][0]["seq"], 3);
  EXPECT_EQ(page["entries"][3]["data"]["i"], 4);
  EXPECT_EQ(page["next_after"], 6);
  page = JsonOf(Get("/v1/audit?after=6", kCarolKey));
  EXPECT_TRUE(page["entries"].empty());
  EXPECT_EQ(page["next_after"], 6);
  // Admins read it too; a large limit is capped, not refused.
  EXPECT_EQ(JsonOf(Get("/v1/audit?limit=5000", kAliceKey))["entries"].size(),
            6u);
}

TEST_F(AuditRoutesTest, BadParametersAndCallers) {
  Start();
  for (const char* query : {"?limit=0", "?limit=x", "?after=-1", "?after=1.5",
                            "?after=1&after=2", "?since=1"}) {
    ExpectError(Get(std::string("/v1/audit") + query, kCarolKey), 400,
                "bad_request");
  }
  ExpectError(Get("/v1/audit", kBobKey), 403, "forbidden");
  ExpectError(Get("/v1/audit/verify", kEtlKey), 403, "forbidden");
  ExpectError(Get("/v1/audit", ""), 401, "unauthenticated");
}

TEST_F(AuditRoutesTest, VerifyFindsTheTamperedRow) {
  Start();
  Append(6);
  nlohmann::json ok = JsonOf(Get("/v1/audit/verify", kCarolKey));
  EXPECT_EQ(ok, nlohmann::json({{"ok", true}, {"entries", 7}}));

  RawExec(
      "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
      "UPDATE audit SET actor = 'mallory' WHERE seq = 4");
  nlohmann::json bad = JsonOf(Get("/v1/audit/verify", kCarolKey));
  EXPECT_EQ(bad["ok"], false) << bad;
  EXPECT_EQ(bad["first_bad"], 4) << bad;
  EXPECT_EQ(bad["problem"],
            "entry 4: hash does not match contents (the entry was edited)");
}

TEST_F(AuditRoutesTest, VerifyChecksTheSignedCheckpoints) {
  Start();
  Append(3);
  absl::StatusOr<std::optional<audit::Checkpoint>> checkpoint =
      server_->context().Checkpoint();
  ASSERT_TRUE(checkpoint.ok() && checkpoint->has_value());
  EXPECT_EQ((*checkpoint)->seq, 4);
  EXPECT_EQ(JsonOf(Get("/v1/audit/verify", kCarolKey))["ok"], true);
  // Truncating the tail is caught by the checkpoint.
  RawExec("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 4");
  nlohmann::json bad = JsonOf(Get("/v1/audit/verify", kCarolKey));
  EXPECT_EQ(bad["ok"], false);
  EXPECT_EQ(bad["first_bad"], 4);
}

}  // namespace
}  // namespace signoff::server::testing
