// The store under concurrent writers and readers: exactly-once state
// changes, snapshot reads, and group commit.
#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/store/sqlite_store.h"
#include "tests/unit/store/store_testing.h"

namespace signoff::store {
namespace {

using testing::Contains;
using testing::Entry;
using testing::Request;
using testing::StoreTest;

TEST_F(StoreTest, CompareAndSetIsExactlyOnceUnderRacingThreads) {
  auto store = Open();
  constexpr int kThreads = 8;
  constexpr int kRounds = 25;
  for (int round = 0; round < kRounds; ++round) {
    const std::string id = "r-" + std::to_string(round);
    ASSERT_TRUE(
        store->Write([&](WriteTx& tx) { return tx.InsertRequest(Request(id)); })
            .ok());
    std::atomic<int> winners{0};
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        const std::string voter = "voter" + std::to_string(t);
        absl::Status status = store->Write([&](WriteTx& tx) -> absl::Status {
          absl::StatusOr<bool> won = tx.CompareAndSetState(
              id, kStatePending, kStateApproved, 5, voter);
          if (!won.ok()) return won.status();
          if (!*won) return absl::AbortedError("already resolved");
          GrantRecord grant{"g-" + voter + id, id, "sg1", "d", 5, 10,
                            std::nullopt};
          if (auto s = tx.InsertGrant(grant); !s.ok()) return s;
          return tx.AppendAudit(Entry(audit::kTypeRequestApproved, id, voter))
              .status();
        });
        if (status.ok()) {
          ++winners;
        } else {
          EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(winners.load(), 1) << id;
    EXPECT_EQ(
        RawInt("SELECT count(*) FROM grants WHERE request_id = '" + id + "'"),
        1);
    EXPECT_EQ(RawInt("SELECT count(*) FROM audit WHERE request = '" + id +
                     "' AND type = 'request.approved'"),
              1);
  }
  absl::StatusOr<audit::VerifyResult> verified = store->VerifyAudit(nullptr);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
  EXPECT_EQ(verified->entries, kRounds);
}

TEST_F(StoreTest, ReadersSeeConsistentSnapshotsDuringWrites) {
  auto store = Open();
  constexpr int kWrites = 300;
  std::atomic<bool> done{false};
  std::atomic<int64_t> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      int64_t last = 0;
      while (!done.load()) {
        absl::Status status = store->Read([&](ReadTx& tx) -> absl::Status {
          auto requests = tx.ListRequests("", 0);
          if (!requests.ok()) return requests.status();
          auto head = tx.GetAuditHead();
          if (!head.ok()) return head.status();
          // Each write adds one request and one entry, atomically.
          EXPECT_EQ(static_cast<int64_t>(requests->size()), head->seq);
          EXPECT_GE(head->seq, last);  // never goes back
          last = head->seq;
          return absl::OkStatus();
        });
        EXPECT_TRUE(status.ok()) << status;
        ++reads;
      }
    });
  }
  for (int i = 0; i < kWrites; ++i) {
    const std::string id = "r-" + std::to_string(i);
    ASSERT_TRUE(
        store
            ->Write([&](WriteTx& tx) {
              if (auto s = tx.InsertRequest(Request(id)); !s.ok()) {
                return s;
              }
              return tx.AppendAudit(Entry(audit::kTypeRequestCreated, id, "a"))
                  .status();
            })
            .ok());
  }
  done = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_GT(reads.load(), 3);
  EXPECT_EQ(store->GetAuditHead()->seq, kWrites);
}

TEST_F(StoreTest, GroupCommitRollsBackFailingBodiesAlone) {
  auto store = Open();
  constexpr int kThreads = 16;
  constexpr int kPerThread = 40;
  std::atomic<int> committed{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        const bool fail = (i % 5) == 3;
        absl::Status status = store->Write([&](WriteTx& tx) -> absl::Status {
          if (auto s = tx.InsertRequest(Request(id)); !s.ok()) return s;
          auto e = tx.AppendAudit(Entry(audit::kTypeRequestCreated, id, "a"));
          if (!e.ok()) return e.status();
          if (fail) return absl::CancelledError("body " + id + " fails");
          return absl::OkStatus();
        });
        if (fail) {
          EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
          EXPECT_EQ(status.message(), "body " + id + " fails");
        } else {
          EXPECT_TRUE(status.ok()) << status;
          ++committed;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(committed.load(), kThreads * kPerThread * 4 / 5);
  EXPECT_EQ(RawInt("SELECT count(*) FROM requests"), committed.load());
  EXPECT_EQ(RawInt("SELECT count(*) FROM audit"), committed.load());
  EXPECT_EQ(RawInt("SELECT count(*) FROM requests WHERE id LIKE '%-3' OR id "
                   "LIKE '%-8' OR id LIKE '%-13'"),
            0);
  EXPECT_EQ(store->writes(), kThreads * kPerThread);
  // Concurrent writers were merged into fewer transactions.
  EXPECT_LT(store->transactions(), committed.load());
  absl::StatusOr<audit::VerifyResult> verified = store->VerifyAudit(nullptr);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
  EXPECT_EQ(verified->entries, committed.load());
}

}  // namespace
}  // namespace signoff::store
