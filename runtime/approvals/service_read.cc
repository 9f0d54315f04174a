// ApprovalService: reading requests (Get, Inbox, WaitForChange) and their
// JSON.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "runtime/approvals/quorum.h"
#include "runtime/approvals/service.h"
#include "runtime/approvals/service_internal.h"
#include "runtime/audit/timestamp.h"
#include "stdlib/absl_compat.h"

namespace signoff::approvals {
namespace {

using internal::ParseStored;
using nlohmann::json;

absl::Status UnknownIdentity(std::string_view identity) {
  return absl::UnauthenticatedError(
      absl::StrCat("unknown identity `", AsAbsl(identity), "`"));
}

json OptionalTime(const std::optional<int64_t>& ms) {
  return ms ? json(audit::FormatTimestamp(*ms)) : json();
}

}  // namespace

nlohmann::json ToJson(const SubmitResult& result) {
  json out = {{"id", result.id},
              {"status", result.status},
              {"decision", ParseStored(result.decision_json)}};
  if (!result.grant.empty()) out["grant"] = result.grant;
  if (result.expires_at) out["expires"] = OptionalTime(result.expires_at);
  return out;
}

nlohmann::json ToJson(const RequestView& view) {
  json votes = json::array();
  for (const VoteView& v : view.votes) {
    votes.push_back({{"identity", v.identity},
                     {"vote", v.vote},
                     {"comment", v.comment},
                     {"time", audit::FormatTimestamp(v.time)},
                     {"counted", v.counted}});
  }
  json clauses = json::array();
  for (const ClauseProgress& c : view.clauses) {
    json clause = {{"group", c.group},
                   {"needed", c.needed},
                   {"have", static_cast<int64_t>(c.approvers.size())},
                   {"approvers", c.approvers},
                   {"satisfiable", c.satisfiable}};
    if (!c.where.empty()) clause["where"] = c.where;
    clauses.push_back(std::move(clause));
  }
  json out = {{"id", view.id},
              {"status", view.status},
              {"action", view.action},
              {"params", view.params},
              {"requester", view.requester},
              {"context", view.context},
              {"decision", ParseStored(view.decision_json)},
              {"policy", view.policy},
              {"created", audit::FormatTimestamp(view.created_at)},
              {"expires", OptionalTime(view.expires_at)},
              {"resolved", OptionalTime(view.resolved_at)},
              {"resolved_by", view.resolved_by},
              {"votes", std::move(votes)},
              {"requirements", std::move(clauses)},
              {"rejections", view.rejections},
              {"veto", view.veto},
              {"time_left_seconds", view.time_left_ms / 1000}};
  if (!view.escalated_to.empty()) out["escalated_to"] = view.escalated_to;
  if (!view.grant.empty()) {
    out["grant"] = view.grant;
    out["grant_expires"] = OptionalTime(view.grant_expires_at);
  }
  return out;
}

RequestView ApprovalService::ViewOf(const store::RequestRecord& record,
                                    const std::vector<store::VoteRecord>& votes,
                                    const runtime::Directory& directory,
                                    std::string_view caller,
                                    const store::GrantRecord* grant,
                                    const ClauseSet* given) const {
  RequestView view;
  view.id = record.id;
  view.status = record.state;
  view.action = record.action;
  view.params = ParseStored(record.params_json);
  view.requester = ParseStored(record.requester_json);
  view.context = ParseStored(record.context_json);
  view.decision_json = record.decision_json;
  view.policy = record.policy;
  view.created_at = record.created_at;
  view.expires_at = record.expires_at;
  view.resolved_at = record.resolved_at;
  view.resolved_by = record.resolved_by;
  if (record.state == store::kStatePending && record.expires_at) {
    view.time_left_ms = std::max<int64_t>(0, *record.expires_at - Now());
  }

  absl::StatusOr<StoredDecision> decision =
      ParseStoredDecision(record.decision_json);
  const StoredDecision stored = decision.ok() ? *decision : StoredDecision();
  view.veto = stored.veto;
  std::optional<ClauseSet> resolved;
  if (given == nullptr) resolved.emplace(ClausesOf(record, stored));
  const ClauseSet& clauses = given != nullptr ? *given : *resolved;
  std::vector<std::string> approvers;
  std::vector<std::vector<int>> eligible;
  for (const store::VoteRecord& v : votes) {
    std::vector<int> of = clauses.EligibleClauses(v.identity, directory);
    VoteView vote{v.identity, v.vote, v.comment, v.time, !of.empty()};
    if (vote.counted && v.vote == store::kVoteApprove) {
      approvers.push_back(v.identity);
      eligible.push_back(std::move(of));
    } else if (vote.counted) {
      ++view.rejections;
    }
    view.votes.push_back(std::move(vote));
  }
  const std::vector<int64_t> counts = clauses.counts();
  const QuorumResult quorum = SolveQuorum(counts, eligible);
  for (size_t i = 0; i < clauses.size(); ++i) {
    ClauseProgress progress;
    progress.group = clauses.specs()[i].group;
    progress.where = clauses.specs()[i].where;
    progress.needed = clauses.specs()[i].count;
    for (int a : quorum.assigned[i]) progress.approvers.push_back(approvers[a]);
    progress.satisfiable = clauses.resolved(i);
    view.clauses.push_back(std::move(progress));
    for (const std::string& group : clauses.specs()[i].also) {
      if (std::find(view.escalated_to.begin(), view.escalated_to.end(),
                    group) == view.escalated_to.end()) {
        view.escalated_to.push_back(group);
      }
    }
  }
  if (grant != nullptr && record.state == store::kStateApproved &&
      !caller.empty() && caller == clauses.requester_id()) {
    view.grant = grant->token;
    view.grant_expires_at = grant->expires_at;
  }
  return view;
}

absl::StatusOr<RequestView> ApprovalService::Get(
    std::string_view id, std::string_view caller) const {
  std::shared_ptr<const runtime::Directory> dir = directory();
  if (dir == nullptr || dir->Find(caller) == nullptr) {
    return UnknownIdentity(caller);
  }
  store::RequestRecord record;
  std::vector<store::VoteRecord> votes;
  std::optional<store::GrantRecord> grant;
  absl::Status read = store_->Read([&](store::ReadTx& tx) -> absl::Status {
    absl::StatusOr<store::RequestRecord> r = tx.GetRequest(id);
    if (!r.ok()) return r.status();
    record = *std::move(r);
    absl::StatusOr<std::vector<store::VoteRecord>> v = tx.ListVotes(id);
    if (!v.ok()) return v.status();
    votes = *std::move(v);
    absl::StatusOr<store::GrantRecord> g = tx.GetGrantForRequest(id);
    if (g.ok()) {
      grant = *std::move(g);
    } else if (!absl::IsNotFound(g.status())) {
      return g.status();
    }
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  return ViewOf(record, votes, *dir, caller, grant ? &*grant : nullptr);
}

absl::StatusOr<std::vector<RequestView>> ApprovalService::Inbox(
    std::string_view identity) const {
  std::shared_ptr<const runtime::Directory> dir = directory();
  const runtime::Identity* who = dir ? dir->Find(identity) : nullptr;
  if (who == nullptr) return UnknownIdentity(identity);
  const int64_t now = Now();
  std::vector<std::pair<store::RequestRecord, std::vector<store::VoteRecord>>>
      candidates;
  absl::Status read = store_->Read([&](store::ReadTx& tx) -> absl::Status {
    candidates.clear();
    absl::StatusOr<std::vector<store::RequestRecord>> pending =
        tx.ListRequests(store::kStatePending, 0);
    if (!pending.ok()) return pending.status();
    for (store::RequestRecord& r : *pending) {
      if (r.expires_at && now >= *r.expires_at) continue;
      absl::StatusOr<std::vector<store::VoteRecord>> votes = tx.ListVotes(r.id);
      if (!votes.ok()) return votes.status();
      const bool voted = std::any_of(
          votes->begin(), votes->end(),
          [&](const store::VoteRecord& v) { return v.identity == identity; });
      if (!voted) candidates.emplace_back(std::move(r), *std::move(votes));
    }
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  std::vector<RequestView> inbox;
  for (const auto& [record, votes] : candidates) {
    absl::StatusOr<StoredDecision> decision =
        ParseStoredDecision(record.decision_json);
    if (!decision.ok()) continue;
    const ClauseSet clauses = ClausesOf(record, *decision);
    if (clauses.EligibleClauses(*who, *dir).empty()) continue;
    inbox.push_back(ViewOf(record, votes, *dir, identity, nullptr));
  }
  return inbox;
}

absl::StatusOr<std::string> ApprovalService::WaitForChange(
    std::string_view id, std::chrono::steady_clock::time_point deadline) const {
  // Other writers of the same store (another process) do not notify: look
  // again at least this often.
  constexpr auto kRecheck = std::chrono::seconds(1);
  for (;;) {
    uint64_t seen;
    bool stopping;
    {
      std::lock_guard<std::mutex> lock(wait_mu_);
      seen = generation_;
      stopping = waits_stopped_;
    }
    absl::StatusOr<store::RequestRecord> record = store_->GetRequest(id);
    if (!record.ok()) return record.status();
    const auto now = std::chrono::steady_clock::now();
    if (record->state != store::kStatePending || now >= deadline || stopping) {
      return record->state;
    }
    std::unique_lock<std::mutex> lock(wait_mu_);
    wait_cv_.wait_until(lock, std::min(deadline, now + kRecheck),
                        [&] { return generation_ != seen || waits_stopped_; });
  }
}

void ApprovalService::StopWaits() {
  {
    std::lock_guard<std::mutex> lock(wait_mu_);
    waits_stopped_ = true;
  }
  wait_cv_.notify_all();
}

}  // namespace signoff::approvals
