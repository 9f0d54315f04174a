// The Slack channel against a fake Slack Web API on loopback that checks
// the wire format (paths, bearer token, JSON body, Block Kit limits), plus
// the rendering of requests, the parsing of button clicks and the ephemeral
// answers to a clicker.
#include "runtime/channels/slack.h"

#include <httplib.h>

#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/chat_platforms.h"
#include "tests/testing/loopback_server.h"

namespace signoff::channels {
namespace {

using nlohmann::json;
using testing::AllText;

constexpr char kToken[] = "xoxb-test-token";
constexpr char kRequestId[] = "r_123";

json Json(std::string_view text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << text;
  return parsed;
}

// A request as the outbox sends it (channel.h): pending, one approve vote so
// far, two requirements.
json PendingPayload() {
  return Json(R"json({
    "event": "request.created",
    "time": "2026-11-21T03:00:00Z",
    "actor": "agent:etl",
    "request": {
      "id": "r_123",
      "status": "pending",
      "action": "db.export",
      "params": {"table": "customers", "rows": 50000,
                 "dest": "s3://warehouse/q4", "dry_run": false},
      "requester": {"id": "agent:etl", "kind": "agent", "team": "data",
                    "groups": [], "on_behalf_of": "dana", "attrs": {}},
      "context": {"justification": "quarterly report", "ticket": "OPS-42"},
      "decision": {
        "decision": "require_approval",
        "rules": ["confidential_exports"],
        "reasons": [],
        "requirements": [{"count": 2, "group": "sre"}],
        "veto": 1, "expire": "30m", "grant": "15m",
        "channels": ["sre_room"],
        "messages": ["agent:etl exports 50000 rows of customers to s3://warehouse/q4"],
        "errors": [],
        "policy": "sha256:00"
      },
      "policy": "sha256:00",
      "created": "2026-11-21T03:00:00.000Z",
      "expires": "2026-11-21T03:30:00.000Z",
      "resolved": null,
      "resolved_by": "",
      "votes": [{"identity": "bob", "vote": "approve", "comment": "looks fine",
                 "time": "2026-11-21T03:01:00.000Z", "counted": true}],
      "requirements": [
        {"group": "sre", "needed": 2, "have": 1, "approvers": ["bob"],
         "satisfiable": true},
        {"group": "security", "where": "approver.team != requester.team",
         "needed": 1, "have": 0, "approvers": [], "satisfiable": true}],
      "rejections": 0,
      "veto": 1,
      "time_left_seconds": 1800
    }})json");
}

// The same request after it ended with `status`.
json FinalPayload(std::string_view status, std::string_view resolved_by) {
  json payload = PendingPayload();
  payload["event"] = "request." + std::string(status);
  json& request = payload["request"];
  request["status"] = status;
  request["resolved_by"] = resolved_by;
  request["resolved"] = "2026-11-21T03:05:00.000Z";
  request["votes"].push_back({{"identity", "carol"},
                              {"vote", "approve"},
                              {"comment", ""},
                              {"time", "2026-11-21T03:04:00.000Z"},
                              {"counted", true}});
  request["votes"].push_back({{"identity", "mallory"},
                              {"vote", "approve"},
                              {"comment", "self"},
                              {"time", "2026-11-21T03:04:30.000Z"},
                              {"counted", false}});
  return payload;
}

std::vector<json> BlocksOfType(const json& message, std::string_view type) {
  std::vector<json> out;
  if (!message.contains("blocks") || !message["blocks"].is_array()) return out;
  for (const json& block : message["blocks"]) {
    if (block.value("type", "") == type) out.push_back(block);
  }
  return out;
}

bool IsPlainText(const json& object, size_t max) {
  return object.is_object() && object.value("type", "") == "plain_text" &&
         object.contains("text") && object["text"].is_string() &&
         !object["text"].get<std::string>().empty() &&
         object["text"].get<std::string>().size() <= max;
}

// The Approve / Reject buttons: present with the request id and a confirm
// dialog while pending, absent otherwise.
::testing::AssertionResult HasButtons(const json& message, bool pending,
                                      std::string_view request_id) {
  const std::vector<json> actions = BlocksOfType(message, "actions");
  if (!pending) {
    if (actions.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "buttons on a final request";
  }
  if (actions.size() != 1) {
    return ::testing::AssertionFailure() << actions.size() << " actions blocks";
  }
  const json& elements = actions[0]["elements"];
  if (!elements.is_array() || elements.size() != 2) {
    return ::testing::AssertionFailure() << "not two buttons: " << elements;
  }
  const std::pair<std::string, std::string> expected[] = {
      {"signoff_approve", "primary"}, {"signoff_reject", "danger"}};
  for (size_t i = 0; i < 2; ++i) {
    const json& button = elements[i];
    if (button.value("type", "") != "button" ||
        button.value("action_id", "") != expected[i].first ||
        button.value("style", "") != expected[i].second ||
        button.value("value", "") != request_id ||
        !IsPlainText(button.value("text", json()), 75)) {
      return ::testing::AssertionFailure() << "bad button " << button;
    }
    const json confirm = button.value("confirm", json());
    if (!IsPlainText(confirm.value("title", json()), 100) ||
        !IsPlainText(confirm.value("text", json()), 300) ||
        !IsPlainText(confirm.value("confirm", json()), 30) ||
        !IsPlainText(confirm.value("deny", json()), 30)) {
      return ::testing::AssertionFailure() << "bad confirm " << confirm;
    }
  }
  if (elements[0]["text"]["text"] != "Approve" ||
      elements[1]["text"]["text"] != "Reject") {
    return ::testing::AssertionFailure() << "button labels " << elements;
  }
  return ::testing::AssertionSuccess();
}

// What breaks Slack's Block Kit limits in `message`; "" when nothing.
std::string LimitProblems(const json& message) {
  std::string problems;
  auto fail = [&](std::string what) { problems += what + "; "; };
  if (!message.contains("text") || !message["text"].is_string() ||
      message["text"].get<std::string>().empty() ||
      message["text"].get<std::string>().size() > 4000) {
    fail("bad fallback text");
  }
  if (!message.contains("blocks") || !message["blocks"].is_array()) {
    fail("no blocks");
    return problems;
  }
  const json& blocks = message["blocks"];
  if (blocks.empty() || blocks.size() > 50) {
    fail("blocks: " + std::to_string(blocks.size()));
  }
  for (const json& block : blocks) {
    const std::string type = block.value("type", "");
    if (type == "section") {
      if (!block.contains("text") && !block.contains("fields")) {
        fail("empty section");
      }
      if (block.contains("text")) {
        const std::string text = block["text"].value("text", "");
        if (text.empty() || text.size() > 3000) {
          fail("section text of " + std::to_string(text.size()));
        }
      }
      if (block.contains("fields")) {
        const json& fields = block["fields"];
        if (!fields.is_array() || fields.empty() || fields.size() > 10) {
          fail("fields: " + fields.dump());
        }
        for (const json& field : fields) {
          const std::string text = field.value("text", "");
          if (text.empty() || text.size() > 2000) {
            fail("field of " + std::to_string(text.size()));
          }
        }
      }
    } else if (type == "context") {
      for (const json& element : block["elements"]) {
        const std::string text = element.value("text", "");
        if (text.empty() || text.size() > 3000) fail("context text");
      }
    } else if (type != "actions") {
      fail("unexpected block " + type);
    }
  }
  return problems;
}

// A fake Slack Web API (and response_url receiver) on loopback.
class FakeSlack {
 public:
  struct Answer {
    int status = 200;
    std::string body;
    std::string retry_after;
  };
  struct Call {
    std::string path;
    json body;
  };

  FakeSlack() {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res);
    };
    server_.server().Post("/api/chat.postMessage", handler);
    server_.server().Post("/api/chat.update", handler);
    server_.server().Post("/respond", handler);
    EXPECT_TRUE(server_.Start());
  }

