#include "runtime/store/sqlite_reads.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "stdlib/absl_compat.h"

namespace signoff::store {
namespace {

// Statements are cached by the address of their text, so each is one
// literal; the column lists are shared through these macros.
#define SIGNOFF_REQUEST_COLUMNS                                    \
  "id, state, action, params_json, requester_json, context_json, " \
  "decision_json, policy, created_at, expires_at, resolved_at, resolved_by"
#define SIGNOFF_GRANT_COLUMNS \
  "grant_id, request_id, token, digest, issued_at, expires_at, consumed_at"
#define SIGNOFF_OUTBOX_COLUMNS                                     \
  "id, request_id, channel, kind, payload_json, idempotency_key, " \
  "attempts, next_attempt_at, state, last_error, leased"
#define SIGNOFF_AUDIT_COLUMNS \
  "seq, time, type, request, actor, data, policy, prev, hash"

constexpr char kGetRequest[] =
    "SELECT " SIGNOFF_REQUEST_COLUMNS " FROM requests WHERE id = ?";
constexpr char kListRequests[] =
    "SELECT " SIGNOFF_REQUEST_COLUMNS
    " FROM requests ORDER BY created_at, id LIMIT ?";
constexpr char kListRequestsInState[] =
    "SELECT " SIGNOFF_REQUEST_COLUMNS
    " FROM requests WHERE state = ? ORDER BY created_at, id LIMIT ?";
constexpr char kCountRequests[] = "SELECT COUNT(*) FROM requests";
constexpr char kCountRequestsInState[] =
    "SELECT COUNT(*) FROM requests WHERE state = ?";
constexpr char kDuePending[] =
    "SELECT " SIGNOFF_REQUEST_COLUMNS
    " FROM requests WHERE state = 'pending' AND expires_at <= ?"
    " ORDER BY expires_at, id LIMIT ?";
constexpr char kListVotes[] =
    "SELECT request_id, identity, vote, comment, time FROM votes"
    " WHERE request_id = ? ORDER BY rowid";
constexpr char kGetGrant[] =
    "SELECT " SIGNOFF_GRANT_COLUMNS " FROM grants WHERE grant_id = ?";
constexpr char kGetGrantForRequest[] =
    "SELECT " SIGNOFF_GRANT_COLUMNS " FROM grants WHERE request_id = ?";
constexpr char kDueGrants[] =
    "SELECT g.grant_id, g.request_id, g.token, g.digest, g.issued_at,"
    " g.expires_at, g.consumed_at FROM grants g"
    " JOIN requests r ON r.id = g.request_id"
    " WHERE g.consumed_at IS NULL AND g.expires_at <= ?"
    " AND r.state = 'approved' ORDER BY g.expires_at, g.grant_id LIMIT ?";
constexpr char kGetOutbox[] =
    "SELECT " SIGNOFF_OUTBOX_COLUMNS " FROM outbox WHERE id = ?";
constexpr char kListOutbox[] =
    "SELECT " SIGNOFF_OUTBOX_COLUMNS " FROM outbox ORDER BY rowid LIMIT ?";
constexpr char kListOutboxInState[] =
    "SELECT " SIGNOFF_OUTBOX_COLUMNS
    " FROM outbox WHERE state = ? ORDER BY rowid LIMIT ?";
constexpr char kGetChannelRef[] =
    "SELECT ref FROM channel_refs WHERE request_id = ? AND channel = ?";
constexpr char kListEscalations[] =
    "SELECT request_id, idx, due_at, fired_at FROM escalations"
    " WHERE request_id = ? ORDER BY idx";
constexpr char kDueEscalations[] =
    "SELECT e.request_id, e.idx, e.due_at, e.fired_at FROM escalations e"
    " JOIN requests r ON r.id = e.request_id"
    " WHERE e.fired_at IS NULL AND e.due_at <= ? AND r.state = 'pending'"
    " ORDER BY e.due_at, e.request_id, e.idx LIMIT ?";
constexpr char kListAudit[] = "SELECT " SIGNOFF_AUDIT_COLUMNS
                              " FROM audit WHERE seq > ? ORDER BY seq LIMIT ?";
constexpr char kAuditHead[] =
    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
constexpr char kListCheckpoints[] =
    "SELECT seq, hash, time, kid, signature FROM checkpoints"
    " ORDER BY seq, rowid";

#undef SIGNOFF_REQUEST_COLUMNS
#undef SIGNOFF_GRANT_COLUMNS
#undef SIGNOFF_OUTBOX_COLUMNS
#undef SIGNOFF_AUDIT_COLUMNS

int64_t Limit(int64_t limit) { return limit <= 0 ? -1 : limit; }

RequestRecord RequestFromRow(const Stmt& row) {
  RequestRecord r;
  r.id = row.Text(0);
  r.state = row.Text(1);
  r.action = row.Text(2);
  r.params_json = row.Text(3);
  r.requester_json = row.Text(4);
  r.context_json = row.Text(5);
  r.decision_json = row.Text(6);
  r.policy = row.Text(7);
  r.created_at = row.Int(8);
  r.expires_at = row.OptionalInt(9);
  r.resolved_at = row.OptionalInt(10);
  r.resolved_by = row.Text(11);
  return r;
}

GrantRecord GrantFromRow(const Stmt& row) {
  GrantRecord g;
  g.grant_id = row.Text(0);
  g.request_id = row.Text(1);
  g.token = row.Text(2);
  g.digest = row.Text(3);
  g.issued_at = row.Int(4);
  g.expires_at = row.Int(5);
  g.consumed_at = row.OptionalInt(6);
  return g;
}

OutboxRecord OutboxFromRow(const Stmt& row) {
  OutboxRecord o;
  o.id = row.Text(0);
  o.request_id = row.Text(1);
  o.channel = row.Text(2);
  o.kind = row.Text(3);
  o.payload_json = row.Text(4);
  o.idempotency_key = row.Text(5);
  o.attempts = row.Int(6);
  o.next_attempt_at = row.Int(7);
  o.state = row.Text(8);
  o.last_error = row.Text(9);
  o.leased = row.Int(10) != 0;
  return o;
}

audit::AuditEntry AuditFromRow(const Stmt& row) {
  audit::AuditEntry e;
  e.seq = row.Int(0);
  e.time = row.Text(1);
  e.type = row.Text(2);
  e.request = row.Text(3);
  e.actor = row.Text(4);
  const std::string data = row.Text(5);
  e.data = nlohmann::json::parse(data, nullptr, false);
  if (!e.data.is_object()) e.data = data;
  e.policy = row.Text(6);
  e.prev = row.Text(7);
  e.hash = row.Text(8);
  return e;
}

// Runs `stmt` and decodes every row with `decode`.
template <typename T, typename Decode>
absl::StatusOr<std::vector<T>> Collect(Stmt& stmt, Decode decode) {
  std::vector<T> rows;
  while (true) {
    absl::StatusOr<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return rows;
    rows.push_back(decode(stmt));
  }
}

// The single row of `stmt`, or NotFound with "<what> `<key>` not found".
template <typename T, typename Decode>
absl::StatusOr<T> One(Stmt& stmt, Decode decode, std::string_view what,
                      std::string_view key) {
  absl::StatusOr<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::NotFoundError(
        absl::StrCat(AsAbsl(what), " `", AsAbsl(key), "` not found"));
  }
  return decode(stmt);
}

}  // namespace

