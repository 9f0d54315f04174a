// The Slack channel: rendering a request as Block Kit, posting and updating
// it through the Web API (chat.postMessage, chat.update), and reading button
// clicks from Slack's interactivity requests. See slack.h.
#include "runtime/channels/slack.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "runtime/channels/delivery.h"
#include "runtime/channels/http_call.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::channels {
namespace {

using nlohmann::json;

// Slack's limits (Block Kit reference), in characters; the texts here are
// cut by bytes, which never exceeds the same number of characters.
constexpr size_t kMaxBlocks = 50;
constexpr size_t kMaxSectionText = 3000;
constexpr size_t kMaxFieldsPerSection = 10;
constexpr size_t kMaxFieldText = 2000;
constexpr size_t kMaxContextText = 2000;
constexpr size_t kMaxFallbackText = 4000;
constexpr size_t kMaxConfirmTitle = 100;
constexpr size_t kMaxConfirmText = 300;
constexpr size_t kMaxConfirmButton = 30;
constexpr size_t kMaxButtonText = 75;
constexpr size_t kMaxButtonValue = 2000;
// Ours: a key of a param, a name in a list, a Slack error in an audit line.
constexpr size_t kMaxName = 200;
constexpr size_t kMaxRequestId = 64;
// Room kept at the end of a list for "\n…and N more".
constexpr size_t kMoreReserve = 32;

constexpr std::string_view kEllipsis = "…";
constexpr std::string_view kApproveAction = "signoff_approve";
constexpr std::string_view kRejectAction = "signoff_reject";

// The Slack errors that may pass on a later try.
constexpr std::string_view kTransientErrors[] = {
    "ratelimited", "internal_error", "fatal_error", "service_unavailable",
    "request_timeout"};

// JSON text that never throws: invalid UTF-8 becomes U+FFFD.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// payload[key], or null when `object` is not an object or has no `key`.
const json& Member(const json& object, const char* key) {
  static const json* const kNull = new json();
  if (!object.is_object()) return *kNull;
  auto it = object.find(key);
  return it == object.end() ? *kNull : *it;
}

// A scalar as text: strings as they are, numbers and booleans as JSON, ""
// for anything else.
std::string Scalar(const json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>();
  if (value.is_number() || value.is_boolean()) return Dump(value);
  return "";
}

std::string OrUnknown(std::string text) {
  return text.empty() ? std::string("?") : text;
}

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// `text` cut to at most `max` bytes, ending in "…" when cut; never in the
// middle of a UTF-8 sequence or of an escape (&amp; &lt; &gt;).
std::string Truncate(std::string text, size_t max) {
  if (text.size() <= max) return text;
  const bool room_for_ellipsis = max >= kEllipsis.size();
  size_t cut = room_for_ellipsis ? max - kEllipsis.size() : max;
  while (cut > 0 && IsContinuationByte(text[cut])) --cut;
  if (cut > 0) {
    const size_t amp = text.rfind('&', cut - 1);
    if (amp != std::string::npos && cut - amp < 5 &&
        text.find(';', amp) >= cut) {
      cut = amp;
    }
  }
  text.resize(cut);
  if (room_for_ellipsis) text += kEllipsis;
  return text;
}

// Inline code with `text`, which cannot close it early.
std::string Code(std::string_view text) {
  std::string inner = EscapeSlackText(text);
  for (char& c : inner) {
    if (c == '`') c = '\'';
  }
  return absl::StrCat("`", inner, "`");
}

json Mrkdwn(std::string text, size_t max) {
  if (text.empty()) text = " ";
  return {{"type", "mrkdwn"}, {"text", Truncate(std::move(text), max)}};
}

json PlainText(std::string text, size_t max) {
  if (text.empty()) text = "?";
  return {{"type", "plain_text"},
          {"text", Truncate(std::move(text), max)},
          {"emoji", true}};
}

json Section(std::string text) {
  return {{"type", "section"},
          {"text", Mrkdwn(std::move(text), kMaxSectionText)}};
}

json Context(std::string text) {
  return {
      {"type", "context"},
      {"elements", json::array({Mrkdwn(std::move(text), kMaxContextText)})}};
}

// `header` and then as many of `lines` as fit in `max` bytes, one a line,
// with "…and N more" for the rest.
std::string JoinLines(std::string header, const std::vector<std::string>& lines,
                      size_t max) {
  std::string out = std::move(header);
  size_t shown = 0;
  for (const std::string& line : lines) {
    const bool last = shown + 1 == lines.size();
    const size_t need =
        out.size() + 1 + line.size() + (last ? 0 : kMoreReserve);
    if (need <= max) {
      absl::StrAppend(&out, out.empty() ? "" : "\n", line);
      ++shown;
      continue;
    }
    if (shown == 0 && out.size() + 1 + kMoreReserve + 16 <= max) {
      absl::StrAppend(&out, out.empty() ? "" : "\n",
                      Truncate(line, max - out.size() - 1 - kMoreReserve));
      ++shown;
    }
    break;
  }
  if (shown < lines.size()) {
    absl::StrAppend(&out, "\n…and ", lines.size() - shown, " more");
  }
  return Truncate(std::move(out), max);
}

// The strings of a JSON array (other elements as "?"); empty for a
// non-array.
std::vector<std::string> Strings(const json& array) {
  std::vector<std::string> out;
  if (!array.is_array()) return out;
  for (const json& item : array) out.push_back(OrUnknown(Scalar(item)));
  return out;
}

std::string Escaped(const std::vector<std::string>& items) {
  std::vector<std::string> escaped;
  escaped.reserve(items.size());
  for (const std::string& item : items) {
    escaped.push_back(EscapeSlackText(Truncate(item, kMaxName)));
  }
  return absl::StrJoin(escaped, ", ");
}

// The identities that approved, in the order they voted (votes that did not
// count are left out).
std::vector<std::string> Approvers(const json& request) {
  std::vector<std::string> out;
  const json& votes = Member(request, "votes");
  if (!votes.is_array()) return out;
  for (const json& vote : votes) {
    if (Scalar(Member(vote, "vote")) != "approve") continue;
    const json& counted = Member(vote, "counted");
    if (counted.is_boolean() && !counted.get<bool>()) continue;
    out.push_back(OrUnknown(Scalar(Member(vote, "identity"))));
  }
  return out;
}

// "alice" or "agent:etl (on behalf of dana)", escaped; bold for mrkdwn.
std::string Requester(const json& request, bool bold) {
  const json& requester = Member(request, "requester");
  std::string id = requester.is_object() ? Scalar(Member(requester, "id"))
                                         : Scalar(requester);
  const std::string on_behalf_of = Scalar(Member(requester, "on_behalf_of"));
  const std::string mark = bold ? "*" : "";
  std::string out = absl::StrCat(
      mark, EscapeSlackText(Truncate(OrUnknown(std::move(id)), kMaxName)),
      mark);
  if (!on_behalf_of.empty()) {
    absl::StrAppend(&out, " (on behalf of ", mark,
                    EscapeSlackText(Truncate(on_behalf_of, kMaxName)), mark,
                    ")");
  }
  return out;
}

// How a final request ended, escaped; "" while pending.
std::string OutcomeLine(const json& request) {
  const std::string status = Scalar(Member(request, "status"));
  const std::string resolved_by = Scalar(Member(request, "resolved_by"));
  auto approved_by = [&] {
    if (resolved_by == "policy") return std::string("Approved by policy");
    std::vector<std::string> approvers = Approvers(request);
    if (approvers.empty() && !resolved_by.empty()) approvers = {resolved_by};
    return absl::StrCat("Approved by ",
                        approvers.empty() ? "?" : Escaped(approvers));
  };
  if (status == "pending") return "";
  if (status == "approved") {
    return absl::StrCat(":white_check_mark: ", approved_by());
  }
  if (status == "consumed") {
    return absl::StrCat(":white_check_mark: ", approved_by(), " — grant used");
  }
  if (status == "rejected") {
    return absl::StrCat(
        ":no_entry: Rejected by ",
        EscapeSlackText(Truncate(OrUnknown(resolved_by), kMaxName)));
  }
  if (status == "expired") return ":hourglass: Expired without quorum";
  if (status == "cancelled") return ":wastebasket: Cancelled by the requester";
  if (status == "denied") return ":no_entry: Denied by policy";
  return absl::StrCat("Status: ",
                      EscapeSlackText(Truncate(OrUnknown(status), kMaxName)));
}

// <!date^UNIX^{date_short_pretty} {time}|RFC3339>, shown in the reader's
// time zone; the text as it is when it is not RFC 3339.
std::string SlackDate(const std::string& rfc3339) {
  const std::optional<int64_t> seconds = stdlib::ParseRfc3339(rfc3339);
  const std::string text = EscapeSlackText(Truncate(rfc3339, kMaxName));
  if (!seconds) return text;
  return absl::StrCat("<!date^", *seconds, "^{date_short_pretty} {time}|", text,
                      ">");
}

json ParamsSection(std::vector<json> fields, bool first) {
  json section = {{"type", "section"}, {"fields", std::move(fields)}};
  if (first) section["text"] = Mrkdwn("*Parameters*", kMaxSectionText);
  return section;
}

// The field texts of the params: "*key*\nvalue".
std::vector<json> ParamFields(const json& params) {
  std::vector<json> fields;
  if (params.is_object()) {
    for (const auto& [key, value] : params.items()) {
      const std::string text =
          value.is_string() ? value.get_ref<const std::string&>() : Dump(value);
      fields.push_back(Mrkdwn(
          absl::StrCat("*", EscapeSlackText(Truncate(key, kMaxName)), "*\n",
                       EscapeSlackText(Truncate(text, kMaxFieldText))),
          kMaxFieldText));
    }
  } else if (!params.is_null()) {
    fields.push_back(Mrkdwn(
        EscapeSlackText(Truncate(Dump(params), kMaxFieldText)), kMaxFieldText));
  }
  return fields;
}

json ConfirmDialog(std::string_view verb, const std::string& question) {
  return {{"title", PlainText(absl::StrCat(AsAbsl(verb), " this request?"),
                              kMaxConfirmTitle)},
          {"text", PlainText(question, kMaxConfirmText)},
          {"confirm", PlainText(std::string(verb), kMaxConfirmButton)},
          {"deny", PlainText("Cancel", kMaxConfirmButton)}};
}

json Button(std::string_view action_id, std::string_view label,
            std::string_view style, const std::string& request_id,
            const std::string& question) {
  return {{"type", "button"},
          {"action_id", action_id},
          {"style", style},
          {"text", PlainText(std::string(label), kMaxButtonText)},
          {"value", Truncate(request_id, kMaxButtonValue)},
          {"confirm", ConfirmDialog(label, question)}};
}

// The blocks of a message but for the params, which go in between and get
// whatever room is left under kMaxBlocks.
struct Parts {
  std::vector<json> before_params;
  std::vector<json> after_params;
};

Parts BuildParts(const json& payload, const json& request) {
  Parts parts;
  const std::string status = Scalar(Member(request, "status"));
  const bool pending = status == "pending";
  const std::string action =
      Truncate(OrUnknown(Scalar(Member(request, "action"))), kMaxName);
  const std::string request_id = Scalar(Member(request, "id"));

  parts.before_params.push_back(Section(absl::StrCat(
      pending ? ":raised_hand: *Approval requested*\n" : "*Approval request*\n",
      Requester(request, /*bold=*/true), " asks to *", EscapeSlackText(action),
      "*")));

  std::vector<json>& out = parts.after_params;
  // Why: the context the requester gave.
  const json& context = Member(request, "context");
  std::vector<std::string> why;
  if (std::string text = Scalar(Member(context, "justification"));
      !text.empty()) {
    why.push_back(absl::StrCat("*Justification*: ", EscapeSlackText(text)));
  }
  if (std::string text = Scalar(Member(context, "ticket")); !text.empty()) {
    why.push_back(absl::StrCat("*Ticket*: ", EscapeSlackText(text)));
  }
  if (!why.empty()) out.push_back(Section(JoinLines("", why, kMaxSectionText)));

  // The policy: deciding rules and their messages.
  const json& decision = Member(request, "decision");
  const std::vector<std::string> rules = Strings(Member(decision, "rules"));
  if (!rules.empty()) {
    std::vector<std::string> codes;
    for (const std::string& rule : rules) {
      codes.push_back(Code(Truncate(rule, kMaxName)));
    }
    out.push_back(Section(
        JoinLines("*Rules*", {absl::StrJoin(codes, ", ")}, kMaxSectionText)));
  }
  std::vector<std::string> messages;
  for (const std::string& message : Strings(Member(decision, "messages"))) {
    std::vector<std::string> quoted;
    for (absl::string_view line : absl::StrSplit(message, '\n')) {
      quoted.push_back(absl::StrCat("> ", EscapeSlackText(AsStd(line))));
    }
    messages.push_back(absl::StrJoin(quoted, "\n"));
  }
  if (!messages.empty()) {
    out.push_back(Section(JoinLines("*Message*", messages, kMaxSectionText)));
  }

  // The quorum: per requirement, how many of whom, and who so far.
  std::vector<std::string> quorum;
  const json& requirements = Member(request, "requirements");
  if (requirements.is_array()) {
    for (const json& requirement : requirements) {
      std::string line = absl::StrCat(
          "• ", OrUnknown(Scalar(Member(requirement, "have"))), "/",
          OrUnknown(Scalar(Member(requirement, "needed"))), " of *",
          EscapeSlackText(Truncate(
              OrUnknown(Scalar(Member(requirement, "group"))), kMaxName)),
          "*");
      if (std::string where = Scalar(Member(requirement, "where"));
          !where.empty()) {
        absl::StrAppend(&line, " where ", Code(Truncate(where, 500)));
      }
      const std::vector<std::string> approvers =
          Strings(Member(requirement, "approvers"));
      if (!approvers.empty()) {
        absl::StrAppend(&line, " — approvers so far: ", Escaped(approvers));
      }
      const json& satisfiable = Member(requirement, "satisfiable");
      if (satisfiable.is_boolean() && !satisfiable.get<bool>()) {
        absl::StrAppend(&line, " (not enough eligible approvers)");
      }
      quorum.push_back(std::move(line));
    }
  }
  const json& veto = Member(request, "veto");
  if (veto.is_number_integer() && veto.get<int64_t>() > 0) {
    quorum.push_back(absl::StrCat(
        "• ", veto.get<int64_t>(), " rejection(s) veto the request; ",
        OrUnknown(Scalar(Member(request, "rejections"))), " so far"));
  }
  if (!quorum.empty()) {
    out.push_back(Section(JoinLines("*Quorum*", quorum, kMaxSectionText)));
  }

  // Status and expiry, side by side.
  std::vector<json> fields = {Mrkdwn(
      absl::StrCat("*Status*\n",
                   EscapeSlackText(Truncate(OrUnknown(status), kMaxName))),
      kMaxFieldText)};
  if (std::string expires = Scalar(Member(request, "expires"));
      !expires.empty()) {
    fields.push_back(
        Mrkdwn(absl::StrCat("*Expires*\n", SlackDate(expires)), kMaxFieldText));
  }
  if (std::string resolved = Scalar(Member(request, "resolved"));
      !pending && !resolved.empty()) {
    fields.push_back(Mrkdwn(absl::StrCat("*Resolved*\n", SlackDate(resolved)),
                            kMaxFieldText));
  }
  out.push_back({{"type", "section"}, {"fields", std::move(fields)}});

  // The votes so far.
  std::vector<std::string> votes;
  const json& all_votes = Member(request, "votes");
  if (all_votes.is_array()) {
    for (const json& vote : all_votes) {
      std::string line = absl::StrCat(
          "• *",
          EscapeSlackText(
              Truncate(OrUnknown(Scalar(Member(vote, "identity"))), kMaxName)),
          "*: ",
          EscapeSlackText(
              Truncate(OrUnknown(Scalar(Member(vote, "vote"))), kMaxName)));
      if (std::string comment = Scalar(Member(vote, "comment"));
          !comment.empty()) {
        absl::StrAppend(&line, " — “", EscapeSlackText(Truncate(comment, 1000)),
                        "”");
      }
      const json& counted = Member(vote, "counted");
      if (counted.is_boolean() && !counted.get<bool>()) {
        absl::StrAppend(&line, " (not counted)");
      }
      votes.push_back(std::move(line));
    }
  }
  if (!votes.empty()) {
    out.push_back(Section(JoinLines("*Votes*", votes, kMaxSectionText)));
  } else if (pending) {
    out.push_back(Section("*Votes*: none yet"));
  }

  // An escalation, as a note.
  if (Scalar(Member(payload, "event")) == "request.escalated") {
    const json& escalation = Member(payload, "escalation");
    out.push_back(Context(absl::StrCat(
        ":arrow_up: Escalated to ",
        EscapeSlackText(
            Truncate(OrUnknown(Scalar(Member(escalation, "group"))), kMaxName)),
        " after ",
        EscapeSlackText(Truncate(OrUnknown(Scalar(Member(escalation, "after"))),
                                 kMaxName)))));
  }

  // The outcome, or the buttons to reach one.
  if (!pending) {
    out.push_back(Section(OutcomeLine(request)));
  } else if (!request_id.empty()) {
    // Plain text: shown as it is, no escaping needed (or wanted).
    const json& requester = Member(request, "requester");
    const std::string plain_who =
        OrUnknown(requester.is_object() ? Scalar(Member(requester, "id"))
                                        : Scalar(requester));
    out.push_back(
        {{"type", "actions"},
         {"block_id", "signoff_vote"},
         {"elements",
          json::array(
              {Button(kApproveAction, "Approve", "primary", request_id,
                      absl::StrCat("Approve ", action, " requested by ",
                                   plain_who, "? Your vote is recorded.")),
               Button(kRejectAction, "Reject", "danger", request_id,
                      absl::StrCat("Reject ", action, " requested by ",
                                   plain_who, "? Your vote is recorded."))})}});
  }

  // Which request and which change.
  std::string footer = absl::StrCat(
      "Request ", Code(Truncate(OrUnknown(request_id), kMaxRequestId)));
  if (std::string event = Scalar(Member(payload, "event")); !event.empty()) {
    absl::StrAppend(&footer, " · ", EscapeSlackText(Truncate(event, kMaxName)));
    if (std::string actor = Scalar(Member(payload, "actor")); !actor.empty()) {
      absl::StrAppend(&footer, " by ",
                      EscapeSlackText(Truncate(actor, kMaxName)));
    }
  }
  if (std::string time = Scalar(Member(payload, "time")); !time.empty()) {
    absl::StrAppend(&footer, " · ", SlackDate(time));
  }
  out.push_back(Context(std::move(footer)));
  return parts;
}

// The fallback text: one line for notifications and old clients.
std::string Summary(const json& request) {
  const std::string status = Scalar(Member(request, "status"));
  std::string outcome = status == "pending" ? std::string("approval needed")
                                            : OutcomeLine(request);
  // Drop the leading emoji code of the outcome line.
  if (!outcome.empty() && outcome[0] == ':') {
    const size_t space = outcome.find(' ');
    if (space != std::string::npos) outcome = outcome.substr(space + 1);
  }
  std::string text =
      absl::StrCat(Requester(request, /*bold=*/false), " asks to ",
                   EscapeSlackText(Truncate(
                       OrUnknown(Scalar(Member(request, "action"))), kMaxName)),
                   ": ", outcome);
  if (std::string id = Scalar(Member(request, "id")); !id.empty()) {
    absl::StrAppend(&text, " (request ",
                    EscapeSlackText(Truncate(id, kMaxRequestId)), ")");
  }
  return Truncate(std::move(text), kMaxFallbackText);
}

// Where a post is: the stored ref, when it is one.
struct PostRef {
  std::string channel;
  std::string ts;
};

std::optional<PostRef> ParseRef(std::string_view ref) {
  if (ref.empty()) return std::nullopt;
  const json parsed = json::parse(ref.begin(), ref.end(), nullptr,
                                  /*allow_exceptions=*/false);
  const std::string channel = Scalar(Member(parsed, "channel"));
  const std::string ts = Scalar(Member(parsed, "ts"));
  if (!Member(parsed, "channel").is_string() ||
      !Member(parsed, "ts").is_string() || channel.empty() || ts.empty()) {
    return std::nullopt;
  }
  return PostRef{channel, ts};
}

// One Web API call and what its answer means.
struct SlackAnswer {
  DeliveryResult delivery;
  json body;          // the answer when ok
  std::string error;  // Slack's error when ok is false
};

bool IsTransient(std::string_view error) {
  for (std::string_view transient : kTransientErrors) {
    if (error == transient) return true;
  }
  return false;
}

SlackAnswer CallSlack(const SlackOptions& options, std::string_view method,
                      const json& body) {
  std::string base = options.api_base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  HttpCall call;
  call.url = absl::StrCat(base, "/", AsAbsl(method));
  call.headers = {{"Authorization", absl::StrCat("Bearer ", options.token)}};
  call.content_type = "application/json; charset=utf-8";
  call.body = Dump(body);
  call.timeout_ms = options.timeout_ms;
  const HttpAnswer answer = CallHttp(call);

  SlackAnswer out;
  out.delivery = ResultOf(answer);
  if (out.delivery.outcome != Outcome::kDelivered) return out;
  json parsed = json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  const json& ok = Member(parsed, "ok");
  if (!ok.is_boolean()) {
    out.delivery.outcome = Outcome::kRetry;
    out.delivery.detail = absl::StrCat("slack: HTTP ", answer.status,
                                       " without a Web API answer");
    return out;
  }
  if (ok.get<bool>()) {
    out.body = std::move(parsed);
    return out;
  }
  out.error = Truncate(OrUnknown(Scalar(Member(parsed, "error"))), kMaxName);
  out.delivery.outcome =
      IsTransient(out.error) ? Outcome::kRetry : Outcome::kRejected;
  out.delivery.detail = absl::StrCat("slack: ", out.error);
  return out;
}

bool IsRequestIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::Status Refused(std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("slack interaction: ", AsAbsl(why)));
}

