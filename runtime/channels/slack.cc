// The Slack channel: rendering a request as Block Kit, posting and updating
// it through the Web API (chat.postMessage, chat.update), and reading button
// clicks from Slack's interactivity requests. What a message says comes
// from the request's RequestSummary (request_summary.h); this file escapes
// it for mrkdwn and lays it out within Slack's limits. See slack.h.
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
#include "runtime/channels/request_summary.h"
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
// Ours: a Slack error in an audit line.
constexpr size_t kMaxError = 200;
// Room kept at the end of a list for "\n…and N more".
constexpr size_t kMoreReserve = 32;

constexpr std::string_view kApproveAction = "signoff_approve";
constexpr std::string_view kRejectAction = "signoff_reject";

// The Slack errors that may pass on a later try.
constexpr std::string_view kTransientErrors[] = {
    "ratelimited", "internal_error", "fatal_error", "service_unavailable",
    "request_timeout"};

// Escaped `text` cut like TruncateUtf8, and never in the middle of an
// escape (&amp; &lt; &gt;).
std::string Truncate(std::string_view text, size_t max) {
  std::string out = TruncateUtf8(text, max);
  if (out.size() == text.size()) return out;  // not cut
  const size_t kept =
      max >= kEllipsis.size() ? out.size() - kEllipsis.size() : out.size();
  if (kept == 0) return out;
  const size_t amp = out.rfind('&', kept - 1);
  if (amp != std::string::npos && kept - amp < 5 &&
      out.find(';', amp) >= kept) {
    out.erase(amp, kept - amp);
  }
  return out;
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
  return {{"type", "mrkdwn"}, {"text", Truncate(text, max)}};
}

json PlainText(std::string text, size_t max) {
  if (text.empty()) text = "?";
  return {
      {"type", "plain_text"}, {"text", Truncate(text, max)}, {"emoji", true}};
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
  return Truncate(out, max);
}

std::string Escaped(const std::vector<std::string>& items) {
  std::vector<std::string> escaped;
  escaped.reserve(items.size());
  for (const std::string& item : items) {
    escaped.push_back(EscapeSlackText(item));
  }
  return absl::StrJoin(escaped, ", ");
}

// "*agent:etl* (on behalf of *dana*)", escaped.
std::string Requester(const RequestSummary& summary) {
  std::string out = absl::StrCat("*", EscapeSlackText(summary.requester), "*");
  if (!summary.on_behalf_of.empty()) {
    absl::StrAppend(&out, " (on behalf of *",
                    EscapeSlackText(summary.on_behalf_of), "*)");
  }
  return out;
}

// How a final request ended, with an emoji for its status; escaped.
std::string OutcomeLine(const RequestSummary& summary) {
  const std::string& status = summary.status;
  std::string_view emoji;
  if (status == "approved" || status == "consumed") {
    emoji = ":white_check_mark: ";
  } else if (status == "rejected" || status == "denied") {
    emoji = ":no_entry: ";
  } else if (status == "expired") {
    emoji = ":hourglass: ";
  } else if (status == "cancelled") {
    emoji = ":wastebasket: ";
  }
  return absl::StrCat(AsAbsl(emoji), EscapeSlackText(summary.outcome));
}