  std::string base() const { return server_.url(); }
  std::string api_base() const { return server_.url("/api"); }

  // The next answer on `path` (then the default ones again).
  void Script(const std::string& path, int status, std::string body,
              std::string retry_after = "") {
    std::lock_guard lock(mu_);
    scripted_[path].push_back(
        {status, std::move(body), std::move(retry_after)});
  }
  std::vector<Call> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::string problems() {
    std::lock_guard lock(mu_);
    return problems_;
  }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    calls_.push_back({req.path, body});
    auto fail = [&](const std::string& what) {
      problems_ += req.path + ": " + what + "; ";
    };
    if (req.get_header_value("Content-Type") !=
        "application/json; charset=utf-8") {
      fail("content type " + req.get_header_value("Content-Type"));
    }
    if (!body.is_object()) fail("body is not a JSON object");
    if (req.path.rfind("/api/", 0) == 0 && body.is_object()) {
      if (req.get_header_value("Authorization") !=
          std::string("Bearer ") + kToken) {
        fail("authorization " + req.get_header_value("Authorization"));
      }
      if (!body.contains("channel") || !body["channel"].is_string() ||
          body["channel"].get<std::string>().empty()) {
        fail("no channel");
      }
      if (const std::string limits = LimitProblems(body); !limits.empty()) {
        fail(limits);
      }
      if (req.path == "/api/chat.update" &&
          (!body.contains("ts") || !body["ts"].is_string())) {
        fail("update without ts");
      }
      if (req.path == "/api/chat.postMessage") {
        const json metadata = body.value("metadata", json());
        if (metadata.value("event_type", "") != "signoff_request" ||
            !metadata.value("event_payload", json())
                 .value("request_id", json())
                 .is_string() ||
            !metadata.value("event_payload", json())
                 .value("idempotency_key", json())
                 .is_string()) {
          fail("metadata " + metadata.dump());
        }
      }
    }
    Answer answer;
    if (auto it = scripted_.find(req.path);
        it != scripted_.end() && !it->second.empty()) {
      answer = std::move(it->second.front());
      it->second.pop_front();
    } else if (req.path == "/api/chat.postMessage") {
      answer.body = R"({"ok":true,"channel":"C0NEW","ts":"1700000000.000100"})";
    } else if (req.path == "/api/chat.update" && body.is_object()) {
      answer.body = json{{"ok", true},
                         {"channel", body.value("channel", "")},
                         {"ts", body.value("ts", "")}}
                        .dump();
    } else {
      answer.body = "ok";
    }
    res.status = answer.status;
    if (!answer.retry_after.empty()) {
      res.set_header("Retry-After", answer.retry_after);
    }
    res.set_content(answer.body, "application/json");
  }

  std::mutex mu_;
  std::map<std::string, std::deque<Answer>> scripted_;
  std::vector<Call> calls_;
  std::string problems_;
  testing::LoopbackServer server_;  // last: stopped before the rest goes
};

