#include "runtime/store/store.h"

#include <algorithm>
#include <utility>

#include "runtime/audit/timestamp.h"

namespace signoff::store {
namespace {

constexpr int64_t kVerifyPage = 1000;

// Runs one ReadTx query in its own Read.
template <typename T, typename Query>
absl::StatusOr<T> ReadOne(const Store& store, Query query) {
  absl::StatusOr<T> result = absl::UnknownError("not run");
  absl::Status status = store.Read([&](ReadTx& tx) {
    result = query(tx);
    return result.status();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace

bool IsRequestState(std::string_view state) {
  for (std::string_view known :
       {kStatePending, kStateApproved, kStateDenied, kStateRejected,
        kStateExpired, kStateCancelled, kStateConsumed}) {
    if (state == known) return true;
  }
  return false;
}

absl::StatusOr<RequestRecord> Store::GetRequest(std::string_view id) const {
  return ReadOne<RequestRecord>(*this,
                                [&](ReadTx& tx) { return tx.GetRequest(id); });
}

absl::StatusOr<std::vector<RequestRecord>> Store::ListRequests(
    std::string_view state, int64_t limit) const {
  return ReadOne<std::vector<RequestRecord>>(
      *this, [&](ReadTx& tx) { return tx.ListRequests(state, limit); });
}

absl::StatusOr<int64_t> Store::CountRequests(std::string_view state) const {
  return ReadOne<int64_t>(*this,
                          [&](ReadTx& tx) { return tx.CountRequests(state); });
}

absl::StatusOr<std::vector<RequestRecord>> Store::DuePendingRequests(
    int64_t now, int64_t limit) const {
  return ReadOne<std::vector<RequestRecord>>(
      *this, [&](ReadTx& tx) { return tx.DuePendingRequests(now, limit); });
}

absl::StatusOr<std::vector<VoteRecord>> Store::ListVotes(
    std::string_view request_id) const {
  return ReadOne<std::vector<VoteRecord>>(
      *this, [&](ReadTx& tx) { return tx.ListVotes(request_id); });
}

absl::StatusOr<GrantRecord> Store::GetGrant(std::string_view grant_id) const {
  return ReadOne<GrantRecord>(
      *this, [&](ReadTx& tx) { return tx.GetGrant(grant_id); });
}

absl::StatusOr<std::vector<GrantRecord>> Store::DueGrants(int64_t now,
                                                          int64_t limit) const {
  return ReadOne<std::vector<GrantRecord>>(
      *this, [&](ReadTx& tx) { return tx.DueGrants(now, limit); });
}

absl::StatusOr<std::vector<OutboxRecord>> Store::ListOutbox(
    std::string_view state, int64_t limit) const {
  return ReadOne<std::vector<OutboxRecord>>(
      *this, [&](ReadTx& tx) { return tx.ListOutbox(state, limit); });
}

absl::StatusOr<std::vector<EscalationRecord>> Store::ListEscalations(
    std::string_view request_id) const {
  return ReadOne<std::vector<EscalationRecord>>(
      *this, [&](ReadTx& tx) { return tx.ListEscalations(request_id); });
}

absl::StatusOr<std::vector<EscalationRecord>> Store::DueEscalations(
    int64_t now, int64_t limit) const {
  return ReadOne<std::vector<EscalationRecord>>(
      *this, [&](ReadTx& tx) { return tx.DueEscalations(now, limit); });
}

absl::StatusOr<std::vector<audit::AuditEntry>> Store::ListAudit(
    int64_t after_seq, int64_t limit) const {
  return ReadOne<std::vector<audit::AuditEntry>>(
      *this, [&](ReadTx& tx) { return tx.ListAudit(after_seq, limit); });
}

absl::StatusOr<AuditHead> Store::GetAuditHead() const {
  return ReadOne<AuditHead>(*this,
                            [&](ReadTx& tx) { return tx.GetAuditHead(); });
}

absl::StatusOr<std::vector<audit::Checkpoint>> Store::ListCheckpoints() const {
  return ReadOne<std::vector<audit::Checkpoint>>(
      *this, [&](ReadTx& tx) { return tx.ListCheckpoints(); });
}

absl::Status Store::AppendCheckpoint(const audit::Checkpoint& checkpoint) {
  return Write([&](WriteTx& tx) { return tx.AppendCheckpoint(checkpoint); });
}

absl::StatusOr<audit::Checkpoint> Store::CheckpointHead(
    const crypto::SigningKey& key, int64_t now) {
  audit::Checkpoint result;
  absl::Status status = Write([&](WriteTx& tx) -> absl::Status {
    absl::StatusOr<AuditHead> head = tx.GetAuditHead();
    if (!head.ok()) return head.status();
    if (head->seq == 0) {
      return absl::FailedPreconditionError(
          "the audit log is empty: there is nothing to checkpoint");
    }
    absl::StatusOr<std::vector<audit::Checkpoint>> existing =
        tx.ListCheckpoints();
    if (!existing.ok()) return existing.status();
    if (!existing->empty() && existing->back().seq == head->seq &&
        existing->back().kid == key.key_id()) {
      result = existing->back();
      return absl::OkStatus();
    }
    result = audit::SignCheckpoint(head->seq, head->hash,
                                   audit::FormatTimestamp(now), key);
    return tx.AppendCheckpoint(result);
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<audit::VerifyResult> Store::VerifyAudit(
    const audit::PublicKeyLookup& keys) const {
  audit::VerifyResult result;
  absl::Status status = Read([&](ReadTx& tx) -> absl::Status {
    audit::AuditVerifier verifier(keys);
    absl::StatusOr<std::vector<audit::Checkpoint>> checkpoints =
        tx.ListCheckpoints();
    if (!checkpoints.ok()) return checkpoints.status();
    for (const audit::Checkpoint& checkpoint : *checkpoints) {
      verifier.AddCheckpoint(checkpoint);
    }
    // In seq order: a row whose seq was changed is read where its new seq
    // puts it, which is what the verifier must judge.
    int64_t after = 0;
    while (true) {
      absl::StatusOr<std::vector<audit::AuditEntry>> page =
          tx.ListAudit(after, kVerifyPage);
      if (!page.ok()) return page.status();
      for (const audit::AuditEntry& entry : *page) verifier.Feed(entry);
      if (static_cast<int64_t>(page->size()) < kVerifyPage) break;
      after = page->back().seq;
    }
    result = verifier.Finish();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace signoff::store
