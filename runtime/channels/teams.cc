// The Teams channel: the Adaptive Card of a request, the Bot Connector
// calls that post and replace it, the bot's client-credentials token, and
// the parsing of `adaptiveCard/action` invokes (teams.h).
#include "runtime/channels/teams.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "runtime/channels/http_call.h"
#include "stdlib/absl_compat.h"

namespace signoff::channels {
namespace {

using nlohmann::json;

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026
constexpr size_t kMaxText = 1000;      // one fact value, message, comment
constexpr size_t kMaxName = 100;       // identities, group and param names
constexpr size_t kMaxFacts = 30;       // params shown
constexpr size_t kMaxItems = 30;       // votes, requirements, rules shown
constexpr size_t kMaxMessages = 10;    // policy messages shown
constexpr size_t kCardBudget = 16000;  // all texts of one card, in bytes
constexpr size_t kMinText = 40;        // what a text keeps past the budget
constexpr size_t kMaxSummary = 200;
constexpr size_t kMaxActivityBytes = 1 << 20;
constexpr size_t kMaxRequestId = 64;
constexpr int64_t kTokenMarginMs = 5 * 60 * 1000;
constexpr char kCardContentType[] = "application/vnd.microsoft.card.adaptive";
constexpr char kScope[] = "https://api.botframework.com/.default";

// `s` cut to at most `max` bytes, ending in "…" when cut, never inside a
// UTF-8 sequence.
std::string Truncate(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  if (max < kEllipsis.size()) return std::string(kEllipsis);
  size_t cut = max - kEllipsis.size();
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return absl::StrCat(AsAbsl(s.substr(0, cut)), AsAbsl(kEllipsis));
}

// JSON text that never throws, whatever bytes the strings hold.
std::string Dump(const json& value, int indent = -1) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

// Member `key` of `object`, or nullptr (also when `object` is no object).
const json* Field(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// Member `key` when it is a string, else "".
std::string Str(const json& object, const char* key) {
  const json* value = Field(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>()
                                                : std::string();
}

// How a JSON value reads on the card: strings as they are, null as "",
// anything else as JSON.
std::string Display(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return std::string();
  return Dump(value);
}

std::string DisplayField(const json& object, const char* key) {
  const json* value = Field(object, key);
  return value == nullptr ? std::string() : Display(*value);
}

// Member `key` when it is an array, else an empty array.
const json& ArrayField(const json& object, const char* key) {
  static const json* const kEmpty = new json(json::array());
  const json* value = Field(object, key);
  return value != nullptr && value->is_array() ? *value : *kEmpty;
}

// Member `key` when it is an object, else an empty object.
const json& ObjectField(const json& object, const char* key) {
  static const json* const kEmpty = new json(json::object());
  const json* value = Field(object, key);
  return value != nullptr && value->is_object() ? *value : *kEmpty;
}

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
    std::string out = Truncate(text, std::min(max, left));
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
      if (Str(run, "text").empty()) continue;
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

// The identities of the counted votes `vote` (approve or reject).
std::vector<std::string> VotersOf(const json& request, std::string_view vote) {
  std::vector<std::string> voters;
  for (const json& v : ArrayField(request, "votes")) {
    const json* counted = Field(v, "counted");
    if (Str(v, "vote") != vote ||
        (counted != nullptr && counted->is_boolean() &&
         !counted->get<bool>())) {
      continue;
    }
    std::string identity = Str(v, "identity");
    if (!identity.empty()) voters.push_back(Truncate(identity, kMaxName));
    if (voters.size() == kMaxItems) break;
  }
  return voters;
}

// Whether every requirement has its approvers (an approved request whose
// grant then expired unused).
bool QuorumMet(const json& request) {
  const json& requirements = ArrayField(request, "requirements");
  if (requirements.empty()) return false;
  for (const json& r : requirements) {
    const json* have = Field(r, "have");
    const json* needed = Field(r, "needed");
    if (have == nullptr || needed == nullptr || !have->is_number() ||
        !needed->is_number() || have->get<double>() < needed->get<double>()) {
      return false;
    }
  }
  return true;
}

std::string ApprovedBy(const json& request) {
  const std::string resolved_by = Str(request, "resolved_by");
  if (resolved_by == "policy") return "Approved by policy";
  std::vector<std::string> approvers = VotersOf(request, "approve");
  if (approvers.empty() && !resolved_by.empty()) {
    approvers.push_back(Truncate(resolved_by, kMaxName));
  }
  if (approvers.empty()) return "Approved";
  return absl::StrCat("Approved by ", absl::StrJoin(approvers, ", "));
}

struct CardOutcome {
  std::string text;
  std::string color;  // Adaptive Card color
};

// What a final request ended as; nullopt while pending.
std::optional<CardOutcome> OutcomeOf(const json& request) {
  const std::string status = Str(request, "status");
  if (status == "pending") return std::nullopt;
  if (status == "approved") return CardOutcome{ApprovedBy(request), "Good"};
  if (status == "consumed") {
    return CardOutcome{absl::StrCat(ApprovedBy(request), "; grant used"),
                       "Good"};
  }
  if (status == "rejected") {
    std::vector<std::string> rejectors = VotersOf(request, "reject");
    const std::string resolved_by = Str(request, "resolved_by");
    if (rejectors.empty() && !resolved_by.empty()) {
      rejectors.push_back(Truncate(resolved_by, kMaxName));
    }
    return CardOutcome{
        rejectors.empty()
            ? std::string("Rejected")
            : absl::StrCat("Rejected by ", absl::StrJoin(rejectors, ", ")),
        "Attention"};
  }
  if (status == "expired") {
    if (QuorumMet(request) || Str(request, "resolved_by") == "policy") {
      return CardOutcome{
          absl::StrCat(ApprovedBy(request), "; grant expired unused"),
          "Warning"};
    }
    return CardOutcome{"Expired without quorum", "Warning"};
  }
  if (status == "cancelled") {
    return CardOutcome{"Cancelled by the requester", "Default"};
  }
  if (status == "denied") return CardOutcome{"Denied by policy", "Attention"};
  if (status.empty()) return CardOutcome{"Unknown status", "Default"};
  return CardOutcome{Truncate(status, kMaxName), "Default"};
}

void AddRequester(CardBody& body, const json& request) {
  const json& requester = ObjectField(request, "requester");
  const std::string id = DisplayField(requester, "id");
  const std::string on_behalf_of = DisplayField(requester, "on_behalf_of");
  const std::string action = DisplayField(request, "action");
  std::vector<json> runs;
  runs.push_back(id.empty() ? json("Someone") : Bold(body.Text(id, kMaxName)));
  if (!on_behalf_of.empty()) {
    runs.push_back(" on behalf of ");
    runs.push_back(Bold(body.Text(on_behalf_of, kMaxName)));
  }
  if (action.empty()) {
    runs.push_back(" asks for approval");
  } else {
    runs.push_back(" asks to run ");
    runs.push_back(Code(body.Text(action, kMaxName * 2)));
  }
  body.Runs(std::move(runs));
}

void AddParams(CardBody& body, const json& request) {
  const json* params = Field(request, "params");
  if (params == nullptr || params->is_null() ||
      (params->is_object() && params->empty())) {
    return;
  }
  json facts = json::array();
  if (!params->is_object()) {
    facts.push_back(
        {{"title", "params"}, {"value", body.Text(Display(*params))}});
  } else {
    const size_t shown =
        params->size() > kMaxFacts ? kMaxFacts - 1 : params->size();
    for (auto it = params->begin(); it != params->end(); ++it) {
      if (facts.size() == shown) break;
      facts.push_back({{"title", body.Text(it.key(), kMaxName)},
                       {"value", body.Text(Display(it.value()))}});
    }
    if (params->size() > shown) {
      facts.push_back(
          {{"title", std::string(kEllipsis)},
           {"value", absl::StrCat(params->size() - shown, " more")}});
    }
  }
  body.Heading("Parameters");
  body.Push({{"type", "FactSet"}, {"facts", std::move(facts)}});
}

void AddWhy(CardBody& body, const json& request) {
  const json& decision = ObjectField(request, "decision");
  const json& context = ObjectField(request, "context");
  std::vector<std::string> rules;
  for (const json& rule : ArrayField(decision, "rules")) {
    if (rules.size() == kMaxItems) {
      rules.push_back(std::string(kEllipsis));
      break;
    }
    std::string name = Display(rule);
    if (!name.empty()) rules.push_back(body.Text(name, kMaxName));
  }
  std::vector<std::string> messages;
  for (const json& message : ArrayField(decision, "messages")) {
    if (messages.size() == kMaxMessages) break;
    std::string text = Display(message);
    if (!text.empty()) messages.push_back(std::move(text));
  }
  const std::string justification = DisplayField(context, "justification");
  const std::string ticket = DisplayField(context, "ticket");
  if (rules.empty() && messages.empty() && justification.empty() &&
      ticket.empty()) {
    return;
  }
  body.Heading("Why");
  for (const std::string& message : messages) body.Runs({body.Text(message)});
  body.Line("Rules", absl::StrJoin(rules, ", "));
  body.Line("Justification", justification);
  body.Line("Ticket", ticket);
}

void AddQuorum(CardBody& body, const json& request) {
  const json& requirements = ArrayField(request, "requirements");
  const json* veto = Field(request, "veto");
  const bool has_veto =
      veto != nullptr && veto->is_number() && veto->get<double>() > 0;
  if (requirements.empty() && !has_veto) return;
  body.Heading("Quorum");
  size_t shown = 0;
  for (const json& r : requirements) {
    if (shown++ == kMaxItems) {
      body.Runs({absl::StrCat(AsAbsl(kEllipsis), " ",
                              requirements.size() - kMaxItems, " more")});
      break;
    }
    std::string have = DisplayField(r, "have");
    std::string needed = DisplayField(r, "needed");
    std::vector<json> runs;
    runs.push_back(absl::StrCat(body.Text(have.empty() ? "0" : have, 20), "/",
                                body.Text(needed.empty() ? "?" : needed, 20),
                                " of "));
    std::string group = DisplayField(r, "group");
    runs.push_back(Bold(body.Text(group.empty() ? "?" : group, kMaxName)));
    const std::string where = DisplayField(r, "where");
    if (!where.empty()) {
      runs.push_back(" where ");
      runs.push_back(Code(body.Text(where, kMaxText / 2)));
    }
    std::vector<std::string> approvers;
    for (const json& a : ArrayField(r, "approvers")) {
      if (approvers.size() == kMaxItems) {
        approvers.push_back(std::string(kEllipsis));
        break;
      }
      std::string id = Display(a);
      if (!id.empty()) approvers.push_back(body.Text(id, kMaxName));
    }
    if (!approvers.empty()) {
      runs.push_back(
          absl::StrCat(" (so far: ", absl::StrJoin(approvers, ", "), ")"));
    }
    const json* satisfiable = Field(r, "satisfiable");
    if (satisfiable != nullptr && satisfiable->is_boolean() &&
        !satisfiable->get<bool>()) {
      runs.push_back({{"text", " - cannot be met"}, {"color", "Attention"}});
    }
    body.Runs(std::move(runs));
  }
  if (has_veto) {
    const std::string rejections = DisplayField(request, "rejections");
    body.Runs({absl::StrCat(
        "Rejections: ", body.Text(rejections.empty() ? "0" : rejections, 20),
        " of ", body.Text(Display(*veto), 20), " to reject")});
  }
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

void AddVotes(CardBody& body, const json& request) {
  const json& votes = ArrayField(request, "votes");
  if (votes.empty()) return;
  body.Heading("Votes");
  size_t shown = 0;
  for (const json& v : votes) {
    if (shown++ == kMaxItems) {
      body.Runs({absl::StrCat(AsAbsl(kEllipsis), " ", votes.size() - kMaxItems,
                              " more")});
      break;
    }
    const std::string identity = DisplayField(v, "identity");
    const std::string vote = DisplayField(v, "vote");
    const std::string comment = DisplayField(v, "comment");
    std::vector<json> runs;
    runs.push_back(Bold(identity.empty() ? std::string("?")
                                         : body.Text(identity, kMaxName)));
    if (vote == "approve") {
      runs.push_back(json{{"text", " approved"}, {"color", "Good"}});
    } else if (vote == "reject") {
      runs.push_back(json{{"text", " rejected"}, {"color", "Attention"}});
    } else {
      runs.push_back(absl::StrCat(" voted ", body.Text(vote, kMaxName)));
    }
    const json* counted = Field(v, "counted");
    if (counted != nullptr && counted->is_boolean() && !counted->get<bool>()) {
      runs.push_back(json{{"text", " (not counted)"}, {"isSubtle", true}});
    }
    if (!comment.empty()) {
      runs.push_back(": ");
      runs.push_back(json{{"text", body.Text(comment)}, {"italic", true}});
    }
    body.Runs(std::move(runs));
  }
}

// The short text Teams shows in notifications and the activity feed.
std::string Summary(const json& payload) {
  const json& r = ObjectField(payload, "request");
  const std::string action = DisplayField(r, "action");
  std::optional<CardOutcome> outcome = OutcomeOf(r);
  std::string text;
  if (outcome) {
    text = absl::StrCat(outcome->text, ": ", action);
  } else {
    const std::string who = DisplayField(ObjectField(r, "requester"), "id");
    text = absl::StrCat("Approval requested", who.empty() ? "" : " by ", who,
                        ": ", action);
  }
  return Truncate(text, kMaxSummary);
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
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
    return Dump(json{{"conversation_id", conversation_id},
                     {"activity_id", activity_id}});
  }
};

std::optional<PostedCard> ParseRef(std::string_view ref) {
  if (ref.empty()) return std::nullopt;
  const json parsed = json::parse(ref, nullptr, /*allow_exceptions=*/false);
  PostedCard card{Str(parsed, "conversation_id"), Str(parsed, "activity_id")};
  if (card.conversation_id.empty() || card.activity_id.empty()) {
    return std::nullopt;
  }
  return card;
}

bool IsRequestId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxRequestId &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

absl::Status BadInvoke(std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("not a Signoff card action: ", AsAbsl(why)));
}

}  // namespace

nlohmann::json RenderTeamsCard(const nlohmann::json& payload) {
  const json& request = ObjectField(payload, "request");
  CardBody body;
  const std::string id = Str(request, "id");
  body.TextBlock(
      "Approval request",
      {{"weight", "Bolder"}, {"size", "Medium"}, {"style", "heading"}});
  if (Str(payload, "event") == "request.escalated") {
    const json& escalation = ObjectField(payload, "escalation");
    const std::string group = DisplayField(escalation, "group");
    const std::string after = DisplayField(escalation, "after");
    std::string text = "Escalated";
    if (!group.empty()) {
      absl::StrAppend(&text, " to ", body.Text(group, kMaxName));
    }
    if (!after.empty()) {
      absl::StrAppend(&text, " after ", body.Text(after, kMaxName));
    }
    body.TextBlock(std::move(text),
                   {{"color", "Warning"}, {"weight", "Bolder"}});
  }
  AddRequester(body, request);
  AddParams(body, request);
  AddWhy(body, request);
  AddQuorum(body, request);
  const std::string status = DisplayField(request, "status");
  if (status == "pending") {
    AddTime(body, "Expires", DisplayField(request, "expires"));
  }
  AddVotes(body, request);
  body.Line("Status", status.empty() ? std::string("unknown") : status);
  std::optional<CardOutcome> outcome = OutcomeOf(request);
  if (outcome) {
    body.TextBlock(body.Text(outcome->text, kMaxText),
                   {{"weight", "Bolder"}, {"color", outcome->color}});
    AddTime(body, "Resolved", DisplayField(request, "resolved"));
  }
  // Which request and what changed last, small and grey.
  std::string footer;
  if (!id.empty()) footer = absl::StrCat("Request ", body.Text(id, 80));
  const std::string event = Str(payload, "event");
  if (!event.empty()) {
    const std::string actor = DisplayField(payload, "actor");
    absl::StrAppend(&footer, footer.empty() ? "" : " - ",
                    body.Text(event, kMaxName), actor.empty() ? "" : " by ",
                    body.Text(actor, kMaxName));
  }
  body.Runs({json{
      {"text", std::move(footer)}, {"isSubtle", true}, {"size", "Small"}}});

  json actions = json::array();
  if (status == "pending" && !id.empty()) {
    actions.push_back({{"type", "Action.Execute"},
                       {"verb", "approve"},
                       {"title", "Approve"},
                       {"style", "positive"},
                       {"data", {{"request_id", id}}}});
    actions.push_back({{"type", "Action.Execute"},
                       {"verb", "reject"},
                       {"title", "Reject"},
                       {"style", "destructive"},
                       {"data", {{"request_id", id}}}});
  }
  return {{"type", "AdaptiveCard"},
          {"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
          {"version", "1.5"},
          {"body", body.Take()},
          {"actions", std::move(actions)}};
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
    const std::string token = Str(parsed, "access_token");
    if (!token.empty()) {
      int64_t expires_in = 0;
      const json* expires = Field(parsed, "expires_in");
      if (expires != nullptr && expires->is_number()) {
        expires_in =
            static_cast<int64_t>(std::clamp(expires->get<double>(), 0.0, 1e9));
      } else if (expires != nullptr && expires->is_string() &&
                 IsDigits(expires->get_ref<const std::string&>()) &&
                 expires->get_ref<const std::string&>().size() < 10) {
        expires_in = std::stoll(expires->get<std::string>());
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
    const std::string error = Str(parsed, "error");
    const std::string description = Str(parsed, "error_description");
    if (!error.empty()) why = absl::StrCat(" ", Truncate(error, 100));
    if (!description.empty()) {
      absl::StrAppend(&why, ": ", Truncate(description, 200));
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
    request_id = Str(ObjectField(message.payload, "request"), "id");
  }
  json activity = {
      {"type", "message"},
      {"summary", Summary(message.payload)},
      {"attachments",
       json::array({{{"contentType", kCardContentType},
                     {"content", RenderTeamsCard(message.payload)}}})},
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
    call.body = Dump(activity);
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
  PostedCard card{options_.conversation_id, Str(parsed, "id")};
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
  if (Str(activity, "type") != "invoke") {
    return BadInvoke("`type` is not \"invoke\"");
  }
  if (Str(activity, "name") != "adaptiveCard/action") {
    return BadInvoke("`name` is not \"adaptiveCard/action\"");
  }
  const json* action = Field(ObjectField(activity, "value"), "action");
  if (action == nullptr || !action->is_object()) {
    return BadInvoke("no `value.action` object");
  }
  if (Str(*action, "type") != "Action.Execute") {
    return BadInvoke("`value.action.type` is not \"Action.Execute\"");
  }
  TeamsInvoke invoke;
  invoke.verb = Str(*action, "verb");
  if (invoke.verb != "approve" && invoke.verb != "reject") {
    return BadInvoke(
        "`value.action.verb` is neither \"approve\" nor \"reject\"");
  }
  invoke.request_id = Str(ObjectField(*action, "data"), "request_id");
  if (!IsRequestId(invoke.request_id)) {
    return BadInvoke(
        "`value.action.data.request_id` is not a request id (1-64 of "
        "A-Z a-z 0-9 _ -)");
  }
  invoke.aad_object_id = Str(ObjectField(activity, "from"), "aadObjectId");
  if (invoke.aad_object_id.empty()) {
    return BadInvoke("no `from.aadObjectId`");
  }
  invoke.conversation_id = Str(ObjectField(activity, "conversation"), "id");
  invoke.reply_to_id = Str(activity, "replyToId");
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
