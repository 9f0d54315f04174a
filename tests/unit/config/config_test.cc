// signoff.yaml: parsing (types, durations, paths, strictness with lines)
// and the checks against a policy and the environment.
#include "runtime/config/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "compiler/driver/driver.h"
#include "runtime/config/validate.h"

namespace signoff::config {
namespace {

constexpr char kFull[] = R"(listen: 127.0.0.1:8181
policies: ./policies
store: sqlite:./signoff.db
directory: ./directory.yaml
keys: ./keys
defaults: { expire: 1h, grant: 5m }
admins: [alice]
auditors: [carol]
threads: 8
max_body_bytes: 4096
checkpoint_interval: 30s
channels:
  sre_room: { kind: slack, token_env: SLACK_BOT_TOKEN, signing_secret_env: SLACK_SIGNING_SECRET,
              api_base: "http://127.0.0.1:9999/api" }
  sec_room: { kind: teams, app_id: "app-1", app_password_env: TEAMS_APP_PASSWORD,
              service_url: "https://smba.trafficmanager.net/teams", conversation_id: "19:abc",
              jwks_file: ./teams-keys.json }
  tickets:  { kind: webhook, url: "http://127.0.0.1:9000/hook", secret_env: TICKETS_SECRET }
)";

absl::StatusOr<Config> Parse(std::string_view yaml) {
  return ParseConfig(yaml, "signoff.yaml", "/etc/signoff");
}

// The message of a parse that must fail.
std::string ErrorOf(std::string_view yaml) {
  absl::StatusOr<Config> config = Parse(yaml);
  EXPECT_FALSE(config.ok()) << yaml;
  return std::string(config.status().message());
}

TEST(ConfigTest, ParsesEverySetting) {
  absl::StatusOr<Config> config = Parse(kFull);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen.host, "127.0.0.1");
  EXPECT_EQ(config->listen.port, 8181);
  EXPECT_EQ(config->policies,
            std::vector<std::string>{"/etc/signoff/policies"});
  EXPECT_EQ(config->store, "sqlite:/etc/signoff/signoff.db");
  EXPECT_EQ(config->directory, "/etc/signoff/directory.yaml");
  EXPECT_EQ(config->keys, "/etc/signoff/keys");
  EXPECT_EQ(config->defaults.expire_seconds, 3600);
  EXPECT_EQ(config->defaults.grant_seconds, 300);
  EXPECT_EQ(config->defaults.veto, 1);
  EXPECT_TRUE(config->IsAdmin("alice"));
  EXPECT_FALSE(config->IsAdmin("carol"));
  EXPECT_TRUE(config->IsAuditor("carol"));
  EXPECT_TRUE(config->IsAuditor("alice"));  // admins read the log too
  EXPECT_EQ(config->threads, 8);
  EXPECT_EQ(config->max_body_bytes, 4096);
  EXPECT_EQ(config->checkpoint_interval_seconds, 30);
  ASSERT_EQ(config->channels.size(), 3u);

  const ChannelConfig& slack = config->channels.at("sre_room");
  EXPECT_EQ(slack.kind, "slack");
  EXPECT_EQ(slack.line, 13);
  const auto& s = std::get<SlackChannel>(slack.settings);
  EXPECT_EQ(s.token_env, "SLACK_BOT_TOKEN");
  EXPECT_EQ(s.signing_secret_env, "SLACK_SIGNING_SECRET");
  EXPECT_EQ(s.api_base, "http://127.0.0.1:9999/api");

  const auto& t =
      std::get<TeamsChannel>(config->channels.at("sec_room").settings);
  EXPECT_EQ(t.app_id, "app-1");
  EXPECT_EQ(t.conversation_id, "19:abc");
  EXPECT_EQ(t.jwks_file, "/etc/signoff/teams-keys.json");

  const auto& w =
      std::get<WebhookChannel>(config->channels.at("tickets").settings);
  EXPECT_EQ(w.url, "http://127.0.0.1:9000/hook");
  EXPECT_EQ(w.secret_env, "TICKETS_SECRET");
}

