// Helpers for the server tests: a temporary directory holding signoff.yaml,
// a copy of examples/data-exports (so tests can break and fix it), the
// SQLite store and the keys; a real server on an ephemeral loopback port;
// and a few HTTP helpers on httplib::Client.
#ifndef SIGNOFF_TESTS_UNIT_SERVER_SERVER_TESTING_H_
#define SIGNOFF_TESTS_UNIT_SERVER_SERVER_TESTING_H_

#include <httplib.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "runtime/config/config.h"
#include "runtime/server/server.h"

namespace signoff::server::testing {

inline std::string SourceDir() { return SIGNOFF_SOURCE_DIR; }

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// The demo keys of examples/server/directory.yaml.
inline constexpr char kEtlKey[] = "demo-key-etl";
inline constexpr char kAliceKey[] = "demo-key-alice";  // admin
inline constexpr char kBobKey[] = "demo-key-bob";
inline constexpr char kCarolKey[] = "demo-key-carol";  // auditor

// The secrets the example's channels name.
inline config::EnvLookup FakeEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    static const std::map<std::string, std::string, std::less<>> env = {
        {"SLACK_BOT_TOKEN", "xoxb-test"},
        {"SLACK_SIGNING_SECRET", "slack-secret"},
        {"TEAMS_APP_PASSWORD", "teams-password"},
    };
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    char pattern[] = "/tmp/signoff-server-XXXXXX";
    if (mkdtemp(pattern) != nullptr) dir_ = pattern;
    std::filesystem::create_directories(dir_ + "/policies");
    std::filesystem::copy_file(
        SourceDir() + "/examples/data-exports/exports.signoff", policy_path());
  }
  ~ServerTest() override {
    server_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const std::string& dir() const { return dir_; }
  std::string policy_path() const { return dir_ + "/policies/exports.signoff"; }
  std::string db_path() const { return dir_ + "/signoff.db"; }

  // signoff.yaml for the example's policy and directory, listening on an
  // ephemeral port, without periodic checkpoints unless `extra` (appended
  // top-level keys) sets checkpoint_interval.
  std::string ConfigText(const std::string& extra = "") const {
    return "listen: 127.0.0.1:0\n"
           "policies: ./policies\n"
           "store: sqlite:./signoff.db\n"
           "directory: " +
           SourceDir() +
           "/examples/server/directory.yaml\n"
           "keys: ./keys\n"
           "admins: [alice]\n"
           "auditors: [carol]\n"
           "threads: 8\n"
           "max_body_bytes: 4096\n" +
           (extra.find("checkpoint_interval") == std::string::npos
                ? "checkpoint_interval: 0s\n"
                : "") +
           "channels:\n"
           "  data_approvals: { kind: slack, token_env: SLACK_BOT_TOKEN,\n"
           "                    signing_secret_env: SLACK_SIGNING_SECRET }\n"
           "  privacy_reviews: { kind: teams, app_id: app,\n"
           "                     app_password_env: TEAMS_APP_PASSWORD,\n"
           "                     conversation_id: conv }\n" +
           extra;
  }

  absl::StatusOr<std::unique_ptr<Server>> TryStart(
      const std::string& extra = "", Server::Options options = {}) {
    return TryStartWithConfig(ConfigText(extra), std::move(options));
  }

  // The same with `config_text` as signoff.yaml (ConfigText() edited, say).
  absl::StatusOr<std::unique_ptr<Server>> TryStartWithConfig(
      const std::string& config_text, Server::Options options = {}) {
    WriteFile(dir_ + "/signoff.yaml", config_text);
    absl::StatusOr<config::Config> config =
        config::LoadConfigFile(dir_ + "/signoff.yaml");
    if (!config.ok()) return config.status();
    options.context.env = FakeEnv();
    options.keep_alive_timeout_seconds = 1;
    return Server::Start(*std::move(config), std::move(options));
  }

  void Start(const std::string& extra = "", Server::Options options = {}) {
    absl::StatusOr<std::unique_ptr<Server>> server =
        TryStart(extra, std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::unique_ptr<httplib::Client> Client() const {
    auto client =
        std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client->set_read_timeout(30, 0);
    return client;
  }

  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& key = kEtlKey) {
    return Client()->Post(path.c_str(), Auth(key), body, "application/json");
  }
  httplib::Result Get(const std::string& path,
                      const std::string& key = kEtlKey) {
    return Client()->Get(path.c_str(), Auth(key));
  }

  static httplib::Headers Auth(const std::string& key) {
    if (key.empty()) return {};
    return {{"Authorization", "Bearer " + key}};
  }

  std::string dir_;
  std::unique_ptr<Server> server_;
};

inline nlohmann::json JsonOf(const httplib::Result& result) {
  if (!result) return nlohmann::json();
  return nlohmann::json::parse(result->body, nullptr, false);
}

// The response is the JSON error shape with this status and code.
inline void ExpectError(const httplib::Result& result, int status,
                        const std::string& code) {
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, status) << result->body;
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
  nlohmann::json body = JsonOf(result);
  ASSERT_TRUE(body.is_object()) << result->body;
  ASSERT_EQ(body.size(), 1u) << result->body;
  EXPECT_EQ(body["error"]["code"], code) << result->body;
  EXPECT_TRUE(body["error"]["message"].is_string()) << result->body;
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
}

}  // namespace signoff::server::testing

#endif  // SIGNOFF_TESTS_UNIT_SERVER_SERVER_TESTING_H_
