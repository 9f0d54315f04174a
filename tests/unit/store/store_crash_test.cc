// kill -9 at any moment loses no acknowledged write (RUNTIME.md §5): a
// child process writes in a loop from several threads and reports each
// acknowledged Write through a pipe; the parent SIGKILLs it mid-way, then
// reopens the file and checks the audit chain and every reported write.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/store/sqlite_store.h"
#include "tests/unit/store/store_testing.h"

namespace signoff::store {
namespace {

using testing::Entry;
using testing::Request;

constexpr size_t kRecord = 32;  // one acknowledgement: a padded request id
constexpr int kChildThreads = 4;

// Runs in the child: never returns.
[[noreturn]] void WriteUntilKilled(const std::string& path, int round,
                                   int ack_fd) {
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path);
  if (!store.ok()) _exit(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < kChildThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        const std::string id = "c" + std::to_string(round) + "-" +
                               std::to_string(t) + "-" + std::to_string(i);
        absl::Status status = (*store)->Write([&](WriteTx& tx) {
          if (auto s = tx.InsertRequest(Request(id)); !s.ok()) return s;
          if (auto s = tx.InsertVote(VoteRecord{id, "alice", "approve", "", 1});
              !s.ok()) {
            return s;
          }
          if (auto e = tx.AppendAudit(
                  Entry(audit::kTypeRequestCreated, id, "agent:etl"));
              !e.ok()) {
            return e.status();
          }
          return tx.AppendAudit(Entry(audit::kTypeVoteAccepted, id, "alice"))
              .status();
        });
        if (!status.ok()) _exit(3);
        char record[kRecord] = {};
        std::memcpy(record, id.data(), std::min(id.size(), kRecord - 1));
        if (write(ack_fd, record, kRecord) != static_cast<ssize_t>(kRecord)) {
          _exit(4);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  _exit(5);
}

TEST(StoreCrashTest, SigkillMidWriteLosesNoAcknowledgedWrite) {
  testing::TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/signoff.db";
  std::set<std::string> acknowledged;
  // Kill after a different number of acknowledgements each round, on the
  // file the previous rounds left behind.
  for (int round = 0; round < 4; ++round) {
    const size_t kill_after = 40 + round * 90;
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      WriteUntilKilled(path, round, fds[1]);
    }
    close(fds[1]);
    size_t seen = 0;
    bool killed = false;
    std::string pending;
    while (true) {
      pollfd poll_fd{fds[0], POLLIN, 0};
      if (poll(&poll_fd, 1, 20'000) <= 0) {
        kill(child, SIGKILL);
        ADD_FAILURE() << "child stopped acknowledging";
        break;
      }
      char buffer[4096];
      const ssize_t n = read(fds[0], buffer, sizeof(buffer));
      if (n <= 0) break;  // the child is gone and the pipe drained
      pending.append(buffer, n);
      while (pending.size() >= kRecord) {
        acknowledged.insert(std::string(pending.c_str()));
        pending.erase(0, kRecord);
        ++seen;
      }
      if (!killed && seen >= kill_after) {
        ASSERT_EQ(kill(child, SIGKILL), 0);
        killed = true;
      }
    }
    close(fds[0]);
    int wait_status = 0;
    ASSERT_EQ(waitpid(child, &wait_status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(wait_status))
        << "child exited with " << WEXITSTATUS(wait_status);
    EXPECT_EQ(WTERMSIG(wait_status), SIGKILL);

    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    absl::StatusOr<audit::VerifyResult> verified =
        (*store)->VerifyAudit(nullptr);
    ASSERT_TRUE(verified.ok()) << verified.status();
    EXPECT_TRUE(verified->ok) << verified->problem;
    absl::StatusOr<std::vector<RequestRecord>> all =
        (*store)->ListRequests("", 0);
    ASSERT_TRUE(all.ok());
    // Every write is whole: two entries per request, never one.
    EXPECT_EQ(verified->entries, 2 * static_cast<int64_t>(all->size()));
    EXPECT_GE(all->size(), acknowledged.size());
    for (const std::string& id : acknowledged) {
      absl::StatusOr<std::vector<VoteRecord>> votes = (*store)->ListVotes(id);
      ASSERT_TRUE(votes.ok());
      EXPECT_EQ(votes->size(), 1u) << id << " was acknowledged but is lost";
    }
  }
  EXPECT_GE(acknowledged.size(), 40u + 130u + 220u + 310u);
}

}  // namespace
}  // namespace signoff::store
