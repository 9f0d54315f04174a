// Helpers shared by the files of ApprovalService (service*.cc); not part of
// the API.
#ifndef SIGNOFF_RUNTIME_APPROVALS_SERVICE_INTERNAL_H_
#define SIGNOFF_RUNTIME_APPROVALS_SERVICE_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "runtime/audit/entry.h"
#include "runtime/audit/timestamp.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/store/records.h"
#include "runtime/store/store.h"

namespace signoff::approvals::internal {

// Compact JSON text; never throws (invalid UTF-8 is replaced).
inline std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Parses text the service stored itself; null when it is not JSON.
inline nlohmann::json ParseStored(std::string_view text) {
  nlohmann::json value =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  return value.is_discarded() ? nlohmann::json() : value;
}

// The string member `key` of `object`; "" when absent, not a string, or
// `object` is not an object. Never throws (unlike json::value).
inline std::string StringField(const nlohmann::json& object,
                               std::string_view key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return *it->get_ptr<const nlohmann::json::string_t*>();
}

// Appends one audit entry in `tx`, timed by the service's clock.
inline absl::Status Audit(store::WriteTx& tx, std::string_view type,
                          std::string_view request, std::string_view actor,
                          std::string_view policy, int64_t now_ms,
                          nlohmann::json data = nlohmann::json::object()) {
  audit::AuditEntry entry;
  entry.time = audit::FormatTimestamp(now_ms);
  entry.type = std::string(type);
  entry.request = std::string(request);
  entry.actor = std::string(actor);
  entry.data = std::move(data);
  entry.policy = std::string(policy);
  return tx.AppendAudit(std::move(entry)).status();
}

// The last second RFC 3339 (and so a grant token) can express:
// 9999-12-31T23:59:59Z.
inline constexpr int64_t kMaxUnixSeconds = 253402300799;

// `now_ms` plus `seconds`, saturating at kMaxUnixSeconds (a policy may say
// `expire 100000000d`).
inline int64_t AddSeconds(int64_t now_ms, int64_t seconds) {
  constexpr int64_t kMaxMs = kMaxUnixSeconds * 1000;
  if (seconds <= 0) return now_ms;
  if (now_ms >= kMaxMs || seconds >= (kMaxMs - now_ms) / 1000) return kMaxMs;
  return now_ms + seconds * 1000;
}

// False only when the stored decision (DecisionToJson's compact text)
// certainly names no channel and no escalation, so that a change of its
// request has nobody to tell: `"channels":[]` and no `"escalations"` key.
// Those texts cannot occur inside a JSON string (its quotes would be
// escaped), so a false "may" costs a parse, never a lost message.
inline bool MayNotify(std::string_view decision_json) {
  return decision_json.find("\"channels\":[]") == std::string_view::npos ||
         decision_json.find("\"escalations\"") != std::string_view::npos;
}

// The indexes of the escalations that fired.
inline std::vector<int64_t> FiredIndexes(
    const std::vector<store::EscalationRecord>& all) {
  std::vector<int64_t> fired;
  for (const store::EscalationRecord& e : all) {
    if (e.fired_at.has_value()) fired.push_back(e.index);
  }
  return fired;
}

// The event a channel hears of for one transaction's `events`: the last
// one, except that a grant minted is told as the approval before it.
inline std::string_view MainEvent(const std::vector<std::string>& events) {
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (*it != audit::kTypeGrantMinted) return *it;
  }
  return "";
}

// A grant for an approved request: the token and its row.
struct Minted {
  std::string token;
  store::GrantRecord record;
};
// Mints the grant of request `request_id` for {action, params, requester}
// (params: the stored params text), living `seconds` from `now_ms`.
Minted MintGrant(const crypto::SigningKey& key, std::string_view request_id,
                 std::string_view action, std::string_view params_json,
                 std::string_view requester_id, int64_t seconds,
                 int64_t now_ms);

}  // namespace signoff::approvals::internal

#endif  // SIGNOFF_RUNTIME_APPROVALS_SERVICE_INTERNAL_H_
