// Helpers shared by the store tests: a temporary directory, sample rows,
// the typical approval flow (five Writes) used by the crash and throughput
// tests, and the StoreTest fixture.
#ifndef SIGNOFF_TESTS_UNIT_STORE_STORE_TESTING_H_
#define SIGNOFF_TESTS_UNIT_STORE_STORE_TESTING_H_

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "runtime/audit/entry.h"
#include "runtime/store/records.h"
#include "runtime/store/sqlite_store.h"
#include "runtime/store/store.h"
#include "tests/testing/temp_dir.h"

namespace signoff::store::testing {

using ::signoff::testing::TempDir;

inline RequestRecord Request(std::string id,
                             std::string_view state = kStatePending,
                             int64_t created_at = 1'000) {
  RequestRecord r;
  r.id = std::move(id);
  r.state = std::string(state);
  r.action = "db.export";
  r.params_json = R"({"rows":50000,"table":"customers"})";
  r.requester_json = R"({"id":"agent:etl","kind":"agent"})";
  r.context_json = R"({"ip":"10.0.0.7","time":"2026-11-21T14:00:00Z"})";
  r.decision_json = R"({"decision":"require_approval","veto":1})";
  r.policy = "sha256:0123";
  r.created_at = created_at;
  if (state == kStatePending) r.expires_at = created_at + 3'600'000;
  return r;
}

inline audit::AuditEntry Entry(std::string_view type, std::string request,
                               std::string actor,
                               nlohmann::json data = nlohmann::json::object()) {
  audit::AuditEntry e;
  e.time = "2026-11-21T14:00:00.000Z";
  e.type = std::string(type);
  e.request = std::move(request);
  e.actor = std::move(actor);
  e.data = std::move(data);
  e.policy = "sha256:0123";
  return e;
}

// The typical flow of one approval, as five Writes each with its audit
// entry: submit; two votes; approve + mint; consume.
inline absl::Status RunFlow(Store& store, const std::string& id) {
  absl::Status s = store.Write([&](WriteTx& tx) {
    if (absl::Status r = tx.InsertRequest(Request(id)); !r.ok()) return r;
    return tx.AppendAudit(Entry(audit::kTypeRequestCreated, id, "agent:etl"))
        .status();
  });
  for (const char* voter : {"alice", "bob"}) {
    if (!s.ok()) return s;
    s = store.Write([&](WriteTx& tx) {
      absl::Status v = tx.InsertVote(
          VoteRecord{id, voter, std::string(kVoteApprove), "ok", 2'000});
      if (!v.ok()) return v;
      return tx
          .AppendAudit(
              Entry(audit::kTypeVoteAccepted, id, voter, {{"vote", "approve"}}))
          .status();
    });
  }
  if (!s.ok()) return s;
  s = store.Write([&](WriteTx& tx) -> absl::Status {
    absl::StatusOr<bool> won =
        tx.CompareAndSetState(id, kStatePending, kStateApproved, 3'000, "bob");
    if (!won.ok()) return won.status();
    if (!*won) return absl::AbortedError("lost the race");
    GrantRecord grant{"g-" + id, id,      "sg1.x.y",   "sha256:d",
                      3'000,     303'000, std::nullopt};
    if (absl::Status g = tx.InsertGrant(grant); !g.ok()) return g;
    return tx.AppendAudit(Entry(audit::kTypeRequestApproved, id, "bob"))
        .status();
  });
  if (!s.ok()) return s;
  return store.Write([&](WriteTx& tx) -> absl::Status {
    if (absl::Status c = tx.ConsumeGrant("g-" + id, 4'000); !c.ok()) return c;
    absl::StatusOr<bool> moved = tx.CompareAndSetState(
        id, kStateApproved, kStateConsumed, 4'000, "agent:etl");
    if (!moved.ok()) return moved.status();
    return tx.AppendAudit(Entry(audit::kTypeGrantConsumed, id, "agent:etl"))
        .status();
  });
}

// Whether `text` contains `part`, with both shown when not.
inline ::testing::AssertionResult Contains(const std::string& text,
                                           std::string_view part) {
  if (text.find(part) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "\"" << text << "\" does not contain \"" << part << "\"";
}
inline ::testing::AssertionResult Contains(absl::string_view text,
                                           std::string_view part) {
  return Contains(std::string(text), part);
}

// A fresh database path per test, and raw SQL access to the file.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    path_ = dir_.path() + "/signoff.db";
  }

  std::unique_ptr<SqliteStore> Open(SqliteStore::Options options = {}) {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(path_, options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  // SQL on the file behind the store's back, as an operator or an
  // attacker with access to the file would.
  void RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  int64_t RawInt(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    int64_t value = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
  }

  // `count` audit entries through Write, one per transaction.
  void AppendEntries(Store& store, int count) {
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(store
                      .Write([&](WriteTx& tx) {
                        return tx
                            .AppendAudit(Entry(audit::kTypeDecision, "r",
                                               "policy", {{"i", i}}))
                            .status();
                      })
                      .ok());
    }
  }

  TempDir dir_;
  std::string path_;
};

}  // namespace signoff::store::testing

#endif  // SIGNOFF_TESTS_UNIT_STORE_STORE_TESTING_H_
