// The approval workflow (RUNTIME.md §1-§3, §6): submit a request, decide
// it, collect votes from real identities, reach the quorum exactly once,
// mint a single-use grant, consume it once, expire what is left.
//
//   ApprovalService service(engine, store, directory, key, clock, {});
//   auto submitted = service.Submit("agent:etl", body, "10.1.2.3");
//   service.Vote(submitted->id, "alice", VoteChoice::kApprove, "ok");
//   ApprovalService::Runner runner(service);  // expiries every 200 ms
//
// States (store/records.h):
//   allow            -> approved (grant minted at once)  -> consumed | expired
//   deny             -> denied
//   require_approval -> pending -> approved -> consumed | expired
//                                -> rejected | expired | cancelled
// Every state change is made in one Store::Write together with its audit
// entries, and moves the state with CompareAndSetState, so a request
// resolves exactly once even when votes race (each Write body reads the
// state, the votes and decides in the store's serialised transaction).
// Every refusal of a security-relevant operation is audited in a Write of
// its own (vote.refused, cancel.refused, grant.refused), with the reason.
//
// Identities. The requester and the voter are always the authenticated
// identity the caller passes (never a field of a body), looked up in the
// directory of the moment. An identity that is not in the directory is
// Unauthenticated (HTTP 401, like an unknown API key); for votes on an
// existing request the refusal is audited. The requester object of a
// request is filled from the directory entry: id, kind (omitted when the
// entry has none), team, groups, on_behalf_of and attrs (LANGUAGE.md §4).
//
// Who may read. Get() is open to every identity in the directory: request
// ids are unguessable (130 random bits) and the same details are posted to
// the policy's channels. The grant token is shown only to the requester
// (requester.id) while the request is approved.
//
// Deadlines. A pending request's deadline is created_at + the decision's
// `expire`; an approved request's grant lives for the decision's `grant`.
// Both are stored, so a restarted service honours them. Tick() (or the
// Runner) moves what is due to expired; a vote or cancel that arrives after
// the deadline but before the Tick expires the request first and is then
// refused (409), so a deadline is never outlived.
//
// Status codes, for the HTTP layer (RUNTIME.md §7):
//   InvalidArgument     400  malformed body or request (not JSON, not an
//                            object, `requester` given, duplicate keys,
//                            invalid for the action's schema,
//                            an unknown vote, a grant request that is not a
//                            request)
//   Unauthenticated     401  identity not in the directory
//   PermissionDenied    403  vote by the requester or the identity it acts
//                            for; vote by an identity eligible for no
//                            clause; cancel by someone else; a grant that is
//                            forged, altered, expired, unknown or presented
//                            for another action, params or requester
//                            (grants::GrantErrorOf gives the reason)
//   NotFound            404  no such request
//   AlreadyExists       409  second vote by one identity; grant already
//                            consumed
//   FailedPrecondition  409  vote or cancel on a request that is no longer
//                            pending ("request is approved"); no policy
//                            loaded (Submit; a server should map that one to
//                            503)
//   other                    machine failures (the store): 500
//
// Thread safety: every method is thread-safe. The Engine (or snapshot
// provider), Store, directory provider, key and clock must outlive the
// service and be thread-safe.
#ifndef SIGNOFF_RUNTIME_APPROVALS_SERVICE_H_
#define SIGNOFF_RUNTIME_APPROVALS_SERVICE_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "runtime/approvals/eligibility.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/directory/directory.h"
#include "runtime/engine/engine.h"
#include "runtime/grants/grants.h"
#include "runtime/grants/jwks.h"
#include "runtime/store/records.h"
#include "runtime/store/store.h"

