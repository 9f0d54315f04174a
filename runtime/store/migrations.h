// The schema of the SQLite store, as an ordered list of migrations.
//
// The version lives in PRAGMA user_version (0 for a new file) and the file
// is marked with PRAGMA application_id = kApplicationId. Migrate applies
// each migration newer than the file's version in its own IMMEDIATE
// transaction together with the new user_version, so a crash leaves the
// file at one version or the next, never between. A file with a version
// newer than this build knows is refused, never touched.
//
// Migrations are append-only: once released, a migration's SQL never
// changes; a change to the schema is a new migration.
#ifndef SIGNOFF_RUNTIME_STORE_MIGRATIONS_H_
#define SIGNOFF_RUNTIME_STORE_MIGRATIONS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "runtime/store/sqlite_db.h"

namespace signoff::store {

// 'SGNF': marks a Signoff store (`PRAGMA application_id`).
inline constexpr int32_t kApplicationId = 0x53474e46;

struct Migration {
  int version;  // 1, 2, 3, ... in order
  const char* description;
  const char* sql;
};

// The version the newest migration brings a file to.
int LatestSchemaVersion();

// Brings `db` to LatestSchemaVersion(). FailedPrecondition when the file
// belongs to another application or has a newer version than this build
// knows; the error of the failing statement, naming the migration, when a
// migration fails (that migration is rolled back).
absl::Status Migrate(Db& db);

}  // namespace signoff::store

#endif  // SIGNOFF_RUNTIME_STORE_MIGRATIONS_H_
