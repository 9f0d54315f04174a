#include "runtime/config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "runtime/config/yaml_reader.h"
#include "stdlib/absl_compat.h"

namespace signoff::config {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSqlitePrefix = "sqlite:";

class ConfigParser {
 public:
  ConfigParser(std::string_view origin, std::string_view base_dir)
      : reader_(origin), base_dir_(base_dir) {}

  absl::StatusOr<Config> Parse(const YAML::Node& root) {
    Config config;
    config.base_dir = base_dir_;
    config.store = absl::StrCat(AsAbsl(kSqlitePrefix), Resolve("signoff.db"));
    config.keys = Resolve("keys");
    if (root.IsNull()) return reader_.Error(root, "", "the file is empty");
    bool saw_policies = false, saw_directory = false;
    absl::Status status = reader_.ForEachKey(
        root, "",
        {"listen", "policies", "store", "directory", "keys", "defaults",
         "admins", "auditors", "threads", "max_body_bytes",
         "checkpoint_interval", "channels", "delivery"},
        [&](const std::string& key, const YAML::Node& value) -> absl::Status {
          if (key == "listen") return ParseListen(value, config.listen);
          if (key == "policies") {
            saw_policies = true;
            return ParsePolicies(value, config.policies);
          }
          if (key == "store") return ParseStore(value, config.store);
          if (key == "directory") {
            saw_directory = true;
            return ParsePath(value, key, config.directory);
          }
          if (key == "keys") return ParsePath(value, key, config.keys);
          if (key == "defaults") return ParseDefaults(value, config.defaults);
          if (key == "admins")
            return reader_.StringList(value, key, config.admins);
          if (key == "auditors") {
            return reader_.StringList(value, key, config.auditors);
          }
          if (key == "threads") {
            int64_t threads = 0;
            absl::Status s = reader_.Int(value, key, 1, 1024, threads);
            config.threads = static_cast<int>(threads);
            return s;
          }
          if (key == "max_body_bytes") {
            return reader_.Int(value, key, 1, int64_t{1} << 30,
                               config.max_body_bytes);
          }
          if (key == "checkpoint_interval") {
            return reader_.Duration(value, key, /*allow_zero=*/true,
                                    config.checkpoint_interval_seconds);
          }
          if (key == "delivery") return ParseDelivery(value, config.delivery);
          return ParseChannels(value, config.channels);
        });
    if (!status.ok()) return status;
    if (!saw_policies) return reader_.Error(root, "policies", "is required");
    if (!saw_directory) return reader_.Error(root, "directory", "is required");
    return config;
  }

 private:
  std::string Resolve(std::string_view path) const {
    fs::path p(path);
    if (p.is_relative()) {
      fs::path base =
          base_dir_.empty() ? fs::current_path() : fs::path(base_dir_);
      p = base / p;
    }
    return p.lexically_normal().string();
  }

  absl::Status ParsePath(const YAML::Node& node, std::string_view key,
                         std::string& out) {
    std::string text;
    if (absl::Status s = reader_.String(node, key, text); !s.ok()) return s;
    out = Resolve(text);
    return absl::OkStatus();
  }