namespace signoff::approvals {

// The directory in force; called once per operation, so a reload that swaps
// the pointer takes effect at the next operation. May return null (then
// every identity is unknown).
using DirectoryProvider =
    std::function<std::shared_ptr<const runtime::Directory>()>;
// The policy set in force (Engine::snapshot of the serving engine); called
// once per operation that decides or judges clauses. May return null (no
// policy loaded: Submit is refused).
using SnapshotProvider = std::function<std::shared_ptr<const PolicySnapshot>()>;
// Unix milliseconds.
using Clock = std::function<int64_t()>;

struct RequestView;

// One change of a request whose channels are to hear of it (see
// ServiceOptions::notify).
struct ChangeNote {
  std::string_view event;             // the audit type: request.created, ...
  std::string_view actor;             // who made it: an identity or "runtime"
  int64_t time = 0;                   // unix ms
  const RequestView* view = nullptr;  // right after the change, no grant
  // The channels to tell: the decision's, and those of every fired
  // escalation; sorted, never empty.
  std::vector<std::string> channels;
  // request.escalated: {"group", "after", "notify", "requirements"}; else
  // null.
  nlohmann::json escalation;
};

struct ServiceOptions {
  // Grant lifetime when a decision carries none (decisions always do:
  // Combine fills in the engine's defaults). Expiry and grant lifetimes
  // otherwise come from the decision itself.
  int64_t fallback_grant_seconds = 300;
  // Policy sets kept by digest so pending requests are judged by the set
  // that decided them after a reload (eligibility.h).
  size_t recent_snapshots = 16;
  // Most requests and grants one Tick expires (the rest wait for the next).
  int64_t tick_batch = 1000;
  // Called after each committed change of a request, outside every lock of
  // the service, with the request id and the audit type of the event
  // ("request.created", "vote.accepted", "request.approved", ...): for
  // channel updates. Must be thread-safe and must not block for long.
  std::function<void(const std::string& request_id, std::string_view event)>
      on_change;
  // Called inside the store transaction of each change of a request that
  // has channels to tell (its decision's `channels`, or a fired
  // escalation's `notify`): created pending, a vote accepted, approved,
  // rejected, expired, cancelled, escalated, its grant consumed. One call
  // per transaction, for its main event. What it writes (the outbox
  // messages) commits with the change; an error fails the change.
  std::function<absl::Status(store::WriteTx&, const ChangeNote&)> notify;
};

// The snake_case reason of a grant refused by VerifyGrant or ConsumeGrant
// (the `reason` of its grant.refused audit entry: a GrantErrorName, or
// invalid_request, unknown_grant, already_consumed, expired,
// request_not_approved); "" for any other status.
std::string GrantRefusalReason(const absl::Status& status);

enum class VoteChoice { kApprove, kReject };
// "approve" or "reject"; nullopt otherwise.
std::optional<VoteChoice> ParseVoteChoice(std::string_view text);

// POST /v1/requests: {id, status, decision, grant?}.
struct SubmitResult {
  std::string id;
  std::string status;         // approved | denied | pending
  std::string decision_json;  // LANGUAGE.md §7, as stored
  std::string grant;          // the token when approved at once; else ""
  std::optional<int64_t> expires_at;  // pending: the deadline (unix ms)
};
nlohmann::json ToJson(const SubmitResult& result);

// One clause of a request and how far it is (GET /v1/requests/{id}).
struct ClauseProgress {
  std::string group;
  std::string where;  // "" when none
  int64_t needed = 0;
  // Approvers counted for it by the matching; eligible identities that have
  // not voted are not listed.
  std::vector<std::string> approvers;
  // False when no policy at hand has this clause any more
  // (eligibility.h): it can never be met.
  bool satisfiable = true;
};

struct VoteView {
  std::string identity;
  std::string vote;  // approve | reject
  std::string comment;
  int64_t time = 0;  // unix ms
  // Whether the vote counts now: the identity is eligible for some clause
  // (with the directory of the moment).
  bool counted = false;
};

struct RequestView {
  std::string id;
  std::string status;
  std::string action;
  nlohmann::json params;
  nlohmann::json requester;
  nlohmann::json context;
  std::string decision_json;
  std::string policy;
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;  // pending: the deadline
  std::optional<int64_t> resolved_at;
  std::string resolved_by;
  std::vector<VoteView> votes;  // in the order cast
  std::vector<ClauseProgress> clauses;
  // The groups fired escalations made eligible too (beyond each clause's
  // own group), in clause order.
  std::vector<std::string> escalated_to;
  int64_t rejections = 0;  // counted rejections
  int64_t veto = 0;
  int64_t time_left_ms = 0;  // pending: until the deadline; else 0
  // The token, for the requester while approved; "" otherwise.
  std::string grant;
  std::optional<int64_t> grant_expires_at;  // same condition
};
// The view with times in RFC 3339 and `decision` as an object.
nlohmann::json ToJson(const RequestView& view);

struct VoteResult {
  std::string status;     // the request's state after the vote
  bool resolved = false;  // this vote approved or rejected it
  // The request as the voter sees it right after the vote (what Get would
  // answer), built from the data of the vote's own transaction.
  RequestView view;
};

class ApprovalService {
 public:
  // `engine`, `store` and `key` must not be null; `clock` defaults to the
  // system clock when empty.
  ApprovalService(Engine* engine, store::Store* store,
                  DirectoryProvider directory, const crypto::SigningKey* key,
                  Clock clock, ServiceOptions options = {});
  // The same with the policy set from `policy` (a server whose reloads
  // swap whole engines).
  ApprovalService(SnapshotProvider policy, store::Store* store,
                  DirectoryProvider directory, const crypto::SigningKey* key,
                  Clock clock, ServiceOptions options = {});
  ~ApprovalService();
  ApprovalService(const ApprovalService&) = delete;
  ApprovalService& operator=(const ApprovalService&) = delete;

