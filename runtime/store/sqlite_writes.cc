#include "runtime/store/sqlite_writes.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/audit/timestamp.h"
#include "runtime/crypto/canonical_json.h"
#include "stdlib/absl_compat.h"

namespace signoff::store {
namespace {

constexpr char kInsertRequest[] =
    "INSERT INTO requests (id, state, action, params_json, requester_json,"
    " context_json, decision_json, policy, created_at, expires_at,"
    " resolved_at, resolved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kCasState[] =
    "UPDATE requests SET state = ?, resolved_at = ?, resolved_by = ?"
    " WHERE id = ? AND state = ?";
constexpr char kRequestExists[] = "SELECT 1 FROM requests WHERE id = ?";
constexpr char kInsertVote[] =
    "INSERT INTO votes (request_id, identity, vote, comment, time)"
    " VALUES (?, ?, ?, ?, ?)";
constexpr char kInsertGrant[] =
    "INSERT INTO grants (grant_id, request_id, token, digest, issued_at,"
    " expires_at, consumed_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr char kConsumeGrant[] =
    "UPDATE grants SET consumed_at = ? WHERE grant_id = ?"
    " AND consumed_at IS NULL";
constexpr char kInsertOutbox[] =
    "INSERT INTO outbox (id, request_id, channel, kind, payload_json,"
    " idempotency_key, attempts, next_attempt_at, state, last_error)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// The oldest due message of each request of one channel: a later message
// of a request waits while an older one is pending (in flight or waiting
// for its retry), so updates never overtake the post they edit.
constexpr char kDueOutbox[] =
    "SELECT o.id FROM outbox o WHERE o.state = 'pending' AND o.channel = ?"
    " AND o.next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM outbox e"
    " WHERE e.request_id = o.request_id AND e.channel = o.channel"
    " AND e.state = 'pending' AND e.rowid < o.rowid)"
    " ORDER BY o.next_attempt_at, o.rowid LIMIT ?";
constexpr char kLeaseOutbox[] =
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?,"
    " leased = 1 WHERE id = ?";
constexpr char kLeasedOutbox[] =
    "SELECT id FROM outbox WHERE state = 'pending' AND leased = 1"
    " ORDER BY rowid";
constexpr char kReleaseOutbox[] =
    "UPDATE outbox SET leased = 0, next_attempt_at = ? WHERE id = ?";
constexpr char kPutChannelRef[] =
    "INSERT INTO channel_refs (request_id, channel, ref) VALUES (?, ?, ?)"
    " ON CONFLICT (request_id, channel) DO UPDATE SET ref = excluded.ref";
constexpr char kInsertEscalation[] =
    "INSERT INTO escalations (request_id, idx, due_at, fired_at)"
    " VALUES (?, ?, ?, ?)";
constexpr char kFireEscalation[] =
    "UPDATE escalations SET fired_at = ? WHERE request_id = ? AND idx = ?"
    " AND fired_at IS NULL";
constexpr char kEscalationExists[] =
    "SELECT 1 FROM escalations WHERE request_id = ? AND idx = ?";
constexpr char kForgetCallbacks[] =
    "DELETE FROM callbacks_seen WHERE seen_at < ?";
constexpr char kRememberCallback[] =
    "INSERT INTO callbacks_seen (key, seen_at) VALUES (?, ?)"
    " ON CONFLICT (key) DO NOTHING";
constexpr char kMarkOutboxSent[] =
    "UPDATE outbox SET state = 'sent', last_error = '', leased = 0"
    " WHERE id = ?";
constexpr char kMarkOutboxRetry[] =
    "UPDATE outbox SET state = 'pending', next_attempt_at = ?,"
    " last_error = ?, leased = 0 WHERE id = ?";
constexpr char kMarkOutboxDead[] =
    "UPDATE outbox SET state = 'dead', last_error = ?, leased = 0"
    " WHERE id = ?";
constexpr char kInsertAudit[] =
    "INSERT INTO audit (seq, time, type, request, actor, data, policy, prev,"
    " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kAuditHashAt[] = "SELECT hash FROM audit WHERE seq = ?";
constexpr char kInsertCheckpoint[] =
    "INSERT OR IGNORE INTO checkpoints (seq, hash, time, kid, signature)"
    " VALUES (?, ?, ?, ?, ?)";

// A clearer message for the usual constraint failures of `status`.
absl::Status Explain(absl::Status status, const std::string& already_exists,
                     const std::string& not_found) {
  if (absl::IsAlreadyExists(status) && !already_exists.empty()) {
    return absl::AlreadyExistsError(already_exists);
  }
  if (absl::IsNotFound(status) && !not_found.empty()) {
    return absl::NotFoundError(not_found);
  }
  return status;
}

}  // namespace

absl::Status SqliteWriteTx::InsertRequest(const RequestRecord& r) {
  if (!IsRequestState(r.state)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown request state `", r.state, "`"));
  }
  absl::StatusOr<Stmt> stmt = db_.Prepare(kInsertRequest);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, r.id).Bind(1, r.state).Bind(2, r.action);
  stmt->Bind(3, r.params_json).Bind(4, r.requester_json);
  stmt->Bind(5, r.context_json).Bind(6, r.decision_json).Bind(7, r.policy);
  stmt->Bind(8, r.created_at).Bind(9, r.expires_at).Bind(10, r.resolved_at);
  stmt->Bind(11, r.resolved_by);
  return Explain(stmt->Run(),
                 absl::StrCat("request `", r.id, "` already exists"), "");
}