TEST(ConfigTest, DefaultsForOptionalSettings) {
  absl::StatusOr<Config> config =
      Parse("policies: [a, /abs/b]\ndirectory: dir.yaml\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen.host, "127.0.0.1");
  EXPECT_EQ(config->listen.port, kDefaultPort);
  EXPECT_EQ(config->policies,
            (std::vector<std::string>{"/etc/signoff/a", "/abs/b"}));
  EXPECT_EQ(config->store, "sqlite:/etc/signoff/signoff.db");
  EXPECT_EQ(config->keys, "/etc/signoff/keys");
  EXPECT_EQ(config->max_body_bytes, 1 << 20);
  EXPECT_EQ(config->checkpoint_interval_seconds, 300);
  EXPECT_EQ(config->threads, kDefaultThreads);
  EXPECT_TRUE(config->channels.empty());
  EXPECT_TRUE(config->admins.empty());
  EXPECT_EQ(config->delivery.attempts, 8);
  EXPECT_EQ(config->delivery.backoff_ms, 1000);
  EXPECT_EQ(config->delivery.max_backoff_ms, 300'000);
}

TEST(ConfigTest, ChannelDeliveryAndRouting) {
  absl::StatusOr<Config> config = Parse(
      "policies: [a]\ndirectory: d.yaml\n"
      "delivery: { attempts: 3, backoff_ms: 50, max_backoff_ms: 400 }\n"
      "channels:\n"
      "  room: { kind: slack, token_env: T, signing_secret_env: S,"
      " channel: C0123 }\n"
      "  sec: { kind: teams, app_id: a, app_password_env: P,"
      " conversation_id: c, token_url: \"http://127.0.0.1:1/token\" }\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->delivery.attempts, 3);
  EXPECT_EQ(config->delivery.backoff_ms, 50);
  EXPECT_EQ(config->delivery.max_backoff_ms, 400);
  EXPECT_EQ(
      std::get<SlackChannel>(config->channels.at("room").settings).channel,
      "C0123");
  EXPECT_EQ(
      std::get<TeamsChannel>(config->channels.at("sec").settings).token_url,
      "http://127.0.0.1:1/token");
  EXPECT_NE(ErrorOf("policies: [a]\ndirectory: d.yaml\n"
                    "delivery: { attempts: 0 }\n")
                .find("delivery.attempts"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: [a]\ndirectory: d.yaml\n"
                    "delivery: { backoff_ms: 500, max_backoff_ms: 100 }\n")
                .find("max_backoff_ms is smaller"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: [a]\ndirectory: d.yaml\n"
                    "channels:\n  sec: { kind: teams, app_id: a,"
                    " app_password_env: P, conversation_id: c,"
                    " token_url: ftp://x }\n")
                .find("is not an http(s) URL"),
            std::string::npos);
}

TEST(ConfigTest, PathsResolveAgainstTheFilesDirectory) {
  std::string dir = ::testing::TempDir() + "config_paths";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/signoff.yaml")
      << "policies: ../policies\ndirectory: ./d.yaml\n"
         "store: sqlite:///var/lib/s.db\n";
  absl::StatusOr<Config> config = LoadConfigFile(dir + "/signoff.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  std::string parent = std::filesystem::path(dir).parent_path().string();
  EXPECT_EQ(config->policies[0], parent + "/policies");
  EXPECT_EQ(config->directory, dir + "/d.yaml");
  EXPECT_EQ(config->store, "sqlite:///var/lib/s.db");  // URL form kept
  EXPECT_EQ(config->path, dir + "/signoff.yaml");
  EXPECT_TRUE(absl::IsNotFound(LoadConfigFile(dir + "/nope.yaml").status()));
}

TEST(ConfigTest, ListenAddresses) {
  auto listen = [](std::string_view value) {
    return Parse(std::string("policies: p\ndirectory: d\nlisten: ") +
                 std::string(value) + "\n");
  };
  absl::StatusOr<Config> v6 = listen("\"[::1]:0\"");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->listen.host, "::1");
  EXPECT_EQ(v6->listen.port, 0);
  EXPECT_EQ(FormatListenAddress(v6->listen), "[::1]:0");
  EXPECT_TRUE(listen("0.0.0.0:80").ok());
  for (const char* bad : {"8181", "localhost", ":8181", "host:99999",
                          "host:http", "::1:8181", "[a, b]"}) {
    EXPECT_FALSE(listen(bad).ok()) << bad;
  }
  EXPECT_NE(listen("host:99999")
                .status()
                .message()
                .find("signoff.yaml:3:9: `listen`"),
            std::string::npos)
      << listen("host:99999").status();
}

TEST(ConfigTest, UnknownKeysNamedWithTheirLine) {
  std::string message = ErrorOf("policies: p\ndirectory: d\nlistne: x\n");
  EXPECT_EQ(message.find("signoff.yaml:3:1: `listne` is not a known key"), 0u)
      << message;
  message = ErrorOf(
      "policies: p\ndirectory: d\nchannels:\n  a:\n    kind: slack\n"
      "    token_env: T\n    signing_secret_env: S\n    tokn_env: X\n");
  EXPECT_EQ(message.find("signoff.yaml:8:5: `channels.a.tokn_env` is not a "
                         "known key (expected one of kind, token_env, "
                         "signing_secret_env, api_base, channel)"),
            0u)
      << message;
  message = ErrorOf(
      "policies: p\ndirectory: d\ndefaults: { expire: 1h, veto_: 2 }\n");
  EXPECT_NE(message.find("`defaults.veto_` is not a known key"),
            std::string::npos)
      << message;
}

TEST(ConfigTest, WrongTypesNamed) {
  EXPECT_NE(ErrorOf("policies: p\ndirectory: [a]\n")
                .find("signoff.yaml:2:12: `directory` must be a string, not a "
                      "list"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: p\ndirectory: d\nthreads: many\n")
                .find("`threads` must be an integer, not `many`"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: p\ndirectory: d\nthreads: 0\n")
                .find("`threads` must be between 1 and 1024, not 0"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: p\ndirectory: d\nmax_body_bytes: 1MiB\n")
                .find("`max_body_bytes` must be an integer"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: p\ndirectory: d\nchannels: [a]\n")
                .find("`channels` must be a mapping, not a list"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: p\ndirectory: d\nadmins: alice\n")
                .find("`admins` must be a list"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: p\ndirectory:\n")
                .find("`directory` must be a string, not nothing"),
            std::string::npos);
  EXPECT_NE(ErrorOf("- a\n- b\n").find("the file must be a mapping"),
            std::string::npos);
  EXPECT_NE(ErrorOf("").find("the file is empty"), std::string::npos);
}

TEST(ConfigTest, BadDurationsNamed) {
  std::string message =
      ErrorOf("policies: p\ndirectory: d\ndefaults: { expire: 1x }\n");
  EXPECT_NE(message.find("signoff.yaml:3:21: `defaults.expire` `1x` is not a "
                         "duration"),
            std::string::npos)
      << message;
  EXPECT_NE(ErrorOf("policies: p\ndirectory: d\ndefaults: { grant: 0s }\n")
                .find("`defaults.grant` must be a positive duration"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: p\ndirectory: d\ncheckpoint_interval: 90\n")
                .find("`checkpoint_interval` `90` is not a duration"),
            std::string::npos);
  absl::StatusOr<Config> off =
      Parse("policies: p\ndirectory: d\ncheckpoint_interval: 0s\n");
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_EQ(off->checkpoint_interval_seconds, 0);
  absl::StatusOr<Config> mixed =
      Parse("policies: p\ndirectory: d\ndefaults: {expire: 1h30m, veto: 2}\n");
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  EXPECT_EQ(mixed->defaults.expire_seconds, 5400);
  EXPECT_EQ(mixed->defaults.veto, 2);
}

TEST(ConfigTest, RequiredAndDuplicateKeys) {
  EXPECT_NE(ErrorOf("directory: d\n").find("`policies` is required"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: p\n").find("`directory` is required"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: p\ndirectory: d\npolicies: q\n")
                .find("signoff.yaml:3:1: `policies` is given twice"),
            std::string::npos);
  EXPECT_NE(ErrorOf("policies: []\ndirectory: d\n")
                .find("`policies` needs at least one path"),
            std::string::npos);
}

TEST(ConfigTest, ChannelsAreChecked) {
  auto channel = [](std::string_view body) {
    return ErrorOf(std::string("policies: p\ndirectory: d\nchannels:\n  c: ") +
                   std::string(body) + "\n");
  };
  EXPECT_NE(channel("{ token_env: T }").find("`channels.c` needs `kind`"),
            std::string::npos);
  EXPECT_NE(
      channel("{ kind: email }")
          .find("`channels.c.kind` `email` is not slack, teams or webhook"),
      std::string::npos);
  EXPECT_NE(channel("{ kind: slack, token_env: T }")
                .find("a slack channel needs `signing_secret_env`"),
            std::string::npos);
  EXPECT_NE(channel("{ kind: webhook, url: ftp://x, secret_env: S }")
                .find("`channels.c.url` `ftp://x` is not an http(s) URL"),
            std::string::npos);
  EXPECT_NE(channel("{ kind: webhook, url: http://x, secret_env: 9LIVES }")
                .find("is not an environment variable name"),
            std::string::npos);
  EXPECT_NE(channel("{ kind: teams, app_id: a, conversation_id: c }")
                .find("a teams channel needs `app_password_env`"),
            std::string::npos);
  EXPECT_NE(channel("slack").find("`channels.c` must be a mapping"),
            std::string::npos);
}

TEST(ConfigTest, YamlSyntaxErrorsHaveALine) {
  std::string message = ErrorOf("policies: p\ndirectory: [d\n");
  EXPECT_EQ(message.rfind("signoff.yaml:", 0), 0u) << message;
}

// A policy declaring the three kinds of channel.
std::unique_ptr<driver::Compilation> Policy() {
  auto compilation = driver::CompileSources(
      {{"p.signoff",
        "channel sre_room = slack(\"#sre\")\n"
        "channel sec_room = teams(\"security/reviews\")\n"
        "channel tickets = webhook(\"tickets\")\n"
        "rule r {\n  on app.run\n  require 1 of [\"a\"]\n"
        "  notify sre_room, sec_room, tickets\n}\n"}},
      {});
  EXPECT_TRUE(compilation.ok());
  EXPECT_TRUE((*compilation)->ok());
  return *std::move(compilation);
}

TEST(ValidateTest, EveryPolicyChannelMustBeConfigured) {
  auto compilation = Policy();
  absl::StatusOr<Config> config = Parse(kFull);
  ASSERT_TRUE(config.ok());
  absl::StatusOr<std::vector<std::string>> warnings =
      CheckChannels(*config, *compilation->policy);
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  EXPECT_TRUE(warnings->empty());

  config->channels.erase("tickets");
  warnings = CheckChannels(*config, *compilation->policy);
  ASSERT_TRUE(absl::IsFailedPrecondition(warnings.status()));
  EXPECT_NE(warnings.status().message().find(
                "the policy's channel `tickets` (webhook \"tickets\") is not "
                "configured"),
            std::string::npos)
      << warnings.status();
}

TEST(ValidateTest, KindsMustAgreeAndExtraChannelsWarn) {
  auto compilation = Policy();
  absl::StatusOr<Config> config = Parse(
      std::string(kFull) +
      "  spare: { kind: webhook, url: \"http://x\", secret_env: SPARE }\n");
  ASSERT_TRUE(config.ok()) << config.status();
  absl::StatusOr<std::vector<std::string>> warnings =
      CheckChannels(*config, *compilation->policy);
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  ASSERT_EQ(warnings->size(), 1u);
  EXPECT_NE((*warnings)[0].find("signoff.yaml:19: channel `spare` is "
                                "configured but the policy does not declare"),
            std::string::npos)
      << (*warnings)[0];

  std::swap(config->channels.at("sre_room").settings,
            config->channels.at("tickets").settings);
  std::swap(config->channels.at("sre_room").kind,
            config->channels.at("tickets").kind);
  warnings = CheckChannels(*config, *compilation->policy);
  ASSERT_FALSE(warnings.ok());
  EXPECT_NE(warnings.status().message().find(
                "channel `sre_room` is configured as webhook but the policy "
                "declares slack"),
            std::string::npos)
      << warnings.status();
}

TEST(ValidateTest, UnsetSecretsAreErrors) {
  absl::StatusOr<Config> config = Parse(kFull);
  ASSERT_TRUE(config.ok());
  std::map<std::string, std::string> env = {
      {"SLACK_BOT_TOKEN", "xoxb-1"},
      {"SLACK_SIGNING_SECRET", "s3cret"},
      {"TEAMS_APP_PASSWORD", ""},
  };
  EnvLookup lookup =
      [&env](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  absl::StatusOr<std::map<std::string, std::string>> secrets =
      ResolveSecrets(*config, lookup);
  ASSERT_TRUE(absl::IsFailedPrecondition(secrets.status()));
  std::string message(secrets.status().message());
  EXPECT_NE(message.find("`channels.tickets.secret_env` names the environment "
                         "variable TICKETS_SECRET, which is not set"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("TEAMS_APP_PASSWORD, which is empty"),
            std::string::npos)
      << message;

  env["TEAMS_APP_PASSWORD"] = "pw";
  env["TICKETS_SECRET"] = "hook";
  secrets = ResolveSecrets(*config, lookup);
  ASSERT_TRUE(secrets.ok()) << secrets.status();
  EXPECT_EQ(secrets->at("SLACK_BOT_TOKEN"), "xoxb-1");
  EXPECT_EQ(secrets->size(), 4u);
}

TEST(ValidateTest, TheServerExampleMatchesItsPolicy) {
  const std::string root = SIGNOFF_SOURCE_DIR;
  absl::StatusOr<Config> config =
      LoadConfigFile(root + "/examples/server/signoff.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  auto compilation = driver::CompilePaths(config->policies, {});
  ASSERT_TRUE(compilation.ok());
  ASSERT_TRUE((*compilation)->ok());
  absl::StatusOr<std::vector<std::string>> warnings =
      CheckChannels(*config, *(*compilation)->policy);
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  EXPECT_TRUE(warnings->empty());
}

}  // namespace
}  // namespace signoff::config