// `text` for an error message, quoted and cut (it goes to the audit and the
// HTTP answer, not to Slack, so it is not escaped).
std::string Quoted(const std::string& text) {
  return absl::StrCat("`", Truncate(text, 40), "`");
}

}  // namespace

std::string EscapeSlackText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

nlohmann::json RenderSlackMessage(const nlohmann::json& payload) {
  const json& request = Member(payload, "request");
  Parts parts = BuildParts(payload, request);

  std::vector<json> fields = ParamFields(Member(request, "params"));
  const size_t fixed = parts.before_params.size() + parts.after_params.size();
  // Room for the params sections, and one note when they do not all fit.
  const size_t room = kMaxBlocks > fixed + 1 ? kMaxBlocks - fixed - 1 : 0;
  const size_t sections_needed =
      (fields.size() + kMaxFieldsPerSection - 1) / kMaxFieldsPerSection;
  const size_t sections = std::min(sections_needed, room);

  json blocks = json::array();
  for (json& block : parts.before_params) blocks.push_back(std::move(block));
  size_t next = 0;
  for (size_t s = 0; s < sections; ++s) {
    std::vector<json> chunk;
    for (; next < fields.size() && chunk.size() < kMaxFieldsPerSection;
         ++next) {
      chunk.push_back(std::move(fields[next]));
    }
    blocks.push_back(ParamsSection(std::move(chunk), s == 0));
  }
  if (next < fields.size()) {
    blocks.push_back(Context(absl::StrCat("…and ", fields.size() - next,
                                          " more parameters not shown")));
  }
  for (json& block : parts.after_params) blocks.push_back(std::move(block));

  return {{"text", Summary(request)}, {"blocks", std::move(blocks)}};
}