absl::StatusOr<bool> SqliteWriteTx::CompareAndSetState(std::string_view id,
                                                       std::string_view from,
                                                       std::string_view to,
                                                       int64_t resolved_at,
                                                       std::string_view actor) {
  if (!IsRequestState(to)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown request state `", AsAbsl(to), "`"));
  }
  {
    absl::StatusOr<Stmt> stmt = db_.Prepare(kCasState);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(0, to).Bind(1, resolved_at).Bind(2, actor);
    stmt->Bind(3, id).Bind(4, from);
    if (absl::Status s = stmt->Run(); !s.ok()) return s;
    if (stmt->Changes() == 1) return true;
  }
  absl::StatusOr<Stmt> exists = db_.Prepare(kRequestExists);
  if (!exists.ok()) return exists.status();
  exists->Bind(0, id);
  absl::StatusOr<bool> row = exists->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::NotFoundError(
        absl::StrCat("request `", AsAbsl(id), "` not found"));
  }
  return false;
}

absl::Status SqliteWriteTx::InsertVote(const VoteRecord& v) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kInsertVote);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, v.request_id).Bind(1, v.identity).Bind(2, v.vote);
  stmt->Bind(3, v.comment).Bind(4, v.time);
  return Explain(stmt->Run(),
                 absl::StrCat(v.identity, " already voted on request `",
                              v.request_id, "`"),
                 absl::StrCat("request `", v.request_id, "` not found"));
}

absl::Status SqliteWriteTx::InsertGrant(const GrantRecord& g) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kInsertGrant);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, g.grant_id).Bind(1, g.request_id).Bind(2, g.token);
  stmt->Bind(3, g.digest).Bind(4, g.issued_at).Bind(5, g.expires_at);
  stmt->Bind(6, g.consumed_at);
  return Explain(
      stmt->Run(),
      absl::StrCat("grant `", g.grant_id, "` or a grant for request `",
                   g.request_id, "` already exists"),
      absl::StrCat("request `", g.request_id, "` not found"));
}

absl::Status SqliteWriteTx::ConsumeGrant(std::string_view grant_id,
                                         int64_t now) {
  {
    absl::StatusOr<Stmt> stmt = db_.Prepare(kConsumeGrant);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(0, now).Bind(1, grant_id);
    if (absl::Status s = stmt->Run(); !s.ok()) return s;
    if (stmt->Changes() == 1) return absl::OkStatus();
  }
  absl::StatusOr<GrantRecord> grant = GetGrant(grant_id);
  if (!grant.ok()) return grant.status();
  return absl::AlreadyExistsError(
      absl::StrCat("grant `", AsAbsl(grant_id), "` already consumed at ",
                   audit::FormatTimestamp(grant->consumed_at.value_or(0))));
}

