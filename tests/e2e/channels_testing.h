// The shared parts of the channel acceptance tests (channels_*_test.cc,
// RUNTIME.md §8): fake Slack, Teams and webhook receivers in the test
// process on loopback, and a fixture running the real `signoff serve` with a
// policy that notifies all three, on a real SQLite file.
//
//   class ChannelsSlackTest : public ChannelsFixture {};
//   TEST_F(ChannelsSlackTest, ...) {
//     std::unique_ptr<ServeProcess> server = Start("serve");
//     const std::string id = Submit(Confidential("customers"));
//     ASSERT_TRUE(WaitUntil([&] { return SlackPosts(id).size() == 1; }));
//     ASSERT_EQ(PostSlack(SignedClick("U0DIEGO", "signoff_approve", id,
//                                     "diego")), 200);   // Slack's click
//     ASSERT_TRUE(WaitUntil([&] { return View(id)["votes"].size() == 1; }));
//   }
//
// The policy (kPolicy): data.export of `confidential` data needs 2 of
// stewards (diego, dana, erin) and is posted to the Slack channel `room`,
// the Teams channel `sec` and the webhook `hook`; `restricted` data needs
// the same quorum, is posted to `room` only, and escalates after 2 s to the
// on-call group (olga), telling `hook`. The requester is agent:etl acting
// for dana, so dana may never approve; bob is in no group.
#ifndef SIGNOFF_TESTS_E2E_CHANNELS_TESTING_H_
#define SIGNOFF_TESTS_E2E_CHANNELS_TESTING_H_

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "runtime/audit/timestamp.h"
#include "runtime/crypto/encoding.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/serve_process.h"
#include "tests/testing/chat_platforms.h"
#include "tests/testing/loopback_server.h"
#include "tests/testing/rsa_jwt.h"
#include "tests/testing/temp_dir.h"

namespace signoff::testing {

using nlohmann::json;

// The secrets ServeProcess gives the child, and ours for the webhook.
inline constexpr char kSlackSigningSecret[] = "slack-secret";
inline constexpr char kSlackToken[] = "xoxb-test";
inline constexpr char kTeamsPassword[] = "teams-password";
inline constexpr char kHookSecret[] = "hook-secret";
inline constexpr char kTeamsAppId[] = "app-1";
inline constexpr char kTeamsConversation[] = "19:sec@thread";
inline constexpr char kTeamsToken[] = "teams-bot-token-1";
inline constexpr char kRequester[] = "agent:etl";
inline constexpr char kAuditor[] = "alice";

inline constexpr char kPolicy[] = R"(# tests/e2e/channels_testing.h
import "std/actions"

group stewards = ["diego", "dana", "erin"]
group oncall = ["olga"]

channel room = slack("#room")
channel sec = teams("sec")
channel hook = webhook("hook")

# Two stewards, told in every channel.
rule exports {
  on data.export
  when params.classification == "confidential"
  require 2 of stewards
  expire 1h
  notify room, sec, hook
}

# The same quorum; when nobody reacts for 2 s the on-call engineer may step
# in, and the webhook hears of the request from then on.
rule restricted_exports {
  on data.export
  when params.classification == "restricted"
  require 2 of stewards
  expire 1h
  notify room
  escalate after 2s to oncall notify hook
}
)";

// Identities: {id, directory attributes}.
inline const std::vector<std::pair<std::string, std::string>>& Identities() {
  static const auto* const kIdentities =
      new std::vector<std::pair<std::string, std::string>>{
          {"alice", "kind: human, team: security"},
          {"diego",
           "kind: human, team: data, slack: U0DIEGO, teams: aad-diego"},
          {"dana", "kind: human, team: data, slack: U0DANA, teams: aad-dana"},
          {"erin", "kind: human, team: data, slack: U0ERIN, teams: aad-erin"},
          {"olga", "kind: human, team: sre, slack: U0OLGA, teams: aad-olga"},
          {"bob", "kind: human, team: sre, slack: U0BOB, teams: aad-bob"},
          {"agent:etl", "kind: agent, team: data, on_behalf_of: dana"},
      };
  return *kIdentities;
}

inline std::string ApiKeyOf(const std::string& identity) {
  return "channels-key-" + identity;
}

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline int64_t UnixSeconds() { return NowMs() / 1000; }

