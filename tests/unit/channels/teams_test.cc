// The Teams channel against a fake Microsoft identity platform and Bot
// Connector on loopback that check the wire format: the client-credentials
// form, the Bearer token, the activity with its Adaptive Card, the encoded
// paths of updates. Also the card for each state of a request, and the
// parsing of `adaptiveCard/action` invokes.
#include "runtime/channels/teams.h"

#include <httplib.h>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/loopback_server.h"

namespace signoff::channels {
namespace {

using nlohmann::json;

constexpr char kConversation[] = "19:abc-123@thread.tacv2;messageid=17";
constexpr char kConversationEncoded[] =
    "19%3Aabc-123%40thread.tacv2%3Bmessageid%3D17";
constexpr char kAppId[] = "00000000-0000-0000-0000-000000000a99";
constexpr char kPassword[] = "p@ss w&rd=+/~";
constexpr char kPasswordEncoded[] = "p%40ss%20w%26rd%3D%2B%2F~";
constexpr char kScopeEncoded[] =
    "https%3A%2F%2Fapi.botframework.com%2F.default";

// A pending request as the outbox sends it (channel.h).
json PendingPayload() {
  return json::parse(R"({
    "event": "vote.accepted",
    "time": "2026-11-21T03:05:00.000Z",
    "actor": "bob",
    "request": {
      "id": "r_1",
      "status": "pending",
      "action": "db.export",
      "params": {"table": "customers", "rows": 50000,
                 "dest": "s3://warehouse/q4", "tags": ["pii", "q4"]},
      "requester": {"id": "agent:etl", "on_behalf_of": "alice"},
      "context": {"justification": "Q4 board report", "ticket": "OPS-42",
                  "time": "2026-11-21T03:00:00.000Z", "ip": "10.0.0.7"},
      "decision": {"decision": "require_approval",
                   "rules": ["confidential_exports", "big_exports"],
                   "reasons": [],
                   "requirements": [{"count": 2, "group": "sre"}],
                   "veto": 1, "expire": "30m", "grant": "15m",
                   "channels": ["sre_room"],
                   "messages": ["agent:etl exports 50000 rows of customers to s3://warehouse/q4"],
                   "errors": [], "policy": "sha256:00"},
      "policy": "sha256:00",
      "created": "2026-11-21T03:00:00.000Z",
      "expires": "2026-11-21T03:30:00.000Z",
      "resolved": null,
      "resolved_by": "",
      "votes": [{"identity": "bob", "vote": "approve",
                 "comment": "fine for Q4", "time": "2026-11-21T03:05:00.000Z",
                 "counted": true}],
      "requirements": [
        {"group": "sre", "needed": 2, "have": 1, "approvers": ["bob"],
         "satisfiable": true},
        {"group": "security", "where": "approver.team != requester.team",
         "needed": 1, "have": 0, "approvers": [], "satisfiable": true}],
      "rejections": 0,
      "veto": 1,
      "time_left_seconds": 1500
    }})");
}

// The payload after `status`, with `votes` and `resolved_by`.
json FinalPayload(const std::string& event, const std::string& status,
                  const json& votes, const std::string& resolved_by) {
  json payload = PendingPayload();
  payload["event"] = event;
  payload["request"]["status"] = status;
  payload["request"]["votes"] = votes;
  payload["request"]["resolved_by"] = resolved_by;
  payload["request"]["resolved"] = "2026-11-21T03:10:00.000Z";
  payload["request"]["time_left_seconds"] = 0;
  return payload;
}

json Vote(const std::string& identity, const std::string& vote,
          const std::string& comment = "") {
  return {{"identity", identity},
          {"vote", vote},
          {"comment", comment},
          {"time", "2026-11-21T03:06:00.000Z"},
          {"counted", true}};
}

// The card's texts, one line per body element (a FactSet gives one line
// per fact, "title: value").
std::string CardText(const json& card) {
  std::string out;
  if (!card.contains("body") || !card["body"].is_array()) return out;
  for (const json& element : card["body"]) {
    const std::string type = element.value("type", "");
    if (type == "TextBlock") {
      out += element.value("text", "") + "\n";
    } else if (type == "RichTextBlock") {
      for (const json& run : element["inlines"]) {
        EXPECT_EQ(run.value("type", ""), "TextRun");
        out += run.value("text", "");
      }
      out += "\n";
    } else if (type == "FactSet") {
      for (const json& fact : element["facts"]) {
        out += fact.value("title", "") + ": " + fact.value("value", "") + "\n";
      }
    } else {
      ADD_FAILURE() << "unexpected element " << element.dump();
    }
  }
  return out;
}

// Checks the Adaptive Card 1.5 envelope and its actions.
void ExpectCard(const json& card, const std::string& request_id, bool pending) {
  ASSERT_TRUE(card.is_object()) << card.dump();
  EXPECT_EQ(card.value("type", ""), "AdaptiveCard");
  EXPECT_EQ(card.value("$schema", ""),
            "http://adaptivecards.io/schemas/adaptive-card.json");
  EXPECT_EQ(card.value("version", ""), "1.5");
  ASSERT_TRUE(card.contains("body") && card["body"].is_array());
  ASSERT_TRUE(card.contains("actions") && card["actions"].is_array());
  const json& actions = card["actions"];
  if (!pending) {
    EXPECT_TRUE(actions.empty()) << actions.dump();
    return;
  }
  ASSERT_EQ(actions.size(), 2u) << actions.dump();
  EXPECT_EQ(actions[0], json({{"type", "Action.Execute"},
                              {"verb", "approve"},
                              {"title", "Approve"},
                              {"style", "positive"},
                              {"data", {{"request_id", request_id}}}}));
  EXPECT_EQ(actions[1], json({{"type", "Action.Execute"},
                              {"verb", "reject"},
                              {"title", "Reject"},
                              {"style", "destructive"},
                              {"data", {{"request_id", request_id}}}}));
}

std::string FormDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> ParseForm(const std::string& body) {
  std::map<std::string, std::string> fields;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string pair = body.substr(start, end - start);
    const size_t eq = pair.find('=');
    if (eq != std::string::npos) {
      fields[FormDecode(pair.substr(0, eq))] = FormDecode(pair.substr(eq + 1));
    }
    start = end + 1;
  }
  return fields;
}

