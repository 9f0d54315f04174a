// WriteTx over the writer connection of SqliteStore. It only runs
// statements: the transaction around it (BEGIN IMMEDIATE, savepoints,
// COMMIT) belongs to SqliteStore::Write.
//
// Thread safety: as the connection (one user at a time).
#ifndef SIGNOFF_RUNTIME_STORE_SQLITE_WRITES_H_
#define SIGNOFF_RUNTIME_STORE_SQLITE_WRITES_H_

#include "runtime/store/sqlite_reads.h"

namespace signoff::store {

class SqliteWriteTx final : public SqliteReads<WriteTx> {
 public:
  using SqliteReads<WriteTx>::SqliteReads;

  absl::Status InsertRequest(const RequestRecord& request) override;
  absl::StatusOr<bool> CompareAndSetState(std::string_view id,
                                          std::string_view from,
                                          std::string_view to,
                                          int64_t resolved_at,
                                          std::string_view actor) override;
  absl::Status InsertVote(const VoteRecord& vote) override;
  absl::Status InsertGrant(const GrantRecord& grant) override;
  absl::Status ConsumeGrant(std::string_view grant_id, int64_t now) override;
  absl::Status InsertOutbox(const OutboxRecord& message) override;
  absl::StatusOr<std::vector<OutboxRecord>> ClaimOutbox(
      std::string_view channel, int64_t now, int64_t lease_ms,
      int64_t limit) override;
  absl::StatusOr<std::vector<OutboxRecord>> ReleaseOutboxLeases(
      int64_t now) override;
  absl::Status MarkOutboxSent(std::string_view id) override;
  absl::Status RescheduleOutbox(std::string_view id, int64_t next_attempt_at,
                                std::string_view error) override;
  absl::Status MarkOutboxDead(std::string_view id,
                              std::string_view error) override;
  absl::Status PutChannelRef(std::string_view request_id,
                             std::string_view channel,
                             std::string_view ref) override;
  absl::Status InsertEscalation(const EscalationRecord& record) override;
  absl::StatusOr<bool> FireEscalation(std::string_view request_id,
                                      int64_t index, int64_t now) override;
  absl::StatusOr<bool> RememberCallback(std::string_view key, int64_t now,
                                        int64_t window_ms) override;
  absl::StatusOr<audit::AuditEntry> AppendAudit(
      audit::AuditEntry draft) override;
  absl::Status AppendCheckpoint(const audit::Checkpoint& checkpoint) override;

 private:
  // Runs an UPDATE of the outbox row `id`; NotFound when there is none.
  absl::Status UpdateOutbox(Stmt& stmt, std::string_view id);
};

}  // namespace signoff::store

#endif  // SIGNOFF_RUNTIME_STORE_SQLITE_WRITES_H_
