// A thin RAII layer over one SQLite connection: prepared statements cached
// per connection, binding and reading by column index, and SQLite result
// codes turned into absl::Status.
//
// Thread safety: a Db and its statements belong to one thread at a time
// (connections are opened with SQLITE_OPEN_NOMUTEX); the store hands each
// connection to a single user at a time.
#ifndef SIGNOFF_RUNTIME_STORE_SQLITE_DB_H_
#define SIGNOFF_RUNTIME_STORE_SQLITE_DB_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace signoff::store {

// SQLite result code -> Status: constraint UNIQUE/PRIMARY KEY ->
// AlreadyExists, FOREIGN KEY -> NotFound, CHECK/NOT NULL/type ->
// InvalidArgument, BUSY/LOCKED -> Unavailable, FULL -> ResourceExhausted,
// CORRUPT/NOTADB -> DataLoss, others Internal. `what` names the operation.
absl::Status SqliteError(int code, std::string_view message,
                         std::string_view what);

// A cached prepared statement, borrowed for one use: it is reset and its
// bindings cleared when the Stmt goes out of scope. Columns and parameters
// are 0-based here (SQLite's parameters are 1-based).
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  Stmt& Bind(int index, int64_t value);
  Stmt& Bind(int index, std::string_view value);
  Stmt& Bind(int index, const std::optional<int64_t>& value);

  // True when a row is ready, false when done.
  absl::StatusOr<bool> Step();
  // Steps to the end (for statements without results).
  absl::Status Run();

  int64_t Int(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;
  std::string Text(int column) const;
  // Rows changed by the last Run().
  int64_t Changes() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_error_ = SQLITE_OK;
};

class Db {
 public:
  // Opens (and with `create`, creates) the database file in multi-thread
  // mode with extended result codes and the given busy timeout.
  static absl::StatusOr<std::unique_ptr<Db>> Open(const std::string& path,
                                                  bool create,
                                                  int busy_timeout_ms);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements that return no rows.
  absl::Status Exec(std::string_view sql);
  // The cached statement for `sql` (which must outlive the Db: a literal).
  absl::StatusOr<Stmt> Prepare(const char* sql);
  // The first column of the first row of `sql` as text ("" when none).
  absl::StatusOr<std::string> QueryText(const char* sql);
  absl::StatusOr<int64_t> QueryInt(const char* sql);

  // Whether no transaction is open (SQLite rolls back on some errors).
  bool autocommit() const { return sqlite3_get_autocommit(db_) != 0; }
  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace signoff::store

#endif  // SIGNOFF_RUNTIME_STORE_SQLITE_DB_H_
