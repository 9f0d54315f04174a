// The audit log in the store: entries written through Write verify, and
// rows edited, deleted or renumbered with SQL behind the store's back are
// found and named.
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/store/sqlite_store.h"
#include "tests/unit/store/store_testing.h"

namespace signoff::store {
namespace {

using testing::Contains;
using testing::Entry;
using testing::Request;
using testing::StoreTest;

class AuditTamperTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    key_ = *crypto::SigningKey::Generate();
    keys_ = audit::SingleKeyLookup(key_->public_key());
    auto store = Open();
    AppendEntries(*store, 10);
    absl::StatusOr<audit::Checkpoint> checkpoint =
        store->CheckpointHead(*key_, 1795269600000);
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
    EXPECT_EQ(checkpoint->seq, 10);
    // Idempotent while the head does not move.
    EXPECT_EQ(store->CheckpointHead(*key_, 1795269700000)->time,
              checkpoint->time);
    EXPECT_EQ(store->ListCheckpoints()->size(), 1u);
  }

  audit::VerifyResult Verify() {
    auto store = Open();
    absl::StatusOr<audit::VerifyResult> result = store->VerifyAudit(keys_);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : audit::VerifyResult{};
  }

  // What an attacker with the file must do first.
  void DropTriggers() {
    RawExec("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete");
  }

  std::unique_ptr<crypto::SigningKey> key_;
  audit::PublicKeyLookup keys_;
};

TEST_F(AuditTamperTest, CleanLogVerifies) {
  audit::VerifyResult result = Verify();
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.entries, 10);
}

TEST_F(AuditTamperTest, TriggersRefuseChangesToHistory) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit SET actor = 'x' WHERE seq = 2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit WHERE seq = 2", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(AuditTamperTest, EditedRowsNamed) {
  DropTriggers();
  const std::pair<const char*, int> edits[] = {
      {"UPDATE audit SET actor = 'mallory' WHERE seq = 4", 4},
      {"UPDATE audit SET type = 'request.approved' WHERE seq = 6", 6},
      {"UPDATE audit SET data = '{\"i\":99}' WHERE seq = 2", 2},
      {"UPDATE audit SET time = '2020-01-01T00:00:00.000Z' WHERE seq = 9", 9},
      {"UPDATE audit SET data = 'not json' WHERE seq = 7", 7},
  };
  const std::string pristine = path_ + ".pristine";
  std::filesystem::copy_file(path_, pristine);
  for (const auto& [sql, seq] : edits) {
    std::filesystem::copy_file(
        pristine, path_, std::filesystem::copy_options::overwrite_existing);
    RawExec(sql);
    audit::VerifyResult result = Verify();
    EXPECT_FALSE(result.ok) << sql;
    EXPECT_EQ(result.first_bad, seq) << sql;
    EXPECT_TRUE(Contains(result.problem, "hash does not match contents"))
        << sql;
  }
}

TEST_F(AuditTamperTest, EditedRowNamed) {
  DropTriggers();
  RawExec("UPDATE audit SET actor = 'mallory' WHERE seq = 4");
  audit::VerifyResult result = Verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_bad, 4);
  EXPECT_EQ(result.problem,
            "entry 4: hash does not match contents (the entry was edited)");
}

TEST_F(AuditTamperTest, DeletedMiddleRowNamed) {
  DropTriggers();
  RawExec("DELETE FROM audit WHERE seq = 5");
  audit::VerifyResult result = Verify();
  EXPECT_EQ(result.first_bad, 5);
  EXPECT_EQ(result.problem,
            "entry 5 missing: the log goes from entry 4 to entry 6");
}

TEST_F(AuditTamperTest, DeletedLastRowCaughtByCheckpoint) {
  DropTriggers();
  RawExec("DELETE FROM audit WHERE seq = 10");
  audit::VerifyResult result = Verify();
  EXPECT_EQ(result.first_bad, 10);
  EXPECT_TRUE(Contains(result.problem, "entry 10 missing"));
  EXPECT_TRUE(Contains(result.problem, "signed checkpoint"));
}

TEST_F(AuditTamperTest, SwappedSeqNamed) {
  DropTriggers();
  RawExec(
      "UPDATE audit SET seq = -6 WHERE seq = 6;"
      "UPDATE audit SET seq = 6 WHERE seq = 5;"
      "UPDATE audit SET seq = 5 WHERE seq = -6");
  audit::VerifyResult result = Verify();
  EXPECT_EQ(result.first_bad, 5);
  EXPECT_TRUE(Contains(result.problem, "entry 5 is the original entry 6"));
}

TEST_F(AuditTamperTest, ForgedCheckpointRowNamed) {
  RawExec("UPDATE checkpoints SET seq = 11");
  audit::VerifyResult result = Verify();
  EXPECT_EQ(result.first_bad, 11);
  EXPECT_TRUE(Contains(result.problem, "checkpoint at seq 11 is not valid"));
}

TEST_F(AuditTamperTest, CheckpointMustMatchItsEntry) {
  auto store = Open();
  audit::Checkpoint wrong = audit::SignCheckpoint(
      3, std::string(64, 'a'), "2026-11-21T14:00:00.000Z", *key_);
  EXPECT_EQ(store->AppendCheckpoint(wrong).code(),
            absl::StatusCode::kFailedPrecondition);
  wrong.seq = 99;
  EXPECT_EQ(store->AppendCheckpoint(wrong).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace signoff::store
