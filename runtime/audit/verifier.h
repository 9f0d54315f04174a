// Checks an audit log: the hash chain, seq continuity, and signed
// checkpoints (RUNTIME.md §4, `signoff audit verify`, GET /v1/audit/verify).
//
// Streaming, in memory proportional to the number of checkpoints:
//
//   AuditVerifier verifier(keys);
//   for (const Checkpoint& c : checkpoints) verifier.AddCheckpoint(c);
//   for (const AuditEntry& e : entries_in_stored_order) verifier.Feed(e);
//   VerifyResult result = verifier.Finish();
//
// Checkpoints come first so each can be matched against its entry as the
// entries stream by. A checkpoint added after its entry was fed is checked
// for its signature and for truncation only.
//
// What is found, and the `first_bad` reported (the lowest seq wins when
// several problems are found; after the first entry problem further entries
// are counted but not judged):
//   - an edited entry: its hash does not match its contents -> that seq.
//     If the contents match under seq-1 or seq+1, the entry was renumbered
//     and the problem says so: seq+1 -> deleted or reordered before it
//     (first_bad = seq); seq-1 -> an entry was inserted before it
//     (first_bad = seq - 1, the inserted one).
//   - prev not the previous entry's hash (an entry edited and rehashed, or
//     spliced in): first_bad = the seq whose prev is wrong.
//   - a gap (entries deleted): first_bad = the first missing seq, i.e. the
//     position where the gap begins. If the missing entry arrives right
//     after, the two were swapped: "out of order", first_bad = the lower.
//   - a seq lower than expected: duplicated, inserted or moved -> that seq.
//   - a checkpoint whose hash differs from its entry (the log up to there
//     was rewritten and re-chained) -> the checkpoint's seq.
//   - a log shorter than a valid checkpoint (tail truncated) -> the first
//     missing seq (last entry + 1).
//   - a checkpoint that does not verify (unknown key, bad signature) -> the
//     checkpoint's seq.
//
// Thread safety: not thread-safe; one verifier per pass.
#ifndef SIGNOFF_RUNTIME_AUDIT_VERIFIER_H_
#define SIGNOFF_RUNTIME_AUDIT_VERIFIER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"
#include "runtime/audit/checkpoint.h"
#include "runtime/audit/entry.h"

namespace signoff::audit {

struct VerifyResult {
  bool ok = true;
  int64_t entries = 0;    // entries read
  int64_t first_bad = 0;  // 0 when ok
  std::string problem;    // one sentence; "" when ok
};

// RUNTIME.md §7: {"ok": true, "entries": N} or
// {"ok": false, "first_bad": SEQ, "problem": "..."}.
nlohmann::json VerifyResultToJson(const VerifyResult& result);

class AuditVerifier {
 public:
  explicit AuditVerifier(PublicKeyLookup keys);

  // Verifies the signature now; see the class comment for the order.
  void AddCheckpoint(const Checkpoint& checkpoint);
  // The next entry as stored (expected: seq order, starting at 1).
  void Feed(const AuditEntry& entry);
  // Something in the entry stream that is not an entry (a malformed export
  // line): a problem at the next expected seq. `what` is the sentence.
  void FeedUnreadable(std::string_view what);
  // Whether an entry problem was found (callers may stop reading).
  bool failed() const { return entry_failed_; }

  VerifyResult Finish();

 private:
  void Fail(int64_t seq, std::string problem);
  void FailEntry(int64_t seq, std::string problem);
  void ResolveGap(std::optional<int64_t> next_seq);
  void CheckHashMismatch(const AuditEntry& entry);

  PublicKeyLookup keys_;
  int64_t count_ = 0;
  int64_t last_seq_ = 0;
  std::string last_hash_;
  // A seq above the expected one was seen: decided by the next entry.
  std::optional<int64_t> gap_expected_;
  int64_t gap_found_ = 0;
  // Hashes of valid checkpoints not yet matched, by seq.
  std::map<int64_t, std::vector<std::string>> pending_checkpoints_;
  int64_t max_checkpoint_seq_ = 0;
  bool entry_failed_ = false;
  bool failed_ = false;
  int64_t first_bad_ = 0;
  std::string problem_;
};

}  // namespace signoff::audit

#endif  // SIGNOFF_RUNTIME_AUDIT_VERIFIER_H_
