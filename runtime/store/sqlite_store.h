// The SQLite store: one database file in WAL mode with synchronous=FULL and
// foreign keys on (RUNTIME.md §5). Schema: migrations.h.
//
// Writes go through one writer connection. Concurrent Write calls are
// merged by group commit: the first waiting caller becomes the leader and
// runs every queued body (up to Options::max_group) in one BEGIN IMMEDIATE
// transaction, each body inside its own SAVEPOINT, so a failing body is
// rolled back alone while the others commit together with one fsync. Every
// caller returns only after that shared COMMIT is durable, with its own
// body's status (or the commit's error). Bodies in a group run one after
// the other in queue order, each seeing the ones before it, so the
// semantics are those of serial transactions. If SQLite aborts the whole
// transaction (I/O error, disk full), every body of the group fails.
//
// Reads use a pool of separate connections, each Read one deferred
// transaction: a consistent snapshot that neither waits for nor blocks the
// writer. A Read does not see writes still in progress, including those of
// a Write body running on the same thread.
//
// A new database file is created with mode 0600 (it holds grant tokens);
// SQLite gives the -wal and -shm files the same mode.
//
// Thread safety: all public methods are thread-safe; see store.h for the
// rules on bodies.
#ifndef SIGNOFF_RUNTIME_STORE_SQLITE_STORE_H_
#define SIGNOFF_RUNTIME_STORE_SQLITE_STORE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/store/sqlite_db.h"
#include "runtime/store/store.h"

namespace signoff::store {

class SqliteStore final : public Store {
 public:
  struct Options {
    // Most Write bodies merged into one transaction. 1 turns group commit
    // off: one transaction, and one fsync, per Write.
    int max_group = 128;
    // How long a statement waits for a lock held by another process.
    int busy_timeout_ms = 5000;
    // Idle reader connections kept open for reuse.
    int max_idle_readers = 8;
  };

  // Opens or creates the database at `path` and migrates it (see
  // migrations.h for the errors about foreign or newer files).
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& path);
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& path, const Options& options);

  ~SqliteStore() override;

  absl::Status Write(absl::FunctionRef<absl::Status(WriteTx&)> body) override;
  absl::Status Read(
      absl::FunctionRef<absl::Status(ReadTx&)> body) const override;

  // Since Open: transactions committed, and Write bodies run (failed ones
  // included). Under load, writes / transactions is the mean group size.
  int64_t transactions() const { return transactions_.load(); }
  int64_t writes() const { return writes_.load(); }
  const std::string& path() const { return path_; }

 private:
  struct PendingWrite;

  SqliteStore(std::string path, const Options& options,
              std::unique_ptr<Db> writer);

  void RunGroup(const std::vector<PendingWrite*>& group);
  absl::StatusOr<std::unique_ptr<Db>> AcquireReader() const;
  void ReleaseReader(std::unique_ptr<Db> db) const;

  const std::string path_;
  const Options options_;

  // Used only by the current leader (leader_busy_ is the token).
  std::unique_ptr<Db> writer_;

  // std::mutex rather than absl::Mutex: ThreadSanitizer understands it
  // with Debian's uninstrumented Abseil.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<PendingWrite*> queue_;  // guarded by queue_mu_
  bool leader_busy_ = false;         // guarded by queue_mu_

  mutable std::mutex readers_mu_;
  mutable std::vector<std::unique_ptr<Db>> idle_readers_;  // readers_mu_

  std::atomic<int64_t> transactions_{0};
  std::atomic<int64_t> writes_{0};
};

}  // namespace signoff::store

#endif  // SIGNOFF_RUNTIME_STORE_SQLITE_STORE_H_