Notification MessageOf(const json& payload) {
  Notification message;
  message.id = "m_1";
  message.request_id = kRequestId;
  message.idempotency_key = "r_123:request.created:1";
  message.event = payload.value("event", "");
  message.payload = payload;
  return message;
}

SlackOptions OptionsFor(const FakeSlack& fake) {
  SlackOptions options;
  options.name = "sre_room";
  options.api_base = fake.api_base();
  options.token = kToken;
  options.channel = "#approvals";
  options.timeout_ms = 2000;
  return options;
}

// Form-encodes `text` as a browser would.
std::string FormEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

json ClickPayload(std::string_view action_id, std::string_view value) {
  return {{"type", "block_actions"},
          {"user", {{"id", "U123"}, {"username", "bob"}, {"team_id", "T9"}}},
          {"team", {{"id", "T1"}, {"domain", "acme"}}},
          {"api_app_id", "A1"},
          {"container",
           {{"type", "message"},
            {"message_ts", "1700000000.000100"},
            {"channel_id", "C0NEW"}}},
          {"channel", {{"id", "C0NEW"}, {"name", "approvals"}}},
          {"response_url", "https://hooks.slack.com/actions/T1/1/abc"},
          {"actions",
           {{{"type", "button"},
             {"action_id", action_id},
             {"block_id", "signoff_vote"},
             {"value", value},
             {"action_ts", "1700000001.000200"}}}}};
}

std::string FormOf(const json& payload) {
  return "payload=" + FormEncode(payload.dump());
}

// --- rendering ---------------------------------------------------------------

