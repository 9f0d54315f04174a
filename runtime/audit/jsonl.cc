#include "runtime/audit/jsonl.h"

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "runtime/crypto/canonical_json.h"

namespace signoff::audit {
namespace {

// Calls `line_fn(number, text)` for each non-blank line (1-based numbers).
void ForEachLine(std::string_view text,
                 const std::function<void(int64_t, std::string_view)>& fn) {
  int64_t number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view()
                                         : text.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    fn(number, line);
  }
}

bool IsCheckpointLine(const nlohmann::json& json) {
  return json.is_object() && json.size() == 1 && json.contains("checkpoint");
}

}  // namespace

std::string EntryLine(const AuditEntry& entry) {
  return crypto::CanonicalJson(EntryToJson(entry)) + "\n";
}

std::string CheckpointLine(const Checkpoint& checkpoint) {
  return crypto::CanonicalJson(
             nlohmann::json{{"checkpoint", CheckpointToJson(checkpoint)}}) +
         "\n";
}

VerifyResult VerifyJsonLines(std::string_view text,
                             const PublicKeyLookup& keys) {
  AuditVerifier verifier(keys);
  ForEachLine(text, [&](int64_t, std::string_view line) {
    const nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
    if (!IsCheckpointLine(json)) return;
    absl::StatusOr<Checkpoint> checkpoint =
        CheckpointFromJson(json["checkpoint"]);
    if (checkpoint.ok()) verifier.AddCheckpoint(*checkpoint);
  });
  ForEachLine(text, [&](int64_t number, std::string_view line) {
    const nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded()) {
      verifier.FeedUnreadable(absl::StrCat("line ", number, " is not JSON"));
      return;
    }
    if (IsCheckpointLine(json)) {
      absl::StatusOr<Checkpoint> checkpoint =
          CheckpointFromJson(json["checkpoint"]);
      if (!checkpoint.ok()) {
        verifier.FeedUnreadable(absl::StrCat(
            "line ", number,
            " is not a valid checkpoint: ", checkpoint.status().message()));
      }
      return;
    }
    absl::StatusOr<AuditEntry> entry = EntryFromJson(json);
    if (!entry.ok()) {
      verifier.FeedUnreadable(
          absl::StrCat("line ", number,
                       " is not an audit entry: ", entry.status().message()));
      return;
    }
    verifier.Feed(*entry);
  });
  return verifier.Finish();
}

}  // namespace signoff::audit
