// examples/channels stays runnable (docs/channels.md): its signoff.yaml,
// with the environment variables its README names and a JWKS file where
// `jwks_file` points, starts `signoff serve`; the Slack, Teams and webhook
// channels it configures are pointed at one fake on loopback (the only
// edits: api_base, service_url, token_url, url, plus the listen port and
// absolute policy and directory paths); a request of its policy reaches all
// three; the callbacks are wired; a signed Slack click and a Teams invoke
// with a Bot Framework-style JWT vote as the identities directory.yaml maps
// them to; a click from an unknown Slack user is refused privately and
// audited; every delivery is audited as notify.sent.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <functional>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "nlohmann/json.hpp"
#include "runtime/crypto/encoding.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/serve_process.h"
#include "tests/testing/chat_platforms.h"
#include "tests/testing/loopback_server.h"
#include "tests/testing/rsa_jwt.h"
#include "tests/testing/temp_dir.h"

namespace signoff::testing {
namespace {

using nlohmann::json;

// The secrets the example's README tells the operator to export, with test
// values.
constexpr char kSlackToken[] = "xoxb-example-test";
constexpr char kSlackSigningSecret[] = "example-slack-signing-secret";
constexpr char kTeamsPassword[] = "example-teams-password";
constexpr char kWebhookSecret[] = "example-webhook-secret";
// From examples/channels/signoff.yaml and directory.yaml.
constexpr char kAppId[] = "00000000-0000-0000-0000-000000000000";
constexpr char kTeamsConversation[] =
    "19:0000000000000000000000000000000@thread.tacv2";
constexpr char kOlgaSlack[] = "U07OLGA0001";
constexpr char kRosaTeams[] = "7d0e5a94-1c3b-4f6a-8e27-b9d4c1a06e11";
// The ids the fake gives the Slack message and the Teams card posted to it.
constexpr char kSlackTs[] = "1700000000.000100";
constexpr char kTeamsActivity[] = "1700000000001";

// The answers of one fake for Slack's Web API (/slack/api) and
// response_url (/slack/response), the Bot Framework's token endpoint and
// Bot Connector (/teams) and the ticketing webhook (/hook); 404 for
// anything else.
RecordingServer::Answer Platforms(const RecordedRequest& request) {
  static const std::regex kNewActivity(
      "/teams/v3/conversations/(.+)/activities");
  static const std::regex kActivity(
      "/teams/v3/conversations/(.+)/activities/(.+)");
  const std::string& path = request.path;
  if (request.method == "PUT") {
    if (std::regex_match(path, kActivity)) {
      return {200, json({{"id", kTeamsActivity}}).dump()};
    }
  } else if (request.method == "POST") {
    if (path == "/slack/api/chat.postMessage" ||
        path == "/slack/api/chat.update") {
      return {200,
              json({{"ok", true}, {"channel", "C0SECRETS"}, {"ts", kSlackTs}})
                  .dump()};
    }
    if (path == "/slack/response") return {200, "ok", "text/plain"};
    if (path == "/teams/token") {
      return {200, json({{"token_type", "Bearer"},
                         {"expires_in", 3600},
                         {"access_token", "bot-access-token"}})
                       .dump()};
    }
    if (std::regex_match(path, kNewActivity)) {
      return {200, json({{"id", kTeamsActivity}}).dump()};
    }
    if (path == "/hook") return {200, "", "text/plain"};
  }
  return {404, "", "text/plain"};
}

// Waits up to 30 s for a request under `prefix` that `fake` answered (200)
// and `match` accepts.
std::optional<RecordedRequest> WaitFor(
    const RecordingServer& fake, const std::string& prefix,
    const std::function<bool(const RecordedRequest&)>& match =
        [](const RecordedRequest&) { return true; }) {
  return fake.WaitFor(
      [&](const RecordedRequest& request) {
        return request.status == 200 && request.path.rfind(prefix, 0) == 0 &&
               match(request);
      },
      std::chrono::seconds(30));
}

bool HasActionsBlock(const json& slack_message) {
  if (!slack_message.contains("blocks")) return false;
  for (const json& block : slack_message["blocks"]) {
    if (block.value("type", "") == "actions") return true;
  }
  return false;
}

class ExamplesChannelsTest : public ::testing::Test {
 protected:
  ExamplesChannelsTest() : dir_("signoff-channels-example") {
    fake_.SetHandler(Platforms);
  }