TEST(SlackRenderTest, PendingShowsTheRequestAndTheButtons) {
  const json message = RenderSlackMessage(PendingPayload());
  EXPECT_EQ(LimitProblems(message), "");
  EXPECT_TRUE(HasButtons(message, /*pending=*/true, kRequestId));
  const std::string text = AllText(message);
  for (const char* expected :
       {"*agent:etl* (on behalf of *dana*) asks to *db.export*",
        "*table*\ncustomers", "*rows*\n50000", "*dry_run*\nfalse",
        "*dest*\ns3://warehouse/q4", "`confidential_exports`",
        "> agent:etl exports 50000 rows of customers to s3://warehouse/q4",
        "*Justification*: quarterly report", "*Ticket*: OPS-42",
        "1/2 of *sre* — approvers so far: bob",
        "0/1 of *security* where `approver.team != requester.team`",
        "<!date^1795231800^{date_short_pretty} {time}|"
        "2026-11-21T03:30:00.000Z>",
        "*bob*: approve — “looks fine”", "*Status*\npending",
        "Request `r_123`"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin:\n"
                                                      << text;
  }
  EXPECT_EQ(text.find("Approved by"), std::string::npos);
  EXPECT_NE(message["text"].get<std::string>().find(
                "agent:etl (on behalf of dana) asks to db.export"),
            std::string::npos)
      << message["text"];
}

TEST(SlackRenderTest, FinalStatesShowTheOutcomeWithoutButtons) {
  const std::pair<json, std::string> cases[] = {
      {FinalPayload("approved", "carol"), "Approved by bob, carol"},
      {FinalPayload("approved", "policy"), "Approved by policy"},
      {FinalPayload("rejected", "eve"), "Rejected by eve"},
      {FinalPayload("expired", "runtime"), "Expired without quorum"},
      {FinalPayload("cancelled", "agent:etl"), "Cancelled by the requester"},
      {FinalPayload("consumed", "carol"), "Approved by bob, carol; grant used"},
  };
  for (const auto& [payload, outcome] : cases) {
    const json message = RenderSlackMessage(payload);
    EXPECT_EQ(LimitProblems(message), "") << outcome;
    EXPECT_TRUE(HasButtons(message, /*pending=*/false, kRequestId)) << outcome;
    const std::string text = AllText(message);
    EXPECT_NE(text.find(outcome), std::string::npos) << outcome << "\n" << text;
    EXPECT_NE(message["text"].get<std::string>().find(outcome),
              std::string::npos)
        << message["text"];
    // mallory's vote did not count: not among the approvers.
    EXPECT_EQ(text.find("Approved by bob, carol, mallory"), std::string::npos);
    EXPECT_NE(text.find("*mallory*: approve — “self” (not counted)"),
              std::string::npos);
  }
}

TEST(SlackRenderTest, EscalationAddsANote) {
  json payload = PendingPayload();
  payload["event"] = "request.escalated";
  payload["escalation"] = {
      {"group", "oncall"}, {"after", "10m"}, {"notify", "pager"}};
  const json message = RenderSlackMessage(payload);
  EXPECT_EQ(LimitProblems(message), "");
  bool found = false;
  for (const json& block : BlocksOfType(message, "context")) {
    if (block.dump().find("Escalated to oncall after 10m") !=
        std::string::npos) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << message.dump(2);
  EXPECT_TRUE(HasButtons(message, /*pending=*/true, kRequestId));
  // Not escalated: no note.
  EXPECT_EQ(AllText(RenderSlackMessage(PendingPayload())).find("Escalated"),
            std::string::npos);
}

TEST(SlackRenderTest, EscapesMrkdwnInUserText) {
  json payload = PendingPayload();
  json& request = payload["request"];
  request["params"]["note"] = "<!channel> see <https://evil.example|here> & co";
  request["params"]["<@U1>"] = 1;
  request["context"]["justification"] = "ping <!here>";
  request["votes"][0]["comment"] = "<@U999> <!subteam^S1>";
  request["requester"]["on_behalf_of"] = "<!everyone>";
  const json message = RenderSlackMessage(payload);
  EXPECT_EQ(LimitProblems(message), "");
  const std::string text = AllText(message);
  for (const char* injected : {"<!channel>", "<!here>", "<https://", "<@U",
                               "<!subteam", "<!everyone>"}) {
    EXPECT_EQ(text.find(injected), std::string::npos) << injected << "\n"
                                                      << text;
  }
  for (const char* escaped :
       {"&lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; co",
        "*&lt;@U1&gt;*\n1", "ping &lt;!here&gt;",
        "&lt;@U999&gt; &lt;!subteam^S1&gt;", "&lt;!everyone&gt;"}) {
    EXPECT_NE(text.find(escaped), std::string::npos) << escaped << "\n" << text;
  }
  // Our own date token is the only raw "<!" left.
  EXPECT_NE(text.find("<!date^"), std::string::npos);
}

TEST(SlackRenderTest, LongPayloadsStayWithinSlackLimits) {
  json payload = PendingPayload();
  json& request = payload["request"];
  std::string accented;
  for (int i = 0; i < 3000; ++i) accented += "é";  // 2 bytes each
  for (int i = 0; i < 500; ++i) {
    request["params"]["param_" + std::to_string(i)] =
        i % 2 == 0 ? json(accented) : json({{"nested", accented}});
  }
  request["params"][std::string(5000, 'k')] = "long key";
  request["params"]["amp"] = std::string(4000, '&');
  request["context"]["justification"] = std::string(10000, 'j');
  request["context"]["ticket"] = accented;
  for (int i = 0; i < 500; ++i) {
    request["votes"].push_back({{"identity", "voter" + std::to_string(i)},
                                {"vote", "reject"},
                                {"comment", std::string(300, 'c')},
                                {"counted", true}});
    request["requirements"].push_back({{"group", "g" + std::to_string(i)},
                                       {"where", std::string(400, 'w')},
                                       {"needed", 1},
                                       {"have", 0},
                                       {"approvers", json::array()}});
  }
  for (int i = 0; i < 100; ++i) {
    request["decision"]["messages"].push_back(accented);
    request["decision"]["rules"].push_back("rule_" + std::to_string(i));
  }
  request["action"] = std::string(10000, 'a');
  request["requester"]["id"] = accented;

  const json message = RenderSlackMessage(payload);
  EXPECT_EQ(LimitProblems(message), "");
  EXPECT_LE(message["blocks"].size(), 50u);
  for (const json& block : message["blocks"]) {
    if (block.contains("text")) {
      EXPECT_LE(block["text"]["text"].get<std::string>().size(), 3000u);
    }
  }
  EXPECT_LE(message["text"].get<std::string>().size(), 4000u);
  EXPECT_TRUE(HasButtons(message, /*pending=*/true, kRequestId));
  const std::string text = AllText(message);
  EXPECT_NE(text.find("more parameters not shown"), std::string::npos);
  EXPECT_NE(text.find("…"), std::string::npos);
  EXPECT_NE(text.find("more"), std::string::npos);
  // Cut between characters and escapes: still valid UTF-8, no half "&amp;".
  EXPECT_NO_THROW((void)message.dump());
  for (const json& block : message["blocks"]) {
    for (const json& field : block.value("fields", json::array())) {
      const std::string field_text = field.value("text", "");
      if (field_text.rfind("*amp*", 0) == 0) {
        EXPECT_EQ(field_text.find("&am…"), std::string::npos);
        EXPECT_EQ(field_text.find("&a…"), std::string::npos);
        EXPECT_EQ(field_text.find("&…"), std::string::npos);
      }
    }
  }
}

TEST(SlackRenderTest, OddPayloadsNeverCrash) {
  const json odd[] = {
      json(),
      json::array(),
      json("text"),
      json::object(),
      Json(R"({"request": 5})"),
      Json(R"({"event": 1, "escalation": "x", "request": {
        "id": 7, "status": 7, "params": [1, 2], "requester": "bob",
        "votes": [1, null, {"identity": 5, "counted": "yes"}],
        "requirements": "x", "decision": {"rules": [1, {}], "messages": "m"},
        "context": [], "expires": "not a date", "veto": "two"}})"),
      Json(R"({"event": "request.escalated", "request": {
        "status": "pending", "requirements": [{}, null, 3],
        "decision": {"messages": [null, 5]}}})"),
  };
  for (const json& payload : odd) {
    const json message = RenderSlackMessage(payload);
    EXPECT_EQ(LimitProblems(message), "") << payload;
    EXPECT_NO_THROW((void)message.dump()) << payload;
  }
  // Pending without an id: no buttons that could not be answered.
  const json no_id = RenderSlackMessage(
      Json(R"({"request": {"status": "pending", "action": "x"}})"));
  EXPECT_TRUE(BlocksOfType(no_id, "actions").empty());
  // Not RFC 3339: shown as given, escaped.
  const json bad_date = RenderSlackMessage(Json(
      R"({"request": {"id": "r", "status": "pending", "expires": "<soon>"}})"));
  EXPECT_NE(AllText(bad_date).find("*Expires*\n&lt;soon&gt;"),
            std::string::npos);
}

