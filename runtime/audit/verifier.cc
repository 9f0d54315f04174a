#include "runtime/audit/verifier.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace signoff::audit {

nlohmann::json VerifyResultToJson(const VerifyResult& result) {
  if (result.ok) return {{"ok", true}, {"entries", result.entries}};
  return {{"ok", false},
          {"first_bad", result.first_bad},
          {"problem", result.problem}};
}

AuditVerifier::AuditVerifier(PublicKeyLookup keys)
    : keys_(std::move(keys)), last_hash_(kGenesisHash) {}

void AuditVerifier::Fail(int64_t seq, std::string problem) {
  if (failed_ && seq >= first_bad_) return;
  failed_ = true;
  first_bad_ = seq;
  problem_ = std::move(problem);
}

void AuditVerifier::FailEntry(int64_t seq, std::string problem) {
  entry_failed_ = true;
  Fail(seq, std::move(problem));
}

void AuditVerifier::AddCheckpoint(const Checkpoint& checkpoint) {
  const absl::Status valid = VerifyCheckpoint(checkpoint, keys_);
  if (!valid.ok()) {
    Fail(checkpoint.seq, absl::StrCat("checkpoint at seq ", checkpoint.seq,
                                      " is not valid: ", valid.message()));
    return;
  }
  if (checkpoint.seq > max_checkpoint_seq_) {
    max_checkpoint_seq_ = checkpoint.seq;
  }
  if (checkpoint.seq <= 0) return;  // pins nothing
  if (checkpoint.seq > last_seq_) {
    pending_checkpoints_[checkpoint.seq].push_back(checkpoint.hash);
  } else if (checkpoint.seq == last_seq_ && !entry_failed_ &&
             checkpoint.hash != last_hash_) {
    FailEntry(checkpoint.seq,
              absl::StrCat("entry ", checkpoint.seq,
                           " does not match the signed checkpoint at seq ",
                           checkpoint.seq, ": the log up to entry ",
                           checkpoint.seq, " was rewritten"));
  }
}

void AuditVerifier::ResolveGap(std::optional<int64_t> next_seq) {
  const int64_t expected = *gap_expected_;
  gap_expected_.reset();
  if (next_seq == expected) {
    FailEntry(expected, absl::StrCat("entries ", expected, " and ", gap_found_,
                                     " are out of order: entry ", gap_found_,
                                     " comes before entry ", expected));
    return;
  }
  const std::string missing = gap_found_ == expected + 1
                                  ? absl::StrCat("entry ", expected, " missing")
                                  : absl::StrCat("entries ", expected, " to ",
                                                 gap_found_ - 1, " missing");
  const std::string where =
      expected == 1 ? absl::StrCat("the log starts at entry ", gap_found_)
                    : absl::StrCat("the log goes from entry ", expected - 1,
                                   " to entry ", gap_found_);
  FailEntry(expected, absl::StrCat(missing, ": ", where));
}

void AuditVerifier::CheckHashMismatch(const AuditEntry& entry) {
  // An entry moved to another seq still hashes correctly under its
  // original seq: say so, it tells a deletion or insertion from an edit.
  AuditEntry moved = entry;
  moved.seq = entry.seq + 1;
  if (ComputeHash(moved) == entry.hash) {
    FailEntry(entry.seq,
              absl::StrCat("entry ", entry.seq, " is the original entry ",
                           entry.seq + 1, ", renumbered: entry ", entry.seq,
                           " was deleted or entries were reordered"));
    return;
  }
  moved.seq = entry.seq - 1;
  if (entry.seq > 1 && ComputeHash(moved) == entry.hash) {
    FailEntry(entry.seq - 1,
              absl::StrCat("entry ", entry.seq - 1,
                           " was inserted: the entry after it is the "
                           "original entry ",
                           entry.seq - 1, ", renumbered to ", entry.seq));
    return;
  }
  FailEntry(entry.seq,
            absl::StrCat("entry ", entry.seq,
                         ": hash does not match contents (the entry was "
                         "edited)"));
}

void AuditVerifier::Feed(const AuditEntry& entry) {
  ++count_;
  if (entry_failed_) return;
  if (gap_expected_.has_value()) {
    ResolveGap(entry.seq);
    return;
  }
  const int64_t expected = last_seq_ + 1;
  if (entry.seq > expected) {
    gap_expected_ = expected;
    gap_found_ = entry.seq;
    return;
  }
  if (entry.seq < expected) {
    if (entry.seq == last_seq_) {
      FailEntry(entry.seq,
                entry.hash == last_hash_
                    ? absl::StrCat("entry ", entry.seq, " appears twice")
                    : absl::StrCat("entry ", entry.seq,
                                   " appears twice with different contents: "
                                   "an entry was inserted"));
    } else {
      FailEntry(
          entry.seq,
          absl::StrCat("entry ", entry.seq,
                       " is out of order: it comes after entry ", last_seq_));
    }
    return;
  }
  if (ComputeHash(entry) != entry.hash) {
    CheckHashMismatch(entry);
    return;
  }
  if (entry.prev != last_hash_) {
    FailEntry(entry.seq,
              entry.seq == 1
                  ? std::string("entry 1: prev is not the genesis value (64 "
                                "zeros): entries before it were removed")
                  : absl::StrCat("entry ", entry.seq,
                                 ": prev does not match the hash of entry ",
                                 entry.seq - 1, " (entry ", entry.seq - 1,
                                 " was edited and rehashed, or an entry was "
                                 "spliced in)"));
    return;
  }
  if (auto it = pending_checkpoints_.find(entry.seq);
      it != pending_checkpoints_.end()) {
    for (const std::string& hash : it->second) {
      if (hash != entry.hash) {
        FailEntry(entry.seq,
                  absl::StrCat("entry ", entry.seq,
                               " does not match the signed checkpoint at seq ",
                               entry.seq, ": the log up to entry ", entry.seq,
                               " was rewritten"));
        return;
      }
    }
    pending_checkpoints_.erase(it);
  }
  last_seq_ = entry.seq;
  last_hash_ = entry.hash;
}

void AuditVerifier::FeedUnreadable(std::string_view what) {
  if (entry_failed_) return;
  if (gap_expected_.has_value()) {
    ResolveGap(std::nullopt);
    return;
  }
  FailEntry(last_seq_ + 1, std::string(what));
}

VerifyResult AuditVerifier::Finish() {
  if (gap_expected_.has_value()) ResolveGap(std::nullopt);
  if (!entry_failed_) {
    if (max_checkpoint_seq_ > last_seq_) {
      const int64_t first = last_seq_ + 1;
      const std::string missing =
          first == max_checkpoint_seq_
              ? absl::StrCat("entry ", first, " missing")
              : absl::StrCat("entries ", first, " to ", max_checkpoint_seq_,
                             " missing");
      const std::string end =
          last_seq_ == 0 ? std::string("the log is empty")
                         : absl::StrCat("the log ends at entry ", last_seq_);
      FailEntry(first, absl::StrCat(missing, ": ", end,
                                    ", but a signed checkpoint covers entry ",
                                    max_checkpoint_seq_));
    }
  }
  VerifyResult result;
  result.entries = count_;
  result.ok = !failed_;
  if (failed_) {
    result.first_bad = first_bad_;
    result.problem = problem_;
  }
  return result;
}

}  // namespace signoff::audit