  absl::Status ParseListen(const YAML::Node& node, ListenAddress& out) {
    std::string text;
    if (absl::Status s = reader_.String(node, "listen", text); !s.ok())
      return s;
    size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
      return reader_.Error(node, "listen",
                           absl::StrCat("`", text, "` is not host:port"));
    }
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
      return reader_.Error(node, "listen",
                           "write an IPv6 host in brackets: [::1]:8181");
    }
    int port = 0;
    if (host.empty() || !absl::SimpleAtoi(text.substr(colon + 1), &port) ||
        port < 0 || port > 65535) {
      return reader_.Error(
          node, "listen",
          absl::StrCat("`", text,
                       "` is not host:port (a host and a port 0-65535)"));
    }
    out.host = host;
    out.port = port;
    return absl::OkStatus();
  }

  absl::Status ParsePolicies(const YAML::Node& node,
                             std::vector<std::string>& out) {
    std::vector<std::string> paths;
    if (node.IsScalar()) {
      paths.push_back(node.as<std::string>());
    } else if (absl::Status s = reader_.StringList(node, "policies", paths);
               !s.ok()) {
      return s;
    }
    if (paths.empty()) {
      return reader_.Error(node, "policies", "needs at least one path");
    }
    for (const std::string& p : paths) {
      if (p.empty()) return reader_.Error(node, "policies", "empty path");
      out.push_back(Resolve(p));
    }
    return absl::OkStatus();
  }

  absl::Status ParseStore(const YAML::Node& node, std::string& out) {
    std::string url;
    if (absl::Status s = reader_.String(node, "store", url); !s.ok()) return s;
    if (url.rfind(kSqlitePrefix, 0) == 0) {
      std::string path = url.substr(kSqlitePrefix.size());
      if (path.empty()) {
        return reader_.Error(node, "store", "`sqlite:` needs a file path");
      }
      // "sqlite:///abs/path" (URL style) is already absolute.
      if (path.rfind("//", 0) != 0)
        url = absl::StrCat(AsAbsl(kSqlitePrefix), Resolve(path));
    } else if (url.find(':') == std::string::npos) {
      return reader_.Error(node, "store",
                           absl::StrCat("`", url,
                                        "` is not a store URL (write "
                                        "`sqlite:PATH`)"));
    }
    out = url;
    return absl::OkStatus();
  }

  absl::Status ParseDefaults(const YAML::Node& node, Defaults& out) {
    return reader_.ForEachKey(
        node, "defaults", {"expire", "grant", "veto"},
        [&](const std::string& key, const YAML::Node& value) -> absl::Status {
          std::string dotted = absl::StrCat("defaults.", key);
          if (key == "veto")
            return reader_.Int(value, dotted, 1, 1000, out.veto);
          int64_t& slot =
              key == "expire" ? out.expire_seconds : out.grant_seconds;
          return reader_.Duration(value, dotted, /*allow_zero=*/false, slot);
        });
  }

  absl::Status ParseDelivery(const YAML::Node& node, Delivery& out) {
    absl::Status status = reader_.ForEachKey(
        node, "delivery", {"attempts", "backoff_ms", "max_backoff_ms"},
        [&](const std::string& key, const YAML::Node& value) -> absl::Status {
          std::string dotted = absl::StrCat("delivery.", key);
          if (key == "attempts") {
            return reader_.Int(value, dotted, 1, 100, out.attempts);
          }
          int64_t& slot =
              key == "backoff_ms" ? out.backoff_ms : out.max_backoff_ms;
          return reader_.Int(value, dotted, 1, int64_t{24} * 3600 * 1000, slot);
        });
    if (!status.ok()) return status;
    if (out.max_backoff_ms < out.backoff_ms) {
      return reader_.Error(node, "delivery",
                           "max_backoff_ms is smaller than backoff_ms");
    }
    return absl::OkStatus();
  }

  absl::Status ParseChannels(
      const YAML::Node& node,
      std::map<std::string, ChannelConfig, std::less<>>& out) {
    if (node.IsNull()) return absl::OkStatus();
    return reader_.ForEachKey(
        node, "channels", {},
        [&](const std::string& name, const YAML::Node& value) -> absl::Status {
          absl::StatusOr<ChannelConfig> channel = ParseChannel(name, value);
          if (!channel.ok()) return channel.status();
          out[name] = *std::move(channel);
          return absl::OkStatus();
        });
  }

  absl::StatusOr<ChannelConfig> ParseChannel(const std::string& name,
                                             const YAML::Node& node);

  YamlReader reader_;
  std::string base_dir_;
};