inline json ParseJson(std::string_view text) {
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

// The block of type `type` in a Slack message body, or null.
inline json SlackBlock(const json& message, const std::string& type) {
  if (!message.contains("blocks") || !message["blocks"].is_array()) {
    return nullptr;
  }
  const json& blocks = message["blocks"];
  for (const json& block : blocks) {
    if (block.value("type", "") == type) return block;
  }
  return nullptr;
}

// A real `signoff serve` in a temporary directory with kPolicy, the
// identities above, all three channels pointed at the fakes, and an outbox
// that retries quickly (WriteConfig).
class ChannelsFixture : public ::testing::Test {
 protected:
  // platform_: Slack's Web API under /api, Slack's response_url under
  // /respond, Teams' token endpoint /token and Bot Connector under /teams.
  // hook_: the webhook receiver (answers 200 until a test says otherwise).
  ChannelsFixture() : dir_("signoff-channels-e2e"), teams_key_(NewRsaKey()) {
    platform_.SetHandler(
        [this](const RecordedRequest& call) { return Platform(call); });
  }

  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    ASSERT_GT(platform_.port(), 0);
    ASSERT_GT(hook_.port(), 0);
    std::filesystem::create_directories(dir_.path() + "/policies");
    WriteFileOrDie(dir_.path() + "/policies/exports.signoff", kPolicy);
    std::string directory = "identities:\n";
    std::string keys = "api_keys:\n";
    for (const auto& [id, attrs] : Identities()) {
      directory += "  " + id + ": { " + attrs + " }\n";
      keys += "  - { identity: " + id +
              ", sha256: " + crypto::HexEncode(crypto::Sha256(ApiKeyOf(id))) +
              " }\n";
    }
    WriteFileOrDie(dir_.path() + "/directory.yaml", directory + keys);
    WriteFileOrDie(dir_.path() + "/teams-keys.json",
                   JwksText({RsaJwk(teams_key_.get(), "k1")}));
    WriteConfig();
  }

  // signoff.yaml; `delivery` is the outbox's retry policy.
  void WriteConfig(
      const std::string& delivery =
          "{ attempts: 4, backoff_ms: 100, max_backoff_ms: 400 }") {
    const std::string platform = platform_.url();
    WriteFileOrDie(
        config(),
        "listen: 127.0.0.1:0\n"
        "policies: ./policies\n"
        "store: sqlite:./signoff.db\n"
        "directory: ./directory.yaml\n"
        "keys: ./keys\n"
        "admins: [alice]\n"
        "checkpoint_interval: 0s\n"
        "delivery: " +
            delivery +
            "\n"
            "channels:\n"
            "  room: { kind: slack, token_env: SLACK_BOT_TOKEN, "
            "signing_secret_env: SLACK_SIGNING_SECRET, api_base: \"" +
            platform +
            "/api\" }\n"
            "  sec: { kind: teams, app_id: \"app-1\", app_password_env: "
            "TEAMS_APP_PASSWORD, service_url: \"" +
            platform + "/teams\", token_url: \"" + platform +
            "/token\", conversation_id: \"19:sec@thread\", jwks_file: "
            "./teams-keys.json }\n"
            "  hook: { kind: webhook, url: \"" +
            hook_.url("/hook") + "\", secret_env: HOOK_SECRET }\n");
  }

  std::string config() const { return dir_.path() + "/signoff.yaml"; }
  std::string db() const { return dir_.path() + "/signoff.db"; }

  // Starts `signoff serve` and waits until it serves; port_ is its port.
  std::unique_ptr<ServeProcess> Start(const std::string& name) {
    auto server = std::make_unique<ServeProcess>(
        config(), dir_.path() + "/" + name + ".log",
        EnvChanges{{"HOOK_SECRET", std::string(kHookSecret)}});
    const std::string port =
        server->WaitForLog("serving on 127\\.0\\.0\\.1:(\\d+)");
    port_ = port.empty() ? 0 : std::stoi(port);
    EXPECT_NE(port_, 0) << server->Log();
    return server;
  }

  // Start("serve") into `server`, then Submit(params): the id of the
  // pending request ("" and a failure when either failed).
  std::string StartAndSubmit(const json& params,
                             std::unique_ptr<ServeProcess>& server) {
    server = Start("serve");
    return port_ != 0 ? Submit(params) : std::string();
  }

  // SIGTERM, and the exit code must be 0.
  static void Stop(ServeProcess& server) {
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(), 0) << server.Log();
  }

  // --- The HTTP API, as an identity --------------------------------------

  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(5);
    client.set_read_timeout(30);
    client.set_write_timeout(5);
    client.set_tcp_nodelay(true);
    return client;
  }
  static httplib::Headers Auth(const std::string& identity) {
    return {{"Authorization", "Bearer " + ApiKeyOf(identity)}};
  }

  static json Confidential(const std::string& dataset) {
    return {{"dataset", dataset},
            {"rows", 5000},
            {"destination", "s3://partner-exchange/q4"},
            {"classification", "confidential"}};
  }
  static json Restricted(const std::string& dataset) {
    json params = Confidential(dataset);
    params["classification"] = "restricted";
    return params;
  }

  // POST /v1/requests as agent:etl; the id of the pending request ("" and a
  // failure otherwise).
  std::string Submit(const json& params) {
    httplib::Result result = Client().Post(
        "/v1/requests", Auth(kRequester),
        json({{"action", "data.export"}, {"params", params}}).dump(),
        "application/json");
    if (!result) {
      ADD_FAILURE() << "submit: no answer";
      return "";
    }
    json body = ParseJson(result->body);
    if (result->status != 200 || body.value("status", "") != "pending") {
      ADD_FAILURE() << "submit: " << result->status << " " << result->body;
      return "";
    }
    return body.value("id", "");
  }

  // GET /v1/requests/{id} as `identity` (null on failure).
  json View(const std::string& id, const std::string& identity = "alice") {
    httplib::Result result =
        Client().Get(("/v1/requests/" + id).c_str(), Auth(identity));
    if (!result || result->status != 200) {
      ADD_FAILURE() << "GET " << id << ": "
                    << (result ? result->body : "no answer");
      return nullptr;
    }
    return ParseJson(result->body);
  }

  // POST /v1/requests/{id}/votes; the HTTP status (0 without an answer).
  int Vote(const std::string& id, const std::string& identity,
           const std::string& vote = "approve") {
    httplib::Result result =
        Client().Post(("/v1/requests/" + id + "/votes").c_str(), Auth(identity),
                      json({{"vote", vote}}).dump(), "application/json");
    return result ? result->status : 0;
  }

  int Cancel(const std::string& id) {
    httplib::Result result =
        Client().Post(("/v1/requests/" + id + "/cancel").c_str(),
                      Auth(kRequester), "{}", "application/json");
    return result ? result->status : 0;
  }

  // The whole audit log through GET /v1/audit (as the admin).
  std::vector<json> Audit() {
    std::vector<json> entries;
    int64_t after = 0;
    for (;;) {
      httplib::Result result = Client().Get(
          ("/v1/audit?limit=1000&after=" + std::to_string(after)).c_str(),
          Auth(kAuditor));
      if (!result || result->status != 200) {
        ADD_FAILURE() << "GET /v1/audit: "
                      << (result ? result->body : "no answer");
        return entries;
      }
      json page = ParseJson(result->body);
      const json& list = page["entries"];
      if (!list.is_array() || list.empty()) return entries;
      for (const json& entry : list) entries.push_back(entry);
      after = page.value("next_after", after);
    }
  }
  // The audit entries of `type` (and of `request` when not "").
  std::vector<json> AuditOf(const std::string& type,
                            const std::string& request = "") {
    std::vector<json> all = Audit();
    std::vector<json> out;
    for (json& entry : all) {
      if (entry.value("type", "") == type &&
          (request.empty() || entry.value("request", "") == request)) {
        out.push_back(std::move(entry));
      }
    }
    return out;
  }

  bool AuditVerifies() {
    httplib::Result result = Client().Get("/v1/audit/verify", Auth(kAuditor));
    if (!result) return false;
    EXPECT_EQ(result->status, 200) << result->body;
    return ParseJson(result->body).value("ok", false);
  }

  // --- Slack ---------------------------------------------------------------

  // A click by Slack user `user` on `action_id` (signoff_approve or
  // signoff_reject) of request `request_id`, answered privately at
  // /respond/<respond> of the platform; signed now (or at `timestamp`).
  SlackClick SignedClick(const std::string& user, const std::string& action_id,
                         const std::string& request_id,
                         const std::string& respond,
                         std::optional<int64_t> timestamp = std::nullopt) {
    return SignedSlackClick(kSlackSigningSecret, user, action_id, request_id,
                            platform_.url("/respond/" + respond), timestamp);
  }

  // POSTs `click` to the interactions endpoint; the HTTP status. Without
  // `signed_headers` the Slack headers are left out.
  int PostSlack(const SlackClick& click, bool signed_headers = true) {
    const httplib::Headers headers =
        signed_headers ? click.Headers() : httplib::Headers();
    httplib::Result result =
        Client().Post("/v1/channels/slack/interactions", headers, click.body,
                      "application/x-www-form-urlencoded");
    return result ? result->status : 0;
  }

  // The private answers Slack got at /respond/<respond>.
  std::vector<RecordedRequest> Responses(const std::string& respond) const {
    return platform_.Requests([&](const RecordedRequest& call) {
      return call.path == "/respond/" + respond;
    });
  }

  // chat.postMessage / chat.update calls about request `id`.
  std::vector<RecordedRequest> SlackPosts(const std::string& id) const {
    return platform_.Requests([&](const RecordedRequest& call) {
      return call.path == "/api/chat.postMessage" &&
             call.Json()["metadata"]["event_payload"].value("request_id", "") ==
                 id;
    });
  }
  // The timestamp (Slack's id) of the post of request `id`; "" when none.
  std::string SlackTs(const std::string& id) const {
    std::vector<RecordedRequest> posts = SlackPosts(id);
    return posts.empty() ? std::string()
                         : ParseJson(posts.front().answer).value("ts", "");
  }
  // Updates of the post with timestamp `ts`.
  std::vector<RecordedRequest> SlackUpdates(const std::string& ts) const {
    return platform_.Requests([&](const RecordedRequest& call) {
      return call.path == "/api/chat.update" &&
             call.Json().value("ts", "") == ts;
    });
  }

  // --- Teams ---------------------------------------------------------------

  // A Bot Framework token for our bot, as the Bot Framework signs it with
  // the service URL of the platform: signed with `key` (our configured key
  // when null), valid now for kTeamsAppId unless `overrides` replaces
  // claims.
  std::string TeamsToken(const json& overrides = json::object(),
                         EVP_PKEY* key = nullptr) {
    json claims = {{"serviceurl", platform_.url("/teams")}};
    for (const auto& [name, value] : overrides.items()) claims[name] = value;
    return BotFrameworkToken(key != nullptr ? key : teams_key_.get(), "k1",
                             kTeamsAppId, claims);
  }

  // The invoke of a click on `verb` of the card of `request_id` (posted as
  // act-1 in kTeamsConversation) by the Teams user `aad`.
  static std::string TeamsClick(const std::string& aad, const std::string& verb,
                                const std::string& request_id) {
    return TeamsInvoke(aad, verb, request_id, kTeamsConversation, "act-1");
  }

  // POSTs an activity with `Authorization: Bearer token` ("" leaves the
  // header out).
  httplib::Result PostTeams(const std::string& token,
                            const std::string& activity) {
    httplib::Headers headers;
    if (!token.empty()) headers = {{"Authorization", "Bearer " + token}};
    return Client().Post("/v1/channels/teams/activities", headers, activity,
                         "application/json");
  }

  // Bot Connector calls (POST or PUT) about request `id`.
  std::vector<RecordedRequest> TeamsActivities(const std::string& id) const {
    return platform_.Requests([&](const RecordedRequest& call) {
      return call.path.rfind("/teams/v3/conversations/", 0) == 0 &&
             call.Json()["channelData"]["signoff"].value("request_id", "") ==
                 id;
    });
  }

  // --- Webhook ---------------------------------------------------------------

  // Deliveries to the webhook receiver it answered with 2xx.
  std::vector<RecordedRequest> HookDelivered() const {
    return hook_.Requests([](const RecordedRequest& call) {
      return call.status >= 200 && call.status < 300;
    });
  }

  // --- The database file ----------------------------------------------------

  struct OutboxRow {
    std::string id;
    std::string request_id;
    std::string channel;
    std::string kind;
    std::string idempotency_key;
    std::string state;
    int64_t attempts = 0;
    bool leased = false;
  };
  // The rows of `sql`, every column as text, read with SQLite next to the
  // running server (or while it is down).
  std::vector<std::vector<std::string>> Query(const std::string& sql) const {
    std::vector<std::vector<std::string>> rows;
    sqlite3* handle = nullptr;
    if (sqlite3_open_v2(db().c_str(), &handle, SQLITE_OPEN_READWRITE,
                        nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << db();
      sqlite3_close(handle);
      return rows;
    }
    sqlite3_busy_timeout(handle, 5000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) !=
        SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(handle);
      sqlite3_close(handle);
      return rows;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* value = sqlite3_column_text(stmt, i);
        row.emplace_back(value ? reinterpret_cast<const char*>(value) : "");
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(handle);
    return rows;
  }
  // The single number `sql` selects (-1 and a failure otherwise).
  int64_t QueryInt(const std::string& sql) const {
    std::vector<std::vector<std::string>> rows = Query(sql);
    if (rows.size() != 1 || rows[0].size() != 1) {
      ADD_FAILURE() << sql << ": " << rows.size() << " rows";
      return -1;
    }
    return std::stoll(rows[0][0]);
  }
  // The outbox table (all rows, or those of `channel`), in insertion order.
  std::vector<OutboxRow> Outbox(const std::string& channel = "") const {
    // Channel names are [a-z]+ here: safe to quote.
    std::vector<std::vector<std::string>> rows = Query(
        "SELECT id, request_id, channel, kind, idempotency_key, state, "
        "attempts, leased FROM outbox" +
        (channel.empty() ? std::string()
                         : " WHERE channel = '" + channel + "'") +
        " ORDER BY rowid");
    std::vector<OutboxRow> out;
    for (const std::vector<std::string>& row : rows) {
      out.push_back({row[0], row[1], row[2], row[3], row[4], row[5],
                     std::stoll(row[6]), row[7] == "1"});
    }
    return out;
  }
  // Whether every outbox row (of `channel`) is in `state`, and there is one.
  bool OutboxAll(const std::string& state, const std::string& channel = "") {
    std::vector<OutboxRow> rows = Outbox(channel);
    if (rows.empty()) return false;
    for (const OutboxRow& row : rows) {
      if (row.state != state) return false;
    }
    return true;
  }

  // --- The fake platform -----------------------------------------------------

  RecordingServer::Answer Platform(const RecordedRequest& call) {
    json body = call.Json();
    if (call.path == "/api/chat.postMessage") {
      std::lock_guard lock(platform_mu_);
      char ts[32];
      std::snprintf(ts, sizeof ts, "1700000000.%06d", ++slack_posts_);
      return {200, json({{"ok", true}, {"channel", "C1"}, {"ts", ts}}).dump()};
    }
    if (call.path == "/api/chat.update") {
      return {200, json({{"ok", true},
                         {"channel", body.value("channel", "")},
                         {"ts", body.value("ts", "")}})
                       .dump()};
    }
    if (call.path.rfind("/respond/", 0) == 0) return {200, "ok", "text/plain"};
    if (call.path == "/token") {
      return {200, json({{"token_type", "Bearer"},
                         {"expires_in", 3600},
                         {"access_token", kTeamsToken}})
                       .dump()};
    }
    if (call.path.rfind("/teams/v3/conversations/", 0) == 0) {
      if (call.method == "PUT") {
        const std::string activity = call.path.substr(call.path.rfind('/') + 1);
        return {200, json({{"id", activity}}).dump()};
      }
      std::lock_guard lock(platform_mu_);
      return {200,
              json({{"id", "act-" + std::to_string(++teams_posts_)}}).dump()};
    }
    return {404, R"({"ok": false, "error": "unknown_method"})"};
  }

  // Declared before the fakes, whose handlers use them.
  std::mutex platform_mu_;
  int slack_posts_ = 0;  // guarded by platform_mu_
  int teams_posts_ = 0;  // guarded by platform_mu_

  TempDir dir_;
  RecordingServer platform_;
  // Tests give it handlers whose state they hold in shared_ptrs: a call may
  // still be in a handler when the test's locals are gone.
  RecordingServer hook_;
  RsaKey teams_key_;
  int port_ = 0;  // the server's, once started
};

}  // namespace signoff::testing

#endif  // SIGNOFF_TESTS_E2E_CHANNELS_TESTING_H_