// The token endpoint and the Bot Connector of one tenant, on loopback.
class FakeTeams {
 public:
  struct Call {
    std::string method;
    std::string target;        // as sent, still percent-encoded
    std::string conversation;  // decoded
    std::string activity;      // decoded, PUT only
    std::string authorization;
    json activity_json;
  };

  FakeTeams() {
    httplib::Server& routes = server_.server();
    routes.Post("/token", [this](const httplib::Request& req,
                                 httplib::Response& res) {
      std::lock_guard lock(mu_);
      ++token_hits_;
      token_bodies_.push_back(req.body);
      const std::map<std::string, std::string> form = ParseForm(req.body);
      const bool form_ok =
          req.get_header_value("Content-Type")
                  .rfind("application/x-www-form-urlencoded", 0) == 0 &&
          form.size() == 4 && form.count("grant_type") &&
          form.at("grant_type") == "client_credentials" &&
          form.count("client_id") && form.at("client_id") == kAppId &&
          form.count("client_secret") &&
          form.at("client_secret") == kPassword && form.count("scope") &&
          form.at("scope") == "https://api.botframework.com/.default";
      if (!form_ok || token_status_ != 200) {
        res.status = form_ok ? token_status_ : 400;
        res.set_content(
            R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})",
            "application/json");
        return;
      }
      valid_token_ = "tok-" + std::to_string(token_hits_);
      res.set_content(json({{"token_type", "Bearer"},
                            {"expires_in", expires_in_},
                            {"ext_expires_in", expires_in_},
                            {"access_token", valid_token_}})
                          .dump(),
                      "application/json");
    });
    routes.Post(R"(/v3/conversations/([^/]+)/activities)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  Connector("POST", req, res);
                });
    routes.Put(R"(/v3/conversations/([^/]+)/activities/([^/]+))",
               [this](const httplib::Request& req, httplib::Response& res) {
                 Connector("PUT", req, res);
               });
    EXPECT_TRUE(server_.Start());
  }

  std::string url() const { return server_.url(); }

  // The next connector calls answer these statuses instead.
  void FailNext(int status) {
    std::lock_guard lock(mu_);
    failures_.push_back(status);
  }
  void SetTokenStatus(int status) {
    std::lock_guard lock(mu_);
    token_status_ = status;
  }
  void SetExpiresIn(int seconds) {
    std::lock_guard lock(mu_);
    expires_in_ = seconds;
  }
  // The issued token no longer works; a new one from /token does.
  void RevokeToken() {
    std::lock_guard lock(mu_);
    valid_token_.clear();
  }
  int token_hits() {
    std::lock_guard lock(mu_);
    return token_hits_;
  }
  std::vector<std::string> token_bodies() {
    std::lock_guard lock(mu_);
    return token_bodies_;
  }
  std::vector<Call> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  void Connector(const std::string& method, const httplib::Request& req,
                 httplib::Response& res) {
    std::lock_guard lock(mu_);
    Call call{method,
              req.target,
              req.matches[1],
              method == "PUT" ? std::string(req.matches[2]) : std::string(),
              req.get_header_value("Authorization"),
              json::parse(req.body, nullptr, false)};
    calls_.push_back(call);
    if (call.authorization != "Bearer " + valid_token_ ||
        valid_token_.empty()) {
      res.status = 401;
      res.set_content(R"({"message":"Authorization has been denied"})",
                      "application/json");
      return;
    }
    if (!failures_.empty()) {
      res.status = failures_.front();
      failures_.pop_front();
      if (res.status == 429) res.set_header("Retry-After", "7");
      return;
    }
    if (req.get_header_value("Content-Type").rfind("application/json", 0) !=
            0 ||
        call.activity_json.is_discarded()) {
      res.status = 400;
      return;
    }
    if (method == "POST") {
      const std::string id = "1700000000" + std::to_string(calls_.size());
      posted_.insert(call.conversation + "|" + id);
      res.status = 201;
      res.set_content(json({{"id", id}}).dump(), "application/json");
      return;
    }
    if (!posted_.count(call.conversation + "|" + call.activity)) {
      res.status = 404;
      res.set_content(R"({"error":{"code":"ActivityNotFoundInConversation"}})",
                      "application/json");
      return;
    }
    res.status = 200;
    res.set_content(json({{"id", call.activity}}).dump(), "application/json");
  }

  std::mutex mu_;
  int token_status_ = 200;
  int expires_in_ = 3599;
  int token_hits_ = 0;
  std::string valid_token_;
  std::deque<int> failures_;
  std::vector<std::string> token_bodies_;
  std::vector<Call> calls_;
  std::set<std::string> posted_;
  testing::LoopbackServer server_;  // last: stopped before the rest goes
};

