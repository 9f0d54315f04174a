// The queries of ReadTx over one SQLite connection, shared by the read and
// the write transactions of SqliteStore: SqliteReads<ReadTx> and
// SqliteReads<WriteTx> (explicitly instantiated in sqlite_reads.cc).
//
// Thread safety: as the connection (one user at a time).
#ifndef SIGNOFF_RUNTIME_STORE_SQLITE_READS_H_
#define SIGNOFF_RUNTIME_STORE_SQLITE_READS_H_

#include "runtime/store/sqlite_db.h"
#include "runtime/store/store.h"

namespace signoff::store {

template <typename Base>
class SqliteReads : public Base {
 public:
  explicit SqliteReads(Db& db) : db_(db) {}

  absl::StatusOr<RequestRecord> GetRequest(std::string_view id) override;
  absl::StatusOr<std::vector<RequestRecord>> ListRequests(
      std::string_view state, int64_t limit) override;
  absl::StatusOr<int64_t> CountRequests(std::string_view state) override;
  absl::StatusOr<std::vector<RequestRecord>> DuePendingRequests(
      int64_t now, int64_t limit) override;
  absl::StatusOr<std::vector<VoteRecord>> ListVotes(
      std::string_view request_id) override;
  absl::StatusOr<GrantRecord> GetGrant(std::string_view grant_id) override;
  absl::StatusOr<GrantRecord> GetGrantForRequest(
      std::string_view request_id) override;
  absl::StatusOr<std::vector<GrantRecord>> DueGrants(int64_t now,
                                                     int64_t limit) override;
  absl::StatusOr<OutboxRecord> GetOutbox(std::string_view id) override;
  absl::StatusOr<std::vector<OutboxRecord>> ListOutbox(std::string_view state,
                                                       int64_t limit) override;
  absl::StatusOr<std::string> GetChannelRef(std::string_view request_id,
                                            std::string_view channel) override;
  absl::StatusOr<std::vector<EscalationRecord>> ListEscalations(
      std::string_view request_id) override;
  absl::StatusOr<std::vector<EscalationRecord>> DueEscalations(
      int64_t now, int64_t limit) override;
  absl::StatusOr<std::vector<audit::AuditEntry>> ListAudit(
      int64_t after_seq, int64_t limit) override;
  absl::StatusOr<AuditHead> GetAuditHead() override;
  absl::StatusOr<std::vector<audit::Checkpoint>> ListCheckpoints() override;

 protected:
  Db& db_;
};

}  // namespace signoff::store

#endif  // SIGNOFF_RUNTIME_STORE_SQLITE_READS_H_
