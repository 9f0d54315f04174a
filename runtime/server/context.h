// Everything a running server owns apart from HTTP: the configuration, the
// signing key, the store, the metrics, the resolved channel secrets, the
// current ServingState (policy set + directory), with reload and audit
// checkpoints, and the approval workflow (an ApprovalService over this
// store and key that always judges with the current state's policy set and
// directory). Handlers reach it through the routes that capture it.
//
// Create opens everything in this order, failing on the first problem:
// the serving state (LoadServingState: policy set, directory, channels),
// the channel secrets (config::ResolveSecrets), the signing key (keys
// directory, created 0700/0600 when missing), the store. Nothing is
// created on disk when the configuration, policy or environment is wrong.
// AuditStart records the first set as `policy.loaded` (the server calls it
// once its port is bound, before it serves).
//
// Reload builds a new ServingState from the same configuration (the files
// of the policy set and directory.yaml are read again; signoff.yaml is
// not) and swaps it in atomically. A set that fails to load is refused: the
// old state keeps serving and the status says why. Each successful load is
// audited as `policy.loaded` with data {"trigger", "backend", "previous"}
// and the new digest as the entry's `policy`.
//
// Thread safety: every method is thread-safe. state() is a shared_ptr copy
// under a reader lock; Reload calls are serialised among themselves and
// never block state().
#ifndef SIGNOFF_RUNTIME_SERVER_CONTEXT_H_
#define SIGNOFF_RUNTIME_SERVER_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "runtime/approvals/service.h"
#include "runtime/audit/checkpoint.h"
#include "runtime/channels/jwt.h"
#include "runtime/channels/outbox.h"
#include "runtime/config/config.h"
#include "runtime/config/validate.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/engine/engine.h"
#include "runtime/server/background.h"
#include "runtime/server/metrics.h"
#include "runtime/server/server_metrics.h"
#include "runtime/server/serving_state.h"
#include "runtime/store/store.h"

namespace signoff::server {

// What the inbound channel callbacks are checked with.
struct SlackInbound {
  std::string channel;         // the policy channel name
  std::string signing_secret;  // X-Slack-Signature key
};
struct TeamsInbound {
  std::string channel;
  std::string app_id;  // the JWT audience
  // The Bot Framework signing keys of jwks_file; null when the channel has
  // no jwks_file (then every activity is refused: fail closed).
  std::shared_ptr<const channels::RsaKeySet> keys;
};

class ServerContext {
 public:
  struct Options {
    config::EnvLookup env = config::ProcessEnv();
    Backend backend = Backend::kJit;
    // Receives one line per start, reload and stop (no trailing newline).
    // Called from the thread doing it; must be thread-safe. Unset: silent.
    std::function<void(std::string_view line)> log;
    // Delivery of channel messages (retry delays, poll interval); the
    // clock and log are the context's.
    channels::OutboxOptions outbox;
  };

  // See the file comment. Errors keep the codes of LoadServingState
  // (InvalidArgument: errors in the policy), plus the store's and the
  // key's; FailedPrecondition for unset secrets.
  static absl::StatusOr<std::unique_ptr<ServerContext>> Create(
      config::Config config, Options options);

  const config::Config& config() const { return config_; }
  std::shared_ptr<const ServingState> state() const;
  store::Store& store() const { return *store_; }
  const crypto::SigningKey& signing_key() const { return *key_; }
  MetricsRegistry& registry() { return registry_; }
  ServerMetrics& metrics() { return metrics_; }
  // Environment variable -> value, for every configured channel secret.
  const std::map<std::string, std::string>& secrets() const { return secrets_; }
  Backend backend() const { return options_.backend; }
  // The approval workflow. Counts grants minted and consumed into
  // metrics(); the pending gauge is refreshed by RefreshPendingGauge.
  approvals::ApprovalService& approvals() { return *approvals_; }
  // Sets signoff_requests_pending from the store (at each /metrics scrape,
  // so requests changed by other writers are counted too).
  void RefreshPendingGauge();

  // The configured channels and their delivery (channels/outbox.h). Every
  // change of a request with channels enqueues its messages in the same
  // transaction (ServiceOptions::notify) and wakes the workers.
  channels::Outbox& outbox() { return *outbox_; }
  const std::vector<SlackInbound>& slack_inbound() const { return slack_; }
  const std::vector<TeamsInbound>& teams_inbound() const { return teams_; }
  // Work done after a channel callback is acknowledged (Slack votes).
  BackgroundQueue& background() { return background_; }
  // Starts the outbox workers (releasing leases of a previous process);
  // StopChannels stops them. The server calls both.
  absl::Status StartChannels();
  void StopChannels();

  // Appends `policy.loaded` (trigger "start", actor "runtime") for the
  // current set.
  absl::Status AuditStart();

  // `actor` is who asked ("runtime" for SIGHUP, or an admin's identity);
  // `trigger` says how ("start", "sighup", "api"). Returns the new state.
  absl::StatusOr<std::shared_ptr<const ServingState>> Reload(
      std::string_view actor, std::string_view trigger);

  // Signs and stores a checkpoint of the audit head (Store::CheckpointHead);
  // nullopt when the log is empty. A head already covered returns the
  // existing checkpoint without signing again.
  absl::StatusOr<std::optional<audit::Checkpoint>> Checkpoint();

  void Log(std::string_view line) const;

 private:
  ServerContext(config::Config config, Options options);
  // Builds the channels of the configuration with their secrets.
  absl::Status BuildChannels();
  absl::Status AuditLoaded(const ServingState& state, std::string_view actor,
                           std::string_view trigger, std::string_view previous);

  const config::Config config_;
  const Options options_;
  std::unique_ptr<crypto::SigningKey> key_;
  std::unique_ptr<store::Store> store_;
  std::map<std::string, std::string> secrets_;
  MetricsRegistry registry_;
  ServerMetrics metrics_;

  std::atomic<int64_t> last_checkpoint_seq_{0};  // for the metric
  std::mutex reload_mu_;                         // serialises Reload
  mutable std::shared_mutex state_mu_;
  std::shared_ptr<const ServingState> state_;  // guarded by state_mu_
  BackgroundQueue background_{2};
  std::vector<SlackInbound> slack_;
  std::vector<TeamsInbound> teams_;
  // Uses the store until destroyed (so it is declared after it).
  std::unique_ptr<channels::Outbox> outbox_;
  // Last: it calls state() and uses the store, key and outbox until
  // destroyed.
  std::unique_ptr<approvals::ApprovalService> approvals_;
};

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_CONTEXT_H_