// Checks an activity the channel sent.
void ExpectActivity(const json& activity, bool pending,
                    const std::string& idempotency_key) {
  ASSERT_TRUE(activity.is_object()) << activity.dump();
  EXPECT_EQ(activity.value("type", ""), "message");
  EXPECT_FALSE(activity.value("summary", "").empty());
  ASSERT_TRUE(activity.contains("attachments") &&
              activity["attachments"].is_array() &&
              activity["attachments"].size() == 1u)
      << activity.dump();
  const json& attachment = activity["attachments"][0];
  EXPECT_EQ(attachment.value("contentType", ""),
            "application/vnd.microsoft.card.adaptive");
  ASSERT_TRUE(attachment.contains("content"));
  ExpectCard(attachment["content"], "r_1", pending);
  EXPECT_EQ(
      activity["channelData"]["signoff"],
      json({{"request_id", "r_1"}, {"idempotency_key", idempotency_key}}));
}

Notification Message(const json& payload, const std::string& key) {
  Notification message;
  message.id = "m-" + key;
  message.idempotency_key = key;
  message.request_id = "r_1";
  message.event = payload.value("event", "");
  message.payload = payload;
  return message;
}

class TeamsChannelTest : public ::testing::Test {
 protected:
  TeamsOptions Options() const {
    TeamsOptions options;
    options.name = "sre_room";
    options.app_id = kAppId;
    options.app_password = kPassword;
    options.service_url = fake_.url() + "/";  // one trailing '/' is dropped
    options.conversation_id = kConversation;
    options.token_url = fake_.url() + "/token";
    options.timeout_ms = 2000;
    return options;
  }

  FakeTeams fake_;
};

TEST(TeamsCardTest, PendingCardShowsTheRequestAndTheButtons) {
  const json card = RenderTeamsCard(PendingPayload());
  ExpectCard(card, "r_1", /*pending=*/true);
  const std::string text = CardText(card);
  for (const char* expected : {
           "agent:etl (on behalf of alice) asks to db.export\n",
           "table: customers\n",
           "rows: 50000\n",
           "dest: s3://warehouse/q4\n",
           "tags: [\"pii\",\"q4\"]\n",
           "agent:etl exports 50000 rows of customers to s3://warehouse/q4\n",
           "Rules: confidential_exports, big_exports\n",
           "Justification: Q4 board report\n",
           "Ticket: OPS-42\n",
           "1/2 of sre — approvers so far: bob\n",
           "0/1 of security where approver.team != requester.team\n",
           "Rejections: 0 of 1 to reject\n",
           "Expires {{DATE(2026-11-21T03:30:00Z, SHORT)}} at "
           "{{TIME(2026-11-21T03:30:00Z)}}\n",
           "bob approved: fine for Q4\n",
           "Status: pending\n",
           "Request r_1 - vote.accepted by bob\n",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos)
        << "missing `" << expected << "` in\n"
        << text;
  }
  EXPECT_EQ(text.find("Escalated"), std::string::npos);
  EXPECT_EQ(text.find("10.0.0.7"), std::string::npos);  // context.ip
  // Texts others wrote are TextRuns (no Markdown), the params a FactSet.
  bool has_facts = false;
  for (const json& element : card["body"]) {
    if (element["type"] == "FactSet") has_facts = true;
    if (element["type"] == "TextBlock") {
      EXPECT_EQ(element["text"].get<std::string>().find("Q4"),
                std::string::npos)
          << element.dump();
    }
  }
  EXPECT_TRUE(has_facts);
}

