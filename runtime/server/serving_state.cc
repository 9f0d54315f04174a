#include "runtime/server/serving_state.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/audit/timestamp.h"
#include "runtime/config/validate.h"
#include "runtime/crypto/encoding.h"
#include "stdlib/absl_compat.h"

namespace signoff::server {

ApiKeyIndex::ApiKeyIndex(const runtime::Directory& directory) {
  for (const runtime::ApiKey& key : directory.api_keys()) {
    const runtime::Identity* identity = directory.Find(key.identity);
    std::optional<std::string> raw = crypto::HexDecode(key.sha256);
    if (identity == nullptr || !raw || raw->size() != 32) continue;
    entries_.push_back({*std::move(raw), identity});
  }
}

const runtime::Identity* ApiKeyIndex::Authenticate(std::string_view key) const {
  if (key.empty()) return nullptr;
  const std::string digest = crypto::Sha256(key);
  const runtime::Identity* found = nullptr;
  for (const Entry& entry : entries_) {
    // No early exit: every entry costs the same whether or not it matches.
    bool match = crypto::ConstantTimeEquals(digest, entry.sha256);
    found = match ? entry.identity : found;
  }
  return found;
}

absl::StatusOr<std::shared_ptr<const ServingState>> LoadServingState(
    const config::Config& config, Backend backend) {
  auto state = std::make_shared<ServingState>();
  absl::StatusOr<runtime::Directory> directory =
      runtime::Directory::LoadFile(config.directory);
  if (!directory.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("directory: ", directory.status().message()));
  }
  state->directory =
      std::make_shared<const runtime::Directory>(*std::move(directory));

  EngineOptions options;
  options.backend = backend;
  options.defaults.expire_seconds = config.defaults.expire_seconds;
  options.defaults.grant_seconds = config.defaults.grant_seconds;
  options.defaults.veto = config.defaults.veto;
  // Holds the directory itself: a snapshot that outlived this state would
  // still ask a live directory.
  options.directory_member = [directory = state->directory](
                                 std::string_view group, std::string_view id) {
    return directory->IsMember(group, id);
  };
  state->engine = Engine::Create(std::move(options));
  if (absl::Status loaded = state->engine->LoadFiles(config.policies);
      !loaded.ok()) {
    return loaded;
  }
  std::shared_ptr<const PolicySnapshot> snapshot = state->engine->snapshot();
  state->digest = snapshot->digest();
  absl::StatusOr<std::vector<std::string>> channel_warnings =
      config::CheckChannels(config, snapshot->policy());
  if (!channel_warnings.ok()) return channel_warnings.status();
  if (!snapshot->fallback_reason().empty()) {
    state->warnings.push_back(absl::StrCat("deciding with the interpreter: ",
                                           snapshot->fallback_reason()));
  }
  if (std::string rendered = snapshot->RenderedWarnings(); !rendered.empty()) {
    state->warnings.push_back(std::move(rendered));
  }
  for (std::string& w : *channel_warnings) {
    state->warnings.push_back(std::move(w));
  }
  state->api_keys = ApiKeyIndex(*state->directory);
  state->loaded_at_ms = audit::NowUnixMillis();
  return std::shared_ptr<const ServingState>(std::move(state));
}

}  // namespace signoff::server
