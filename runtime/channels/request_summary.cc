// Reading an outbox payload into a RequestSummary: the texts both chat
// channels show, their bounds, and the outcome of a final request in words
// (request_summary.h).
#include "runtime/channels/request_summary.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "stdlib/absl_compat.h"

namespace signoff::channels {
namespace {

using nlohmann::json;

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::string OrUnknown(std::string text) {
  return text.empty() ? std::string("?") : text;
}

// A scalar as text, cut to `max`.
std::string Text(const json& value, size_t max = kSummaryMaxName) {
  return TruncateUtf8(ScalarText(value), max);
}

// The scalar items of `array` as texts cut to `max`; others left out.
std::vector<std::string> Texts(const json& array, size_t max) {
  std::vector<std::string> out;
  if (!array.is_array()) return out;
  for (const json& item : array) {
    std::string text = Text(item, max);
    if (!text.empty()) out.push_back(std::move(text));
  }
  return out;
}

// False only for an explicit `false`.
bool NotFalse(const json& value) {
  return !value.is_boolean() || value.get<bool>();
}

std::vector<RequestSummary::Param> Params(const json& params) {
  auto display = [](const json& value) {
    return TruncateUtf8(value.is_string() ? value.get_ref<const std::string&>()
                                          : DumpJson(value),
                        kSummaryMaxText);
  };
  std::vector<RequestSummary::Param> out;
  if (params.is_object()) {
    for (auto it = params.begin(); it != params.end(); ++it) {
      out.push_back(
          {TruncateUtf8(it.key(), kSummaryMaxName), display(it.value())});
    }
  } else if (!params.is_null()) {
    out.push_back({"params", display(params)});
  }
  return out;
}

std::vector<RequestSummary::Requirement> Requirements(
    const json& requirements) {
  std::vector<RequestSummary::Requirement> out;
  if (!requirements.is_array()) return out;
  for (const json& r : requirements) {
    if (!r.is_object()) continue;
    out.push_back({OrUnknown(Text(JsonMember(r, "group"))),
                   Text(JsonMember(r, "where"), kSummaryMaxWhere),
                   OrUnknown(Text(JsonMember(r, "have"))),
                   OrUnknown(Text(JsonMember(r, "needed"))),
                   Texts(JsonMember(r, "approvers"), kSummaryMaxName),
                   NotFalse(JsonMember(r, "satisfiable"))});
  }
  return out;
}

std::vector<RequestSummary::Vote> Votes(const json& votes) {
  std::vector<RequestSummary::Vote> out;
  if (!votes.is_array()) return out;
  for (const json& v : votes) {
    if (!v.is_object()) continue;
    out.push_back({OrUnknown(Text(JsonMember(v, "identity"))),
                   OrUnknown(Text(JsonMember(v, "vote"))),
                   Text(JsonMember(v, "comment"), kSummaryMaxComment),
                   NotFalse(JsonMember(v, "counted"))});
  }
  return out;
}

// Whether every clause has the approvals it needs (so an expired request
// was approved before: its grant expired unused).
bool QuorumMet(const json& requirements) {
  if (!requirements.is_array() || requirements.empty()) return false;
  return std::all_of(requirements.begin(), requirements.end(),
                     [](const json& r) {
                       const json& have = JsonMember(r, "have");
                       const json& needed = JsonMember(r, "needed");
                       return have.is_number() && needed.is_number() &&
                              have.get<double>() >= needed.get<double>();
                     });
}

// "<verb> by a, b and N more", or `verb` alone for no names.
std::string By(std::string_view verb, const std::vector<std::string>& names) {
  if (names.empty()) return std::string(verb);
  const size_t shown = std::min(names.size(), kSummaryMaxOutcomeNames);
  std::string out =
      absl::StrCat(AsAbsl(verb), " by ",
                   absl::StrJoin(names.begin(), names.begin() + shown, ", "));
  if (shown < names.size()) {
    absl::StrAppend(&out, " and ", names.size() - shown, " more");
  }
  return out;
}

// Who cast the counted votes `vote`, in order.
std::vector<std::string> CountedVoters(
    const std::vector<RequestSummary::Vote>& votes, std::string_view vote) {
  std::vector<std::string> out;
  for (const RequestSummary::Vote& v : votes) {
    if (v.counted && v.vote == vote) out.push_back(v.identity);
  }
  return out;
}

// How `request` ended, in words; "" while pending. resolved_by is who made
// the last change (the last voter, the consumer of the grant, "runtime" for
// an expiry, "policy" for an allow), so the approvers are the counted
// approve votes, and resolved_by only stands in for them while approved.
std::string Outcome(const json& request, const RequestSummary& summary) {
  const std::string& status = summary.status;
  if (summary.pending) return "";
  const std::string resolved_by = Text(JsonMember(request, "resolved_by"));
  const bool by_policy = resolved_by == "policy" ||
                         ScalarText(JsonMember(JsonMember(request, "decision"),
                                               "decision")) == "allow";
  auto approved = [&] {
    if (by_policy) return std::string("Approved by policy");
    std::vector<std::string> approvers =
        CountedVoters(summary.votes, "approve");
    if (approvers.empty() && status == "approved" && !resolved_by.empty()) {
      approvers.push_back(resolved_by);
    }
    return By("Approved", approvers);
  };
  if (status == "approved") return approved();
  if (status == "consumed") return absl::StrCat(approved(), "; grant used");
  if (status == "rejected") {
    std::vector<std::string> rejectors = CountedVoters(summary.votes, "reject");
    if (rejectors.empty() && !resolved_by.empty()) {
      rejectors.push_back(resolved_by);
    }
    return By("Rejected", rejectors);
  }
  if (status == "expired") {
    if (by_policy || QuorumMet(JsonMember(request, "requirements"))) {
      return absl::StrCat(approved(), "; grant expired unused");
    }
    return "Expired without quorum";
  }
  if (status == "cancelled") return "Cancelled by the requester";
  if (status == "denied") return "Denied by policy";
  if (status == "?") return "Unknown status";
  return absl::StrCat("Status: ", status);
}

}  // namespace

std::string RequestSummary::Requester() const {
  if (on_behalf_of.empty()) return requester;
  return absl::StrCat(requester, " (on behalf of ", on_behalf_of, ")");
}

std::string RequestSummary::Headline() const {
  std::string out = absl::StrCat(Requester(), " asks to ", action, ": ",
                                 pending ? "approval needed" : outcome);
  if (!id.empty()) absl::StrAppend(&out, " (request ", id, ")");
  return out;
}

RequestSummary Summarize(const nlohmann::json& payload) {
  const json& request = JsonMember(payload, "request");
  RequestSummary s;
  s.id = TruncateUtf8(StringMember(request, "id"), kSummaryMaxName);
  s.event = Text(JsonMember(payload, "event"));
  s.actor = Text(JsonMember(payload, "actor"));
  s.time = Text(JsonMember(payload, "time"));

  s.status = OrUnknown(Text(JsonMember(request, "status")));
  s.pending = s.status == "pending";
  s.action = OrUnknown(Text(JsonMember(request, "action")));
  const json& requester = JsonMember(request, "requester");
  s.requester = OrUnknown(
      Text(requester.is_object() ? JsonMember(requester, "id") : requester));
  s.on_behalf_of = Text(JsonMember(requester, "on_behalf_of"));
  s.params = Params(JsonMember(request, "params"));

  const json& decision = JsonMember(request, "decision");
  s.rules = Texts(JsonMember(decision, "rules"), kSummaryMaxName);
  s.messages = Texts(JsonMember(decision, "messages"), kSummaryMaxText);
  const json& context = JsonMember(request, "context");
  s.justification = Text(JsonMember(context, "justification"), kSummaryMaxText);
  s.ticket = Text(JsonMember(context, "ticket"), kSummaryMaxText);

  s.requirements = Requirements(JsonMember(request, "requirements"));
  const json& veto = JsonMember(request, "veto");
  if (veto.is_number() && veto.get<double>() > 0) {
    s.veto = absl::StrCat(
        "Rejections: ", OrUnknown(Text(JsonMember(request, "rejections"))),
        " of ", ScalarText(veto), " to reject");
  }
  s.votes = Votes(JsonMember(request, "votes"));

  if (s.pending) {
    s.expires = Text(JsonMember(request, "expires"));
  } else {
    s.resolved = Text(JsonMember(request, "resolved"));
  }
  s.outcome = Outcome(request, s);

  if (s.event == "request.escalated") {
    const json& escalation = JsonMember(payload, "escalation");
    s.escalation = "Escalated";
    if (std::string group = Text(JsonMember(escalation, "group"));
        !group.empty()) {
      absl::StrAppend(&s.escalation, " to ", group);
    }
    if (std::string after = Text(JsonMember(escalation, "after"));
        !after.empty()) {
      absl::StrAppend(&s.escalation, " after ", after);
    }
  }
  return s;
}

std::string TruncateUtf8(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  const bool ellipsis = max >= kEllipsis.size();
  size_t cut = ellipsis ? max - kEllipsis.size() : max;
  while (cut > 0 && IsContinuationByte(text[cut])) --cut;
  std::string out(text.substr(0, cut));
  if (ellipsis) out.append(kEllipsis);
  return out;
}

bool IsRequestId(std::string_view text) {
  return !text.empty() && text.size() <= kMaxRequestIdLength &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

const nlohmann::json& JsonMember(const nlohmann::json& object,
                                 const char* key) {
  static const json* const kNull = new json();
  if (!object.is_object()) return *kNull;
  auto it = object.find(key);
  return it == object.end() ? *kNull : *it;
}

std::string StringMember(const nlohmann::json& object, const char* key) {
  const json& value = JsonMember(object, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::string ScalarText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return DumpJson(value);
  return std::string();
}

std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace signoff::channels
