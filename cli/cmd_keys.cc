// `signoff keys (--config FILE | --keys DIR)`
//
// Prints the JSON Web Key Set of the runtime's signing key, exactly what
// `GET /v1/keys` serves, creating the key (DIR 0700, signing.key 0600)
// when it does not exist yet (said on stderr).
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/cli.h"
#include "runtime/config/config.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/grants/jwks.h"
#include "stdlib/absl_compat.h"

namespace signoff::cli {

int RunKeys(const std::vector<std::string>& argv) {
  absl::StatusOr<Args> args =
      Args::Parse(argv, {.options = {"config", "keys"}});
  if (!args.ok()) {
    PrintError(AsStd(args.status().message()));
    return kExitUsage;
  }
  std::optional<std::string> config_path = args->Get("config");
  std::optional<std::string> keys_dir = args->Get("keys");
  if (config_path.has_value() == keys_dir.has_value() ||
      !args->positional().empty()) {
    PrintError("usage: signoff keys (--config FILE | --keys DIR)");
    return kExitUsage;
  }
  if (config_path) {
    absl::StatusOr<config::Config> config =
        config::LoadConfigFile(*config_path);
    if (!config.ok()) {
      PrintError(AsStd(config.status().message()));
      return kExitUsage;
    }
    keys_dir = config->keys;
  }
  struct stat info;
  bool existed = stat((*keys_dir + "/signing.key").c_str(), &info) == 0;
  absl::StatusOr<std::unique_ptr<crypto::SigningKey>> key =
      crypto::SigningKey::LoadOrCreate(*keys_dir);
  if (!key.ok()) {
    PrintError(AsStd(key.status().message()));
    return kExitUsage;
  }
  if (!existed) {
    std::fprintf(stderr, "signoff: created signing key %s in %s\n",
                 (*key)->key_id().c_str(), keys_dir->c_str());
  }
  std::string jwks = grants::KeysJson({key->get()}) + "\n";
  std::fwrite(jwks.data(), 1, jwks.size(), stdout);
  return kExitOk;
}

}  // namespace signoff::cli
