// The rows of the store: approval requests, votes, grants and the outbox
// of notifications. Plain values; the store never interprets the JSON texts
// (they are stored verbatim).
//
// Times are unix milliseconds. Ids are chosen by the caller.
#ifndef SIGNOFF_RUNTIME_STORE_RECORDS_H_
#define SIGNOFF_RUNTIME_STORE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace signoff::store {

// Request states (RUNTIME.md §1). Every state but pending is final, except
// that approved moves on to consumed or expired (grant unused).
inline constexpr std::string_view kStatePending = "pending";
inline constexpr std::string_view kStateApproved = "approved";
inline constexpr std::string_view kStateDenied = "denied";
inline constexpr std::string_view kStateRejected = "rejected";
inline constexpr std::string_view kStateExpired = "expired";
inline constexpr std::string_view kStateCancelled = "cancelled";
inline constexpr std::string_view kStateConsumed = "consumed";

// Whether `state` is one of the seven above.
bool IsRequestState(std::string_view state);

struct RequestRecord {
  std::string id;
  std::string state;
  std::string action;
  std::string params_json;     // the request's params object
  std::string requester_json;  // the requester object (from the directory)
  std::string context_json;    // the context object
  std::string decision_json;   // LANGUAGE.md §7 decision, verbatim
  std::string policy;          // digest of the policy set that decided
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;   // deadline while pending
  std::optional<int64_t> resolved_at;  // when it left pending
  std::string resolved_by;  // identity, "policy" or "runtime"; "" if none
};

inline constexpr std::string_view kVoteApprove = "approve";
inline constexpr std::string_view kVoteReject = "reject";

struct VoteRecord {
  std::string request_id;
  std::string identity;
  std::string vote;  // kVoteApprove or kVoteReject
  std::string comment;
  int64_t time = 0;
};

struct GrantRecord {
  std::string grant_id;
  std::string request_id;  // at most one grant per request
  std::string token;       // "sg1.<payload>.<signature>"
  std::string digest;      // "sha256:..." of {action, params, requester}
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> consumed_at;
};

inline constexpr std::string_view kOutboxPending = "pending";
inline constexpr std::string_view kOutboxSent = "sent";
inline constexpr std::string_view kOutboxDead = "dead";

struct OutboxRecord {
  std::string id;
  std::string request_id;
  std::string channel;  // the policy's channel name
  std::string kind;     // what the message is, e.g. "request", "update"
  std::string payload_json;
  std::string idempotency_key;  // unique
  int64_t attempts = 0;
  int64_t next_attempt_at = 0;
  std::string state = std::string(kOutboxPending);
  std::string last_error;
  // Claimed by a sender whose attempt has not been recorded yet.
  bool leased = false;
};

// An escalation of a pending request (`escalate after D to G`): entry
// `index` of its decision's "escalations", due at created_at + D. Fired at
// most once.
struct EscalationRecord {
  std::string request_id;
  int64_t index = 0;
  int64_t due_at = 0;
  std::optional<int64_t> fired_at;
};

}  // namespace signoff::store

#endif  // SIGNOFF_RUNTIME_STORE_RECORDS_H_