// --- delivery ----------------------------------------------------------------

TEST(SlackChannelTest, PostsANewRequestAndReturnsItsRef) {
  FakeSlack fake;
  SlackChannel slack(OptionsFor(fake));
  EXPECT_EQ(slack.name(), "sre_room");
  EXPECT_EQ(slack.kind(), "slack");
  const SendResult result = slack.Send(MessageOf(PendingPayload()), "");
  EXPECT_EQ(result.delivery.outcome, Outcome::kDelivered)
      << result.delivery.detail;
  EXPECT_EQ(result.delivery.status, 200);
  EXPECT_EQ(result.ref, R"({"channel":"C0NEW","ts":"1700000000.000100"})");
  EXPECT_EQ(fake.problems(), "");
  const std::vector<FakeSlack::Call> calls = fake.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].path, "/api/chat.postMessage");
  const json& body = calls[0].body;
  EXPECT_EQ(body["channel"], "#approvals");
  EXPECT_FALSE(body.contains("ts"));
  EXPECT_EQ(body["metadata"]["event_payload"]["request_id"], kRequestId);
  EXPECT_EQ(body["metadata"]["event_payload"]["idempotency_key"],
            "r_123:request.created:1");
  EXPECT_TRUE(HasButtons(body, /*pending=*/true, kRequestId));
  const json rendered = RenderSlackMessage(PendingPayload());
  EXPECT_EQ(body["blocks"], rendered["blocks"]);
  EXPECT_EQ(body["text"], rendered["text"]);
}

