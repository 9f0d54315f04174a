// Audit log entries and their hash chain (RUNTIME.md §4).
//
// An entry is {seq, time, type, request, actor, data, policy, prev, hash}:
//   seq      1, 2, 3, ... with no gaps
//   time     RFC 3339 UTC with milliseconds (timestamp.h)
//   type     one of the kType* constants below (others are accepted, so an
//            older verifier still checks a newer log)
//   request  the request id, "" when the entry concerns none
//   actor    who caused it: an identity, "policy" or "runtime"; "" if none
//   data     a JSON object with the details of the type
//   policy   digest of the policy set in force ("sha256:..."), "" if none
//   prev     the previous entry's hash; 64 '0' for entry 1
//   hash     hex(SHA-256(prev || canonical(entry without hash)))
// where prev is taken as its 64 lowercase hex ASCII characters and
// canonical(...) is crypto::CanonicalJson of the object of the other eight
// fields: sorted keys, no whitespace, seq as a decimal integer.
//
// Thread safety: plain values; every function is pure.
#ifndef SIGNOFF_RUNTIME_AUDIT_ENTRY_H_
#define SIGNOFF_RUNTIME_AUDIT_ENTRY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace signoff::audit {

inline constexpr std::string_view kTypeRequestCreated = "request.created";
inline constexpr std::string_view kTypeDecision = "decision";
inline constexpr std::string_view kTypeVoteAccepted = "vote.accepted";
inline constexpr std::string_view kTypeVoteRefused = "vote.refused";
inline constexpr std::string_view kTypeRequestApproved = "request.approved";
inline constexpr std::string_view kTypeRequestRejected = "request.rejected";
inline constexpr std::string_view kTypeRequestExpired = "request.expired";
inline constexpr std::string_view kTypeRequestCancelled = "request.cancelled";
inline constexpr std::string_view kTypeGrantMinted = "grant.minted";
inline constexpr std::string_view kTypeGrantConsumed = "grant.consumed";
inline constexpr std::string_view kTypeGrantRefused = "grant.refused";
inline constexpr std::string_view kTypeNotifySent = "notify.sent";
inline constexpr std::string_view kTypeNotifyFailed = "notify.failed";
inline constexpr std::string_view kTypePolicyLoaded = "policy.loaded";
// A pending request's `escalate` fired: its group may approve too.
inline constexpr std::string_view kTypeRequestEscalated = "request.escalated";
// A channel callback (Slack click, Teams invoke) refused before any vote:
// bad signature or token, stale, replayed, malformed, unmapped user.
inline constexpr std::string_view kTypeChannelRefused = "channel.refused";

inline constexpr std::string_view kEntryTypes[] = {
    kTypeRequestCreated, kTypeDecision,         kTypeVoteAccepted,
    kTypeVoteRefused,    kTypeRequestApproved,  kTypeRequestRejected,
    kTypeRequestExpired, kTypeRequestCancelled, kTypeGrantMinted,
    kTypeGrantConsumed,  kTypeGrantRefused,     kTypeNotifySent,
    kTypeNotifyFailed,   kTypePolicyLoaded,     kTypeRequestEscalated,
    kTypeChannelRefused};

// Whether `type` is one of kEntryTypes.
bool IsKnownEntryType(std::string_view type);

// The prev of entry 1.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";
static_assert(kGenesisHash.size() == 64);

struct AuditEntry {
  int64_t seq = 0;
  std::string time;
  std::string type;
  std::string request;
  std::string actor;
  nlohmann::json data = nlohmann::json::object();
  std::string policy;
  std::string prev;
  std::string hash;
};

// canonical(entry without hash): the bytes hashed after prev.
std::string CanonicalContent(const AuditEntry& entry);

// hex(SHA-256(entry.prev || CanonicalContent(entry))), from the fields as
// they are (it does not trust entry.hash).
std::string ComputeHash(const AuditEntry& entry);

// `draft` appended after `previous` (nullptr for the first entry): seq is
// previous->seq + 1 (or 1), prev is previous->hash (or kGenesisHash), and
// hash is computed. A null data becomes {}; other draft fields are kept.
AuditEntry Chain(const AuditEntry* previous, AuditEntry draft);
// The same after a head known only by its seq and hash (seq 0 and
// kGenesisHash for an empty log).
AuditEntry ChainAfter(int64_t head_seq, std::string_view head_hash,
                      AuditEntry draft);

// All nine fields.
nlohmann::json EntryToJson(const AuditEntry& entry);

// Parses what EntryToJson makes. Checks the shape only: an object with
// exactly the nine keys, seq an integer >= 1, data an object, the others
// strings. Whether the contents are genuine is the verifier's job (the
// hash). InvalidArgument with a sentence naming the field otherwise.
absl::StatusOr<AuditEntry> EntryFromJson(const nlohmann::json& json);

}  // namespace signoff::audit

#endif  // SIGNOFF_RUNTIME_AUDIT_ENTRY_H_
