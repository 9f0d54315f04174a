// The Teams channel: the Adaptive Card of a request, the Bot Connector
// calls that post and replace it, the bot's client-credentials token, and
// the parsing of `adaptiveCard/action` invokes (teams.h). What a card says
// comes from the request's RequestSummary (request_summary.h); this file
// lays it out as card elements within the card's budget.
#include "runtime/channels/teams.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "runtime/channels/http_call.h"
#include "runtime/channels/request_summary.h"
#include "stdlib/absl_compat.h"

namespace signoff::channels {
namespace {

using nlohmann::json;

constexpr size_t kMaxText = 1000;      // one fact value, message, comment
constexpr size_t kMaxName = 100;       // identities, group and param names
constexpr size_t kMaxFacts = 30;       // params shown
constexpr size_t kMaxItems = 30;       // votes, requirements, rules shown
constexpr size_t kMaxMessages = 10;    // policy messages shown
constexpr size_t kCardBudget = 16000;  // all texts of one card, in bytes
constexpr size_t kMinText = 40;        // what a text keeps past the budget
constexpr size_t kMaxSummary = 200;
constexpr size_t kMaxActivityBytes = 1 << 20;
constexpr int64_t kTokenMarginMs = 5 * 60 * 1000;
constexpr char kCardContentType[] = "application/vnd.microsoft.card.adaptive";
constexpr char kScope[] = "https://api.botframework.com/.default";

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

// `time` as the Adaptive Card DATE()/TIME() functions take it
// ("2026-11-21T03:00:00Z", no fraction), or "" when it is not an RFC 3339
// UTC time of the runtime.
std::string CardTime(std::string_view time) {
  if (time.size() < 20 || time.back() != 'Z' || time[4] != '-' ||
      time[7] != '-' || time[10] != 'T' || time[13] != ':' || time[16] != ':' ||
      !IsDigits(time.substr(0, 4)) || !IsDigits(time.substr(5, 2)) ||
      !IsDigits(time.substr(8, 2)) || !IsDigits(time.substr(11, 2)) ||
      !IsDigits(time.substr(14, 2)) || !IsDigits(time.substr(17, 2))) {
    return std::string();
  }
  std::string_view rest = time.substr(19, time.size() - 20);
  if (!rest.empty() && (rest[0] != '.' || !IsDigits(rest.substr(1)))) {
    return std::string();
  }
  return absl::StrCat(AsAbsl(time.substr(0, 19)), "Z");
}

// Builds the card's body, charging every text to one budget so that a
// request with huge params or many votes still gives a card Teams takes.
class CardBody {
 public:
  // `text` bounded by `max` and by what is left of the budget.
  std::string Text(std::string_view text, size_t max = kMaxText) {
    const size_t left = budget_ > kMinText ? budget_ : kMinText;
    std::string out = TruncateUtf8(text, std::min(max, left));
    budget_ -= std::min(budget_, out.size());
    return out;
  }

  // A TextBlock: for texts of the runtime (Markdown is read in them).
  json& TextBlock(std::string text, json style = json::object()) {
    json block = {
        {"type", "TextBlock"}, {"text", std::move(text)}, {"wrap", true}};
    block.update(style);
    body_.push_back(std::move(block));
    return body_.back();
  }

  void Heading(std::string text) {
    TextBlock(
        std::move(text),
        {{"weight", "Bolder"}, {"separator", true}, {"spacing", "Medium"}});
  }

  // A RichTextBlock of TextRuns: texts others wrote, shown as they are.
  void Runs(std::vector<json> runs) {
    json inlines = json::array();
    for (json& run : runs) {
      if (run.is_string()) {
        std::string text = run.get<std::string>();
        run = json{{"text", std::move(text)}};
      }
      if (StringMember(run, "text").empty()) continue;
      run["type"] = "TextRun";
      inlines.push_back(std::move(run));
    }
    if (inlines.empty()) return;
    body_.push_back(
        {{"type", "RichTextBlock"}, {"inlines", std::move(inlines)}});
  }

  // "Label: value" with the value as it is.
  void Line(std::string_view label, std::string_view value) {
    if (value.empty()) return;
    Runs({json{{"text", absl::StrCat(AsAbsl(label), ": ")},
               {"weight", "Bolder"}},
          Text(value)});
  }

  void Push(json element) { body_.push_back(std::move(element)); }
  json Take() { return std::move(body_); }