template <typename Base>
absl::StatusOr<RequestRecord> SqliteReads<Base>::GetRequest(
    std::string_view id) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kGetRequest);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, id);
  return One<RequestRecord>(*stmt, RequestFromRow, "request", id);
}

template <typename Base>
absl::StatusOr<std::vector<RequestRecord>> SqliteReads<Base>::ListRequests(
    std::string_view state, int64_t limit) {
  absl::StatusOr<Stmt> stmt =
      db_.Prepare(state.empty() ? kListRequests : kListRequestsInState);
  if (!stmt.ok()) return stmt.status();
  if (state.empty()) {
    stmt->Bind(0, Limit(limit));
  } else {
    stmt->Bind(0, state).Bind(1, Limit(limit));
  }
  return Collect<RequestRecord>(*stmt, RequestFromRow);
}

template <typename Base>
absl::StatusOr<int64_t> SqliteReads<Base>::CountRequests(
    std::string_view state) {
  absl::StatusOr<Stmt> stmt =
      db_.Prepare(state.empty() ? kCountRequests : kCountRequestsInState);
  if (!stmt.ok()) return stmt.status();
  if (!state.empty()) stmt->Bind(0, state);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  return *row ? stmt->Int(0) : 0;
}

template <typename Base>
absl::StatusOr<std::vector<RequestRecord>>
SqliteReads<Base>::DuePendingRequests(int64_t now, int64_t limit) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kDuePending);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, now).Bind(1, Limit(limit));
  return Collect<RequestRecord>(*stmt, RequestFromRow);
}

