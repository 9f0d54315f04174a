#include "runtime/directory/directory.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "stdlib/absl_compat.h"

namespace signoff::runtime {
namespace {

constexpr std::string_view kIdentityKeys[] = {
    "kind", "team", "groups", "on_behalf_of", "slack", "teams", "mfa", "attrs"};

absl::Status Invalid(std::string_view origin, const YAML::Node& node,
                     std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(AsAbsl(origin), ":", node.Mark().line + 1, ":",
                   node.Mark().column + 1, ": ", AsAbsl(what)));
}

absl::StatusOr<Identity> ParseIdentity(std::string_view origin,
                                       const std::string& id,
                                       const YAML::Node& node) {
  Identity identity;
  identity.id = id;
  if (node.IsNull()) return identity;
  if (!node.IsMap()) {
    return Invalid(origin, node,
                   absl::StrCat("identity `", id, "` must be a mapping"));
  }
  for (const auto& entry : node) {
    std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (std::find(std::begin(kIdentityKeys), std::end(kIdentityKeys), key) ==
        std::end(kIdentityKeys)) {
      return Invalid(
          origin, entry.first,
          absl::StrCat("unknown key `", key, "` for identity `", id, "`"));
    }
    if (key == "groups") {
      if (!value.IsSequence()) {
        return Invalid(origin, value, "`groups` must be a list");
      }
      for (const auto& g : value)
        identity.groups.push_back(g.as<std::string>());
      std::sort(identity.groups.begin(), identity.groups.end());
    } else if (key == "attrs") {
      if (!value.IsMap())
        return Invalid(origin, value, "`attrs` must be a mapping");
      for (const auto& a : value) {
        identity.attrs[a.first.as<std::string>()] = a.second.as<std::string>();
      }
    } else if (key == "mfa") {
      identity.mfa = value.as<bool>();
    } else {
      std::string text = value.as<std::string>();
      if (key == "kind") {
        if (text != "human" && text != "agent" && text != "service") {
          return Invalid(origin, value,
                         "`kind` must be human, agent or service");
        }
        identity.kind = text;
      } else if (key == "team") {
        identity.team = text;
      } else if (key == "on_behalf_of") {
        identity.on_behalf_of = text;
      } else if (key == "slack") {
        identity.slack = text;
      } else if (key == "teams") {
        identity.teams = text;
      }
    }
  }
  return identity;
}

}  // namespace

absl::StatusOr<Directory> Directory::Parse(std::string_view yaml,
                                           std::string_view origin) {
  Directory directory;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (root.IsNull()) return directory;
    if (!root.IsMap()) return Invalid(origin, root, "expected a mapping");
    for (const auto& entry : root) {
      std::string key = entry.first.as<std::string>();
      if (key == "identities") {
        if (!entry.second.IsMap()) {
          return Invalid(origin, entry.second,
                         "`identities` must be a mapping");
        }
        for (const auto& id : entry.second) {
          std::string name = id.first.as<std::string>();
          absl::StatusOr<Identity> identity =
              ParseIdentity(origin, name, id.second);
          if (!identity.ok()) return identity.status();
          directory.identities_[name] = *std::move(identity);
        }
      } else if (key == "api_keys") {
        if (!entry.second.IsSequence()) {
          return Invalid(origin, entry.second, "`api_keys` must be a list");
        }
        for (const auto& k : entry.second) {
          if (!k.IsMap() || !k["identity"] || !k["sha256"]) {
            return Invalid(origin, k,
                           "each api key needs `identity` and `sha256`");
          }
          ApiKey key_entry{k["identity"].as<std::string>(),
                           k["sha256"].as<std::string>()};
          if (key_entry.sha256.size() != 64 ||
              key_entry.sha256.find_first_not_of("0123456789abcdef") !=
                  std::string::npos) {
            return Invalid(origin, k["sha256"],
                           "`sha256` must be 64 lowercase hex digits");
          }
          directory.api_keys_.push_back(std::move(key_entry));
        }
      } else {
        return Invalid(origin, entry.first,
                       absl::StrCat("unknown key `", key,
                                    "` (expected `identities` or `api_keys`)"));
      }
    }
    for (const ApiKey& key : directory.api_keys_) {
      if (directory.Find(key.identity) == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(AsAbsl(origin), ": api key for unknown identity `",
                         key.identity, "`"));
      }
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(AsAbsl(origin), ":", e.mark.line + 1, ":",
                     e.mark.column + 1, ": ", e.msg));
  }
  return directory;
}

absl::StatusOr<Directory> Directory::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read `", path, "`"));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), path);
}

const Identity* Directory::Find(std::string_view id) const {
  auto it = identities_.find(id);
  return it == identities_.end() ? nullptr : &it->second;
}

namespace {
template <typename Identities>
const Identity* FindByField(const Identities& identities,
                            std::string Identity::*field,
                            std::string_view handle) {
  if (handle.empty()) return nullptr;
  const Identity* found = nullptr;
  for (const auto& [id, identity] : identities) {
    if (identity.*field != handle) continue;
    if (found != nullptr) return nullptr;
    found = &identity;
  }
  return found;
}
}  // namespace

const Identity* Directory::FindBySlack(std::string_view handle) const {
  return FindByField(identities_, &Identity::slack, handle);
}

const Identity* Directory::FindByTeams(std::string_view handle) const {
  return FindByField(identities_, &Identity::teams, handle);
}

bool Directory::IsMember(std::string_view group, std::string_view id) const {
  const Identity* identity = Find(id);
  if (identity == nullptr) return false;
  return std::binary_search(identity->groups.begin(), identity->groups.end(),
                            group);
}

}  // namespace signoff::runtime