  // The example's signoff.yaml in dir_, its outbound URLs at fake_.
  std::string Config() {
    const std::string example = SourceDir() + "/examples/channels";
    std::string yaml = ReadFileOrDie(example + "/signoff.yaml");
    auto replace = [&](const std::string& pattern, const std::string& with) {
      const std::string before = yaml;
      yaml = std::regex_replace(yaml, std::regex(pattern), with);
      EXPECT_NE(yaml, before) << "examples/channels/signoff.yaml has no "
                              << pattern << "; update this test";
    };
    replace("\nlisten: [^\n]*", "\nlisten: 127.0.0.1:0");
    replace("\npolicies: \\.( |\n)", "\npolicies: " + example + "$1");
    replace("\ndirectory: \\./directory\\.yaml",
            "\ndirectory: " + example + "/directory.yaml");
    replace("(\n *)signing_secret_env: SLACK_SIGNING_SECRET",
            "$1signing_secret_env: SLACK_SIGNING_SECRET$1api_base: \"" +
                fake_.url("/slack/api") + "\"");
    replace("(\n *)service_url: \"[^\"]*\"",
            "$1service_url: \"" + fake_.url("/teams") + "\"$1token_url: \"" +
                fake_.url("/teams/token") + "\"");
    replace("(\n *)url: \"https://tickets[^\"]*\"",
            "$1url: \"" + fake_.url("/hook") + "\"");
    std::istringstream lines(yaml);
    for (std::string line; std::getline(lines, line);) {
      const std::string setting = line.substr(0, line.find('#'));
      EXPECT_EQ(setting.find("https://"), std::string::npos)
          << "a URL of the example still leaves the machine: " << line;
    }
    // What https://login.botframework.com/v1/.well-known/keys serves, with
    // our test key in it.
    WriteFileOrDie(dir_.path() + "/botframework-keys.json",
                   JwksText({RsaJwk(key_.get(), "example-test-key")}));
    WriteFileOrDie(dir_.path() + "/signoff.yaml", yaml);
    return dir_.path() + "/signoff.yaml";
  }

  TempDir dir_;
  RsaKey key_ = NewRsaKey();
  RecordingServer fake_;
};

TEST_F(ExamplesChannelsTest,
       TheExampleDeliversToAllThreeChannelsAndTakesVotes) {
  ASSERT_FALSE(dir_.path().empty());
  ASSERT_GT(fake_.port(), 0);
  ServeProcess server(Config(), dir_.path() + "/serve.log",
                      {{"SLACK_BOT_TOKEN", kSlackToken},
                       {"SLACK_SIGNING_SECRET", kSlackSigningSecret},
                       {"TEAMS_APP_PASSWORD", kTeamsPassword},
                       {"TICKETS_WEBHOOK_SECRET", kWebhookSecret}});
  const std::string port =
      server.WaitForLog("serving on 127\\.0\\.0\\.1:(\\d+)");
  ASSERT_FALSE(port.empty()) << server.Log();
  httplib::Client client("127.0.0.1", std::stoi(port));
  auto as = [](const std::string& name) {
    return httplib::Headers{{"Authorization", "Bearer demo-key-" + name}};
  };

  // The callbacks are there (404 would mean no channel of the kind) and
  // authenticate the platform.
  httplib::Result unsigned_click =
      client.Post("/v1/channels/slack/interactions", "payload=%7B%7D",
                  "application/x-www-form-urlencoded");
  ASSERT_TRUE(unsigned_click);
  EXPECT_EQ(unsigned_click->status, 401) << unsigned_click->body;
  httplib::Result no_token =
      client.Post("/v1/channels/teams/activities", "{}", "application/json");
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 401) << no_token->body;