TEST(TeamsCardTest, FinalCardsShowTheOutcomeWithoutButtons) {
  struct Case {
    json payload;
    std::string outcome;
  };
  const json approvals = {Vote("bob", "approve"), Vote("carol", "approve"),
                          Vote("dave", "reject", "not now")};
  json not_counted = approvals;
  not_counted.push_back(Vote("mallory", "approve"));
  not_counted.back()["counted"] = false;
  json met = FinalPayload("request.expired", "expired", approvals, "carol");
  met["request"]["requirements"] =
      json::array({{{"group", "sre"},
                    {"needed", 2},
                    {"have", 2},
                    {"approvers", {"bob", "carol"}}}});
  const std::vector<Case> cases = {
      {FinalPayload("request.approved", "approved", not_counted, "carol"),
       "Approved by bob, carol\n"},
      {FinalPayload("request.approved", "approved", json::array(), "policy"),
       "Approved by policy\n"},
      {FinalPayload("grant.consumed", "consumed", approvals, "carol"),
       "Approved by bob, carol; grant used\n"},
      {FinalPayload("request.rejected", "rejected", approvals, "dave"),
       "Rejected by dave\n"},
      {FinalPayload("request.expired", "expired", json::array(), "runtime"),
       "Expired without quorum\n"},
      {met, "Approved by bob, carol; grant expired unused\n"},
      {FinalPayload("request.cancelled", "cancelled", json::array(),
                    "agent:etl"),
       "Cancelled by the requester\n"},
  };
  for (const Case& c : cases) {
    const json card = RenderTeamsCard(c.payload);
    ExpectCard(card, "r_1", /*pending=*/false);
    const std::string text = CardText(card);
    EXPECT_NE(text.find(c.outcome), std::string::npos)
        << "missing `" << c.outcome << "` in\n"
        << text;
    EXPECT_EQ(text.find("Expires"), std::string::npos) << text;
    EXPECT_NE(text.find("Resolved {{DATE(2026-11-21T03:10:00Z, SHORT)}}"),
              std::string::npos)
        << text;
    // The outcome is a TextBlock of its own.
    bool found = false;
    for (const json& element : card["body"]) {
      found = found || (element["type"] == "TextBlock" &&
                        element["text"].get<std::string>() + "\n" == c.outcome);
    }
    EXPECT_TRUE(found) << c.outcome;
  }
  const std::string not_counted_text =
      CardText(RenderTeamsCard(cases[0].payload));
  EXPECT_NE(not_counted_text.find("mallory approved (not counted)"),
            std::string::npos)
      << not_counted_text;
  EXPECT_NE(not_counted_text.find("dave rejected: not now"), std::string::npos);
}

TEST(TeamsCardTest, EscalationIsAnnounced) {
  json payload = PendingPayload();
  payload["event"] = "request.escalated";
  payload["actor"] = "runtime";
  payload["escalation"] = {
      {"group", "oncall"}, {"after", "10m"}, {"notify", "pager"}};
  const json card = RenderTeamsCard(payload);
  ExpectCard(card, "r_1", /*pending=*/true);
  bool found = false;
  for (const json& element : card["body"]) {
    found = found || (element["type"] == "TextBlock" &&
                      element["text"] == "Escalated to oncall after 10m");
  }
  EXPECT_TRUE(found) << CardText(card);
  // Without the escalation object it still says so.
  payload.erase("escalation");
  EXPECT_NE(CardText(RenderTeamsCard(payload)).find("Escalated\n"),
            std::string::npos);
}

