// The durable store of the runtime (RUNTIME.md §5): requests, votes,
// grants, the notification outbox and the audit log, behind one interface
// so that PostgreSQL can sit behind it later (SqliteStore is the default).
//
// Every change goes through Write(): the body runs in one transaction that
// commits when the body returns OK and rolls back entirely otherwise, so a
// state change and its audit entry (WriteTx::AppendAudit) are durable
// together or not at all. Write returns only once the commit is durable.
// Writes are serialised: a body sees every write acknowledged before it and
// nothing of a body that failed. Read() runs a body on a consistent snapshot
// and never waits for writers.
//
// Thread safety: a Store is safe to use from any number of threads. A
// ReadTx/WriteTx is valid only inside its body and only on the thread
// running the body (which, for Write, may be another caller's thread: a
// body must not depend on thread identity, and must not call Write itself).
//
// Errors: NotFound for a missing row; AlreadyExists for a duplicate id, a
// second vote by the same identity, or a grant already consumed;
// InvalidArgument for values the schema refuses (unknown state, ...);
// Unavailable when the database stays locked by another process; Internal
// or DataLoss for failures of the database itself.
#ifndef SIGNOFF_RUNTIME_STORE_STORE_H_
#define SIGNOFF_RUNTIME_STORE_STORE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/audit/checkpoint.h"
#include "runtime/audit/entry.h"
#include "runtime/audit/verifier.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/store/records.h"

namespace signoff::store {

// The last entry of the audit log: seq 0 and kGenesisHash when empty.
struct AuditHead {
  int64_t seq = 0;
  std::string hash = std::string(audit::kGenesisHash);
};

// Queries. `limit` <= 0 means no limit. Lists are in a stable order, given
// for each.
class ReadTx {
 public:
  virtual ~ReadTx() = default;

  virtual absl::StatusOr<RequestRecord> GetRequest(std::string_view id) = 0;
  // Oldest first (created_at, then id); `state` "" means every state.
  virtual absl::StatusOr<std::vector<RequestRecord>> ListRequests(
      std::string_view state, int64_t limit) = 0;
  // How many requests are in `state` ("" means every state).
  virtual absl::StatusOr<int64_t> CountRequests(std::string_view state) = 0;
  // Pending requests whose expires_at <= now, soonest deadline first.
  virtual absl::StatusOr<std::vector<RequestRecord>> DuePendingRequests(
      int64_t now, int64_t limit) = 0;
  // In the order they were cast.
  virtual absl::StatusOr<std::vector<VoteRecord>> ListVotes(
      std::string_view request_id) = 0;
  virtual absl::StatusOr<GrantRecord> GetGrant(std::string_view grant_id) = 0;
  virtual absl::StatusOr<GrantRecord> GetGrantForRequest(
      std::string_view request_id) = 0;
  // Unconsumed grants with expires_at <= now whose request is still
  // approved (to be moved to expired), soonest first.
  virtual absl::StatusOr<std::vector<GrantRecord>> DueGrants(int64_t now,
                                                             int64_t limit) = 0;
  virtual absl::StatusOr<OutboxRecord> GetOutbox(std::string_view id) = 0;
  // In insertion order; `state` "" means every state.
  virtual absl::StatusOr<std::vector<OutboxRecord>> ListOutbox(
      std::string_view state, int64_t limit) = 0;
  // The reference channel `channel` keeps for request `request_id`
  // (channels/channel.h); NotFound when there is none.
  virtual absl::StatusOr<std::string> GetChannelRef(
      std::string_view request_id, std::string_view channel) = 0;
  // The escalations of one request, by index.
  virtual absl::StatusOr<std::vector<EscalationRecord>> ListEscalations(
      std::string_view request_id) = 0;
  // Escalations not fired with due_at <= now whose request is still
  // pending, soonest first.
  virtual absl::StatusOr<std::vector<EscalationRecord>> DueEscalations(
      int64_t now, int64_t limit) = 0;
  // Entries with seq > after_seq, in seq order.
  virtual absl::StatusOr<std::vector<audit::AuditEntry>> ListAudit(
      int64_t after_seq, int64_t limit) = 0;
  virtual absl::StatusOr<AuditHead> GetAuditHead() = 0;
  // In seq order.
  virtual absl::StatusOr<std::vector<audit::Checkpoint>> ListCheckpoints() = 0;
};

class WriteTx : public ReadTx {
 public:
  // AlreadyExists when the id is taken; InvalidArgument for an unknown
  // state.
  virtual absl::Status InsertRequest(const RequestRecord& request) = 0;
  // Moves request `id` from state `from` to `to`, setting resolved_at and
  // resolved_by. True when it did; false when the state was not `from`
  // (someone else resolved it first: this is the exactly-once guarantee).
  // NotFound when there is no such request.
  virtual absl::StatusOr<bool> CompareAndSetState(std::string_view id,
                                                  std::string_view from,
                                                  std::string_view to,
                                                  int64_t resolved_at,
                                                  std::string_view actor) = 0;
  // AlreadyExists when this identity already voted on this request;
  // NotFound when the request does not exist.
  virtual absl::Status InsertVote(const VoteRecord& vote) = 0;
  // AlreadyExists when the grant id is taken or the request already has a
  // grant; NotFound when the request does not exist.
  virtual absl::Status InsertGrant(const GrantRecord& grant) = 0;
  // Marks the grant consumed at `now`. AlreadyExists ("already consumed")
  // when it was; NotFound when there is no such grant. Expiry and token
  // checks are the caller's.
  virtual absl::Status ConsumeGrant(std::string_view grant_id, int64_t now) = 0;