absl::Status SqliteWriteTx::InsertOutbox(const OutboxRecord& o) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kInsertOutbox);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, o.id).Bind(1, o.request_id).Bind(2, o.channel);
  stmt->Bind(3, o.kind).Bind(4, o.payload_json).Bind(5, o.idempotency_key);
  stmt->Bind(6, o.attempts).Bind(7, o.next_attempt_at).Bind(8, o.state);
  stmt->Bind(9, o.last_error);
  return Explain(
      stmt->Run(),
      absl::StrCat("outbox message `", o.id, "` or idempotency key `",
                   o.idempotency_key, "` already exists"),
      absl::StrCat("request `", o.request_id, "` not found"));
}

absl::StatusOr<std::vector<OutboxRecord>> SqliteWriteTx::ClaimOutbox(
    std::string_view channel, int64_t now, int64_t lease_ms, int64_t limit) {
  std::vector<std::string> ids;
  {
    absl::StatusOr<Stmt> due = db_.Prepare(kDueOutbox);
    if (!due.ok()) return due.status();
    due->Bind(0, channel)
        .Bind(1, now)
        .Bind(2, limit <= 0 ? int64_t{-1} : limit);
    while (true) {
      absl::StatusOr<bool> row = due->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      ids.push_back(due->Text(0));
    }
  }
  std::vector<OutboxRecord> claimed;
  for (const std::string& id : ids) {
    absl::StatusOr<Stmt> lease = db_.Prepare(kLeaseOutbox);
    if (!lease.ok()) return lease.status();
    lease->Bind(0, now + lease_ms).Bind(1, id);
    if (absl::Status s = lease->Run(); !s.ok()) return s;
    absl::StatusOr<OutboxRecord> record = GetOutbox(id);
    if (!record.ok()) return record.status();
    claimed.push_back(*std::move(record));
  }
  return claimed;
}

absl::StatusOr<std::vector<OutboxRecord>> SqliteWriteTx::ReleaseOutboxLeases(
    int64_t now) {
  std::vector<OutboxRecord> leased;
  {
    absl::StatusOr<Stmt> query = db_.Prepare(kLeasedOutbox);
    if (!query.ok()) return query.status();
    std::vector<std::string> ids;
    while (true) {
      absl::StatusOr<bool> row = query->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      ids.push_back(query->Text(0));
    }
    for (const std::string& id : ids) {
      absl::StatusOr<OutboxRecord> record = GetOutbox(id);
      if (!record.ok()) return record.status();
      leased.push_back(*std::move(record));
    }
  }
  for (const OutboxRecord& record : leased) {
    absl::StatusOr<Stmt> release = db_.Prepare(kReleaseOutbox);
    if (!release.ok()) return release.status();
    release->Bind(0, now).Bind(1, record.id);
    if (absl::Status s = release->Run(); !s.ok()) return s;
  }
  return leased;
}

absl::Status SqliteWriteTx::PutChannelRef(std::string_view request_id,
                                          std::string_view channel,
                                          std::string_view ref) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kPutChannelRef);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, request_id).Bind(1, channel).Bind(2, ref);
  return Explain(stmt->Run(), "",
                 absl::StrCat("request `", AsAbsl(request_id), "` not found"));
}

absl::Status SqliteWriteTx::InsertEscalation(const EscalationRecord& e) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kInsertEscalation);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, e.request_id).Bind(1, e.index).Bind(2, e.due_at);
  stmt->Bind(3, e.fired_at);
  return Explain(stmt->Run(),
                 absl::StrCat("escalation ", e.index, " of request `",
                              e.request_id, "` already exists"),
                 absl::StrCat("request `", e.request_id, "` not found"));
}

absl::StatusOr<bool> SqliteWriteTx::FireEscalation(std::string_view request_id,
                                                   int64_t index, int64_t now) {
  {
    absl::StatusOr<Stmt> stmt = db_.Prepare(kFireEscalation);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(0, now).Bind(1, request_id).Bind(2, index);
    if (absl::Status s = stmt->Run(); !s.ok()) return s;
    if (stmt->Changes() > 0) return true;
  }
  absl::StatusOr<Stmt> exists = db_.Prepare(kEscalationExists);
  if (!exists.ok()) return exists.status();
  exists->Bind(0, request_id).Bind(1, index);
  absl::StatusOr<bool> row = exists->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::NotFoundError(absl::StrCat("escalation ", index,
                                            " of request `", AsAbsl(request_id),
                                            "` not found"));
  }
  return false;
}