template <typename Base>
absl::StatusOr<std::vector<VoteRecord>> SqliteReads<Base>::ListVotes(
    std::string_view request_id) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kListVotes);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, request_id);
  return Collect<VoteRecord>(*stmt, [](const Stmt& row) {
    return VoteRecord{row.Text(0), row.Text(1), row.Text(2), row.Text(3),
                      row.Int(4)};
  });
}

template <typename Base>
absl::StatusOr<GrantRecord> SqliteReads<Base>::GetGrant(
    std::string_view grant_id) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kGetGrant);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, grant_id);
  return One<GrantRecord>(*stmt, GrantFromRow, "grant", grant_id);
}

template <typename Base>
absl::StatusOr<GrantRecord> SqliteReads<Base>::GetGrantForRequest(
    std::string_view request_id) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kGetGrantForRequest);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, request_id);
  return One<GrantRecord>(*stmt, GrantFromRow, "grant of request", request_id);
}

template <typename Base>
absl::StatusOr<std::vector<GrantRecord>> SqliteReads<Base>::DueGrants(
    int64_t now, int64_t limit) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kDueGrants);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, now).Bind(1, Limit(limit));
  return Collect<GrantRecord>(*stmt, GrantFromRow);
}

template <typename Base>
absl::StatusOr<OutboxRecord> SqliteReads<Base>::GetOutbox(std::string_view id) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kGetOutbox);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, id);
  return One<OutboxRecord>(*stmt, OutboxFromRow, "outbox message", id);
}

template <typename Base>
absl::StatusOr<std::vector<OutboxRecord>> SqliteReads<Base>::ListOutbox(
    std::string_view state, int64_t limit) {
  absl::StatusOr<Stmt> stmt =
      db_.Prepare(state.empty() ? kListOutbox : kListOutboxInState);
  if (!stmt.ok()) return stmt.status();
  if (state.empty()) {
    stmt->Bind(0, Limit(limit));
  } else {
    stmt->Bind(0, state).Bind(1, Limit(limit));
  }
  return Collect<OutboxRecord>(*stmt, OutboxFromRow);
}

template <typename Base>
absl::StatusOr<std::string> SqliteReads<Base>::GetChannelRef(
    std::string_view request_id, std::string_view channel) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kGetChannelRef);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, request_id).Bind(1, channel);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::NotFoundError(absl::StrCat("no reference of channel `",
                                            AsAbsl(channel), "` for request `",
                                            AsAbsl(request_id), "`"));
  }
  return stmt->Text(0);
}

namespace {
EscalationRecord EscalationFromRow(const Stmt& row) {
  return EscalationRecord{row.Text(0), row.Int(1), row.Int(2),
                          row.OptionalInt(3)};
}
}  // namespace

template <typename Base>
absl::StatusOr<std::vector<EscalationRecord>>
SqliteReads<Base>::ListEscalations(std::string_view request_id) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kListEscalations);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, request_id);
  return Collect<EscalationRecord>(*stmt, EscalationFromRow);
}

template <typename Base>
absl::StatusOr<std::vector<EscalationRecord>> SqliteReads<Base>::DueEscalations(
    int64_t now, int64_t limit) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kDueEscalations);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, now).Bind(1, Limit(limit));
  return Collect<EscalationRecord>(*stmt, EscalationFromRow);
}

template <typename Base>
absl::StatusOr<std::vector<audit::AuditEntry>> SqliteReads<Base>::ListAudit(
    int64_t after_seq, int64_t limit) {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kListAudit);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(0, after_seq).Bind(1, Limit(limit));
  return Collect<audit::AuditEntry>(*stmt, AuditFromRow);
}

template <typename Base>
absl::StatusOr<AuditHead> SqliteReads<Base>::GetAuditHead() {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kAuditHead);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  AuditHead head;
  if (*row) {
    head.seq = stmt->Int(0);
    head.hash = stmt->Text(1);
  }
  return head;
}

template <typename Base>
absl::StatusOr<std::vector<audit::Checkpoint>>
SqliteReads<Base>::ListCheckpoints() {
  absl::StatusOr<Stmt> stmt = db_.Prepare(kListCheckpoints);
  if (!stmt.ok()) return stmt.status();
  return Collect<audit::Checkpoint>(*stmt, [](const Stmt& row) {
    return audit::Checkpoint{row.Int(0), row.Text(1), row.Text(2), row.Text(3),
                             row.Text(4)};
  });
}

template class SqliteReads<ReadTx>;
template class SqliteReads<WriteTx>;

}  // namespace signoff::store
