#include "runtime/store/migrations.h"

#include <iterator>

#include "absl/strings/str_cat.h"

namespace signoff::store {
namespace {

// STRICT tables (SQLite >= 3.37) refuse values of the wrong type.
constexpr char kInitialSchema[] = R"sql(
CREATE TABLE requests (
  id             TEXT PRIMARY KEY,
  state          TEXT NOT NULL CHECK (state IN ('pending', 'approved',
                   'denied', 'rejected', 'expired', 'cancelled', 'consumed')),
  action         TEXT NOT NULL,
  params_json    TEXT NOT NULL,
  requester_json TEXT NOT NULL,
  context_json   TEXT NOT NULL,
  decision_json  TEXT NOT NULL,
  policy         TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER,
  resolved_at    INTEGER,
  resolved_by    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX requests_by_state ON requests (state, created_at, id);
CREATE INDEX requests_pending_deadline ON requests (expires_at)
  WHERE state = 'pending';

CREATE TABLE votes (
  request_id TEXT NOT NULL REFERENCES requests (id),
  identity   TEXT NOT NULL,
  vote       TEXT NOT NULL CHECK (vote IN ('approve', 'reject')),
  comment    TEXT NOT NULL,
  time       INTEGER NOT NULL,
  UNIQUE (request_id, identity)
) STRICT;

CREATE TABLE grants (
  grant_id    TEXT PRIMARY KEY,
  request_id  TEXT NOT NULL UNIQUE REFERENCES requests (id),
  token       TEXT NOT NULL,
  digest      TEXT NOT NULL,
  issued_at   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  consumed_at INTEGER
) STRICT;
CREATE INDEX grants_open_by_expiry ON grants (expires_at)
  WHERE consumed_at IS NULL;

CREATE TABLE outbox (
  id              TEXT PRIMARY KEY,
  request_id      TEXT NOT NULL REFERENCES requests (id),
  channel         TEXT NOT NULL,
  kind            TEXT NOT NULL,
  payload_json    TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
  last_error      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';

-- seq is the rowid. Append-only: the triggers stop the runtime itself from
-- changing history; anyone who drops them is caught by the hash chain.
CREATE TABLE audit (
  seq     INTEGER PRIMARY KEY,
  time    TEXT NOT NULL,
  type    TEXT NOT NULL,
  request TEXT NOT NULL,
  actor   TEXT NOT NULL,
  data    TEXT NOT NULL,
  policy  TEXT NOT NULL,
  prev    TEXT NOT NULL,
  hash    TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_request ON audit (request, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE checkpoints (
  seq       INTEGER NOT NULL,
  hash      TEXT NOT NULL,
  time      TEXT NOT NULL,
  kid       TEXT NOT NULL,
  signature TEXT NOT NULL,
  UNIQUE (seq, kid, hash)
) STRICT;
)sql";

// Channels (RUNTIME.md §8): outbox leases (an attempt in flight when the
// process died is retried at once on restart), the per-request reference
// of a chat post (edited in place later), escalation deadlines, and the
// signatures of channel callbacks already seen (replay protection).
constexpr char kChannelsSchema[] = R"sql(
ALTER TABLE outbox ADD COLUMN leased INTEGER NOT NULL DEFAULT 0
  CHECK (leased IN (0, 1));
CREATE INDEX outbox_due_by_channel ON outbox (channel, next_attempt_at)
  WHERE state = 'pending';
CREATE INDEX outbox_by_request ON outbox (request_id, channel)
  WHERE state = 'pending';

CREATE TABLE channel_refs (
  request_id TEXT NOT NULL REFERENCES requests (id),
  channel    TEXT NOT NULL,
  ref        TEXT NOT NULL,
  PRIMARY KEY (request_id, channel)
) STRICT;

CREATE TABLE escalations (
  request_id TEXT NOT NULL REFERENCES requests (id),
  idx        INTEGER NOT NULL,
  due_at     INTEGER NOT NULL,
  fired_at   INTEGER,
  PRIMARY KEY (request_id, idx)
) STRICT;
CREATE INDEX escalations_due ON escalations (due_at) WHERE fired_at IS NULL;

CREATE TABLE callbacks_seen (
  key     TEXT PRIMARY KEY,
  seen_at INTEGER NOT NULL
) STRICT;
CREATE INDEX callbacks_seen_by_time ON callbacks_seen (seen_at);
)sql";

constexpr Migration kMigrations[] = {
    {1, "requests, votes, grants, outbox, audit, checkpoints", kInitialSchema},
    {2, "outbox leases, channel refs, escalations, callbacks seen",
     kChannelsSchema},
};

absl::StatusOr<int64_t> Version(Db& db) {
  return db.QueryInt("PRAGMA user_version");
}

absl::Status Apply(Db& db, const Migration& migration) {
  if (absl::Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  // Another process may have migrated while we waited for the lock.
  absl::StatusOr<int64_t> version = Version(db);
  absl::Status status = version.status();
  if (status.ok() && *version < migration.version) {
    status = db.Exec(migration.sql);
    if (status.ok()) {
      status =
          db.Exec(absl::StrCat("PRAGMA user_version = ", migration.version, ";",
                               "PRAGMA application_id = ", kApplicationId));
    }
  }
  if (status.ok()) status = db.Exec("COMMIT");
  if (!status.ok()) {
    if (!db.autocommit()) db.Exec("ROLLBACK").IgnoreError();
    return absl::Status(
        status.code(),
        absl::StrCat(db.path(), ": schema migration ", migration.version, " (",
                     migration.description, ") failed: ", status.message()));
  }
  return absl::OkStatus();
}

}  // namespace

int LatestSchemaVersion() { return std::end(kMigrations)[-1].version; }

absl::Status Migrate(Db& db) {
  absl::StatusOr<int64_t> application = db.QueryInt("PRAGMA application_id");
  if (!application.ok()) return application.status();
  absl::StatusOr<int64_t> version = Version(db);
  if (!version.ok()) return version.status();
  if (*application != 0 && *application != kApplicationId) {
    return absl::FailedPreconditionError(
        absl::StrCat(db.path(),
                     " is an SQLite database of another "
                     "application (application_id ",
                     *application, "), not a Signoff store"));
  }
  if (*application == 0 && *version != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        db.path(),
        " is an SQLite database of another application "
        "(user_version ",
        *version, " without the Signoff application_id), not a Signoff store"));
  }
  if (*version == 0) {
    absl::StatusOr<int64_t> objects =
        db.QueryInt("SELECT count(*) FROM sqlite_master");
    if (!objects.ok()) return objects.status();
    if (*objects != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(db.path(),
                       " already holds tables of another application, not a "
                       "Signoff store"));
    }
  }
  if (*version > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        db.path(), " has store schema version ", *version,
        ", newer than the version ", LatestSchemaVersion(),
        " this build of signoff knows: it was written by a newer signoff. "
        "Run that version, or restore a backup made for this one"));
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *version) continue;
    if (absl::Status s = Apply(db, migration); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace signoff::store