  // agent:ops asks for the payment secret of the sample request.
  json body = json::parse(ReadFileOrDie(
      SourceDir() + "/examples/channels/requests/payment-secret.json"));
  body.erase("requester");  // the runtime fills it from the API key
  httplib::Result submitted =
      client.Post("/v1/requests", as("ops"), body.dump(), "application/json");
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 200) << submitted->body;
  const json created = json::parse(submitted->body);
  ASSERT_EQ(created["status"], "pending") << submitted->body;
  const std::string id = created["id"];

  // Slack: posted to the policy's routing target with the bot token, with
  // Approve / Reject buttons for this request.
  std::optional<RecordedRequest> post =
      WaitFor(fake_, "/slack/api/chat.postMessage");
  ASSERT_TRUE(post) << server.Log();
  EXPECT_EQ(post->Header("Authorization"),
            std::string("Bearer ") + kSlackToken);
  json message = post->Json();
  EXPECT_EQ(message["channel"], "#secret-approvals");
  EXPECT_TRUE(HasActionsBlock(message)) << post->body;
  EXPECT_EQ(message["metadata"]["event_payload"]["request_id"], id);

  // Webhook: signed, with an idempotency key, the payload of channel.h.
  std::optional<RecordedRequest> hook = WaitFor(fake_, "/hook");
  ASSERT_TRUE(hook) << server.Log();
  const std::string timestamp = hook->Header("X-Signoff-Timestamp");
  EXPECT_EQ(hook->Header("X-Signoff-Signature"),
            "v1=" + crypto::HexEncode(crypto::HmacSha256(
                        kWebhookSecret, timestamp + "." + hook->body)));
  json delivered = hook->Json();
  EXPECT_EQ(delivered["event"], "request.created");
  EXPECT_EQ(delivered["request"]["id"], id);
  EXPECT_EQ(hook->Header("Idempotency-Key"), delivered["id"]);
  EXPECT_FALSE(delivered["request"].contains("grant"));

  // Teams: a client-credentials token for the app, then the card posted to
  // the configured conversation.
  std::optional<RecordedRequest> token = WaitFor(fake_, "/teams/token");
  ASSERT_TRUE(token) << server.Log();
  EXPECT_NE(token->body.find("grant_type=client_credentials"),
            std::string::npos);
  EXPECT_NE(token->body.find(std::string("client_id=") + kAppId),
            std::string::npos);
  EXPECT_NE(token->body.find(std::string("client_secret=") + kTeamsPassword),
            std::string::npos);
  std::optional<RecordedRequest> card =
      WaitFor(fake_, "/teams/v3/conversations/");
  ASSERT_TRUE(card) << server.Log();
  EXPECT_EQ(card->method, "POST");
  EXPECT_NE(card->path.find("thread.tacv2"), std::string::npos) << card->path;
  EXPECT_EQ(card->Header("Authorization"), "Bearer bot-access-token");
  json activity = card->Json();
  const json& content = activity["attachments"][0]["content"];
  EXPECT_EQ(content["version"], "1.5");
  ASSERT_EQ(content["actions"].size(), 2u) << card->body;
  EXPECT_EQ(content["actions"][0]["type"], "Action.Execute");
  EXPECT_EQ(content["actions"][0]["verb"], "approve");
  EXPECT_EQ(content["actions"][1]["verb"], "reject");

  // A signed click on Approve by the Slack user `user`.
  auto approve_in_slack = [&](const std::string& user) {
    const SlackClick click =
        SignedSlackClick(kSlackSigningSecret, user, "signoff_approve", id,
                         fake_.url("/slack/response"));
    return client.Post("/v1/channels/slack/interactions", click.Headers(),
                       click.body, "application/x-www-form-urlencoded");
  };