// <!date^UNIX^{date_short_pretty} {time}|RFC3339>, shown in the reader's
// time zone; the text as it is when it is not RFC 3339.
std::string SlackDate(const std::string& rfc3339) {
  const std::optional<int64_t> seconds = stdlib::ParseRfc3339(rfc3339);
  const std::string text = EscapeSlackText(rfc3339);
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
std::vector<json> ParamFields(
    const std::vector<RequestSummary::Param>& params) {
  std::vector<json> fields;
  for (const RequestSummary::Param& param : params) {
    fields.push_back(Mrkdwn(absl::StrCat("*", EscapeSlackText(param.key), "*\n",
                                         EscapeSlackText(param.value)),
                            kMaxFieldText));
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
            std::string_view style, const RequestSummary& summary) {
  // Plain text: shown as it is, no escaping needed (or wanted).
  const std::string question =
      absl::StrCat(AsAbsl(label), " ", summary.action, " requested by ",
                   summary.requester, "? Your vote is recorded.");
  return {{"type", "button"},
          {"action_id", action_id},
          {"style", style},
          {"text", PlainText(std::string(label), kMaxButtonText)},
          {"value", summary.id},
          {"confirm", ConfirmDialog(label, question)}};
}

// The quorum: per requirement, how many of whom, and who so far.
std::vector<std::string> QuorumLines(const RequestSummary& summary) {
  std::vector<std::string> quorum;
  for (const RequestSummary::Requirement& requirement : summary.requirements) {
    std::string line =
        absl::StrCat("• ", EscapeSlackText(requirement.have), "/",
                     EscapeSlackText(requirement.needed), " of *",
                     EscapeSlackText(requirement.group), "*");
    if (!requirement.where.empty()) {
      absl::StrAppend(&line, " where ", Code(requirement.where));
    }
    if (!requirement.approvers.empty()) {
      absl::StrAppend(&line,
                      " — approvers so far: ", Escaped(requirement.approvers));
    }
    if (!requirement.satisfiable) {
      absl::StrAppend(&line, " (not enough eligible approvers)");
    }
    quorum.push_back(std::move(line));
  }
  if (!summary.veto.empty()) {
    quorum.push_back(absl::StrCat("• ", EscapeSlackText(summary.veto)));
  }
  return quorum;
}

std::vector<std::string> VoteLines(const RequestSummary& summary) {
  std::vector<std::string> votes;
  for (const RequestSummary::Vote& vote : summary.votes) {
    std::string line = absl::StrCat("• *", EscapeSlackText(vote.identity),
                                    "*: ", EscapeSlackText(vote.vote));
    if (!vote.comment.empty()) {
      absl::StrAppend(&line, " — “", EscapeSlackText(vote.comment), "”");
    }
    if (!vote.counted) absl::StrAppend(&line, " (not counted)");
    votes.push_back(std::move(line));
  }
  return votes;
}

// The blocks of a message but for the params, which go in between and get
// whatever room is left under kMaxBlocks.
struct Parts {
  std::vector<json> before_params;
  std::vector<json> after_params;
};

Parts BuildParts(const RequestSummary& summary) {
  Parts parts;
  parts.before_params.push_back(Section(absl::StrCat(
      summary.pending ? ":raised_hand: *Approval requested*\n"
                      : "*Approval request*\n",
      Requester(summary), " asks to *", EscapeSlackText(summary.action), "*")));

  std::vector<json>& out = parts.after_params;
  // Why: the context the requester gave.
  std::vector<std::string> why;
  if (!summary.justification.empty()) {
    why.push_back(absl::StrCat("*Justification*: ",
                               EscapeSlackText(summary.justification)));
  }
  if (!summary.ticket.empty()) {
    why.push_back(absl::StrCat("*Ticket*: ", EscapeSlackText(summary.ticket)));
  }
  if (!why.empty()) out.push_back(Section(JoinLines("", why, kMaxSectionText)));

  // The policy: deciding rules and their messages.
  if (!summary.rules.empty()) {
    std::vector<std::string> codes;
    for (const std::string& rule : summary.rules) codes.push_back(Code(rule));
    out.push_back(Section(
        JoinLines("*Rules*", {absl::StrJoin(codes, ", ")}, kMaxSectionText)));
  }
  std::vector<std::string> messages;
  for (const std::string& message : summary.messages) {
    std::vector<std::string> quoted;
    for (absl::string_view line : absl::StrSplit(message, '\n')) {
      quoted.push_back(absl::StrCat("> ", EscapeSlackText(AsStd(line))));
    }
    messages.push_back(absl::StrJoin(quoted, "\n"));
  }
  if (!messages.empty()) {
    out.push_back(Section(JoinLines("*Message*", messages, kMaxSectionText)));
  }

  if (std::vector<std::string> quorum = QuorumLines(summary); !quorum.empty()) {
    out.push_back(Section(JoinLines("*Quorum*", quorum, kMaxSectionText)));
  }

  // Status and expiry (or end), side by side.
  std::vector<json> fields = {
      Mrkdwn(absl::StrCat("*Status*\n", EscapeSlackText(summary.status)),
             kMaxFieldText)};
  if (!summary.expires.empty()) {
    fields.push_back(
        Mrkdwn(absl::StrCat("*Expires*\n", SlackDate(summary.expires)),
               kMaxFieldText));
  }
  if (!summary.resolved.empty()) {
    fields.push_back(
        Mrkdwn(absl::StrCat("*Resolved*\n", SlackDate(summary.resolved)),
               kMaxFieldText));
  }
  out.push_back({{"type", "section"}, {"fields", std::move(fields)}});

  // The votes so far.
  if (std::vector<std::string> votes = VoteLines(summary); !votes.empty()) {
    out.push_back(Section(JoinLines("*Votes*", votes, kMaxSectionText)));
  } else if (summary.pending) {
    out.push_back(Section("*Votes*: none yet"));
  }

  // An escalation, as a note.
  if (!summary.escalation.empty()) {
    out.push_back(Context(
        absl::StrCat(":arrow_up: ", EscapeSlackText(summary.escalation))));
  }

  // The outcome, or the buttons to reach one (for an id a click can carry).
  if (!summary.pending) {
    out.push_back(Section(OutcomeLine(summary)));
  } else if (IsRequestId(summary.id)) {
    out.push_back(
        {{"type", "actions"},
         {"block_id", "signoff_vote"},
         {"elements",
          json::array({Button(kApproveAction, "Approve", "primary", summary),
                       Button(kRejectAction, "Reject", "danger", summary)})}});
  }

  // Which request and which change.
  std::string footer =
      absl::StrCat("Request ", Code(summary.id.empty() ? "?" : summary.id));
  if (!summary.event.empty()) {
    absl::StrAppend(&footer, " · ", EscapeSlackText(summary.event));
    if (!summary.actor.empty()) {
      absl::StrAppend(&footer, " by ", EscapeSlackText(summary.actor));
    }
  }
  if (!summary.time.empty()) {
    absl::StrAppend(&footer, " · ", SlackDate(summary.time));
  }
  out.push_back(Context(std::move(footer)));
  return parts;
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
  PostRef post{StringMember(parsed, "channel"), StringMember(parsed, "ts")};
  if (post.channel.empty() || post.ts.empty()) return std::nullopt;
  return post;
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
  call.body = DumpJson(body);
  call.timeout_ms = options.timeout_ms;
  const HttpAnswer answer = CallHttp(call);

  SlackAnswer out;
  out.delivery = ResultOf(answer);
  if (out.delivery.outcome != Outcome::kDelivered) return out;
  json parsed = json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  const json& ok = JsonMember(parsed, "ok");
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
  out.error = TruncateUtf8(ScalarText(JsonMember(parsed, "error")), kMaxError);
  if (out.error.empty()) out.error = "?";
  out.delivery.outcome =
      IsTransient(out.error) ? Outcome::kRetry : Outcome::kRejected;
  out.delivery.detail = absl::StrCat("slack: ", out.error);
  return out;
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
  return absl::StrCat("`", TruncateUtf8(text, 40), "`");
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
  const RequestSummary summary = Summarize(payload);
  Parts parts = BuildParts(summary);

  std::vector<json> fields = ParamFields(summary.params);
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

  // The fallback text: one line for notifications and old clients.
  return {
      {"text", Truncate(EscapeSlackText(summary.Headline()), kMaxFallbackText)},
      {"blocks", std::move(blocks)}};
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
    request_id = StringMember(JsonMember(message.payload, "request"), "id");
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
  std::string channel = ScalarText(JsonMember(post.body, "channel"));
  if (channel.empty()) channel = options_.channel;
  const std::string ts = ScalarText(JsonMember(post.body, "ts"));
  if (!ts.empty()) result.ref = DumpJson({{"channel", channel}, {"ts", ts}});
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
  const json& type = JsonMember(doc, "type");
  if (!type.is_string()) return Refused("`payload` has no `type`");
  if (type.get_ref<const std::string&>() != "block_actions") {
    return Refused(absl::StrCat("unsupported interaction type ",
                                Quoted(type.get_ref<const std::string&>()),
                                " (only block_actions)"));
  }
  const json& actions = JsonMember(doc, "actions");
  if (!actions.is_array() || actions.empty()) return Refused("no action");
  const json& first = actions[0];
  const json& action_id = JsonMember(first, "action_id");
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
  const json& value = JsonMember(first, "value");
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    return Refused("the action has no request id (`value`)");
  }
  const std::string& request_id = value.get_ref<const std::string&>();
  if (request_id.size() > kMaxRequestIdLength) {
    return Refused(absl::StrCat("the request id is longer than ",
                                kMaxRequestIdLength, " characters"));
  }
  if (!IsRequestId(request_id)) {
    return Refused("the request id has characters outside [A-Za-z0-9_-]");
  }
  click.request_id = request_id;

  const json& user = JsonMember(doc, "user");
  click.user_id = ScalarText(JsonMember(user, "id"));
  if (!JsonMember(user, "id").is_string() || click.user_id.empty()) {
    return Refused("missing user (`user.id`)");
  }
  click.team_id = ScalarText(JsonMember(JsonMember(doc, "team"), "id"));
  if (click.team_id.empty())
    click.team_id = ScalarText(JsonMember(user, "team_id"));
  click.response_url = ScalarText(JsonMember(doc, "response_url"));
  const json& container = JsonMember(doc, "container");
  click.channel_id = ScalarText(JsonMember(JsonMember(doc, "channel"), "id"));
  if (click.channel_id.empty()) {
    click.channel_id = ScalarText(JsonMember(container, "channel_id"));
  }
  click.message_ts = ScalarText(JsonMember(container, "message_ts"));
  if (click.message_ts.empty()) {
    click.message_ts = ScalarText(JsonMember(JsonMember(doc, "message"), "ts"));
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
      DumpJson({{"response_type", "ephemeral"},
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