 private:
  json body_ = json::array();
  size_t budget_ = kCardBudget;
};

json Bold(std::string text) {
  return {{"text", std::move(text)}, {"weight", "Bolder"}};
}

json Code(std::string text) {
  return {{"text", std::move(text)}, {"fontType", "Monospace"}};
}

// Calls `add` for each of the first kMaxItems of `items`, then says how
// many more there are.
template <typename Item, typename Add>
void AddFirst(CardBody& body, const std::vector<Item>& items, Add add) {
  for (size_t i = 0; i < items.size() && i < kMaxItems; ++i) add(items[i]);
  if (items.size() > kMaxItems) {
    body.Runs({absl::StrCat(AsAbsl(kEllipsis), " ", items.size() - kMaxItems,
                            " more")});
  }
}

// The first kMaxItems of `names`, "…" for the rest, with commas.
std::string NameList(CardBody& body, const std::vector<std::string>& names) {
  std::vector<std::string> shown;
  for (size_t i = 0; i < names.size() && i < kMaxItems; ++i) {
    shown.push_back(body.Text(names[i], kMaxName));
  }
  if (names.size() > kMaxItems) shown.push_back(std::string(kEllipsis));
  return absl::StrJoin(shown, ", ");
}

// The Adaptive Card color of the outcome of a request ending as `status`.
std::string_view OutcomeColor(std::string_view status) {
  if (status == "approved" || status == "consumed") return "Good";
  if (status == "rejected" || status == "denied") return "Attention";
  if (status == "expired") return "Warning";
  return "Default";
}

void AddRequester(CardBody& body, const RequestSummary& summary) {
  std::vector<json> runs = {Bold(body.Text(summary.requester, kMaxName))};
  if (!summary.on_behalf_of.empty()) {
    runs.push_back(" (on behalf of ");
    runs.push_back(Bold(body.Text(summary.on_behalf_of, kMaxName)));
    runs.push_back(")");
  }
  runs.push_back(" asks to ");
  runs.push_back(Code(body.Text(summary.action, kMaxName * 2)));
  body.Runs(std::move(runs));
}

void AddParams(CardBody& body, const RequestSummary& summary) {
  const std::vector<RequestSummary::Param>& params = summary.params;
  if (params.empty()) return;
  json facts = json::array();
  const size_t shown =
      params.size() > kMaxFacts ? kMaxFacts - 1 : params.size();
  for (size_t i = 0; i < shown; ++i) {
    facts.push_back({{"title", body.Text(params[i].key, kMaxName)},
                     {"value", body.Text(params[i].value)}});
  }
  if (params.size() > shown) {
    facts.push_back({{"title", std::string(kEllipsis)},
                     {"value", absl::StrCat(params.size() - shown, " more")}});
  }
  body.Heading("Parameters");
  body.Push({{"type", "FactSet"}, {"facts", std::move(facts)}});
}

void AddWhy(CardBody& body, const RequestSummary& summary) {
  if (summary.rules.empty() && summary.messages.empty() &&
      summary.justification.empty() && summary.ticket.empty()) {
    return;
  }
  body.Heading("Why");
  for (size_t i = 0; i < summary.messages.size() && i < kMaxMessages; ++i) {
    body.Runs({body.Text(summary.messages[i])});
  }
  body.Line("Rules", NameList(body, summary.rules));
  body.Line("Justification", summary.justification);
  body.Line("Ticket", summary.ticket);
}

void AddQuorum(CardBody& body, const RequestSummary& summary) {
  const std::vector<RequestSummary::Requirement>& requirements =
      summary.requirements;
  if (requirements.empty() && summary.veto.empty()) return;
  body.Heading("Quorum");
  AddFirst(body, requirements, [&](const RequestSummary::Requirement& r) {
    std::vector<json> runs;
    runs.push_back(absl::StrCat(body.Text(r.have, 20), "/",
                                body.Text(r.needed, 20), " of "));
    runs.push_back(Bold(body.Text(r.group, kMaxName)));
    if (!r.where.empty()) {
      runs.push_back(" where ");
      runs.push_back(Code(body.Text(r.where, kMaxText / 2)));
    }
    if (!r.approvers.empty()) {
      runs.push_back(
          absl::StrCat(" — approvers so far: ", NameList(body, r.approvers)));
    }
    if (!r.satisfiable) {
      runs.push_back({{"text", " (not enough eligible approvers)"},
                      {"color", "Attention"}});
    }
    body.Runs(std::move(runs));
  });
  if (!summary.veto.empty()) body.Runs({body.Text(summary.veto)});
}

// "Expires <date> at <time>" in the reader's time zone (DATE()/TIME() of
// Adaptive Cards), or the text as it is when it is no runtime time.
void AddTime(CardBody& body, std::string_view label, std::string_view time) {
  if (time.empty()) return;
  const std::string card_time = CardTime(time);
  if (card_time.empty()) {
    body.Line(label, time);
    return;
  }
  body.TextBlock(absl::StrCat(AsAbsl(label), " {{DATE(", card_time,
                              ", SHORT)}} at {{TIME(", card_time, ")}}"));
}

void AddVotes(CardBody& body, const RequestSummary& summary) {
  const std::vector<RequestSummary::Vote>& votes = summary.votes;
  if (votes.empty()) return;
  body.Heading("Votes");
  AddFirst(body, votes, [&](const RequestSummary::Vote& v) {
    std::vector<json> runs;
    runs.push_back(Bold(body.Text(v.identity, kMaxName)));
    if (v.vote == "approve") {
      runs.push_back(json{{"text", " approved"}, {"color", "Good"}});
    } else if (v.vote == "reject") {
      runs.push_back(json{{"text", " rejected"}, {"color", "Attention"}});
    } else {
      runs.push_back(absl::StrCat(" voted ", body.Text(v.vote, kMaxName)));
    }
    if (!v.counted) {
      runs.push_back(json{{"text", " (not counted)"}, {"isSubtle", true}});
    }
    if (!v.comment.empty()) {
      runs.push_back(": ");
      runs.push_back(json{{"text", body.Text(v.comment)}, {"italic", true}});
    }
    body.Runs(std::move(runs));
  });
}

json RenderCard(const RequestSummary& summary) {
  CardBody body;
  body.TextBlock(
      "Approval request",
      {{"weight", "Bolder"}, {"size", "Medium"}, {"style", "heading"}});
  if (!summary.escalation.empty()) {
    body.TextBlock(body.Text(summary.escalation),
                   {{"color", "Warning"}, {"weight", "Bolder"}});
  }
  AddRequester(body, summary);
  AddParams(body, summary);
  AddWhy(body, summary);
  AddQuorum(body, summary);
  AddTime(body, "Expires", summary.expires);
  AddVotes(body, summary);
  body.Line("Status", summary.status);
  if (!summary.pending) {
    body.TextBlock(
        body.Text(summary.outcome),
        {{"weight", "Bolder"}, {"color", OutcomeColor(summary.status)}});
    AddTime(body, "Resolved", summary.resolved);
  }
  // Which request and what changed last, small and grey.
  std::string footer;
  if (!summary.id.empty()) {
    footer = absl::StrCat("Request ", body.Text(summary.id, 80));
  }
  if (!summary.event.empty()) {
    absl::StrAppend(&footer, footer.empty() ? "" : " - ",
                    body.Text(summary.event, kMaxName),
                    summary.actor.empty() ? "" : " by ",
                    body.Text(summary.actor, kMaxName));
  }
  body.Runs({json{
      {"text", std::move(footer)}, {"isSubtle", true}, {"size", "Small"}}});

  // The buttons, for an id a click can carry back.
  json actions = json::array();
  if (summary.pending && IsRequestId(summary.id)) {
    actions.push_back({{"type", "Action.Execute"},
                       {"verb", "approve"},
                       {"title", "Approve"},
                       {"style", "positive"},
                       {"data", {{"request_id", summary.id}}}});
    actions.push_back({{"type", "Action.Execute"},
                       {"verb", "reject"},
                       {"title", "Reject"},
                       {"style", "destructive"},
                       {"data", {{"request_id", summary.id}}}});
  }
  return {{"type", "AdaptiveCard"},
          {"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
          {"version", "1.5"},
          {"body", body.Take()},
          {"actions", std::move(actions)}};
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The stored reference of a posted card.
struct PostedCard {
  std::string conversation_id;
  std::string activity_id;

  std::string Ref() const {
    return DumpJson(json{{"conversation_id", conversation_id},
                         {"activity_id", activity_id}});
  }
};

std::optional<PostedCard> ParseRef(std::string_view ref) {
  if (ref.empty()) return std::nullopt;
  const json parsed = json::parse(ref, nullptr, /*allow_exceptions=*/false);
  PostedCard card{StringMember(parsed, "conversation_id"),
                  StringMember(parsed, "activity_id")};
  if (card.conversation_id.empty() || card.activity_id.empty()) {
    return std::nullopt;
  }
  return card;
}

absl::Status BadInvoke(std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("not a Signoff card action: ", AsAbsl(why)));
}

}  // namespace

nlohmann::json RenderTeamsCard(const nlohmann::json& payload) {
  return RenderCard(Summarize(payload));
}

TeamsChannel::TeamsChannel(TeamsOptions options)
    : options_(std::move(options)), service_url_(options_.service_url) {
  if (!service_url_.empty() && service_url_.back() == '/') {
    service_url_.pop_back();
  }
}

TeamsChannel::Token TeamsChannel::AccessToken() {
  std::lock_guard lock(mu_);
  const int64_t now = SteadyMs();
  if (!token_.empty() && now < token_valid_until_ms_) return {token_, {}};
  token_.clear();

  HttpCall call;
  call.method = "POST";
  call.url = options_.token_url;
  call.content_type = "application/x-www-form-urlencoded";
  call.timeout_ms = options_.timeout_ms;
  call.body =
      absl::StrCat("grant_type=client_credentials&client_id=",
                   PercentEncode(options_.app_id),
                   "&client_secret=", PercentEncode(options_.app_password),
                   "&scope=", PercentEncode(kScope));
  const HttpAnswer answer = CallHttp(call);

  Token failed;
  failed.failure = ResultOf(answer);
  if (failed.failure.outcome == Outcome::kDelivered) {
    const json parsed =
        json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
    const std::string token = StringMember(parsed, "access_token");
    if (!token.empty()) {
      int64_t expires_in = 0;
      const json& expires = JsonMember(parsed, "expires_in");
      if (expires.is_number()) {
        expires_in =
            static_cast<int64_t>(std::clamp(expires.get<double>(), 0.0, 1e9));
      } else if (expires.is_string() &&
                 IsDigits(expires.get_ref<const std::string&>()) &&
                 expires.get_ref<const std::string&>().size() < 10) {
        expires_in = std::stoll(expires.get<std::string>());
      }
      token_ = token;
      // Used for this send at least; kept until 5 minutes before it ends.
      token_valid_until_ms_ = now + expires_in * 1000 - kTokenMarginMs;
      return {token_, {}};
    }
    failed.failure.outcome = Outcome::kRetry;
    failed.failure.detail = absl::StrCat("teams token: ", failed.failure.detail,
                                         " without an access_token");
    return failed;
  }
  // Why, as the token endpoint says it (OAuth error and description).
  std::string why;
  if (answer.status != 0) {
    const json parsed =
        json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
    const std::string error = StringMember(parsed, "error");
    const std::string description = StringMember(parsed, "error_description");
    if (!error.empty()) why = absl::StrCat(" ", TruncateUtf8(error, 100));
    if (!description.empty()) {
      absl::StrAppend(&why, ": ", TruncateUtf8(description, 200));
    }
  }
  if (answer.status == 400 || answer.status == 401 || answer.bad_url) {
    failed.failure.outcome = Outcome::kRejected;  // bad credentials or URL
  } else {
    failed.failure.outcome = Outcome::kRetry;
  }
  failed.failure.detail =
      absl::StrCat("teams token: ", failed.failure.detail, why);
  return failed;
}

void TeamsChannel::DropToken(const std::string& token) {
  std::lock_guard lock(mu_);
  if (token_ == token) {
    token_.clear();
    token_valid_until_ms_ = 0;
  }
}

SendResult TeamsChannel::Send(const Notification& message,
                              std::string_view ref) {
  SendResult result;
  const Token token = AccessToken();
  if (token.value.empty()) {
    result.delivery = token.failure;
    return result;
  }
  std::string request_id = message.request_id;
  if (request_id.empty()) {
    request_id = StringMember(JsonMember(message.payload, "request"), "id");
  }
  const RequestSummary summary = Summarize(message.payload);
  json activity = {
      {"type", "message"},
      // The short text Teams shows in notifications and the activity feed.
      {"summary", TruncateUtf8(summary.Headline(), kMaxSummary)},
      {"attachments", json::array({{{"contentType", kCardContentType},
                                    {"content", RenderCard(summary)}}})},
      {"channelData",
       {{"signoff",
         {{"request_id", request_id},
          {"idempotency_key", message.idempotency_key}}}}}};

  // One call to the Bot Connector; a 401 forgets the token (it may have
  // been revoked or be from another app) and is retried with a new one.
  auto call_connector = [&](const std::string& method, const std::string& url,
                            HttpAnswer& answer) {
    HttpCall call;
    call.method = method;
    call.url = url;
    call.timeout_ms = options_.timeout_ms;
    call.headers = {{"Authorization", absl::StrCat("Bearer ", token.value)}};
    call.body = DumpJson(activity);
    answer = CallHttp(call);
    DeliveryResult delivery = ResultOf(answer);
    if (answer.status == 401) {
      DropToken(token.value);
      delivery.outcome = Outcome::kRetry;
      delivery.detail = "HTTP 401 (bot token dropped, a new one is fetched)";
    }
    return delivery;
  };
  const std::string base = absl::StrCat(service_url_, "/v3/conversations/");

  if (std::optional<PostedCard> posted = ParseRef(ref)) {
    activity["id"] = posted->activity_id;
    HttpAnswer answer;
    result.delivery = call_connector(
        "PUT",
        absl::StrCat(base, PercentEncode(posted->conversation_id),
                     "/activities/", PercentEncode(posted->activity_id)),
        answer);
    if (answer.status != 404) {
      if (result.delivery.outcome == Outcome::kDelivered) {
        result.ref = posted->Ref();
      }
      return result;
    }
    activity.erase("id");  // the card is gone: post it anew
  }

  if (options_.conversation_id.empty()) {
    result.delivery.outcome = Outcome::kRejected;
    result.delivery.detail = "teams: no conversation_id configured";
    return result;
  }
  HttpAnswer answer;
  result.delivery =
      call_connector("POST",
                     absl::StrCat(base, PercentEncode(options_.conversation_id),
                                  "/activities"),
                     answer);
  if (result.delivery.outcome != Outcome::kDelivered) return result;
  const json parsed =
      json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  PostedCard card{options_.conversation_id, StringMember(parsed, "id")};
  if (card.activity_id.empty()) {
    // Posted, but it cannot be updated later: the next message posts anew.
    absl::StrAppend(&result.delivery.detail, " without an activity id");
    return result;
  }
  result.ref = card.Ref();
  return result;
}

absl::StatusOr<TeamsInvoke> ParseTeamsInvoke(std::string_view activity_json) {
  if (activity_json.size() > kMaxActivityBytes) {
    return BadInvoke("the activity is too large");
  }
  const json activity =
      json::parse(activity_json, nullptr, /*allow_exceptions=*/false);
  if (activity.is_discarded()) return BadInvoke("the activity is not JSON");
  if (!activity.is_object()) {
    return BadInvoke("the activity is not a JSON object");
  }
  if (StringMember(activity, "type") != "invoke") {
    return BadInvoke("`type` is not \"invoke\"");
  }
  if (StringMember(activity, "name") != "adaptiveCard/action") {
    return BadInvoke("`name` is not \"adaptiveCard/action\"");
  }
  const json& action = JsonMember(JsonMember(activity, "value"), "action");
  if (!action.is_object()) return BadInvoke("no `value.action` object");
  if (StringMember(action, "type") != "Action.Execute") {
    return BadInvoke("`value.action.type` is not \"Action.Execute\"");
  }
  TeamsInvoke invoke;
  invoke.verb = StringMember(action, "verb");
  if (invoke.verb != "approve" && invoke.verb != "reject") {
    return BadInvoke(
        "`value.action.verb` is neither \"approve\" nor \"reject\"");
  }
  invoke.request_id = StringMember(JsonMember(action, "data"), "request_id");
  if (!IsRequestId(invoke.request_id)) {
    return BadInvoke(
        "`value.action.data.request_id` is not a request id (1-64 of "
        "A-Z a-z 0-9 _ -)");
  }
  invoke.aad_object_id =
      StringMember(JsonMember(activity, "from"), "aadObjectId");
  if (invoke.aad_object_id.empty()) {
    return BadInvoke("no `from.aadObjectId`");
  }
  invoke.conversation_id =
      StringMember(JsonMember(activity, "conversation"), "id");
  invoke.reply_to_id = StringMember(activity, "replyToId");
  return invoke;
}

nlohmann::json InvokeCardResponse(const nlohmann::json& card) {
  return {{"statusCode", 200}, {"type", kCardContentType}, {"value", card}};
}

nlohmann::json InvokeMessageResponse(std::string_view text) {
  return {{"statusCode", 200},
          {"type", "application/vnd.microsoft.activity.message"},
          {"value", std::string(text)}};
}

}  // namespace signoff::channels