absl::StatusOr<bool> SqliteWriteTx::RememberCallback(std::string_view key,
                                                     int64_t now,
                                                     int64_t window_ms) {
  {
    absl::StatusOr<Stmt> forget = db_.Prepare(kForgetCallbacks);
    if (!forget.ok()) return forget.status();
    forget->Bind(0, now - window_ms);
    if (absl::Status s = forget->Run(); !s.ok()) return s;
  }
  absl::StatusOr<Stmt> stmt = db_.Prepare(kRememberCallback);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, key).Bind(1, now);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  return stmt->Changes() > 0;
}

absl::Status SqliteWriteTx::UpdateOutbox(Stmt& stmt, std::string_view id) {
  if (absl::Status s = stmt.Run(); !s.ok()) return s;
  if (stmt.Changes() == 0) {
    return absl::NotFoundError(
        absl::StrCat("outbox message `", AsAbsl(id), "` not found"));
  }
  return absl::OkStatus();
}

absl::Status SqliteWriteTx::MarkOutboxSent(std::string_view id) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kMarkOutboxSent);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, id);
  return UpdateOutbox(*stmt, id);
}

absl::Status SqliteWriteTx::RescheduleOutbox(std::string_view id,
                                             int64_t next_attempt_at,
                                             std::string_view error) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kMarkOutboxRetry);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, next_attempt_at).Bind(1, error).Bind(2, id);
  return UpdateOutbox(*stmt, id);
}

absl::Status SqliteWriteTx::MarkOutboxDead(std::string_view id,
                                           std::string_view error) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kMarkOutboxDead);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, error).Bind(1, id);
  return UpdateOutbox(*stmt, id);
}

absl::StatusOr<audit::AuditEntry> SqliteWriteTx::AppendAudit(
    audit::AuditEntry draft) {
  if (draft.type.empty()) {
    return absl::InvalidArgumentError("an audit entry needs a type");
  }
  if (draft.data.is_null()) draft.data = nlohmann::json::object();
  if (!draft.data.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the data of audit entry `", draft.type, "` must be a JSON object"));
  }
  if (draft.time.empty()) {
    draft.time = audit::FormatTimestamp(audit::NowUnixMillis());
  }
  absl::StatusOr<AuditHead> head = GetAuditHead();
  if (!head.ok()) return head.status();
  audit::AuditEntry entry =
      audit::ChainAfter(head->seq, head->hash, std::move(draft));
  absl::StatusOr<Stmt> stmt = db_.Prepare(kInsertAudit);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, entry.seq).Bind(1, entry.time).Bind(2, entry.type);
  stmt->Bind(3, entry.request).Bind(4, entry.actor);
  stmt->Bind(5, crypto::CanonicalJson(entry.data)).Bind(6, entry.policy);
  stmt->Bind(7, entry.prev).Bind(8, entry.hash);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  return entry;
}

absl::Status SqliteWriteTx::AppendCheckpoint(
    const audit::Checkpoint& checkpoint) {
  {
    absl::StatusOr<Stmt> stmt = db_.Prepare(kAuditHashAt);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(0, checkpoint.seq);
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return absl::FailedPreconditionError(absl::StrCat(
          "no audit entry ", checkpoint.seq, " for the checkpoint"));
    }
    if (stmt->Text(0) != checkpoint.hash) {
      return absl::FailedPreconditionError(
          absl::StrCat("the checkpoint's hash is not the hash of audit entry ",
                       checkpoint.seq));
    }
  }
  absl::StatusOr<Stmt> stmt = db_.Prepare(kInsertCheckpoint);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, checkpoint.seq).Bind(1, checkpoint.hash);
  stmt->Bind(2, checkpoint.time).Bind(3, checkpoint.kid);
  stmt->Bind(4, checkpoint.signature);
  return stmt->Run();
}

}  // namespace signoff::store
