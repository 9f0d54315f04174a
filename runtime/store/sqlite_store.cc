#include "runtime/store/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/store/migrations.h"
#include "runtime/store/sqlite_writes.h"

namespace signoff::store {
namespace {

// The store whose Write body runs on this thread, to refuse re-entry
// (which would wait for itself forever).
thread_local const SqliteStore* t_writing = nullptr;

class ScopedWriting {
 public:
  explicit ScopedWriting(const SqliteStore* store) : outer_(t_writing) {
    t_writing = store;
  }
  ~ScopedWriting() { t_writing = outer_; }

 private:
  const SqliteStore* outer_;  // a body of another store may write here
};

// Creates an absent database file with mode 0600 before SQLite does (SQLite
// would use 0644 less the umask).
absl::Status CreatePrivate(const std::string& path) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return absl::OkStatus();
  }
  if (errno == EEXIST) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
}

absl::Status Configure(Db& db) {
  absl::StatusOr<std::string> mode = db.QueryText("PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.status();
  if (*mode != "wal") {
    return absl::FailedPreconditionError(
        absl::StrCat(db.path(), ": cannot use WAL journal mode (got `", *mode,
                     "`); is it on a network file system?"));
  }
  return db.Exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON");
}

constexpr char kBegin[] = "BEGIN IMMEDIATE";
constexpr char kBeginRead[] = "BEGIN";
constexpr char kCommit[] = "COMMIT";
constexpr char kRollback[] = "ROLLBACK";
constexpr char kSavepoint[] = "SAVEPOINT body";
constexpr char kRelease[] = "RELEASE body";
constexpr char kRollbackTo[] = "ROLLBACK TO body";

absl::Status Run(Db& db, const char* sql) {
  absl::StatusOr<Stmt> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->Run();
}

void RollbackQuietly(Db& db) {
  if (!db.autocommit()) Run(db, kRollback).IgnoreError();
}

}  // namespace

struct SqliteStore::PendingWrite {
  explicit PendingWrite(absl::FunctionRef<absl::Status(WriteTx&)> b)
      : body(b) {}
  absl::FunctionRef<absl::Status(WriteTx&)> body;
  absl::Status status;
  bool done = false;
};

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& path) {
  return Open(path, Options());
}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& path, const Options& options) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the SQLite store needs a file path, not `", path, "`"));
  }
  if (absl::Status s = CreatePrivate(path); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<Db>> writer =
      Db::Open(path, /*create=*/false, options.busy_timeout_ms);
  if (!writer.ok()) return writer.status();
  if (absl::Status s = Configure(**writer); !s.ok()) return s;
  if (absl::Status s = Migrate(**writer); !s.ok()) return s;
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(path, options, *std::move(writer)));
}

SqliteStore::SqliteStore(std::string path, const Options& options,
                         std::unique_ptr<Db> writer)
    : path_(std::move(path)), options_(options), writer_(std::move(writer)) {}

SqliteStore::~SqliteStore() {
  std::lock_guard<std::mutex> lock(readers_mu_);
  idle_readers_.clear();  // readers first: the writer's close checkpoints
}

absl::Status SqliteStore::Write(
    absl::FunctionRef<absl::Status(WriteTx&)> body) {
  if (t_writing == this) {
    return absl::FailedPreconditionError(
        "Store::Write called from inside a Write body");
  }
  PendingWrite mine(body);
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (leader_busy_) {
      queue_cv_.wait(lock);
      continue;
    }
    // Lead: take what is queued (this caller's write may not be in it when
    // more than max_group were waiting; it then loops).
    leader_busy_ = true;
    const size_t count = std::min<size_t>(
        queue_.size(), static_cast<size_t>(std::max(1, options_.max_group)));
    std::vector<PendingWrite*> group(queue_.begin(), queue_.begin() + count);
    queue_.erase(queue_.begin(), queue_.begin() + count);
    lock.unlock();
    RunGroup(group);
    lock.lock();
    for (PendingWrite* write : group) write->done = true;
    leader_busy_ = false;
    queue_cv_.notify_all();
  }
  return mine.status;
}

void SqliteStore::RunGroup(const std::vector<PendingWrite*>& group) {
  Db& db = *writer_;
  const auto fail_all = [&](const absl::Status& status) {
    for (PendingWrite* write : group) {
      if (write->status.ok()) write->status = status;
    }
  };
  if (absl::Status s = Run(db, kBegin); !s.ok()) {
    fail_all(s);
    return;
  }
  const bool single = group.size() == 1;
  SqliteWriteTx tx(db);
  {
    ScopedWriting writing(this);
    for (PendingWrite* write : group) {
      absl::Status status = single ? absl::OkStatus() : Run(db, kSavepoint);
      if (status.ok()) status = write->body(tx);
      write->status = status;
      if (db.autocommit()) {
        // SQLite rolled the whole transaction back: nothing of the group
        // is kept, bodies not yet run are not run.
        fail_all(absl::AbortedError(
            absl::StrCat("the write transaction was rolled back by SQLite",
                         status.ok() ? std::string()
                                     : absl::StrCat(": ", status.message()))));
        return;
      }
      if (single) break;
      absl::Status end = status.ok() ? Run(db, kRelease) : absl::OkStatus();
      if (!status.ok()) {
        end = Run(db, kRollbackTo);
        if (end.ok()) end = Run(db, kRelease);
      }
      if (!end.ok()) {
        RollbackQuietly(db);
        fail_all(end);
        return;
      }
    }
  }
  writes_ += static_cast<int64_t>(group.size());
  if (single && !group.front()->status.ok()) {
    RollbackQuietly(db);
    return;
  }
  if (absl::Status s = Run(db, kCommit); !s.ok()) {
    RollbackQuietly(db);
    fail_all(s);
    return;
  }
  ++transactions_;
}

absl::StatusOr<std::unique_ptr<Db>> SqliteStore::AcquireReader() const {
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<Db> db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return db;
    }
  }
  absl::StatusOr<std::unique_ptr<Db>> db =
      Db::Open(path_, /*create=*/false, options_.busy_timeout_ms);
  if (!db.ok()) return db.status();
  if (absl::Status s = (*db)->Exec("PRAGMA query_only = ON"); !s.ok()) {
    return s;
  }
  return db;
}

void SqliteStore::ReleaseReader(std::unique_ptr<Db> db) const {
  std::lock_guard<std::mutex> lock(readers_mu_);
  if (static_cast<int>(idle_readers_.size()) < options_.max_idle_readers) {
    idle_readers_.push_back(std::move(db));
  }
}

absl::Status SqliteStore::Read(
    absl::FunctionRef<absl::Status(ReadTx&)> body) const {
  absl::StatusOr<std::unique_ptr<Db>> db = AcquireReader();
  if (!db.ok()) return db.status();
  if (absl::Status s = Run(**db, kBeginRead); !s.ok()) return s;
  absl::Status status;
  {
    SqliteReads<ReadTx> tx(**db);
    status = body(tx);
  }
  if (absl::Status s = Run(**db, kCommit); !s.ok()) {
    RollbackQuietly(**db);
    if (status.ok()) status = s;
  }
  ReleaseReader(*std::move(db));
  return status;
}

}  // namespace signoff::store