  // AlreadyExists when the id or the idempotency key is taken.
  virtual absl::Status InsertOutbox(const OutboxRecord& message) = 0;
  // Claims up to `limit` pending messages of `channel` with
  // next_attempt_at <= now, oldest first, skipping every message with an
  // older pending message of the same request and channel (messages of one
  // request reach a channel in order): attempts += 1, leased, and
  // next_attempt_at = now + lease_ms, so a sender that dies leaves them to
  // be retried after the lease. Returns them as updated.
  virtual absl::StatusOr<std::vector<OutboxRecord>> ClaimOutbox(
      std::string_view channel, int64_t now, int64_t lease_ms,
      int64_t limit) = 0;
  // Makes every leased message due at `now` and no longer leased (a new
  // process: their senders died mid-attempt); returns them as they were.
  virtual absl::StatusOr<std::vector<OutboxRecord>> ReleaseOutboxLeases(
      int64_t now) = 0;
  // The three outcomes of an attempt; each clears the lease.
  virtual absl::Status MarkOutboxSent(std::string_view id) = 0;
  // Back to pending for another attempt at `next_attempt_at`.
  virtual absl::Status RescheduleOutbox(std::string_view id,
                                        int64_t next_attempt_at,
                                        std::string_view error) = 0;
  virtual absl::Status MarkOutboxDead(std::string_view id,
                                      std::string_view error) = 0;
  // Stores (or replaces) the reference of `channel` for `request_id`.
  virtual absl::Status PutChannelRef(std::string_view request_id,
                                     std::string_view channel,
                                     std::string_view ref) = 0;

  // AlreadyExists when the request already has that index.
  virtual absl::Status InsertEscalation(const EscalationRecord& record) = 0;
  // Marks escalation `index` of `request_id` fired at `now`. True when it
  // did; false when it had fired already (exactly once). NotFound when
  // there is no such escalation.
  virtual absl::StatusOr<bool> FireEscalation(std::string_view request_id,
                                              int64_t index, int64_t now) = 0;

  // Records channel callback `key` (e.g. its signature) as seen at `now`
  // and forgets keys seen before `now - window_ms`. True when the key is
  // new; false when it was seen within the window (a replay).
  virtual absl::StatusOr<bool> RememberCallback(std::string_view key,
                                                int64_t now,
                                                int64_t window_ms) = 0;

  // Appends `draft` to the audit log after the current last entry: seq,
  // prev and hash are filled (audit::ChainAfter); an empty time becomes
  // now. InvalidArgument when type is empty or data is not an object.
  // Returns the entry as stored.
  virtual absl::StatusOr<audit::AuditEntry> AppendAudit(
      audit::AuditEntry draft) = 0;
  // Stores a signed checkpoint. FailedPrecondition unless entry
  // checkpoint.seq exists with exactly checkpoint.hash. The signature is
  // the signer's business (audit::SignCheckpoint). Storing the same
  // checkpoint twice is a no-op.
  virtual absl::Status AppendCheckpoint(
      const audit::Checkpoint& checkpoint) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs `body` in one write transaction; see the file comment. Returns the
  // body's status when it fails (nothing of it is kept), or the commit's.
  virtual absl::Status Write(
      absl::FunctionRef<absl::Status(WriteTx&)> body) = 0;
  // Runs `body` on one consistent snapshot; returns its status.
  virtual absl::Status Read(
      absl::FunctionRef<absl::Status(ReadTx&)> body) const = 0;

  // Single reads, each in its own Read.
  absl::StatusOr<RequestRecord> GetRequest(std::string_view id) const;
  absl::StatusOr<std::vector<RequestRecord>> ListRequests(
      std::string_view state, int64_t limit) const;
  absl::StatusOr<int64_t> CountRequests(std::string_view state) const;
  absl::StatusOr<std::vector<RequestRecord>> DuePendingRequests(
      int64_t now, int64_t limit) const;
  absl::StatusOr<std::vector<VoteRecord>> ListVotes(
      std::string_view request_id) const;
  absl::StatusOr<GrantRecord> GetGrant(std::string_view grant_id) const;
  absl::StatusOr<std::vector<GrantRecord>> DueGrants(int64_t now,
                                                     int64_t limit) const;
  absl::StatusOr<std::vector<OutboxRecord>> ListOutbox(std::string_view state,
                                                       int64_t limit) const;
  absl::StatusOr<std::vector<EscalationRecord>> ListEscalations(
      std::string_view request_id) const;
  absl::StatusOr<std::vector<EscalationRecord>> DueEscalations(
      int64_t now, int64_t limit) const;
  absl::StatusOr<std::vector<audit::AuditEntry>> ListAudit(int64_t after_seq,
                                                           int64_t limit) const;
  absl::StatusOr<AuditHead> GetAuditHead() const;
  absl::StatusOr<std::vector<audit::Checkpoint>> ListCheckpoints() const;

  // Stores `checkpoint` in its own Write (WriteTx::AppendCheckpoint).
  absl::Status AppendCheckpoint(const audit::Checkpoint& checkpoint);
  // Signs the current audit head with `key` at `now` (unix ms) and stores
  // the checkpoint, in one Write; returns it. When the latest stored
  // checkpoint already covers the head, returns that one unchanged.
  // FailedPrecondition when the log is empty.
  absl::StatusOr<audit::Checkpoint> CheckpointHead(
      const crypto::SigningKey& key, int64_t now);

  // Runs audit::AuditVerifier over the stored checkpoints and entries, on
  // one snapshot. A database failure is a Status; tampering is a
  // VerifyResult with ok == false.
  absl::StatusOr<audit::VerifyResult> VerifyAudit(
      const audit::PublicKeyLookup& keys) const;
};

}  // namespace signoff::store

#endif  // SIGNOFF_RUNTIME_STORE_STORE_H_