TEST(TeamsCardTest, OddPayloadsNeverCrash) {
  std::vector<json> payloads = {
      json(),
      json::array({1, 2}),
      json("request"),
      json::object(),
      {{"event", 7}, {"request", "r_1"}},
      {{"event", "request.escalated"}, {"escalation", "soon"}},
      {{"request", {{"id", 5}, {"status", "pending"}}}},
  };
  json odd = {
      {"id", "r_1"},
      {"status", "approved"},
      {"action", {{"nested", true}}},
      {"params", {1, 2, 3}},
      {"requester", "agent:etl"},
      {"context", {{"justification", {{"a", 1}}}, {"ticket", 42}}},
      {"decision", {{"rules", "one"}, {"messages", {1, nullptr, "x"}}}},
      {"expires", 17},
      {"resolved", "yesterday"},
      {"resolved_by", nullptr},
      {"votes", {nullptr, 3, {{"identity", 4}, {"counted", "yes"}}}},
      {"requirements", {nullptr, {{"group", {"a"}}, {"needed", "two"}}, "x"}},
      {"veto", "1"}};
  payloads.push_back({{"event", "vote.accepted"}, {"request", odd}});
  odd["status"] = json::array();
  payloads.push_back({{"request", odd}});
  odd["status"] = "pending";
  odd["expires"] = "2026-13-99T99:99:99.000+01:00";
  payloads.push_back({{"request", odd}});
  // Not UTF-8.
  payloads.push_back(
      {{"request",
        {{"id", "r_1"}, {"status", "pending"}, {"action", "\xff\xfe"}}}});
  for (const json& payload : payloads) {
    const json card = RenderTeamsCard(payload);
    EXPECT_EQ(card.value("type", ""), "AdaptiveCard");
    EXPECT_EQ(card.value("version", ""), "1.5");
    EXPECT_TRUE(card["body"].is_array());
    EXPECT_TRUE(card["actions"].is_array());
    EXPECT_NO_THROW(card.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  // Pending without an id: no buttons that could not work.
  EXPECT_TRUE(RenderTeamsCard(payloads[6])["actions"].empty());
  // A pending odd request with an id has its buttons.
  EXPECT_EQ(RenderTeamsCard(payloads[payloads.size() - 2])["actions"].size(),
            2u);
}

TEST(TeamsCardTest, LongValuesAreCutAndTheCardStaysSmall) {
  json payload = PendingPayload();
  std::string long_value;
  for (int i = 0; i < 2000; ++i) long_value += "\xC3\xA9";  // "é", 2 bytes
  for (int i = 0; i < 100; ++i) {
    payload["request"]["params"]["p" + std::to_string(100 + i)] = long_value;
  }
  for (int i = 0; i < 200; ++i) {
    payload["request"]["votes"].push_back(
        Vote("voter" + std::to_string(i), "approve", long_value));
  }
  payload["request"]["decision"]["messages"] =
      json::array({long_value, long_value});
  const json card = RenderTeamsCard(payload);
  ExpectCard(card, "r_1", /*pending=*/true);
  size_t facts = 0;
  for (const json& element : card["body"]) {
    if (element["type"] != "FactSet") continue;
    facts += element["facts"].size();
    EXPECT_LE(element["facts"].size(), 30u);
    for (const json& fact : element["facts"]) {
      const std::string value = fact["value"].get<std::string>();
      EXPECT_LE(value.size(), 1000u);
      if (fact["title"].get<std::string>().rfind("p1", 0) == 0) {
        EXPECT_EQ(value.substr(value.size() - 3), "\xE2\x80\xA6") << value;
      }
    }
  }
  EXPECT_EQ(facts, 30u);
  EXPECT_NE(CardText(card).find("75 more"), std::string::npos);
  // Cut between characters: still UTF-8 (dump() would throw otherwise).
  std::string dumped;
  EXPECT_NO_THROW(dumped = card.dump());
  EXPECT_LT(dumped.size(), 28u * 1024u);
}

TEST_F(TeamsChannelTest, PostsTheCardAndReturnsARef) {
  TeamsChannel channel(Options());
  EXPECT_EQ(channel.name(), "sre_room");
  EXPECT_EQ(channel.kind(), "teams");
  const SendResult sent =
      channel.Send(Message(PendingPayload(), "r_1:created"), "");
  EXPECT_EQ(sent.delivery.outcome, Outcome::kDelivered) << sent.delivery.detail;
  EXPECT_EQ(sent.delivery.status, 201);

  ASSERT_EQ(fake_.token_hits(), 1);
  const std::string form = fake_.token_bodies()[0];
  EXPECT_NE(form.find("grant_type=client_credentials"), std::string::npos);
  EXPECT_NE(form.find(std::string("client_id=") + kAppId), std::string::npos);
  EXPECT_NE(form.find(std::string("client_secret=") + kPasswordEncoded),
            std::string::npos)
      << form;
  EXPECT_NE(form.find(std::string("scope=") + kScopeEncoded), std::string::npos)
      << form;

  const std::vector<FakeTeams::Call> calls = fake_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "POST");
  EXPECT_EQ(calls[0].target, std::string("/v3/conversations/") +
                                 kConversationEncoded + "/activities");
  EXPECT_EQ(calls[0].conversation, kConversation);
  EXPECT_EQ(calls[0].authorization, "Bearer tok-1");
  ExpectActivity(calls[0].activity_json, /*pending=*/true, "r_1:created");
  EXPECT_FALSE(calls[0].activity_json.contains("id"));

  const json ref = json::parse(sent.ref, nullptr, false);
  ASSERT_TRUE(ref.is_object()) << sent.ref;
  EXPECT_EQ(ref, json({{"conversation_id", kConversation},
                       {"activity_id", "17000000001"}}));
  EXPECT_EQ(sent.ref, ref.dump());  // compact
}

TEST_F(TeamsChannelTest, UpdatesThePostedCardInPlace) {
  TeamsChannel channel(Options());
  const SendResult posted =
      channel.Send(Message(PendingPayload(), "r_1:created"), "");
  ASSERT_EQ(posted.delivery.outcome, Outcome::kDelivered)
      << posted.delivery.detail;
  const json approved =
      FinalPayload("request.approved", "approved",
                   {Vote("bob", "approve"), Vote("carol", "approve")}, "carol");
  const SendResult updated =
      channel.Send(Message(approved, "r_1:approved"), posted.ref);
  EXPECT_EQ(updated.delivery.outcome, Outcome::kDelivered)
      << updated.delivery.detail;
  EXPECT_EQ(updated.delivery.status, 200);
  EXPECT_EQ(json::parse(updated.ref, nullptr, false),
            json::parse(posted.ref, nullptr, false));

  const std::vector<FakeTeams::Call> calls = fake_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].method, "PUT");
  EXPECT_EQ(calls[1].target, std::string("/v3/conversations/") +
                                 kConversationEncoded +
                                 "/activities/17000000001");
  EXPECT_EQ(calls[1].activity, "17000000001");
  EXPECT_EQ(calls[1].activity_json.value("id", ""), "17000000001");
  ExpectActivity(calls[1].activity_json, /*pending=*/false, "r_1:approved");
  EXPECT_NE(CardText(calls[1].activity_json["attachments"][0]["content"])
                .find("Approved by bob, carol"),
            std::string::npos);
  EXPECT_EQ(fake_.token_hits(), 1);
}

