// The runtime's configuration file, `signoff.yaml` (RUNTIME.md §6):
//
//   listen: 127.0.0.1:8181          # host:port; [::1]:8181; port 0 = any
//   policies: ./policies            # a path, or a list of paths
//   store: sqlite:./signoff.db
//   directory: ./directory.yaml
//   keys: ./keys
//   defaults: { expire: 1h, grant: 5m, veto: 1 }
//   admins: [alice]                 # may POST /v1/admin/reload, read audit
//   auditors: [carol]               # may read GET /v1/audit...
//   threads: 32                     # HTTP worker threads
//   max_body_bytes: 1048576         # larger request bodies get 413
//   checkpoint_interval: 5m         # signed audit checkpoints; 0s = off
//   channels:
//     sre_room: { kind: slack, token_env: SLACK_BOT_TOKEN,
//                 signing_secret_env: SLACK_SIGNING_SECRET,
//                 api_base: "https://slack.com/api" }
//     sec_room: { kind: teams, app_id: "...",
//                 app_password_env: TEAMS_APP_PASSWORD,
//                 service_url: "https://smba.trafficmanager.net/teams",
//                 conversation_id: "...", jwks_file: ./teams-keys.json }
//     tickets:  { kind: webhook, url: "http://127.0.0.1:9000/hook",
//                 secret_env: TICKETS_SECRET }
//
// Parsing is strict: an unknown key, a value of the wrong type, a bad
// duration, size or address, a duplicate key, or a missing required key
// (`policies`, `directory`) is InvalidArgument with "FILE:LINE:COL: KEY:
// what" (KEY dotted, e.g. `channels.sre_room.token_env`). Relative paths
// (policies, directory, keys, jwks_file, and the path of a `sqlite:` store)
// are resolved against the directory holding the file, so a configuration
// means the same whatever the working directory. Secrets never appear in
// the file: only the names of the environment variables holding them
// (`*_env`); validate.h checks them and the channels against a policy.
//
// Thread safety: a Config is a plain value.
#ifndef SIGNOFF_RUNTIME_CONFIG_CONFIG_H_
#define SIGNOFF_RUNTIME_CONFIG_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace signoff::config {

inline constexpr int64_t kDefaultMaxBodyBytes = 1 << 20;  // 1 MiB
inline constexpr int64_t kDefaultCheckpointIntervalSeconds = 300;
inline constexpr int kDefaultThreads = 32;
inline constexpr int kDefaultPort = 8181;

struct ListenAddress {
  std::string host = "127.0.0.1";  // without brackets for IPv6
  int port = kDefaultPort;         // 0: any free port
};

// `kind: slack`.
struct SlackChannel {
  std::string token_env;           // bot token (xoxb-...)
  std::string signing_secret_env;  // verifies interaction callbacks
  std::string api_base = "https://slack.com/api";
  // The conversation messages are posted in (an id such as C0123 or
  // #name); "" posts to the policy's target (`slack("#sre-approvals")`).
  std::string channel;
};

// `kind: teams`.
struct TeamsChannel {
  std::string app_id;
  std::string app_password_env;
  std::string service_url = "https://smba.trafficmanager.net/teams";
  std::string conversation_id;
  std::string jwks_file;  // resolved path; "" when not configured
  // Where the bot's access token comes from (OAuth client credentials).
  std::string token_url =
      "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";
};

// `kind: webhook`.
struct WebhookChannel {
  std::string url;
  std::string secret_env;  // HMAC key of X-Signoff-Signature
};

struct ChannelConfig {
  std::string name;  // the key under `channels`
  std::string kind;  // "slack", "teams" or "webhook"
  int line = 0;      // 1-based line of the entry, for messages
  std::variant<SlackChannel, TeamsChannel, WebhookChannel> settings;

  // {setting key, environment variable} of every secret, in key order,
  // e.g. {"token_env", "SLACK_BOT_TOKEN"}.
  std::vector<std::pair<std::string, std::string>> SecretVariables() const;
};

// Lifetimes and veto count for rules that leave them out (LANGUAGE.md §5.4).
struct Defaults {
  int64_t expire_seconds = 3600;
  int64_t grant_seconds = 300;
  int64_t veto = 1;
};

// How the outbox retries channel messages (RUNTIME.md §8): `attempts`
// tries in all, the delay after the n-th failure backoff_ms * 2^(n-1)
// capped at max_backoff_ms, with jitter (half to all of it).
struct Delivery {
  int64_t attempts = 8;
  int64_t backoff_ms = 1000;
  int64_t max_backoff_ms = 5 * 60 * 1000;
};

struct Config {
  std::string path;      // the file read; "" when parsed from text
  std::string base_dir;  // relative paths were resolved against it
  ListenAddress listen;
  std::vector<std::string> policies;  // resolved paths, at least one
  std::string store;                  // "sqlite:<resolved path>" or a URL
  std::string directory;              // resolved path
  std::string keys;                   // resolved directory
  Defaults defaults;
  std::vector<std::string> admins;    // identity ids
  std::vector<std::string> auditors;  // identity ids
  int threads = kDefaultThreads;
  int64_t max_body_bytes = kDefaultMaxBodyBytes;
  int64_t checkpoint_interval_seconds = kDefaultCheckpointIntervalSeconds;
  std::map<std::string, ChannelConfig, std::less<>> channels;
  Delivery delivery;

  bool IsAdmin(std::string_view id) const;
  // Admins may read the audit log too.
  bool IsAuditor(std::string_view id) const;
};

// Parses YAML text. `origin` names it in messages; `base_dir` resolves
// relative paths (the working directory when empty).
absl::StatusOr<Config> ParseConfig(std::string_view yaml,
                                   std::string_view origin,
                                   std::string_view base_dir);

// Reads and parses `path`; relative paths resolve against its directory.
// NotFound when the file cannot be read.
absl::StatusOr<Config> LoadConfigFile(const std::string& path);

// Whether `name` can name an environment variable: [A-Za-z_][A-Za-z0-9_]*.
bool IsEnvironmentName(std::string_view name);

// "host:port", with brackets around an IPv6 host.
std::string FormatListenAddress(const ListenAddress& address);

}  // namespace signoff::config

#endif  // SIGNOFF_RUNTIME_CONFIG_CONFIG_H_
