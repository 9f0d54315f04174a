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
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"
#include "runtime/crypto/encoding.h"
#include "tests/e2e/cli_runner.h"
#include "tests/testing/rsa_jwt.h"

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
constexpr char kOlgaSlack[] = "U07OLGA0001";
constexpr char kRosaTeams[] = "7d0e5a94-1c3b-4f6a-8e27-b9d4c1a06e11";

// One HTTP request the fake received.
struct Seen {
  std::string method;
  std::string path;
  httplib::Headers headers;
  std::string body;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  json Json() const { return json::parse(body, nullptr, false); }
};

// Slack's Web API, the Bot Framework's token endpoint and Bot Connector,
// Slack's response_url and the ticketing webhook, on one loopback port.
class FakePlatforms {
 public:
  FakePlatforms() {
    auto record = [this](const httplib::Request& request) {
      std::lock_guard lock(mu_);
      seen_.push_back(
          {request.method, request.path, request.headers, request.body});
    };
    auto answer = [](httplib::Response& response, const json& body) {
      response.set_content(body.dump(), "application/json");
    };
    server_.Post("/slack/api/chat.postMessage",
                 [=](const httplib::Request& q, httplib::Response& r) {
                   record(q);
                   answer(r, {{"ok", true},
                              {"channel", "C0SECRETS"},
                              {"ts", "1700000000.000100"}});
                 });
    server_.Post("/slack/api/chat.update",
                 [=](const httplib::Request& q, httplib::Response& r) {
                   record(q);
                   answer(r, {{"ok", true},
                              {"channel", "C0SECRETS"},
                              {"ts", "1700000000.000100"}});
                 });
    server_.Post("/slack/response",
                 [=](const httplib::Request& q, httplib::Response& r) {
                   record(q);
                   r.set_content("ok", "text/plain");
                 });
    server_.Post("/teams/token",
                 [=](const httplib::Request& q, httplib::Response& r) {
                   record(q);
                   answer(r, {{"token_type", "Bearer"},
                              {"expires_in", 3600},
                              {"access_token", "bot-access-token"}});
                 });
    server_.Post(R"(/teams/v3/conversations/(.+)/activities)",
                 [=](const httplib::Request& q, httplib::Response& r) {
                   record(q);
                   answer(r, {{"id", "1700000000001"}});
                 });
    server_.Put(R"(/teams/v3/conversations/(.+)/activities/(.+))",
                [=](const httplib::Request& q, httplib::Response& r) {
                  record(q);
                  answer(r, {{"id", "1700000000001"}});
                });
    server_.Post("/hook", [=](const httplib::Request& q, httplib::Response& r) {
      record(q);
      r.set_content("", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakePlatforms() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // The requests received so far whose path starts with `prefix`.
  std::vector<Seen> Received(const std::string& prefix) const {
    std::lock_guard lock(mu_);
    std::vector<Seen> out;
    for (const Seen& s : seen_) {
      if (s.path.rfind(prefix, 0) == 0) out.push_back(s);
    }
    return out;
  }

  // Waits up to 30 s for a request under `prefix` that `match` accepts.
  std::optional<Seen> WaitFor(
      const std::string& prefix, const std::function<bool(const Seen&)>& match =
                                     [](const Seen&) { return true; }) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      for (const Seen& s : Received(prefix)) {
        if (match(s)) return s;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
};

// A token as the Bot Framework sends with an activity.
std::string BotFrameworkJwt(EVP_PKEY* key) {
  const int64_t now = std::time(nullptr);
  return Rs256Token(
      key, {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "example-test-key"}},
      {{"iss", "https://api.botframework.com"},
       {"aud", kAppId},
       {"nbf", now - 5},
       {"exp", now + 600}});
}

std::string FormEncode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A click on a Slack button, as Slack posts it to the interactions URL.
std::string SlackClickBody(const std::string& user, const std::string& action,
                           const std::string& request_id,
                           const std::string& response_url) {
  json payload = {{"type", "block_actions"},
                  {"user", {{"id", user}, {"team_id", "T0EXAMPLE"}}},
                  {"team", {{"id", "T0EXAMPLE"}}},
                  {"channel", {{"id", "C0SECRETS"}}},
                  {"container",
                   {{"type", "message"},
                    {"channel_id", "C0SECRETS"},
                    {"message_ts", "1700000000.000100"}}},
                  {"response_url", response_url},
                  {"actions", json::array({{{"type", "button"},
                                            {"block_id", "signoff_vote"},
                                            {"action_id", action},
                                            {"value", request_id}}})}};
  return "payload=" + FormEncode(payload.dump());
}

httplib::Headers SlackSignature(const std::string& body) {
  const std::string timestamp = std::to_string(std::time(nullptr));
  const std::string signature =
      "v0=" + crypto::HexEncode(crypto::HmacSha256(
                  kSlackSigningSecret, "v0:" + timestamp + ":" + body));
  return {{"X-Slack-Request-Timestamp", timestamp},
          {"X-Slack-Signature", signature}};
}

bool HasActionsBlock(const json& slack_message) {
  if (!slack_message.contains("blocks")) return false;
  for (const json& block : slack_message["blocks"]) {
    if (block.value("type", "") == "actions") return true;
  }
  return false;
}

// `signoff serve` on `config` with the example's environment variables;
// stderr goes to `log`.
class Serve {
 public:
  Serve(const std::string& config, const std::string& log) : log_(log) {
    WriteFileOrDie(log, "");
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_TRUNC, 0600);
      dup2(fd, 2);
      close(fd);
      ExecSignoff({"serve", "--config", config},
                  {{"SLACK_BOT_TOKEN", kSlackToken},
                   {"SLACK_SIGNING_SECRET", kSlackSigningSecret},
                   {"TEAMS_APP_PASSWORD", kTeamsPassword},
                   {"TICKETS_WEBHOOK_SECRET", kWebhookSecret}});
    }
  }
  ~Serve() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::string Log() const { return ReadFileOrDie(log_); }
  std::string WaitForLog(const std::string& pattern) const {
    std::regex re(pattern);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch match;
      std::string log = Log();
      if (std::regex_search(log, match, re)) {
        return match.size() > 1 ? match[1].str() : match[0].str();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

class ExamplesChannelsTest : public ::testing::Test {
 protected:
  ExamplesChannelsTest() {
    char pattern[] = "/tmp/signoff-channels-example-XXXXXX";
    if (mkdtemp(pattern) != nullptr) dir_ = pattern;
  }
  ~ExamplesChannelsTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // The example's signoff.yaml in dir_, its outbound URLs at `fake`.
  std::string Config(const FakePlatforms& fake) {
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
                fake.url("/slack/api") + "\"");
    replace("(\n *)service_url: \"[^\"]*\"",
            "$1service_url: \"" + fake.url("/teams") + "\"$1token_url: \"" +
                fake.url("/teams/token") + "\"");
    replace("(\n *)url: \"https://tickets[^\"]*\"",
            "$1url: \"" + fake.url("/hook") + "\"");
    std::istringstream lines(yaml);
    for (std::string line; std::getline(lines, line);) {
      const std::string setting = line.substr(0, line.find('#'));
      EXPECT_EQ(setting.find("https://"), std::string::npos)
          << "a URL of the example still leaves the machine: " << line;
    }
    // What https://login.botframework.com/v1/.well-known/keys serves, with
    // our test key in it.
    WriteFileOrDie(dir_ + "/botframework-keys.json",
                   JwksText({RsaJwk(key_.get(), "example-test-key")}));
    WriteFileOrDie(dir_ + "/signoff.yaml", yaml);
    return dir_ + "/signoff.yaml";
  }

  std::string dir_;
  RsaKey key_ = NewRsaKey();
};

TEST_F(ExamplesChannelsTest,
       TheExampleDeliversToAllThreeChannelsAndTakesVotes) {
  FakePlatforms fake;
  ASSERT_GT(fake.port(), 0);
  Serve server(Config(fake), dir_ + "/serve.log");
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
  std::optional<Seen> post = fake.WaitFor("/slack/api/chat.postMessage");
  ASSERT_TRUE(post) << server.Log();
  EXPECT_EQ(post->Header("Authorization"),
            std::string("Bearer ") + kSlackToken);
  json message = post->Json();
  EXPECT_EQ(message["channel"], "#secret-approvals");
  EXPECT_TRUE(HasActionsBlock(message)) << post->body;
  EXPECT_EQ(message["metadata"]["event_payload"]["request_id"], id);

  // Webhook: signed, with an idempotency key, the payload of channel.h.
  std::optional<Seen> hook = fake.WaitFor("/hook");
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
  std::optional<Seen> token = fake.WaitFor("/teams/token");
  ASSERT_TRUE(token) << server.Log();
  EXPECT_NE(token->body.find("grant_type=client_credentials"),
            std::string::npos);
  EXPECT_NE(token->body.find(std::string("client_id=") + kAppId),
            std::string::npos);
  EXPECT_NE(token->body.find(std::string("client_secret=") + kTeamsPassword),
            std::string::npos);
  std::optional<Seen> card = fake.WaitFor("/teams/v3/conversations/");
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

  // A click from a Slack user the directory does not know: 200, refused,
  // told privately through response_url, audited.
  const std::string stranger_body = SlackClickBody(
      "U0STRANGER", "signoff_approve", id, fake.url("/slack/response"));
  httplib::Result stranger = client.Post(
      "/v1/channels/slack/interactions", SlackSignature(stranger_body),
      stranger_body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(stranger);
  EXPECT_EQ(stranger->status, 200) << stranger->body;
  std::optional<Seen> private_note = fake.WaitFor("/slack/response");
  ASSERT_TRUE(private_note);
  EXPECT_EQ(private_note->Json()["response_type"], "ephemeral");

  // olga, a secret owner, approves from Slack: acknowledged at once, her
  // vote counted in the background.
  const std::string olga_body = SlackClickBody(kOlgaSlack, "signoff_approve",
                                               id, fake.url("/slack/response"));
  httplib::Result olga =
      client.Post("/v1/channels/slack/interactions", SlackSignature(olga_body),
                  olga_body, "application/x-www-form-urlencoded");
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
  json invoke = {{"type", "invoke"},
                 {"name", "adaptiveCard/action"},
                 {"from", {{"id", "29:rosa"}, {"aadObjectId", kRosaTeams}}},
                 {"conversation",
                  {{"id", "19:0000000000000000000000000000000@thread.tacv2"}}},
                 {"replyToId", "1700000000001"},
                 {"value",
                  {{"action",
                    {{"type", "Action.Execute"},
                     {"verb", "approve"},
                     {"data", {{"request_id", id}}}}}}}};
  httplib::Result rosa =
      client.Post("/v1/channels/teams/activities",
                  {{"Authorization", "Bearer " + BotFrameworkJwt(key_.get())}},
                  invoke.dump(), "application/json");
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
  EXPECT_TRUE(fake.WaitFor("/slack/api/chat.update", [](const Seen& s) {
    json m = s.Json();
    return m["ts"] == "1700000000.000100" && !HasActionsBlock(m);
  })) << server.Log();
  EXPECT_TRUE(fake.WaitFor("/hook", [](const Seen& s) {
    return s.Json()["event"] == "request.approved";
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

  EXPECT_EQ(server.Stop(), 0) << server.Log();
}

}  // namespace
}  // namespace signoff::testing