TEST_F(TeamsChannelTest, EncodesEverySegmentOfTheUpdatePath) {
  TeamsChannel channel(Options());
  channel.Send(Message(PendingPayload(), "r_1:created"), "");  // a token
  // An update of a card this fake does not know: 404, then posted anew;
  // what matters here is the PUT's path.
  const std::string ref =
      json({{"conversation_id", "a:b@c;d=e f"}, {"activity_id", "f:1=2+3?"}})
          .dump();
  channel.Send(Message(PendingPayload(), "r_1:vote"), ref);
  const std::vector<FakeTeams::Call> calls = fake_.calls();
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls[1].method, "PUT");
  EXPECT_EQ(calls[1].target,
            "/v3/conversations/a%3Ab%40c%3Bd%3De%20f/activities/"
            "f%3A1%3D2%2B3%3F");
  EXPECT_EQ(calls[1].conversation, "a:b@c;d=e f");
}

TEST_F(TeamsChannelTest, AGoneCardIsPostedAnew) {
  TeamsChannel channel(Options());
  const std::string gone =
      json({{"conversation_id", kConversation}, {"activity_id", "gone"}})
          .dump();
  const SendResult sent =
      channel.Send(Message(PendingPayload(), "r_1:vote"), gone);
  EXPECT_EQ(sent.delivery.outcome, Outcome::kDelivered) << sent.delivery.detail;
  const std::vector<FakeTeams::Call> calls = fake_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].method, "PUT");
  EXPECT_EQ(calls[1].method, "POST");
  EXPECT_FALSE(calls[1].activity_json.contains("id"));
  ExpectActivity(calls[1].activity_json, /*pending=*/true, "r_1:vote");
  const json ref = json::parse(sent.ref, nullptr, false);
  EXPECT_EQ(ref, json({{"conversation_id", kConversation},
                       {"activity_id", "17000000002"}}));
}

TEST_F(TeamsChannelTest, ARefOfAnotherKindIsLikeNone) {
  TeamsChannel channel(Options());
  for (const char* ref :
       {"not json", R"({"channel": "C1", "ts": "1700000000.000100"})",
        R"({"conversation_id": "c"})", R"({"conversation_id": 1,
        "activity_id": 2})",
        "[]"}) {
    const SendResult sent =
        channel.Send(Message(PendingPayload(), "r_1:created"), ref);
    EXPECT_EQ(sent.delivery.outcome, Outcome::kDelivered) << ref;
    EXPECT_FALSE(sent.ref.empty());
  }
  for (const FakeTeams::Call& call : fake_.calls()) {
    EXPECT_EQ(call.method, "POST");
  }
}

TEST_F(TeamsChannelTest, CachesTheTokenAndRefreshesItAfterA401) {
  TeamsChannel channel(Options());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(channel.Send(Message(PendingPayload(), "k"), "").delivery.outcome,
              Outcome::kDelivered);
  }
  EXPECT_EQ(fake_.token_hits(), 1);

  fake_.RevokeToken();
  const SendResult refused = channel.Send(Message(PendingPayload(), "k"), "");
  EXPECT_EQ(refused.delivery.outcome, Outcome::kRetry);
  EXPECT_EQ(refused.delivery.status, 401);
  EXPECT_TRUE(refused.ref.empty());
  EXPECT_EQ(fake_.token_hits(), 1);

  const SendResult retried = channel.Send(Message(PendingPayload(), "k"), "");
  EXPECT_EQ(retried.delivery.outcome, Outcome::kDelivered)
      << retried.delivery.detail;
  EXPECT_EQ(fake_.token_hits(), 2);
  EXPECT_EQ(fake_.calls().back().authorization, "Bearer tok-2");
}

TEST_F(TeamsChannelTest, ATokenAboutToExpireIsNotReused) {
  fake_.SetExpiresIn(240);  // less than the 5 minutes of margin
  TeamsChannel channel(Options());
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(channel.Send(Message(PendingPayload(), "k"), "").delivery.outcome,
              Outcome::kDelivered);
  }
  EXPECT_EQ(fake_.token_hits(), 2);
}

