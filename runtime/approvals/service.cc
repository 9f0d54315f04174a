// ApprovalService: construction and submit.
#include "runtime/approvals/service.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/eval/decision.h"
#include "compiler/eval/json_convert.h"
#include "nlohmann/json.hpp"
#include "runtime/approvals/service_internal.h"
#include "runtime/audit/entry.h"
#include "runtime/audit/timestamp.h"
#include "runtime/grants/grants.h"
#include "runtime/grants/ids.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::approvals {
namespace {

using internal::Audit;
using internal::Dump;
using internal::ParseStored;
using nlohmann::json;

constexpr std::string_view kActorPolicy = "policy";

// The requester object of LANGUAGE.md §4 from a directory entry.
json RequesterOf(const runtime::Identity& identity) {
  json requester = json::object();
  requester["id"] = identity.id;
  if (!identity.kind.empty()) requester["kind"] = identity.kind;
  requester["team"] = identity.team;
  requester["groups"] = identity.groups;
  requester["on_behalf_of"] = identity.on_behalf_of;
  json attrs = json::object();
  for (const auto& [key, value] : identity.attrs) attrs[key] = value;
  requester["attrs"] = std::move(attrs);
  return requester;
}

std::string_view StateOfDecision(eval::DecisionKind kind) {
  switch (kind) {
    case eval::DecisionKind::kAllow:
      return store::kStateApproved;
    case eval::DecisionKind::kRequireApproval:
      return store::kStatePending;
    case eval::DecisionKind::kDeny:
      break;
  }
  return store::kStateDenied;
}

}  // namespace

namespace internal {

Minted MintGrant(const crypto::SigningKey& key, std::string_view request_id,
                 std::string_view action, std::string_view params_json,
                 std::string_view requester_id, int64_t seconds,
                 int64_t now_ms) {
  json params = ParseStored(params_json);
  grants::GrantClaims claims;
  claims.grant_id = grants::NewGrantId();
  claims.request_id = std::string(request_id);
  claims.requester = std::string(requester_id);
  claims.action = std::string(action);
  claims.digest = grants::ActionDigest(action, params, requester_id);
  claims.issued = now_ms / 1000;
  claims.expires = AddSeconds(claims.issued * 1000, seconds) / 1000;
  Minted minted;
  minted.token = grants::MintToken(claims, key);
  minted.record.grant_id = claims.grant_id;
  minted.record.request_id = claims.request_id;
  minted.record.token = minted.token;
  minted.record.digest = claims.digest;
  minted.record.issued_at = now_ms;
  minted.record.expires_at = claims.expires * 1000;
  return minted;
}

}  // namespace internal

std::optional<VoteChoice> ParseVoteChoice(std::string_view text) {
  if (text == store::kVoteApprove) return VoteChoice::kApprove;
  if (text == store::kVoteReject) return VoteChoice::kReject;
  return std::nullopt;
}

ApprovalService::ApprovalService(Engine* engine, store::Store* store,
                                 DirectoryProvider directory,
                                 const crypto::SigningKey* key, Clock clock,
                                 ServiceOptions options)
    : ApprovalService([engine] { return engine->snapshot(); }, store,
                      std::move(directory), key, std::move(clock),
                      std::move(options)) {}

ApprovalService::ApprovalService(SnapshotProvider policy, store::Store* store,
                                 DirectoryProvider directory,
                                 const crypto::SigningKey* key, Clock clock,
                                 ServiceOptions options)
    : policy_(std::move(policy)),
      store_(store),
      directory_(std::move(directory)),
      key_(key),
      clock_(clock ? std::move(clock) : Clock(audit::NowUnixMillis)),
      options_(std::move(options)),
      keys_(grants::PublicKeySet::FromKeys({key})),
      snapshots_(options_.recent_snapshots) {
  snapshots_.Remember(snapshot());
}

std::shared_ptr<const PolicySnapshot> ApprovalService::snapshot() const {
  return policy_ ? policy_() : nullptr;
}

ApprovalService::~ApprovalService() = default;

int64_t ApprovalService::Now() const { return clock_(); }

std::shared_ptr<const runtime::Directory> ApprovalService::directory() const {
  return directory_ ? directory_() : nullptr;
}