SlackChannel::SlackChannel(SlackOptions options)
    : options_(std::move(options)) {}

SendResult SlackChannel::Send(const Notification& message,
                              std::string_view ref) {
  const json rendered = RenderSlackMessage(message.payload);
  std::string repost_note;
  if (std::optional<PostRef> post = ParseRef(ref)) {
    json body = rendered;
    body["channel"] = post->channel;
    body["ts"] = post->ts;
    SlackAnswer update = CallSlack(options_, "chat.update", body);
    if (update.error != "message_not_found") {
      return SendResult{std::move(update.delivery), ""};
    }
    repost_note = "; the post was gone, posted anew";
  }

  std::string request_id = message.request_id;
  if (request_id.empty()) {
    request_id = Scalar(Member(Member(message.payload, "request"), "id"));
  }
  json body = rendered;
  body["channel"] = options_.channel;
  body["metadata"] = {{"event_type", "signoff_request"},
                      {"event_payload",
                       {{"request_id", request_id},
                        {"idempotency_key", message.idempotency_key}}}};
  SlackAnswer post = CallSlack(options_, "chat.postMessage", body);
  SendResult result{std::move(post.delivery), ""};
  if (result.delivery.outcome != Outcome::kDelivered) return result;
  std::string channel = Scalar(Member(post.body, "channel"));
  if (channel.empty()) channel = options_.channel;
  const std::string ts = Scalar(Member(post.body, "ts"));
  if (!ts.empty()) result.ref = Dump({{"channel", channel}, {"ts", ts}});
  result.delivery.detail += repost_note;
  return result;
}