TEST_F(TeamsChannelTest, ConcurrentSendersFetchOneToken) {
  TeamsChannel channel(Options());
  std::atomic<int> delivered = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (channel.Send(Message(PendingPayload(), "k"), "").delivery.outcome ==
          Outcome::kDelivered) {
        ++delivered;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(delivered, 4);
  EXPECT_EQ(fake_.token_hits(), 1);
}

TEST_F(TeamsChannelTest, ServerErrorsAreRetried) {
  TeamsChannel channel(Options());
  fake_.FailNext(500);
  const SendResult failed = channel.Send(Message(PendingPayload(), "k"), "");
  EXPECT_EQ(failed.delivery.outcome, Outcome::kRetry);
  EXPECT_EQ(failed.delivery.status, 500);
  EXPECT_EQ(failed.delivery.detail, "HTTP 500");
  EXPECT_TRUE(failed.ref.empty());

  fake_.FailNext(429);
  const SendResult throttled = channel.Send(Message(PendingPayload(), "k"), "");
  EXPECT_EQ(throttled.delivery.outcome, Outcome::kRetry);
  EXPECT_EQ(throttled.delivery.retry_after_ms, 7000);

  fake_.FailNext(403);  // e.g. the bot was removed from the conversation
  EXPECT_EQ(channel.Send(Message(PendingPayload(), "k"), "").delivery.outcome,
            Outcome::kRejected);
  EXPECT_EQ(channel.Send(Message(PendingPayload(), "k"), "").delivery.outcome,
            Outcome::kDelivered);
  EXPECT_EQ(fake_.token_hits(), 1);
}

TEST_F(TeamsChannelTest, BadCredentialsAreRejected) {
  fake_.SetTokenStatus(401);
  TeamsChannel channel(Options());
  const SendResult sent = channel.Send(Message(PendingPayload(), "k"), "");
  EXPECT_EQ(sent.delivery.outcome, Outcome::kRejected);
  EXPECT_EQ(sent.delivery.status, 401);
  EXPECT_EQ(sent.delivery.detail.rfind("teams token: ", 0), 0u)
      << sent.delivery.detail;
  EXPECT_NE(sent.delivery.detail.find("invalid_client"), std::string::npos);
  EXPECT_EQ(sent.delivery.detail.find(kPassword), std::string::npos);
  EXPECT_TRUE(fake_.calls().empty());

  TeamsOptions wrong = Options();
  wrong.app_password = "wrong";
  fake_.SetTokenStatus(200);
  const SendResult bad_form =
      TeamsChannel(wrong).Send(Message(PendingPayload(), "k"), "");
  EXPECT_EQ(bad_form.delivery.outcome, Outcome::kRejected);  // HTTP 400
  EXPECT_EQ(bad_form.delivery.status, 400);

  fake_.SetTokenStatus(503);  // the identity platform is down: later
  const SendResult down = channel.Send(Message(PendingPayload(), "k"), "");
  EXPECT_EQ(down.delivery.outcome, Outcome::kRetry);
  EXPECT_EQ(down.delivery.detail.rfind("teams token: HTTP 503", 0), 0u)
      << down.delivery.detail;
  EXPECT_TRUE(fake_.calls().empty());
}

TEST_F(TeamsChannelTest, RefusedConnectionsAreRetried) {
  const int port = testing::RefusingLoopbackPort();
  TeamsOptions no_token = Options();
  no_token.token_url = "http://127.0.0.1:" + std::to_string(port) + "/token";
  no_token.timeout_ms = 500;
  const SendResult token =
      TeamsChannel(no_token).Send(Message(PendingPayload(), "k"), "");
  EXPECT_EQ(token.delivery.outcome, Outcome::kRetry);
  EXPECT_EQ(token.delivery.status, 0);
  EXPECT_EQ(token.delivery.detail.rfind("teams token: ", 0), 0u)
      << token.delivery.detail;

  TeamsOptions no_connector = Options();
  no_connector.service_url = "http://127.0.0.1:" + std::to_string(port);
  no_connector.timeout_ms = 500;
  const SendResult connector =
      TeamsChannel(no_connector).Send(Message(PendingPayload(), "k"), "");
  EXPECT_EQ(connector.delivery.outcome, Outcome::kRetry);
  EXPECT_EQ(connector.delivery.status, 0);
  EXPECT_FALSE(connector.delivery.detail.empty());
  EXPECT_TRUE(connector.ref.empty());

  TeamsOptions bad_url = Options();
  bad_url.token_url = "not a url";
  EXPECT_EQ(TeamsChannel(bad_url)
                .Send(Message(PendingPayload(), "k"), "")
                .delivery.outcome,
            Outcome::kRejected);
}

json Invoke() {
  return json::parse(R"({
    "type": "invoke",
    "name": "adaptiveCard/action",
    "id": "f:123",
    "channelId": "msteams",
    "serviceUrl": "https://smba.trafficmanager.net/teams/",
    "from": {"id": "29:1abc", "name": "Bob", "aadObjectId": "6f1c-0000-bob"},
    "conversation": {"id": "19:abc-123@thread.tacv2;messageid=17",
                     "conversationType": "channel"},
    "recipient": {"id": "28:app", "name": "Signoff"},
    "replyToId": "17000000001",
    "value": {"action": {"type": "Action.Execute", "verb": "approve",
                         "data": {"request_id": "r_1"}},
              "trigger": "manual"}
  })");
}

