// What a server serves at one moment: a compiled policy set (in its own
// Engine) with the directory it was loaded with and the API keys of that
// directory. Built whole by LoadServingState, then immutable; a reload
// builds a new one and swaps the pointer (ServerContext), so every request
// is answered by exactly one policy set and one directory.
//
// API keys (RUNTIME.md §6): a caller sends `Authorization: Bearer <key>`;
// the server hashes the key with SHA-256 and compares the digest with every
// `api_keys[].sha256` of directory.yaml in constant time (all entries are
// compared, whatever matched), so timing reveals neither which entry
// matched nor how much of a digest did.
//
// Thread safety: a ServingState is immutable; every method is const and
// thread-safe.
#ifndef SIGNOFF_RUNTIME_SERVER_SERVING_STATE_H_
#define SIGNOFF_RUNTIME_SERVER_SERVING_STATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/config/config.h"
#include "runtime/directory/directory.h"
#include "runtime/engine/engine.h"

namespace signoff::server {

class ApiKeyIndex {
 public:
  ApiKeyIndex() = default;
  // Entries whose identity is not in `directory` are skipped (Directory
  // refuses them when parsing, so there are none).
  explicit ApiKeyIndex(const runtime::Directory& directory);

  // The identity of `key`, or null when no entry matches.
  const runtime::Identity* Authenticate(std::string_view key) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string sha256;  // 32 raw bytes
    const runtime::Identity* identity;
  };
  std::vector<Entry> entries_;
};

struct ServingState {
  // Declared before `engine`, which calls into it (directory groups), so
  // it is destroyed after the engine.
  std::shared_ptr<const runtime::Directory> directory;
  std::unique_ptr<Engine> engine;  // holds exactly one loaded set
  ApiKeyIndex api_keys;            // points into `directory`
  std::string digest;              // the set's "sha256:..."
  // Why the interpreter decides instead of the JIT, compiler warnings
  // (rendered), and configured channels the policy does not declare; empty
  // when none. Logged at start and reload.
  std::vector<std::string> warnings;
  int64_t loaded_at_ms = 0;  // unix ms
};

// Loads directory.yaml and compiles the policy set of `config` into a new
// Engine (with `backend`, the configured defaults, and the directory for
// `directory(...)` groups), then checks the configured channels against it
// (config::CheckChannels). Errors:
//   InvalidArgument     errors in the policy (the rendered diagnostics)
//   NotFound            a policy path that does not exist
//   FailedPrecondition  an unreadable or invalid directory, or channels
//                       that do not match the policy
absl::StatusOr<std::shared_ptr<const ServingState>> LoadServingState(
    const config::Config& config, Backend backend);

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_SERVING_STATE_H_