absl::StatusOr<std::string> SlackFormDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("bad %-escape at offset ", i));
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return out;
}

absl::StatusOr<SlackClick> ParseSlackInteraction(std::string_view form_body) {
  if (form_body.empty()) {
    return Refused("empty body (expected form data with a `payload` field)");
  }
  std::optional<std::string> payload;
  for (absl::string_view pair : absl::StrSplit(AsAbsl(form_body), '&')) {
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    if (equals == absl::string_view::npos) {
      return Refused("not form data (a field without `=`)");
    }
    absl::StatusOr<std::string> name =
        SlackFormDecode(AsStd(pair.substr(0, equals)));
    if (!name.ok()) {
      return Refused(absl::StrCat("not form data: ", name.status().message()));
    }
    if (*name != "payload") continue;
    if (payload) return Refused("more than one `payload` field");
    absl::StatusOr<std::string> value =
        SlackFormDecode(AsStd(pair.substr(equals + 1)));
    if (!value.ok()) {
      return Refused(absl::StrCat("not form data: ", value.status().message()));
    }
    payload = std::move(*value);
  }
  if (!payload) return Refused("no `payload` field");

  const json doc = json::parse(*payload, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Refused("`payload` is not a JSON object");
  const json& type = Member(doc, "type");
  if (!type.is_string()) return Refused("`payload` has no `type`");
  if (type.get_ref<const std::string&>() != "block_actions") {
    return Refused(absl::StrCat("unsupported interaction type ",
                                Quoted(type.get_ref<const std::string&>()),
                                " (only block_actions)"));
  }
  const json& actions = Member(doc, "actions");
  if (!actions.is_array() || actions.empty()) return Refused("no action");
  const json& first = actions[0];
  const json& action_id = Member(first, "action_id");
  if (!action_id.is_string()) return Refused("the action has no `action_id`");
  SlackClick click;
  const std::string& id = action_id.get_ref<const std::string&>();
  if (id == kApproveAction) {
    click.action = "approve";
  } else if (id == kRejectAction) {
    click.action = "reject";
  } else {
    return Refused(absl::StrCat("unknown action ", Quoted(id)));
  }
  const json& value = Member(first, "value");
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    return Refused("the action has no request id (`value`)");
  }
  const std::string& request_id = value.get_ref<const std::string&>();
  if (request_id.size() > kMaxRequestId) {
    return Refused(absl::StrCat("the request id is longer than ", kMaxRequestId,
                                " characters"));
  }
  for (char c : request_id) {
    if (!IsRequestIdChar(c)) {
      return Refused("the request id has characters outside [A-Za-z0-9_-]");
    }
  }
  click.request_id = request_id;

  const json& user = Member(doc, "user");
  click.user_id = Scalar(Member(user, "id"));
  if (!Member(user, "id").is_string() || click.user_id.empty()) {
    return Refused("missing user (`user.id`)");
  }
  click.team_id = Scalar(Member(Member(doc, "team"), "id"));
  if (click.team_id.empty()) click.team_id = Scalar(Member(user, "team_id"));
  click.response_url = Scalar(Member(doc, "response_url"));
  const json& container = Member(doc, "container");
  click.channel_id = Scalar(Member(Member(doc, "channel"), "id"));
  if (click.channel_id.empty()) {
    click.channel_id = Scalar(Member(container, "channel_id"));
  }
  click.message_ts = Scalar(Member(container, "message_ts"));
  if (click.message_ts.empty()) {
    click.message_ts = Scalar(Member(Member(doc, "message"), "ts"));
  }
  return click;
}

absl::Status PostSlackResponse(const std::string& response_url,
                               std::string_view text, int64_t timeout_ms) {
  HttpCall call;
  call.url = response_url;
  call.content_type = "application/json; charset=utf-8";
  call.timeout_ms = timeout_ms;
  call.body =
      Dump({{"response_type", "ephemeral"},
            {"replace_original", false},
            {"text", Truncate(EscapeSlackText(text), kMaxFallbackText)}});
  const HttpAnswer answer = CallHttp(call);
  if (answer.bad_url) {
    return absl::InvalidArgumentError(
        absl::StrCat("slack response_url: ", answer.error));
  }
  if (answer.status == 0) {
    return absl::UnavailableError(
        absl::StrCat("slack response_url: ", answer.error));
  }
  if (answer.status < 200 || answer.status >= 300) {
    return absl::UnavailableError(
        absl::StrCat("slack response_url: HTTP ", answer.status));
  }
  return absl::OkStatus();
}

}  // namespace signoff::channels