absl::StatusOr<ChannelConfig> ConfigParser::ParseChannel(
    const std::string& name, const YAML::Node& node) {
  const std::string prefix = absl::StrCat("channels.", name);
  ChannelConfig channel;
  channel.name = name;
  channel.line = node.Mark().line + 1;
  if (!node.IsMap()) return reader_.Error(node, prefix, "must be a mapping");
  const YAML::Node kind_node = node["kind"];
  if (!kind_node) {
    return reader_.Error(node, prefix,
                         "needs `kind` (slack, teams or webhook)");
  }
  if (absl::Status s = reader_.String(kind_node, absl::StrCat(prefix, ".kind"),
                                      channel.kind);
      !s.ok()) {
    return s;
  }
  // Each kind: its keys, and which of them are required.
  std::vector<std::string_view> keys, required;
  if (channel.kind == "slack") {
    keys = {"kind", "token_env", "signing_secret_env", "api_base", "channel"};
    required = {"token_env", "signing_secret_env"};
    channel.settings = SlackChannel{};
  } else if (channel.kind == "teams") {
    keys = {"kind",        "app_id",          "app_password_env",
            "service_url", "conversation_id", "jwks_file",
            "token_url"};
    required = {"app_id", "app_password_env", "conversation_id"};
    channel.settings = TeamsChannel{};
  } else if (channel.kind == "webhook") {
    keys = {"kind", "url", "secret_env"};
    required = {"url", "secret_env"};
    channel.settings = WebhookChannel{};
  } else {
    return reader_.Error(
        kind_node, absl::StrCat(prefix, ".kind"),
        absl::StrCat("`", channel.kind, "` is not slack, teams or webhook"));
  }
  for (std::string_view key : required) {
    if (!node[std::string(key)]) {
      return reader_.Error(node, prefix,
                           absl::StrCat("a ", channel.kind, " channel needs `",
                                        AsAbsl(key), "`"));
    }
  }
  absl::Status status = reader_.ForEachKey(
      node, prefix, keys,
      [&](const std::string& key, const YAML::Node& value) -> absl::Status {
        if (key == "kind") return absl::OkStatus();
        std::string dotted = absl::StrCat(prefix, ".", key);
        std::string text;
        if (absl::Status s = reader_.String(value, dotted, text); !s.ok()) {
          return s;
        }
        if (key.size() > 4 && key.compare(key.size() - 4, 4, "_env") == 0 &&
            !IsEnvironmentName(text)) {
          return reader_.Error(
              value, dotted,
              absl::StrCat("`", text,
                           "` is not an environment variable name "
                           "([A-Za-z_][A-Za-z0-9_]*)"));
        }
        if ((key == "api_base" || key == "service_url" || key == "url" ||
             key == "token_url") &&
            text.rfind("http://", 0) != 0 && text.rfind("https://", 0) != 0) {
          return reader_.Error(
              value, dotted,
              absl::StrCat("`", text, "` is not an http(s) URL"));
        }
        if (auto* slack = std::get_if<SlackChannel>(&channel.settings)) {
          if (key == "token_env") slack->token_env = text;
          if (key == "signing_secret_env") slack->signing_secret_env = text;
          if (key == "api_base") slack->api_base = text;
          if (key == "channel") slack->channel = text;
        } else if (auto* teams = std::get_if<TeamsChannel>(&channel.settings)) {
          if (key == "app_id") teams->app_id = text;
          if (key == "app_password_env") teams->app_password_env = text;
          if (key == "service_url") teams->service_url = text;
          if (key == "conversation_id") teams->conversation_id = text;
          if (key == "jwks_file") teams->jwks_file = Resolve(text);
          if (key == "token_url") teams->token_url = text;
        } else if (auto* hook =
                       std::get_if<WebhookChannel>(&channel.settings)) {
          if (key == "url") hook->url = text;
          if (key == "secret_env") hook->secret_env = text;
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return channel;
}

}  // namespace

std::vector<std::pair<std::string, std::string>>
ChannelConfig::SecretVariables() const {
  if (const auto* slack = std::get_if<SlackChannel>(&settings)) {
    return {{"signing_secret_env", slack->signing_secret_env},
            {"token_env", slack->token_env}};
  }
  if (const auto* teams = std::get_if<TeamsChannel>(&settings)) {
    return {{"app_password_env", teams->app_password_env}};
  }
  const auto& hook = std::get<WebhookChannel>(settings);
  return {{"secret_env", hook.secret_env}};
}

bool Config::IsAdmin(std::string_view id) const {
  return std::find(admins.begin(), admins.end(), id) != admins.end();
}

bool Config::IsAuditor(std::string_view id) const {
  return IsAdmin(id) ||
         std::find(auditors.begin(), auditors.end(), id) != auditors.end();
}

absl::StatusOr<Config> ParseConfig(std::string_view yaml,
                                   std::string_view origin,
                                   std::string_view base_dir) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    return ConfigParser(origin, base_dir).Parse(root);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(AsAbsl(origin), ":", e.mark.line + 1, ":",
                     e.mark.column + 1, ": ", e.msg));
  }
}

absl::StatusOr<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read `", path, "`"));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::error_code ignored;
  fs::path absolute = fs::absolute(path, ignored);
  absl::StatusOr<Config> config =
      ParseConfig(buffer.str(), path, absolute.parent_path().string());
  if (config.ok()) config->path = path;
  return config;
}

bool IsEnvironmentName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
  });
}

std::string FormatListenAddress(const ListenAddress& address) {
  if (address.host.find(':') != std::string::npos) {
    return absl::StrCat("[", address.host, "]:", address.port);
  }
  return absl::StrCat(address.host, ":", address.port);
}

}  // namespace signoff::config
