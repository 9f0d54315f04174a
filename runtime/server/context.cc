#include "runtime/server/context.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/audit/entry.h"
#include "runtime/audit/timestamp.h"
#include "runtime/store/records.h"
#include "runtime/store/store_url.h"
#include "stdlib/absl_compat.h"

namespace signoff::server {

ServerContext::ServerContext(config::Config config, Options options)
    : config_(std::move(config)),
      options_(std::move(options)),
      metrics_(registry_) {}

absl::StatusOr<std::unique_ptr<ServerContext>> ServerContext::Create(
    config::Config config, Options options) {
  std::unique_ptr<ServerContext> context(
      new ServerContext(std::move(config), std::move(options)));
  const config::Config& c = context->config_;

  // What the configuration says first (policy, directory, channels,
  // secrets), then what it creates (the key, the database).
  absl::StatusOr<std::shared_ptr<const ServingState>> state =
      LoadServingState(c, context->options_.backend);
  if (!state.ok()) return state.status();

  absl::StatusOr<std::map<std::string, std::string>> secrets =
      config::ResolveSecrets(c, context->options_.env);
  if (!secrets.ok()) return secrets.status();
  context->secrets_ = *std::move(secrets);

  absl::StatusOr<std::unique_ptr<crypto::SigningKey>> key =
      crypto::SigningKey::LoadOrCreate(c.keys);
  if (!key.ok()) {
    return absl::Status(key.status().code(),
                        absl::StrCat("keys: ", key.status().message()));
  }
  context->key_ = *std::move(key);

  absl::StatusOr<std::unique_ptr<store::Store>> opened =
      store::OpenStore(c.store);
  if (!opened.ok()) {
    return absl::Status(
        opened.status().code(),
        absl::StrCat("store `", c.store, "`: ", opened.status().message()));
  }
  context->store_ = *std::move(opened);

  context->state_ = *std::move(state);

  ServerContext* ctx = context.get();
  approvals::ServiceOptions service_options;
  service_options.fallback_grant_seconds = c.defaults.grant_seconds;
  service_options.on_change = [ctx](const std::string&,
                                    std::string_view event) {
    if (event == audit::kTypeGrantMinted) {
      ctx->metrics_.grants_minted.Increment();
    } else if (event == audit::kTypeGrantConsumed) {
      ctx->metrics_.grants_consumed.Increment();
    }
  };
  context->approvals_ = std::make_unique<approvals::ApprovalService>(
      [ctx]() -> std::shared_ptr<const PolicySnapshot> {
        return ctx->state()->engine->snapshot();
      },
      context->store_.get(), [ctx] { return ctx->state()->directory; },
      context->key_.get(), approvals::Clock(), std::move(service_options));
  context->RefreshPendingGauge();
  return context;
}

void ServerContext::RefreshPendingGauge() {
  absl::StatusOr<int64_t> pending = store_->CountRequests(store::kStatePending);
  if (pending.ok()) metrics_.requests_pending.Set(*pending);
}

std::shared_ptr<const ServingState> ServerContext::state() const {
  std::shared_lock lock(state_mu_);
  return state_;
}

absl::Status ServerContext::AuditLoaded(const ServingState& state,
                                        std::string_view actor,
                                        std::string_view trigger,
                                        std::string_view previous) {
  audit::AuditEntry draft;
  draft.type = std::string(audit::kTypePolicyLoaded);
  draft.actor = std::string(actor);
  draft.policy = state.digest;
  draft.data = {
      {"trigger", std::string(trigger)},
      {"backend", std::string(BackendName(state.engine->backend()))},
      {"previous", std::string(previous)},
  };
  return store_->Write([&](store::WriteTx& tx) -> absl::Status {
    return tx.AppendAudit(draft).status();
  });
}

absl::Status ServerContext::AuditStart() {
  return AuditLoaded(*state(), "runtime", "start", "");
}

absl::StatusOr<std::shared_ptr<const ServingState>> ServerContext::Reload(
    std::string_view actor, std::string_view trigger) {
  std::lock_guard reload_lock(reload_mu_);
  std::shared_ptr<const ServingState> old = state();
  absl::StatusOr<std::shared_ptr<const ServingState>> next =
      LoadServingState(config_, options_.backend);
  if (!next.ok()) {
    metrics_.reloads_refused.Increment();
    return next.status();
  }
  // Audited before it serves: a policy never decides unrecorded.
  if (absl::Status s = AuditLoaded(**next, actor, trigger, old->digest);
      !s.ok()) {
    metrics_.reloads_refused.Increment();
    return s;
  }
  {
    std::unique_lock lock(state_mu_);
    state_ = *next;
  }
  metrics_.reloads_ok.Increment();
  // `old` is released here, or by the last request still using it.
  return next;
}

absl::StatusOr<std::optional<audit::Checkpoint>> ServerContext::Checkpoint() {
  absl::StatusOr<audit::Checkpoint> checkpoint =
      store_->CheckpointHead(*key_, audit::NowUnixMillis());
  if (absl::IsFailedPrecondition(checkpoint.status())) {
    return std::optional<audit::Checkpoint>();  // empty log
  }
  if (!checkpoint.ok()) return checkpoint.status();
  if (last_checkpoint_seq_.exchange(checkpoint->seq) != checkpoint->seq) {
    metrics_.checkpoints.Increment();
  }
  return std::optional<audit::Checkpoint>(*std::move(checkpoint));
}

void ServerContext::Log(std::string_view line) const {
  if (options_.log) options_.log(line);
}

}  // namespace signoff::server