TEST(TeamsInvokeTest, ParsesACardAction) {
  absl::StatusOr<TeamsInvoke> invoke = ParseTeamsInvoke(Invoke().dump());
  ASSERT_TRUE(invoke.ok()) << invoke.status();
  EXPECT_EQ(invoke->aad_object_id, "6f1c-0000-bob");
  EXPECT_EQ(invoke->verb, "approve");
  EXPECT_EQ(invoke->request_id, "r_1");
  EXPECT_EQ(invoke->conversation_id, "19:abc-123@thread.tacv2;messageid=17");
  EXPECT_EQ(invoke->reply_to_id, "17000000001");

  json reject = Invoke();
  reject["value"]["action"]["verb"] = "reject";
  reject.erase("conversation");
  reject.erase("replyToId");
  invoke = ParseTeamsInvoke(reject.dump());
  ASSERT_TRUE(invoke.ok()) << invoke.status();
  EXPECT_EQ(invoke->verb, "reject");
  EXPECT_EQ(invoke->conversation_id, "");
  EXPECT_EQ(invoke->reply_to_id, "");
}

TEST(TeamsInvokeTest, RefusesAnythingElse) {
  struct Case {
    std::string name;
    json activity;
  };
  std::vector<Case> cases;
  auto with = [&](const std::string& name, auto change) {
    json activity = Invoke();
    change(activity);
    cases.push_back({name, activity});
  };
  with("message", [](json& a) { a["type"] = "message"; });
  with("no type", [](json& a) { a.erase("type"); });
  with("other invoke", [](json& a) { a["name"] = "composeExtension/query"; });
  with("Action.Submit",
       [](json& a) { a["value"]["action"]["type"] = "Action.Submit"; });
  with("other verb", [](json& a) { a["value"]["action"]["verb"] = "delete"; });
  with("verb not a string", [](json& a) { a["value"]["action"]["verb"] = 1; });
  with("no value", [](json& a) { a.erase("value"); });
  with("action not an object",
       [](json& a) { a["value"]["action"] = "Action.Execute"; });
  with("no data", [](json& a) { a["value"]["action"].erase("data"); });
  with("data not an object",
       [](json& a) { a["value"]["action"]["data"] = "r_1"; });
  with("empty request id",
       [](json& a) { a["value"]["action"]["data"]["request_id"] = ""; });
  with("numeric request id",
       [](json& a) { a["value"]["action"]["data"]["request_id"] = 7; });
  with("request id with a slash",
       [](json& a) { a["value"]["action"]["data"]["request_id"] = "r/../1"; });
  with("request id too long", [](json& a) {
    a["value"]["action"]["data"]["request_id"] = std::string(65, 'r');
  });
  with("no from", [](json& a) { a.erase("from"); });
  with("no aadObjectId", [](json& a) { a["from"].erase("aadObjectId"); });
  with("empty aadObjectId", [](json& a) { a["from"]["aadObjectId"] = ""; });
  with("aadObjectId not a string",
       [](json& a) { a["from"]["aadObjectId"] = json::array(); });
  for (const Case& c : cases) {
    absl::StatusOr<TeamsInvoke> invoke = ParseTeamsInvoke(c.activity.dump());
    EXPECT_EQ(invoke.status().code(), absl::StatusCode::kInvalidArgument)
        << c.name;
    EXPECT_FALSE(invoke.status().message().empty()) << c.name;
  }
  for (const char* text : {"", "{", "null", "[]", "\"invoke\"", "{\"type\":"}) {
    EXPECT_EQ(ParseTeamsInvoke(text).status().code(),
              absl::StatusCode::kInvalidArgument)
        << text;
  }
  // The longest request id is fine.
  json longest = Invoke();
  longest["value"]["action"]["data"]["request_id"] = std::string(64, 'r');
  EXPECT_TRUE(ParseTeamsInvoke(longest.dump()).ok());
}

TEST(TeamsInvokeTest, ResponseBodies) {
  const json card = RenderTeamsCard(PendingPayload());
  EXPECT_EQ(InvokeCardResponse(card),
            json({{"statusCode", 200},
                  {"type", "application/vnd.microsoft.card.adaptive"},
                  {"value", card}}));
  EXPECT_EQ(InvokeMessageResponse("You already voted."),
            json({{"statusCode", 200},
                  {"type", "application/vnd.microsoft.activity.message"},
                  {"value", "You already voted."}}));
}

TEST(TeamsIssuerTest, IsTheBotFramework) {
  EXPECT_EQ(kBotFrameworkIssuer, "https://api.botframework.com");
}

}  // namespace
}  // namespace signoff::channels