TEST(SlackChannelTest, UpdatesThePostOfTheRef) {
  FakeSlack fake;
  SlackChannel slack(OptionsFor(fake));
  const SendResult result =
      slack.Send(MessageOf(FinalPayload("approved", "carol")),
                 R"({"channel": "C0NEW", "ts": "1700000000.000100"})");
  EXPECT_EQ(result.delivery.outcome, Outcome::kDelivered)
      << result.delivery.detail;
  EXPECT_EQ(result.ref, "");
  EXPECT_EQ(fake.problems(), "");
  const std::vector<FakeSlack::Call> calls = fake.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].path, "/api/chat.update");
  EXPECT_EQ(calls[0].body["channel"], "C0NEW");
  EXPECT_EQ(calls[0].body["ts"], "1700000000.000100");
  EXPECT_FALSE(calls[0].body.contains("metadata"));
  EXPECT_TRUE(HasButtons(calls[0].body, /*pending=*/false, kRequestId));
  EXPECT_NE(AllText(calls[0].body).find("Approved by bob, carol"),
            std::string::npos);
}

TEST(SlackChannelTest, PostsAnewWhenThePostWasDeleted) {
  FakeSlack fake;
  fake.Script("/api/chat.update", 200,
              R"({"ok":false,"error":"message_not_found"})");
  SlackChannel slack(OptionsFor(fake));
  const SendResult result = slack.Send(
      MessageOf(PendingPayload()), R"({"channel":"C0OLD","ts":"1.000001"})");
  EXPECT_EQ(result.delivery.outcome, Outcome::kDelivered)
      << result.delivery.detail;
  EXPECT_EQ(result.ref, R"({"channel":"C0NEW","ts":"1700000000.000100"})");
  EXPECT_EQ(fake.problems(), "");
  const std::vector<FakeSlack::Call> calls = fake.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].path, "/api/chat.update");
  EXPECT_EQ(calls[0].body["channel"], "C0OLD");
  EXPECT_EQ(calls[1].path, "/api/chat.postMessage");
  EXPECT_EQ(calls[1].body["channel"], "#approvals");
  EXPECT_TRUE(HasButtons(calls[1].body, /*pending=*/true, kRequestId));
}

TEST(SlackChannelTest, AnUnusableRefPostsAnew) {
  for (const char* ref :
       {"garbage", "{}", "[]", R"({"channel":1,"ts":"x"})",
        R"({"channel":"C1","ts":""})", R"({"channel":"C1"})"}) {
    FakeSlack fake;
    SlackChannel slack(OptionsFor(fake));
    const SendResult result = slack.Send(MessageOf(PendingPayload()), ref);
    EXPECT_EQ(result.delivery.outcome, Outcome::kDelivered) << ref;
    EXPECT_FALSE(result.ref.empty()) << ref;
    const std::vector<FakeSlack::Call> calls = fake.calls();
    ASSERT_EQ(calls.size(), 1u) << ref;
    EXPECT_EQ(calls[0].path, "/api/chat.postMessage") << ref;
  }
}

TEST(SlackChannelTest, SlackErrorsRetryOrReject) {
  FakeSlack fake;
  SlackChannel slack(OptionsFor(fake));
  const Notification message = MessageOf(PendingPayload());
  for (const char* error : {"ratelimited", "internal_error", "fatal_error",
                            "service_unavailable", "request_timeout"}) {
    fake.Script("/api/chat.postMessage", 200,
                json{{"ok", false}, {"error", error}}.dump());
    const SendResult result = slack.Send(message, "");
    EXPECT_EQ(result.delivery.outcome, Outcome::kRetry) << error;
    EXPECT_EQ(result.delivery.detail, std::string("slack: ") + error);
    EXPECT_EQ(result.ref, "");
  }
  for (const char* error : {"invalid_auth", "channel_not_found",
                            "not_in_channel", "invalid_blocks"}) {
    fake.Script("/api/chat.postMessage", 200,
                json{{"ok", false}, {"error", error}}.dump());
    const SendResult result = slack.Send(message, "");
    EXPECT_EQ(result.delivery.outcome, Outcome::kRejected) << error;
    EXPECT_EQ(result.delivery.detail, std::string("slack: ") + error);
    EXPECT_EQ(result.ref, "");
  }
  // A failed update other than message_not_found is not posted anew.
  fake.Script("/api/chat.update", 200,
              R"({"ok":false,"error":"invalid_auth"})");
  const size_t before = fake.calls().size();
  const SendResult update =
      slack.Send(message, R"({"channel":"C0NEW","ts":"1.2"})");
  EXPECT_EQ(update.delivery.outcome, Outcome::kRejected);
  EXPECT_EQ(update.delivery.detail, "slack: invalid_auth");
  EXPECT_EQ(fake.calls().size(), before + 1);
  // 200 without a Web API answer: retried.
  for (const char* body : {"<html>proxy</html>", "", "[]", R"({"ok":"yes"})"}) {
    fake.Script("/api/chat.postMessage", 200, body);
    const SendResult result = slack.Send(message, "");
    EXPECT_EQ(result.delivery.outcome, Outcome::kRetry) << body;
    EXPECT_EQ(result.ref, "");
  }
  EXPECT_EQ(fake.problems(), "");
}

