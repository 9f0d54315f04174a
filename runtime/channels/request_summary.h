// What a chat channel shows of a request, read once from the outbox payload
// (channel.h), so that Slack and Teams say the same things in the same
// words: who asks for what, the params, the deciding rules and messages,
// the justification and ticket, the quorum and its progress, the votes, the
// expiry, how it ended and whether it was escalated.
//
//   const RequestSummary summary = Summarize(message.payload);
//   if (summary.pending && IsRequestId(summary.id)) { ... buttons ... }
//   ... summary.outcome ...  // "Approved by bob, carol; grant used"
//
// Every text of a RequestSummary is plain (no markup; a channel escapes it
// for its own format), never longer than its bound below and never cut
// inside a UTF-8 sequence (a cut text ends in "…"). A channel cuts further
// to its own limits and decides how many list items to show: the lists hold
// every item of the payload.
//
// Also the helpers both channels need on the JSON they send and receive:
// member access that never throws, scalars as text, UTF-8-safe cutting and
// the check of a request id in an inbound click.
//
// Thread safety: everything here is pure.
#ifndef SIGNOFF_RUNTIME_CHANNELS_REQUEST_SUMMARY_H_
#define SIGNOFF_RUNTIME_CHANNELS_REQUEST_SUMMARY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"

namespace signoff::channels {

// Appended to a text that was cut (U+2026, 3 bytes).
inline constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

// The bounds of the texts of a RequestSummary, in bytes.
inline constexpr size_t kSummaryMaxName = 200;      // names, ids, keys, times
inline constexpr size_t kSummaryMaxText = 2000;     // values, messages, ...
inline constexpr size_t kSummaryMaxComment = 1000;  // a vote's comment
inline constexpr size_t kSummaryMaxWhere = 500;     // a clause's condition
// At most this many names in an outcome line; then "and N more".
inline constexpr size_t kSummaryMaxOutcomeNames = 30;

// The longest id a click may carry (IsRequestId).
inline constexpr size_t kMaxRequestIdLength = 64;

struct RequestSummary {
  struct Param {
    std::string key;
    std::string value;  // strings as they are, anything else as JSON
  };
  // One clause of the quorum.
  struct Requirement {
    std::string group;   // "?" when missing
    std::string where;   // the clause's condition; "" when it has none
    std::string have;    // approvals so far; "?" when missing
    std::string needed;  // "?" when missing
    std::vector<std::string> approvers;  // who approved so far
    bool satisfiable = true;  // false: not enough eligible approvers left
  };
  struct Vote {
    std::string identity;  // "?" when missing
    std::string vote;      // "approve", "reject" or as given; "?" if missing
    std::string comment;   // "" when none
    bool counted = true;   // false when the payload says it did not count
  };

  // The request id; "" when missing or not a string.
  std::string id;
  // The change: audit type ("vote.accepted"), who made it, when (as given).
  std::string event;
  std::string actor;
  std::string time;

  std::string status;        // as given; "?" when missing
  bool pending = false;      // status is "pending"
  std::string action;        // "?" when missing
  std::string requester;     // the requester's id; "?" when missing
  std::string on_behalf_of;  // "" when it acts for nobody
  // The params in key order; params that are not an object (nor null) are
  // one Param with key "params".
  std::vector<Param> params;
  std::vector<std::string> rules;     // the deciding rules
  std::vector<std::string> messages;  // the policy's messages
  std::string justification;          // "" when none
  std::string ticket;                 // "" when none
  std::vector<Requirement> requirements;
  // "Rejections: R of N to reject" when N rejections veto the request;
  // "" when there is no veto.
  std::string veto;
  std::vector<Vote> votes;  // in the order cast, counted or not
  // RFC 3339 texts as given: the deadline while pending ("" once final),
  // when it ended once final ("" while pending).
  std::string expires;
  std::string resolved;
  // How it ended, "" while pending: "Approved by bob, carol", "Approved by
  // policy", "...; grant used", "...; grant expired unused", "Rejected by
  // dave", "Expired without quorum", "Cancelled by the requester", "Denied
  // by policy", "Status: <status>", "Unknown status".
  std::string outcome;
  // "Escalated to <group> after <after>" (either part left out when
  // missing) for a request.escalated change; "" otherwise.
  std::string escalation;

  // "agent:etl" or "agent:etl (on behalf of dana)".
  std::string Requester() const;
  // One line for notifications: "agent:etl (on behalf of dana) asks to
  // db.export: approval needed (request r_1)", the outcome once final.
  std::string Headline() const;
};

// The summary of an outbox payload (channel.h). Never throws: missing or
// mistyped fields are "?" or "" as documented above, list items that are
// not objects (requirements, votes) or not scalars (rules, messages,
// approvers) are left out.
RequestSummary Summarize(const nlohmann::json& payload);

// `text` when it has at most `max` bytes; else its longest start that ends
// before a UTF-8 sequence and leaves room for "…", then "…" (just the start
// when `max` is under 3 bytes).
std::string TruncateUtf8(std::string_view text, size_t max);

// Whether `text` can be a request id: 1-64 of [A-Za-z0-9_-]. What an
// inbound click (a button's value) must be before it is looked up.
bool IsRequestId(std::string_view text);

// object[key]; a null when `object` is not an object or has no `key`.
const nlohmann::json& JsonMember(const nlohmann::json& object, const char* key);
// object[key] when it is a string, else "".
std::string StringMember(const nlohmann::json& object, const char* key);
// A scalar as text: strings as they are, numbers and booleans as JSON; ""
// for null, arrays and objects.
std::string ScalarText(const nlohmann::json& value);
// JSON text that never throws: invalid UTF-8 becomes U+FFFD.
std::string DumpJson(const nlohmann::json& value);

}  // namespace signoff::channels

#endif  // SIGNOFF_RUNTIME_CHANNELS_REQUEST_SUMMARY_H_