  // A click from a Slack user the directory does not know: 200, refused,
  // told privately through response_url, audited.
  httplib::Result stranger = approve_in_slack("U0STRANGER");
  ASSERT_TRUE(stranger);
  EXPECT_EQ(stranger->status, 200) << stranger->body;
  std::optional<RecordedRequest> private_note =
      WaitFor(fake_, "/slack/response");
  ASSERT_TRUE(private_note);
  EXPECT_EQ(private_note->Json()["response_type"], "ephemeral");

  // olga, a secret owner, approves from Slack: acknowledged at once, her
  // vote counted in the background.
  httplib::Result olga = approve_in_slack(kOlgaSlack);
  ASSERT_TRUE(olga);
  EXPECT_EQ(olga->status, 200) << olga->body;
  bool counted = false;
  for (int i = 0; i < 1500 && !counted; ++i) {
    httplib::Result view = client.Get("/v1/requests/" + id, as("olga"));
    ASSERT_TRUE(view);
    const json seen = json::parse(view->body);
    for (const json& vote : seen["votes"]) {
      counted |= vote["identity"] == "olga" && vote["vote"] == "approve" &&
                 vote["counted"] == true;
    }
    if (!counted) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(counted) << server.Log();

  // rosa, a security reviewer, approves from Teams: the answer is the card
  // of the approved request, without buttons.
  const std::string bot_token =
      BotFrameworkToken(key_.get(), "example-test-key", kAppId);
  httplib::Result rosa =
      client.Post("/v1/channels/teams/activities",
                  {{"Authorization", "Bearer " + bot_token}},
                  TeamsInvoke(kRosaTeams, "approve", id, kTeamsConversation,
                              kTeamsActivity),
                  "application/json");
  ASSERT_TRUE(rosa);
  ASSERT_EQ(rosa->status, 200) << rosa->body;
  json answer = json::parse(rosa->body);
  EXPECT_EQ(answer["statusCode"], 200);
  EXPECT_EQ(answer["type"], "application/vnd.microsoft.card.adaptive")
      << rosa->body;
  EXPECT_TRUE(answer["value"]["actions"].empty()) << rosa->body;

  httplib::Result approved = client.Get("/v1/requests/" + id, as("ops"));
  ASSERT_TRUE(approved);
  json view = json::parse(approved->body);
  EXPECT_EQ(view["status"], "approved") << approved->body;
  EXPECT_TRUE(view.contains("grant")) << approved->body;

  // The Slack post is edited in place and ends without buttons (only a
  // final request has none); the webhook hears the outcome.
  EXPECT_TRUE(WaitFor(fake_, "/slack/api/chat.update",
                      [](const RecordedRequest& update) {
                        json m = update.Json();
                        return m["ts"] == kSlackTs && !HasActionsBlock(m);
                      }))
      << server.Log();
  EXPECT_TRUE(WaitFor(fake_, "/hook", [](const RecordedRequest& outcome) {
    return outcome.Json()["event"] == "request.approved";
  })) << server.Log();

  // The audit log: every delivery, and the refused callbacks with reasons.
  std::set<std::string> sent_to;
  std::set<std::string> refusals;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline && sent_to.size() < 3) {
    httplib::Result audit = client.Get("/v1/audit?limit=1000", as("rosa"));
    ASSERT_TRUE(audit);
    ASSERT_EQ(audit->status, 200) << audit->body;
    sent_to.clear();
    refusals.clear();
    const json log = json::parse(audit->body);
    for (const json& entry : log["entries"]) {
      if (entry["type"] == "notify.sent") {
        sent_to.insert(entry["data"]["channel"].get<std::string>());
      }
      if (entry["type"] == "channel.refused") {
        refusals.insert(entry["data"]["reason"].get<std::string>());
      }
      EXPECT_NE(entry["type"], "notify.failed") << entry.dump();
    }
    if (sent_to.size() < 3) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_EQ(sent_to,
            (std::set<std::string>{"secret_approvals", "secret_tickets",
                                   "security_reviews"}));
  EXPECT_EQ(refusals, (std::set<std::string>{"missing_signature", "bad_token",
                                             "unmapped_user"}));

  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.Log();
}

}  // namespace
}  // namespace signoff::testing
