// The identity directory: who is who, which directory groups they belong
// to, and the hashes of their API keys (RUNTIME.md §6, `directory.yaml`).
//
//   identities:
//     alice:     { kind: human, team: sre, groups: [oncall-primary],
//                  slack: U01ALICE, teams: 9c1e..., mfa: true }
//     agent:etl: { kind: agent, team: data, on_behalf_of: dana }
//   api_keys:
//     - { identity: agent:etl, sha256: "..." }
//
// Thread safety: immutable after Load; const methods are thread-safe.
#ifndef SIGNOFF_RUNTIME_DIRECTORY_DIRECTORY_H_
#define SIGNOFF_RUNTIME_DIRECTORY_DIRECTORY_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace signoff::runtime {

struct Identity {
  std::string id;
  std::string kind;  // human | agent | service
  std::string team;
  std::vector<std::string> groups;  // directory groups (sorted)
  std::string on_behalf_of;
  std::string slack;  // Slack user id
  std::string teams;  // Teams AAD object id
  bool mfa = false;
  std::map<std::string, std::string> attrs;
};

struct ApiKey {
  std::string identity;
  std::string sha256;  // lowercase hex of SHA-256 of the key
};

class Directory {
 public:
  // Parses YAML text; `origin` names it in error messages.
  static absl::StatusOr<Directory> Parse(std::string_view yaml,
                                         std::string_view origin);
  static absl::StatusOr<Directory> LoadFile(const std::string& path);

  const Identity* Find(std::string_view id) const;
  // The identity whose `slack:` user id / `teams:` AAD object id is
  // `handle`; null when none is, or when `handle` is empty. Two identities
  // with the same handle: null (ambiguous, so nobody: fail closed).
  const Identity* FindBySlack(std::string_view handle) const;
  const Identity* FindByTeams(std::string_view handle) const;
  // Whether `id` is in the directory group `group` (`directory("group")`).
  bool IsMember(std::string_view group, std::string_view id) const;
  const std::vector<ApiKey>& api_keys() const { return api_keys_; }
  const std::map<std::string, Identity, std::less<>>& identities() const {
    return identities_;
  }

 private:
  std::map<std::string, Identity, std::less<>> identities_;
  std::vector<ApiKey> api_keys_;
};

}  // namespace signoff::runtime

#endif  // SIGNOFF_RUNTIME_DIRECTORY_DIRECTORY_H_
