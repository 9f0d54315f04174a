// ApprovalService: votes and cancellation.
#include <algorithm>
#include <cstdint>
#include <memory>
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
#include "runtime/audit/entry.h"
#include "runtime/audit/timestamp.h"
#include "stdlib/absl_compat.h"

namespace signoff::approvals {
namespace {

using internal::Audit;
using internal::ParseStored;
using nlohmann::json;

constexpr std::string_view kActorRuntime = "runtime";

std::string_view VoteName(VoteChoice vote) {
  return vote == VoteChoice::kApprove ? store::kVoteApprove
                                      : store::kVoteReject;
}

absl::Status FinalStateError(std::string_view state) {
  return absl::FailedPreconditionError(
      absl::StrCat("request is ", AsAbsl(state)));
}

// A pending request whose deadline passed is expired before anything else
// happens to it, whether or not a Tick came by (audited request.expired).
absl::Status ExpireIfDue(store::WriteTx& tx, store::RequestRecord& request,
                         int64_t now, std::vector<std::string>& events) {
  if (request.state != store::kStatePending || !request.expires_at ||
      now < *request.expires_at) {
    return absl::OkStatus();
  }
  absl::StatusOr<bool> won =
      tx.CompareAndSetState(request.id, store::kStatePending,
                            store::kStateExpired, now, kActorRuntime);
  if (!won.ok()) return won.status();
  if (!*won) return absl::AbortedError("request changed while expiring it");
  events.emplace_back(audit::kTypeRequestExpired);
  request.state = std::string(store::kStateExpired);
  return Audit(tx, audit::kTypeRequestExpired, request.id, kActorRuntime,
               request.policy, now,
               {{"reason", "no quorum before the deadline"},
                {"deadline", audit::FormatTimestamp(*request.expires_at)}});
}

// `record` as CompareAndSetState left it in the store.
void Resolved(store::RequestRecord& record, std::string_view state, int64_t now,
              std::string_view by) {
  record.state = std::string(state);
  record.resolved_at = now;
  record.resolved_by = std::string(by);
}

}  // namespace

absl::StatusOr<VoteResult> ApprovalService::Vote(std::string_view id,
                                                 std::string_view identity,
                                                 VoteChoice vote,
                                                 std::string_view comment) {
  const int64_t now = Now();
  absl::StatusOr<store::RequestRecord> record = store_->GetRequest(id);
  if (!record.ok()) return record.status();
  absl::StatusOr<StoredDecision> decision =
      ParseStoredDecision(record->decision_json);
  if (!decision.ok()) return decision.status();
  std::shared_ptr<const runtime::Directory> dir = directory();
  const runtime::Identity* voter = dir ? dir->Find(identity) : nullptr;
  const ClauseSet clauses = ClausesOf(*record, *decision);
  // Escalations that fire after this read count from the next vote on.
  const std::vector<int> voter_clauses =
      voter ? clauses.EligibleClauses(*voter, *dir) : std::vector<int>();
  const std::string request_id(id);
  const std::string actor(identity);
  const std::string_view vote_name = VoteName(vote);

  absl::Status refusal;
  VoteResult result;
  std::vector<std::string> events;
  // The request and its votes as this vote leaves them, for the view.
  store::RequestRecord after;
  std::vector<store::VoteRecord> after_votes;
  auto body = [&](store::WriteTx& tx) -> absl::Status {
    refusal = absl::OkStatus();
    result = VoteResult();
    events.clear();
    auto refuse = [&](absl::Status why, std::string_view code) {
      refusal = why;
      return Audit(tx, audit::kTypeVoteRefused, request_id, actor,
                   record->policy, now,
                   {{"vote", vote_name},
                    {"reason", code},
                    {"message", std::string(why.message())}});
    };
    absl::StatusOr<store::RequestRecord> current = tx.GetRequest(request_id);
    if (!current.ok()) return current.status();
    if (absl::Status s = ExpireIfDue(tx, *current, now, events); !s.ok()) {
      return s;
    }
    if (voter == nullptr) {
      return refuse(absl::UnauthenticatedError(absl::StrCat(
                        "unknown identity `", AsAbsl(identity), "`")),
                    "unknown_identity");
    }
    if (current->state != store::kStatePending) {
      return refuse(FinalStateError(current->state), "final_state");
    }
    if (clauses.IsRequesterSide(*voter)) {
      std::string why;
      if (identity == clauses.requester_id()) {
        why = "the requester cannot vote on its own request";
      } else if (clauses.IsRequesterSide(identity)) {
        why = absl::StrCat("`", AsAbsl(identity),
                           "` cannot vote on a request made on its behalf");
      } else {
        why = absl::StrCat("`", AsAbsl(identity), "` acts for `",
                           voter->on_behalf_of,
                           "`, who made this request or for whom it was made");
      }
      return refuse(absl::PermissionDeniedError(why), "self_approval");
    }
    if (voter_clauses.empty()) {
      return refuse(absl::PermissionDeniedError(absl::StrCat(
                        "`", AsAbsl(identity),
                        "` is not eligible to vote on this request")),
                    "not_eligible");
    }
    absl::StatusOr<std::vector<store::VoteRecord>> votes =
        tx.ListVotes(request_id);
    if (!votes.ok()) return votes.status();
    const bool voted =
        std::any_of(votes->begin(), votes->end(),
                    [&](const auto& v) { return v.identity == identity; });
    if (voted) {
      return refuse(
          absl::AlreadyExistsError(absl::StrCat(
              "`", AsAbsl(identity), "` already voted on this request")),
          "already_voted");
    }
    store::VoteRecord cast{request_id, actor, std::string(vote_name),
                           std::string(comment), now};
    if (absl::Status s = tx.InsertVote(cast); !s.ok()) return s;
    if (absl::Status s = Audit(tx, audit::kTypeVoteAccepted, request_id, actor,
                               record->policy, now,
                               {{"vote", vote_name}, {"comment", comment}});
        !s.ok()) {
      return s;
    }
    events.emplace_back(audit::kTypeVoteAccepted);
    votes->push_back(std::move(cast));
    after = *current;
    after_votes = *votes;

    // The quorum from every approve vote, and the counted rejections, with
    // the directory of this moment.
    std::vector<std::string> approvers;
    std::vector<std::vector<int>> eligible;
    int64_t rejections = 0;
    for (const store::VoteRecord& v : *votes) {
      std::vector<int> of = v.identity == identity
                                ? voter_clauses
                                : clauses.EligibleClauses(v.identity, *dir);
      if (of.empty()) continue;
      if (v.vote == store::kVoteApprove) {
        approvers.push_back(v.identity);
        eligible.push_back(std::move(of));
      } else {
        ++rejections;
      }
    }
    result.status = std::string(store::kStatePending);
    if (vote == VoteChoice::kApprove) {
      const std::vector<int64_t> counts = clauses.counts();
      QuorumResult quorum = SolveQuorum(counts, eligible);
      if (!quorum.satisfied) return absl::OkStatus();
      absl::StatusOr<bool> won = tx.CompareAndSetState(
          request_id, store::kStatePending, store::kStateApproved, now, actor);
      if (!won.ok()) return won.status();
      if (!*won) return absl::AbortedError("request changed during the vote");
      Resolved(after, store::kStateApproved, now, actor);
      json assignment = json::array();
      for (size_t i = 0; i < quorum.assigned.size(); ++i) {
        json ids = json::array();
        for (int a : quorum.assigned[i]) ids.push_back(approvers[a]);
        assignment.push_back({{"group", clauses.specs()[i].group},
                              {"where", clauses.specs()[i].where},
                              {"approvers", std::move(ids)}});
      }
      if (absl::Status s = Audit(tx, audit::kTypeRequestApproved, request_id,
                                 actor, record->policy, now,
                                 {{"by", "quorum"}, {"clauses", assignment}});
          !s.ok()) {
        return s;
      }
      const int64_t seconds = decision->grant_seconds > 0
                                  ? decision->grant_seconds
                                  : options_.fallback_grant_seconds;
      internal::Minted grant = internal::MintGrant(
          *key_, request_id, record->action, record->params_json,
          clauses.requester_id(), seconds, now);
      if (absl::Status s = tx.InsertGrant(grant.record); !s.ok()) return s;
      events.emplace_back(audit::kTypeRequestApproved);
      events.emplace_back(audit::kTypeGrantMinted);
      result = VoteResult{std::string(store::kStateApproved), true, {}};
      return Audit(
          tx, audit::kTypeGrantMinted, request_id, actor, record->policy, now,
          {{"grant_id", grant.record.grant_id},
           {"digest", grant.record.digest},
           {"expires", audit::FormatTimestamp(grant.record.expires_at)}});
    }
    if (rejections < std::max<int64_t>(1, decision->veto)) {
      return absl::OkStatus();
    }
    absl::StatusOr<bool> won = tx.CompareAndSetState(
        request_id, store::kStatePending, store::kStateRejected, now, actor);
    if (!won.ok()) return won.status();
    if (!*won) return absl::AbortedError("request changed during the vote");
    Resolved(after, store::kStateRejected, now, actor);
    events.emplace_back(audit::kTypeRequestRejected);
    result = VoteResult{std::string(store::kStateRejected), true, {}};
    return Audit(tx, audit::kTypeRequestRejected, request_id, actor,
                 record->policy, now,
                 {{"rejections", rejections}, {"veto", decision->veto}});
  };
  absl::Status written = store_->Write([&](store::WriteTx& tx) -> absl::Status {
    if (absl::Status s = body(tx); !s.ok()) return s;
    const std::string_view main = internal::MainEvent(events);
    return NotifyChange(
        tx, record->decision_json, request_id, main,
        main == audit::kTypeRequestExpired ? kActorRuntime : actor, now);
  });
  if (!written.ok()) return written;
  Changed(request_id, events);
  if (!refusal.ok()) return refusal;
  // The voter is never the requester, so the view has no grant.
  result.view = ViewOf(after, after_votes, *dir, identity, nullptr, &clauses);
  return result;
}

absl::Status ApprovalService::Cancel(std::string_view id,
                                     std::string_view identity) {
  const int64_t now = Now();
  std::shared_ptr<const runtime::Directory> dir = directory();
  const bool known = dir != nullptr && dir->Find(identity) != nullptr;
  const std::string request_id(id);
  const std::string actor(identity);
  absl::Status refusal;
  std::vector<std::string> events;
  std::string decision_json;  // of the request, for NotifyChange
  auto body = [&](store::WriteTx& tx) -> absl::Status {
    refusal = absl::OkStatus();
    events.clear();
    absl::StatusOr<store::RequestRecord> current = tx.GetRequest(request_id);
    if (!current.ok()) return current.status();
    decision_json = current->decision_json;
    auto refuse = [&](absl::Status why, std::string_view code) {
      refusal = why;
      return Audit(tx, "cancel.refused", request_id, actor, current->policy,
                   now,
                   {{"reason", code}, {"message", std::string(why.message())}});
    };
    if (absl::Status s = ExpireIfDue(tx, *current, now, events); !s.ok()) {
      return s;
    }
    if (!known) {
      return refuse(absl::UnauthenticatedError(absl::StrCat(
                        "unknown identity `", AsAbsl(identity), "`")),
                    "unknown_identity");
    }
    const std::string requester =
        internal::StringField(ParseStored(current->requester_json), "id");
    if (identity != requester) {
      return refuse(absl::PermissionDeniedError(
                        "only the requester may cancel a request"),
                    "not_requester");
    }
    if (current->state != store::kStatePending) {
      return refuse(FinalStateError(current->state), "final_state");
    }
    absl::StatusOr<bool> won = tx.CompareAndSetState(
        request_id, store::kStatePending, store::kStateCancelled, now, actor);
    if (!won.ok()) return won.status();
    if (!*won) return absl::AbortedError("request changed during the cancel");
    events.emplace_back(audit::kTypeRequestCancelled);
    return Audit(tx, audit::kTypeRequestCancelled, request_id, actor,
                 current->policy, now);
  };
  absl::Status written = store_->Write([&](store::WriteTx& tx) -> absl::Status {
    if (absl::Status s = body(tx); !s.ok()) return s;
    const std::string_view main = internal::MainEvent(events);
    return NotifyChange(
        tx, decision_json, request_id, main,
        main == audit::kTypeRequestExpired ? kActorRuntime : actor, now);
  });
  if (!written.ok()) return written;
  Changed(request_id, events);
  return refusal;
}

}  // namespace signoff::approvals