  // Submits `body` (LANGUAGE.md §6 without `requester`) for `identity`.
  // The runtime sets requester from the directory, context.time to its
  // clock and context.ip to `peer_ip` (the address without port; "" leaves
  // it unset), replacing what the client sent; context.justification,
  // ticket and attrs are the client's. A request that is JSON but invalid
  // for the policy (unknown top-level keys, a params field missing, of the
  // wrong type or unknown to the action's schema) is InvalidArgument naming
  // the problems, and nothing is stored. Audited: request.created, decision,
  // and for allow request.approved + grant.minted.
  absl::StatusOr<SubmitResult> Submit(std::string_view identity,
                                      std::string_view body_json,
                                      std::string_view peer_ip);

  // A vote by `identity`; see the file comment for the refusals. Audited:
  // vote.accepted (then request.approved + grant.minted or
  // request.rejected when it resolves), or vote.refused with the reason.
  absl::StatusOr<VoteResult> Vote(std::string_view id,
                                  std::string_view identity, VoteChoice vote,
                                  std::string_view comment);

  // Cancels a pending request; only its requester may. Audited:
  // request.cancelled, or cancel.refused with the reason.
  absl::Status Cancel(std::string_view id, std::string_view identity);

  // The request as `caller` may see it.
  absl::StatusOr<RequestView> Get(std::string_view id,
                                  std::string_view caller) const;
  // Pending requests (deadline not passed) `identity` is eligible to vote on
  // and has not voted on, oldest first.
  absl::StatusOr<std::vector<RequestView>> Inbox(
      std::string_view identity) const;

  // Blocks until request `id` is no longer pending or `deadline` passes;
  // returns its state then. Woken by every transition made by this service
  // (and rechecks the store every second for other writers). NotFound when
  // there is no such request.
  absl::StatusOr<std::string> WaitForChange(
      std::string_view id,
      std::chrono::steady_clock::time_point deadline) const;
  // Makes every WaitForChange, current and future, return at once with the
  // state of the moment (a server shutting down). Not undone.
  void StopWaits();

  // Checks a grant for the LANGUAGE.md §6 request it is presented with
  // (JSON text), without consuming it: the token
  // (grants::VerifyGrantForParsedRequest with this service's key) and the
  // store (issued here, not consumed, not expired, the request still
  // approved). InvalidArgument for a request that is not one;
  // PermissionDenied (with a GrantError when the token is at fault) or
  // AlreadyExists ("grant already consumed") otherwise. Every refusal is
  // audited as grant.refused with a snake_case reason (the GrantErrorName,
  // or invalid_request, unknown_grant, already_consumed, expired,
  // request_not_approved); a successful check changes nothing and is not
  // audited. `caller` is the executor's identity, for the audit.
  absl::StatusOr<grants::GrantClaims> VerifyGrant(
      std::string_view token, std::string_view request_json,
      std::string_view caller = "") const;
  // The same with the request already parsed (the `request` member of a
  // `POST /v1/grants/verify` body).
  absl::StatusOr<grants::GrantClaims> VerifyGrantParsed(
      std::string_view token, const nlohmann::json& request,
      std::string_view caller = "") const;
  // The same checks, then marks the grant consumed and the request
  // approved -> consumed, audited grant.consumed; once only: a second
  // consume is AlreadyExists ("grant already consumed").
  absl::StatusOr<grants::GrantClaims> ConsumeGrant(
      std::string_view token, std::string_view request_json,
      std::string_view caller = "");
  absl::StatusOr<grants::GrantClaims> ConsumeGrantParsed(
      std::string_view token, const nlohmann::json& request,
      std::string_view caller = "");

