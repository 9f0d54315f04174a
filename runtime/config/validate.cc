#include "runtime/config/validate.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace signoff::config {
namespace {

std::string Where(const Config& config, const ChannelConfig& channel) {
  std::string file = config.path.empty() ? "signoff.yaml" : config.path;
  return absl::StrCat(file, ":", channel.line);
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

absl::StatusOr<std::vector<std::string>> CheckChannels(
    const Config& config, const ir::Policy& policy) {
  std::vector<std::string> errors, warnings;
  for (const ir::Channel& declared : policy.channels) {
    auto it = config.channels.find(declared.name);
    if (it == config.channels.end()) {
      errors.push_back(absl::StrCat(
          "the policy's channel `", declared.name, "` (", declared.kind, " \"",
          declared.target, "\") is not configured: add `channels.",
          declared.name, "` with `kind: ", declared.kind, "`"));
    } else if (it->second.kind != declared.kind) {
      errors.push_back(absl::StrCat(
          Where(config, it->second), ": channel `", declared.name,
          "` is configured as ", it->second.kind, " but the policy declares ",
          declared.kind, "(\"", declared.target, "\")"));
    }
  }
  for (const auto& [name, channel] : config.channels) {
    bool declared = false;
    for (const ir::Channel& c : policy.channels) declared |= c.name == name;
    if (!declared) {
      warnings.push_back(absl::StrCat(Where(config, channel), ": channel `",
                                      name,
                                      "` is configured but the policy does "
                                      "not declare it"));
    }
  }
  if (!errors.empty()) {
    return absl::FailedPreconditionError(absl::StrJoin(errors, "\n"));
  }
  return warnings;
}

absl::StatusOr<std::map<std::string, std::string>> ResolveSecrets(
    const Config& config, const EnvLookup& env) {
  std::map<std::string, std::string> secrets;
  std::vector<std::string> errors;
  for (const auto& [name, channel] : config.channels) {
    for (const auto& [key, variable] : channel.SecretVariables()) {
      std::optional<std::string> value = env(variable);
      if (!value || value->empty()) {
        errors.push_back(
            absl::StrCat(Where(config, channel), ": `channels.", name, ".", key,
                         "` names the environment variable ", variable,
                         ", which is ", value ? "empty" : "not set"));
        continue;
      }
      secrets[variable] = *value;
    }
  }
  if (!errors.empty()) {
    return absl::FailedPreconditionError(absl::StrJoin(errors, "\n"));
  }
  return secrets;
}

}  // namespace signoff::config
