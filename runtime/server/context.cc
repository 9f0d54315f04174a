#include "runtime/server/context.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "runtime/audit/entry.h"
#include "runtime/audit/timestamp.h"
#include "runtime/channels/slack.h"
#include "runtime/channels/teams.h"
#include "runtime/channels/webhook.h"
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
  if (absl::Status s = context->BuildChannels(); !s.ok()) return s;

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
    // The messages of this change are committed: deliver them now.
    ctx->outbox_->WakeAll();
  };
  service_options.notify = [ctx](store::WriteTx& tx,
                                 const approvals::ChangeNote& note) {
    std::vector<std::string> channels;
    for (const std::string& name : note.channels) {
      // A channel no worker delivers would wait forever; the configuration
      // check makes every policy channel configured, so this is a channel
      // of a decision made by a policy set since changed.
      if (ctx->outbox_->Has(name)) channels.push_back(name);
    }
    if (channels.empty()) return absl::OkStatus();
    return channels::Outbox::Enqueue(
        tx, channels, note.view->id,
        channels::ChangePayload(note.event, note.time, note.actor,
                                approvals::ToJson(*note.view), note.escalation),
        note.time);
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

absl::Status ServerContext::BuildChannels() {
  auto secret = [this](const std::string& variable) -> std::string {
    auto it = secrets_.find(variable);
    return it == secrets_.end() ? std::string() : it->second;
  };
  std::vector<std::unique_ptr<channels::Channel>> built;
  for (const auto& [name, channel] : config_.channels) {
    if (const auto* slack =
            std::get_if<config::SlackChannel>(&channel.settings)) {
      channels::SlackOptions options;
      options.name = name;
      options.api_base = slack->api_base;
      options.token = secret(slack->token_env);
      options.channel = slack->channel;
      if (options.channel.empty()) {
        // The policy's routing target: `channel NAME = slack("#room")`.
        options.channel = absl::StrCat("#", name);
        if (std::shared_ptr<const PolicySnapshot> policy =
                state_->engine->snapshot()) {
          for (const ir::Channel& declared : policy->policy().channels) {
            if (declared.name == name && !declared.target.empty()) {
              options.channel = declared.target;
            }
          }
        }
      }
      built.push_back(std::make_unique<channels::SlackChannel>(options));
      slack_.push_back({name, secret(slack->signing_secret_env)});
    } else if (const auto* teams =
                   std::get_if<config::TeamsChannel>(&channel.settings)) {
      channels::TeamsOptions options;
      options.name = name;
      options.app_id = teams->app_id;
      options.app_password = secret(teams->app_password_env);
      options.service_url = teams->service_url;
      options.conversation_id = teams->conversation_id;
      options.token_url = teams->token_url;
      built.push_back(std::make_unique<channels::TeamsChannel>(options));
      TeamsInbound inbound{name, teams->app_id, nullptr};
      if (!teams->jwks_file.empty()) {
        std::ifstream in(teams->jwks_file, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        if (!in) {
          return absl::FailedPreconditionError(absl::StrCat(
              "channels.", name, ".jwks_file: cannot read ", teams->jwks_file));
        }
        absl::StatusOr<channels::RsaKeySet> keys =
            channels::RsaKeySet::FromJwks(text.str());
        if (!keys.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat("channels.", name, ".jwks_file ", teams->jwks_file,
                           ": ", keys.status().message()));
        }
        inbound.keys =
            std::make_shared<const channels::RsaKeySet>(*std::move(keys));
      }
      teams_.push_back(std::move(inbound));
    } else if (const auto* hook =
                   std::get_if<config::WebhookChannel>(&channel.settings)) {
      built.push_back(std::make_unique<channels::WebhookChannel>(
          channels::WebhookOptions{name, hook->url, secret(hook->secret_env)}));
    }
  }
  channels::OutboxOptions options = options_.outbox;
  options.retry.max_attempts = static_cast<int>(config_.delivery.attempts);
  options.retry.base_ms = config_.delivery.backoff_ms;
  options.retry.max_ms = config_.delivery.max_backoff_ms;
  if (!options.log) {
    options.log = [this](std::string_view line) { Log(line); };
  }
  options.on_attempt = [this](std::string_view, bool delivered, bool dead) {
    (delivered ? metrics_.notifications_sent
     : dead    ? metrics_.notifications_dead
               : metrics_.notifications_failed)
        .Increment();
  };
  outbox_ = std::make_unique<channels::Outbox>(store_.get(), std::move(built),
                                               std::move(options));
  return absl::OkStatus();
}

absl::Status ServerContext::StartChannels() { return outbox_->Start(); }

void ServerContext::StopChannels() {
  background_.Stop();  // votes of acknowledged clicks first
  outbox_->Stop();
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