TEST(SlackChannelTest, HttpFailuresAreRetried) {
  FakeSlack fake;
  SlackChannel slack(OptionsFor(fake));
  const Notification message = MessageOf(PendingPayload());
  fake.Script("/api/chat.postMessage", 500, "oops");
  SendResult result = slack.Send(message, "");
  EXPECT_EQ(result.delivery.outcome, Outcome::kRetry);
  EXPECT_EQ(result.delivery.status, 500);
  EXPECT_EQ(result.delivery.detail, "HTTP 500");
  EXPECT_EQ(result.ref, "");

  fake.Script("/api/chat.postMessage", 429,
              R"({"ok":false,"error":"ratelimited"})", "3");
  result = slack.Send(message, "");
  EXPECT_EQ(result.delivery.outcome, Outcome::kRetry);
  EXPECT_EQ(result.delivery.status, 429);
  EXPECT_EQ(result.delivery.retry_after_ms, 3000);

  fake.Script("/api/chat.update", 503, "", "7");
  result = slack.Send(message, R"({"channel":"C0NEW","ts":"1.2"})");
  EXPECT_EQ(result.delivery.outcome, Outcome::kRetry);
  EXPECT_EQ(result.delivery.retry_after_ms, 7000);
  EXPECT_EQ(fake.problems(), "");
}

TEST(SlackChannelTest, ARefusedConnectionIsRetried) {
  SlackOptions options;
  options.name = "sre_room";
  options.api_base =
      "http://127.0.0.1:" + std::to_string(testing::RefusingLoopbackPort()) +
      "/api/";
  options.token = kToken;
  options.channel = "C1";
  options.timeout_ms = 1000;
  SlackChannel slack(options);
  const SendResult result = slack.Send(MessageOf(PendingPayload()), "");
  EXPECT_EQ(result.delivery.outcome, Outcome::kRetry);
  EXPECT_EQ(result.delivery.status, 0);
  EXPECT_FALSE(result.delivery.detail.empty());
  EXPECT_EQ(result.ref, "");
}

TEST(SlackChannelTest, EscapedParamsGoOverTheWire) {
  FakeSlack fake;
  SlackChannel slack(OptionsFor(fake));
  json payload = PendingPayload();
  payload["request"]["params"]["note"] = "<!channel> urgent";
  ASSERT_EQ(slack.Send(MessageOf(payload), "").delivery.outcome,
            Outcome::kDelivered);
  const std::vector<FakeSlack::Call> calls = fake.calls();
  ASSERT_EQ(calls.size(), 1u);
  const std::string text = AllText(calls[0].body);
  EXPECT_EQ(text.find("<!channel>"), std::string::npos);
  EXPECT_NE(text.find("*note*\n&lt;!channel&gt; urgent"), std::string::npos);
}

// --- clicks ------------------------------------------------------------------