ClauseSet ApprovalService::ClausesOf(const store::RequestRecord& record,
                                     const StoredDecision& decision,
                                     const std::vector<int64_t>* fired) const {
  std::shared_ptr<const PolicySnapshot> current = snapshot();
  std::shared_ptr<const PolicySnapshot> decided =
      current != nullptr && current->digest() == record.policy
          ? current
          : snapshots_.Find(record.policy);
  if (decision.escalations.empty()) {
    return ClauseSet::Resolve(record, decision, std::move(decided),
                              std::move(current));
  }
  std::vector<int64_t> read;
  if (fired == nullptr) {
    // Unreadable: judge without the escalations (fail closed).
    absl::StatusOr<std::vector<store::EscalationRecord>> all =
        store_->ListEscalations(record.id);
    if (all.ok()) read = internal::FiredIndexes(*all);
    fired = &read;
  }
  StoredDecision widened = decision;
  ApplyEscalations(widened, *fired);
  return ClauseSet::Resolve(record, widened, std::move(decided),
                            std::move(current));
}

absl::Status ApprovalService::NotifyChange(store::WriteTx& tx,
                                           std::string_view decision_json,
                                           const std::string& id,
                                           std::string_view event,
                                           std::string_view actor, int64_t now,
                                           nlohmann::json escalation) const {
  if (!options_.notify || event.empty() ||
      !internal::MayNotify(decision_json)) {
    return absl::OkStatus();  // nobody to tell, now or later
  }
  absl::StatusOr<store::RequestRecord> record = tx.GetRequest(id);
  if (!record.ok()) return record.status();
  absl::StatusOr<StoredDecision> decision =
      ParseStoredDecision(record->decision_json);
  if (!decision.ok()) return absl::OkStatus();  // nothing names a channel
  std::vector<int64_t> fired;
  if (!decision->escalations.empty()) {
    absl::StatusOr<std::vector<store::EscalationRecord>> all =
        tx.ListEscalations(id);
    if (!all.ok()) return all.status();
    fired = internal::FiredIndexes(*all);
  }
  std::vector<std::string> channels = decision->channels;
  for (int64_t f : fired) {
    if (f >= 0 && static_cast<size_t>(f) < decision->escalations.size()) {
      const auto& notify = decision->escalations[f].notify;
      channels.insert(channels.end(), notify.begin(), notify.end());
    }
  }
  std::sort(channels.begin(), channels.end());
  channels.erase(std::unique(channels.begin(), channels.end()), channels.end());
  if (channels.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<store::VoteRecord>> votes = tx.ListVotes(id);
  if (!votes.ok()) return votes.status();
  static const runtime::Directory* const kNobody = new runtime::Directory();
  std::shared_ptr<const runtime::Directory> dir = directory();
  const ClauseSet clauses = ClausesOf(*record, *decision, &fired);
  const RequestView view =
      ViewOf(*record, *votes, dir ? *dir : *kNobody, "", nullptr, &clauses);
  ChangeNote note;
  note.event = event;
  note.actor = actor;
  note.time = now;
  note.view = &view;
  note.channels = std::move(channels);
  note.escalation = std::move(escalation);
  return options_.notify(tx, note);
}

void ApprovalService::Changed(const std::string& id,
                              const std::vector<std::string>& events) const {
  if (events.empty()) return;
  {
    std::lock_guard<std::mutex> lock(wait_mu_);
    ++generation_;
  }
  wait_cv_.notify_all();
  if (options_.on_change) {
    for (const std::string& event : events) options_.on_change(id, event);
  }
}

absl::StatusOr<SubmitResult> ApprovalService::Submit(std::string_view identity,
                                                     std::string_view body_json,
                                                     std::string_view peer_ip) {
  const int64_t now = Now();
  std::shared_ptr<const runtime::Directory> dir = directory();
  const runtime::Identity* who = dir ? dir->Find(identity) : nullptr;
  if (who == nullptr) {
    return absl::UnauthenticatedError(
        absl::StrCat("unknown identity `", AsAbsl(identity), "`"));
  }
  // Keys twice in one object: parsers downstream could disagree on which
  // one counts.
  eval::internal::DuplicateKeyFinder duplicates;
  json body = json::parse(
      body_json.begin(), body_json.end(),
      [&duplicates](int, json::parse_event_t event, json& parsed) {
        return duplicates.OnEvent(event, parsed);
      },
      /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return absl::InvalidArgumentError("the request is not valid JSON");
  }
  if (!duplicates.duplicates().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request has ", duplicates.duplicates().front()));
  }
  if (!body.is_object()) {
    return absl::InvalidArgumentError("the request must be a JSON object");
  }
  if (body.contains("requester")) {
    return absl::InvalidArgumentError(
        "`requester` must not be in the body: the runtime sets it from the "
        "authenticated identity");
  }
  json context = json::object();
  if (auto it = body.find("context"); it != body.end()) {
    if (!it->is_object()) {
      return absl::InvalidArgumentError("`context` must be an object");
    }
    context = *it;
  }
  // The runtime's own clock and the peer address, never the client's.
  context["time"] = stdlib::FormatRfc3339(now / 1000);
  if (peer_ip.empty()) {
    context.erase("ip");
  } else {
    context["ip"] = std::string(peer_ip);
  }
  const json requester = RequesterOf(*who);
  body["requester"] = requester;
  body["context"] = context;

  std::shared_ptr<const PolicySnapshot> policy = snapshot();
  if (policy == nullptr) {
    return absl::FailedPreconditionError("no policy is loaded");
  }
  absl::StatusOr<eval::Decision> decision = policy->Decide(Dump(body));
  if (!decision.ok()) return decision.status();
  if (decision->invalid_request) {
    // A request that does not fit its action's schema is the client's
    // error: refused before anything is stored (RUNTIME.md §7: malformed
    // or unknown fields change nothing).
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid request: ", absl::StrJoin(decision->errors, "; ")));
  }
  snapshots_.Remember(policy);

  store::RequestRecord record;
  record.id = grants::NewId("r_");
  record.state = std::string(StateOfDecision(decision->kind));
  if (auto action = body.find("action");
      action != body.end() && action->is_string()) {
    record.action = *action->get_ptr<const json::string_t*>();
  }
  auto params = body.find("params");
  record.params_json = params == body.end() ? "{}" : Dump(*params);
  record.requester_json = Dump(requester);
  record.context_json = Dump(context);
  record.decision_json = eval::DecisionToJson(*decision, false, false);
  record.policy = decision->policy;
  record.created_at = now;
  if (record.state == store::kStatePending) {
    record.expires_at = internal::AddSeconds(now, decision->expire_seconds);
  } else {
    record.resolved_at = now;
    record.resolved_by = std::string(kActorPolicy);
  }
  std::optional<internal::Minted> grant;
  if (record.state == store::kStateApproved) {
    const int64_t seconds = decision->grant_seconds > 0
                                ? decision->grant_seconds
                                : options_.fallback_grant_seconds;
    grant = internal::MintGrant(*key_, record.id, record.action,
                                record.params_json, who->id, seconds, now);
  }

  std::vector<std::string> events;
  absl::Status written = store_->Write([&](store::WriteTx& tx) -> absl::Status {
    events.clear();
    if (absl::Status s = tx.InsertRequest(record); !s.ok()) return s;
    json created = {{"action", record.action},
                    {"params", ParseStored(record.params_json)},
                    {"requester", requester},
                    {"context", context}};
    if (absl::Status s = Audit(tx, audit::kTypeRequestCreated, record.id,
                               who->id, record.policy, now, created);
        !s.ok()) {
      return s;
    }
    events.emplace_back(audit::kTypeRequestCreated);
    if (absl::Status s = Audit(tx, audit::kTypeDecision, record.id,
                               kActorPolicy, record.policy, now,
                               {{"decision", ParseStored(record.decision_json)},
                                {"state", record.state}});
        !s.ok()) {
      return s;
    }
    if (record.state == store::kStatePending) {
      for (size_t i = 0; i < decision->escalations.size(); ++i) {
        store::EscalationRecord e;
        e.request_id = record.id;
        e.index = static_cast<int64_t>(i);
        e.due_at =
            internal::AddSeconds(now, decision->escalations[i].after_seconds);
        if (absl::Status s = tx.InsertEscalation(e); !s.ok()) return s;
      }
      return NotifyChange(tx, record.decision_json, record.id,
                          audit::kTypeRequestCreated, who->id, now);
    }
    if (!grant) return absl::OkStatus();
    if (absl::Status s =
            Audit(tx, audit::kTypeRequestApproved, record.id, kActorPolicy,
                  record.policy, now, {{"by", "policy"}});
        !s.ok()) {
      return s;
    }
    if (absl::Status s = tx.InsertGrant(grant->record); !s.ok()) return s;
    events.emplace_back(audit::kTypeRequestApproved);
    events.emplace_back(audit::kTypeGrantMinted);
    return Audit(
        tx, audit::kTypeGrantMinted, record.id, kActorPolicy, record.policy,
        now,
        {{"grant_id", grant->record.grant_id},
         {"digest", grant->record.digest},
         {"expires", audit::FormatTimestamp(grant->record.expires_at)}});
  });
  if (!written.ok()) return written;
  Changed(record.id, events);

  SubmitResult result;
  result.id = record.id;
  result.status = record.state;
  result.decision_json = record.decision_json;
  if (grant) result.grant = grant->token;
  result.expires_at = record.expires_at;
  return result;
}

}  // namespace signoff::approvals
