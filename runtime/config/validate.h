// Checks a configuration against the policy set it serves and against the
// process environment (RUNTIME.md §6):
//
//   - every `channel NAME = KIND(...)` of the policy needs `channels.NAME`
//     in signoff.yaml, of the same kind: an error otherwise;
//   - a configured channel the policy does not declare is a warning (it is
//     harmless, and may be for a policy about to be loaded);
//   - every `*_env` secret of every configured channel must name a variable
//     that is set and not empty: an error otherwise.
//
// Errors are FailedPrecondition listing every problem, one per line, each
// naming the channel and, for configuration entries, "FILE:LINE".
//
// Thread safety: pure functions; the EnvLookup passed in must be safe to
// call from the calling thread.
#ifndef SIGNOFF_RUNTIME_CONFIG_VALIDATE_H_
#define SIGNOFF_RUNTIME_CONFIG_VALIDATE_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/ir/ir.h"
#include "runtime/config/config.h"

namespace signoff::config {

// The value of an environment variable, or nullopt when unset.
using EnvLookup =
    std::function<std::optional<std::string>(std::string_view name)>;

// getenv(3).
EnvLookup ProcessEnv();

// Warnings (configured channels the policy does not declare), or the
// errors described above for the channels.
absl::StatusOr<std::vector<std::string>> CheckChannels(
    const Config& config, const ir::Policy& policy);

// Variable name -> value for every secret of every configured channel, or
// FailedPrecondition naming each unset (or empty) variable and the setting
// that refers to it.
absl::StatusOr<std::map<std::string, std::string>> ResolveSecrets(
    const Config& config, const EnvLookup& env);

}  // namespace signoff::config

#endif  // SIGNOFF_RUNTIME_CONFIG_VALIDATE_H_