TEST(SlackFormDecodeTest, DecodesPlusAndEscapes) {
  EXPECT_EQ(SlackFormDecode("a+b%20c%3D%26%7b%7D").value(), "a b c=&{}");
  EXPECT_EQ(SlackFormDecode("").value(), "");
  EXPECT_EQ(SlackFormDecode("%C3%A9").value(), "é");
  for (const char* bad : {"%", "%4", "%zz", "a%g1", "%%41"}) {
    EXPECT_EQ(SlackFormDecode(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(SlackInteractionTest, ParsesAClick) {
  absl::StatusOr<SlackClick> click =
      ParseSlackInteraction(FormOf(ClickPayload("signoff_approve", "r_123")));
  ASSERT_TRUE(click.ok()) << click.status();
  EXPECT_EQ(click->user_id, "U123");
  EXPECT_EQ(click->team_id, "T1");
  EXPECT_EQ(click->action, "approve");
  EXPECT_EQ(click->request_id, "r_123");
  EXPECT_EQ(click->response_url, "https://hooks.slack.com/actions/T1/1/abc");
  EXPECT_EQ(click->channel_id, "C0NEW");
  EXPECT_EQ(click->message_ts, "1700000000.000100");

  // Reject; other fields around the payload are ignored.
  click = ParseSlackInteraction(
      "x=1&" + FormOf(ClickPayload("signoff_reject", "req-9_Z")) + "&y=");
  ASSERT_TRUE(click.ok()) << click.status();
  EXPECT_EQ(click->action, "reject");
  EXPECT_EQ(click->request_id, "req-9_Z");

  // Only what is needed: the user and the action.
  click = ParseSlackInteraction(FormOf(Json(
      R"({"type":"block_actions","user":{"id":"U1","team_id":"T2"},
          "actions":[{"action_id":"signoff_reject","value":"r"}]})")));
  ASSERT_TRUE(click.ok()) << click.status();
  EXPECT_EQ(click->team_id, "T2");
  EXPECT_EQ(click->response_url, "");
}

TEST(SlackInteractionTest, RefusesEverythingElse) {
  json wrong_type = ClickPayload("signoff_approve", "r_1");
  wrong_type["type"] = "view_submission";
  json no_user = ClickPayload("signoff_approve", "r_1");
  no_user.erase("user");
  json numeric_user = ClickPayload("signoff_approve", "r_1");
  numeric_user["user"]["id"] = 5;
  json no_actions = ClickPayload("signoff_approve", "r_1");
  no_actions["actions"] = json::array();
  json numeric_value = ClickPayload("signoff_approve", "r_1");
  numeric_value["actions"][0]["value"] = 5;
  json second_action_ok = ClickPayload("other", "r_1");
  second_action_ok["actions"].push_back(
      {{"action_id", "signoff_approve"}, {"value", "r_1"}});

  const std::pair<std::string, std::string> cases[] = {
      {"", "empty body"},
      {R"({"type":"block_actions"})", "not form data"},
      {"payload=%7B%zz", "not form data"},
      {"payload=%7B&payload=%7B", "more than one"},
      {"text=hello&user=U1", "no `payload` field"},
      {"payload=not+json", "not a JSON object"},
      {"payload=%5B1%5D", "not a JSON object"},
      {FormOf(json{{"user", {{"id", "U1"}}}}), "no `type`"},
      {FormOf(wrong_type), "unsupported interaction type `view_submission`"},
      {FormOf(no_actions), "no action"},
      {FormOf(ClickPayload("delete_everything", "r_1")),
       "unknown action `delete_everything`"},
      {FormOf(second_action_ok), "unknown action `other`"},
      {FormOf(ClickPayload("signoff_approve", "")), "no request id"},
      {FormOf(numeric_value), "no request id"},
      {FormOf(ClickPayload("signoff_approve", std::string(65, 'r'))),
       "longer than 64"},
      {FormOf(ClickPayload("signoff_approve", "r_1/../x")),
       "outside [A-Za-z0-9_-]"},
      {FormOf(ClickPayload("signoff_approve", "r 1")), "outside"},
      {FormOf(no_user), "missing user"},
      {FormOf(numeric_user), "missing user"},
  };
  for (const auto& [body, why] : cases) {
    const absl::StatusOr<SlackClick> click = ParseSlackInteraction(body);
    ASSERT_FALSE(click.ok()) << body;
    EXPECT_EQ(click.status().code(), absl::StatusCode::kInvalidArgument)
        << body;
    EXPECT_NE(std::string(click.status().message()).find(why),
              std::string::npos)
        << body << " -> " << click.status();
  }
  // A 64-character id is fine.
  EXPECT_TRUE(ParseSlackInteraction(
                  FormOf(ClickPayload("signoff_approve", std::string(64, 'r'))))
                  .ok());
}

TEST(SlackResponseTest, PostsAnEphemeralText) {
  FakeSlack fake;
  EXPECT_TRUE(PostSlackResponse(fake.base() + "/respond",
                                "You cannot approve <your own> request & such")
                  .ok());
  const std::vector<FakeSlack::Call> calls = fake.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].path, "/respond");
  EXPECT_EQ(calls[0].body,
            Json(R"({"response_type": "ephemeral", "replace_original": false,
                     "text": "You cannot approve &lt;your own&gt; request &amp; such"})"));
  EXPECT_EQ(fake.problems(), "");
}

TEST(SlackResponseTest, FailuresAreUnavailable) {
  FakeSlack fake;
  fake.Script("/respond", 404, "no_such_url");
  EXPECT_EQ(PostSlackResponse(fake.base() + "/respond", "x").code(),
            absl::StatusCode::kUnavailable);
  fake.Script("/respond", 500, "");
  EXPECT_EQ(PostSlackResponse(fake.base() + "/respond", "x").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(
      PostSlackResponse("http://127.0.0.1:" +
                            std::to_string(testing::RefusingLoopbackPort()) +
                            "/respond",
                        "x", 1000)
          .code(),
      absl::StatusCode::kUnavailable);
  EXPECT_EQ(PostSlackResponse("not a url", "x").code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace signoff::channels