  // Expires pending requests whose deadline passed and approved requests
  // whose grant expired unused (request.expired, actor "runtime"), and
  // fires the escalations that came due on pending requests (each once:
  // request.escalated, its group eligible from then on, its channels
  // told). Safe to call at any time from any thread; returns how many
  // requests it expired or escalated.
  absl::StatusOr<int> Tick();

  // The public keys grants are verified with (GET /v1/keys).
  const grants::PublicKeySet& keys() const { return keys_; }
  int64_t Now() const;

  // Calls Tick every `interval` from a background thread until destroyed
  // (or Stop). For the server.
  class Runner {
   public:
    explicit Runner(
        ApprovalService& service,
        std::chrono::milliseconds interval = std::chrono::milliseconds(200));
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;
    // Stops and joins the thread; idempotent.
    void Stop();
    // The status of the last Tick (OK before the first).
    absl::Status last_status() const;

   private:
    void Loop();

    ApprovalService& service_;
    const std::chrono::milliseconds interval_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    absl::Status last_status_;
    std::thread thread_;
  };

 private:
  enum class GrantOp { kVerify, kConsume };

  std::shared_ptr<const runtime::Directory> directory() const;
  // The policy sets that judge `record`'s clauses (eligibility.h), widened
  // by its fired escalations: `fired` (indexes) when the caller has read
  // them, else read from the store here.
  ClauseSet ClausesOf(const store::RequestRecord& record,
                      const StoredDecision& decision,
                      const std::vector<int64_t>* fired = nullptr) const;
  // Calls options_.notify for `event` of request `id` when it has channels
  // to tell, with the view read in `tx` (ChangeNote). `decision_json` is
  // the request's stored decision: one that names no channel and no
  // escalation (internal::MayNotify) returns at once, without a read.
  absl::Status NotifyChange(store::WriteTx& tx, std::string_view decision_json,
                            const std::string& id, std::string_view event,
                            std::string_view actor, int64_t now,
                            nlohmann::json escalation = nullptr) const;
  // Fires the due escalations (part of Tick); adds the escalated ids.
  absl::Status FireEscalations(int64_t now, std::vector<std::string>& fired);
  // `clauses`: the request's ClauseSet when the caller has it (else it is
  // resolved here).
  RequestView ViewOf(const store::RequestRecord& record,
                     const std::vector<store::VoteRecord>& votes,
                     const runtime::Directory& directory,
                     std::string_view caller, const store::GrantRecord* grant,
                     const ClauseSet* clauses = nullptr) const;
  absl::StatusOr<grants::GrantClaims> CheckGrant(GrantOp op,
                                                 std::string_view token,
                                                 const nlohmann::json& request,
                                                 std::string_view caller) const;
  // Audits a refused grant (grant.refused with `code`, a snake_case
  // reason) in its own Write and returns `refusal`.
  absl::Status RefuseGrant(GrantOp op, const absl::Status& refusal,
                           std::string_view code,
                           const grants::GrantClaims* claims,
                           std::string_view caller) const;
  // Wakes WaitForChange and calls options_.on_change for each event.
  void Changed(const std::string& id,
               const std::vector<std::string>& events) const;

  std::shared_ptr<const PolicySnapshot> snapshot() const;

  const SnapshotProvider policy_;
  store::Store* const store_;
  const DirectoryProvider directory_;
  const crypto::SigningKey* const key_;
  const Clock clock_;
  const ServiceOptions options_;
  grants::PublicKeySet keys_;
  mutable SnapshotCache snapshots_;

  mutable std::mutex wait_mu_;
  mutable std::condition_variable wait_cv_;
  mutable uint64_t generation_ = 0;  // guarded by wait_mu_
  bool waits_stopped_ = false;       // guarded by wait_mu_
};

}  // namespace signoff::approvals

#endif  // SIGNOFF_RUNTIME_APPROVALS_SERVICE_H_
