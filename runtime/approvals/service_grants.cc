// ApprovalService: verifying and consuming grants, expiries (Tick) and the
// background Runner.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "runtime/approvals/service.h"
#include "runtime/approvals/service_internal.h"
#include "runtime/audit/entry.h"
#include "runtime/audit/timestamp.h"
#include "runtime/grants/grants.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::approvals {
namespace {

// The Status payload carrying a grant refusal's reason code.
constexpr char kGrantRefusalUrl[] = "signoff.dev/grant-refusal";

// `refusal` carrying `code` for GrantRefusalReason.
absl::Status WithReason(absl::Status refusal, std::string_view code) {
  refusal.SetPayload(kGrantRefusalUrl, absl::Cord(AsAbsl(code)));
  return refusal;
}

using internal::Audit;
using nlohmann::json;

constexpr std::string_view kActorRuntime = "runtime";

std::string_view OperationName(bool consume) {
  return consume ? "consume" : "verify";
}

// The store's view of a grant whose token checked out: set when refused.
struct StoreRefusal {
  absl::Status status;
  std::string code;
  std::string policy;         // of the grant's request, when found
  std::string decision_json;  // of the grant's request, when found
};

// Whether the store agrees the grant may be used now: issued here, this
// very token, not consumed, not expired, its request approved.
absl::Status CheckStored(store::ReadTx& tx, const grants::GrantClaims& claims,
                         std::string_view token, int64_t now,
                         StoreRefusal& refusal) {
  refusal = StoreRefusal();
  absl::StatusOr<store::GrantRecord> grant = tx.GetGrant(claims.grant_id);
  if (!grant.ok() && !absl::IsNotFound(grant.status())) return grant.status();
  if (!grant.ok() || grant->token != token) {
    refusal.status = absl::PermissionDeniedError(absl::StrCat(
        "grant `", claims.grant_id, "` was not issued by this runtime"));
    refusal.code = "unknown_grant";
    return absl::OkStatus();
  }
  absl::StatusOr<store::RequestRecord> request =
      tx.GetRequest(grant->request_id);
  if (!request.ok()) return request.status();
  refusal.policy = request->policy;
  refusal.decision_json = request->decision_json;
  if (grant->consumed_at) {
    refusal.status = absl::AlreadyExistsError("grant already consumed");
    refusal.code = "already_consumed";
  } else if (now >= grant->expires_at) {
    refusal.status = absl::PermissionDeniedError(absl::StrCat(
        "grant expired at ", audit::FormatTimestamp(grant->expires_at)));
    refusal.code = "expired";
  } else if (request->state != store::kStateApproved) {
    refusal.status = absl::PermissionDeniedError(
        absl::StrCat("the grant's request is ", request->state));
    refusal.code = "request_not_approved";
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApprovalService::RefuseGrant(GrantOp op,
                                          const absl::Status& refusal,
                                          std::string_view code,
                                          const grants::GrantClaims* claims,
                                          std::string_view caller) const {
  const int64_t now = Now();
  json data = {{"operation", OperationName(op == GrantOp::kConsume)},
               {"reason", code},
               {"message", std::string(refusal.message())}};
  std::string request_id;
  if (claims != nullptr) {
    data["grant_id"] = claims->grant_id;
    request_id = claims->request_id;
  }
  absl::Status written = store_->Write([&](store::WriteTx& tx) {
    std::string policy;
    if (!request_id.empty()) {
      absl::StatusOr<store::RequestRecord> request = tx.GetRequest(request_id);
      if (request.ok()) policy = request->policy;
    }
    return Audit(tx, audit::kTypeGrantRefused, request_id, caller, policy, now,
                 data);
  });
  if (!written.ok()) return written;
  return WithReason(refusal, code);
}

std::string GrantRefusalReason(const absl::Status& status) {
  if (status.ok()) return "";
  auto payload = status.GetPayload(kGrantRefusalUrl);  // absl::optional
  return payload.has_value() ? std::string(*payload) : "";
}

absl::StatusOr<grants::GrantClaims> ApprovalService::CheckGrant(
    GrantOp op, std::string_view token, const nlohmann::json& request,
    std::string_view caller) const {
  const int64_t now = Now();
  absl::StatusOr<grants::GrantClaims> claims =
      grants::VerifyGrantForParsedRequest(token, keys_, request, now / 1000);
  if (!claims.ok()) {
    std::optional<grants::GrantError> error =
        grants::GrantErrorOf(claims.status());
    // The token may be genuine and merely expired or presented for
    // something else: then its claims name the request in the audit entry.
    // (At time 0 VerifyToken checks format, key and signature only.)
    absl::StatusOr<grants::GrantClaims> intact =
        grants::VerifyToken(token, keys_, /*now=*/0);
    return RefuseGrant(op, claims.status(),
                       error ? grants::GrantErrorName(*error)
                             : std::string_view("invalid_request"),
                       intact.ok() ? &*intact : nullptr, caller);
  }
  StoreRefusal refusal;
  if (op == GrantOp::kVerify) {
    absl::Status read = store_->Read([&](store::ReadTx& tx) {
      return CheckStored(tx, *claims, token, now, refusal);
    });
    if (!read.ok()) return read;
    if (!refusal.status.ok()) {
      return RefuseGrant(op, refusal.status, refusal.code, &*claims, caller);
    }
    return claims;
  }

  bool consumed = false;
  absl::Status written = store_->Write([&](store::WriteTx& tx) -> absl::Status {
    consumed = false;
    if (absl::Status s = CheckStored(tx, *claims, token, now, refusal);
        !s.ok()) {
      return s;
    }
    if (!refusal.status.ok()) {
      return Audit(tx, audit::kTypeGrantRefused, claims->request_id, caller,
                   refusal.policy, now,
                   {{"operation", "consume"},
                    {"reason", refusal.code},
                    {"message", std::string(refusal.status.message())},
                    {"grant_id", claims->grant_id}});
    }
    if (absl::Status s = tx.ConsumeGrant(claims->grant_id, now); !s.ok()) {
      return s;
    }
    absl::StatusOr<bool> moved =
        tx.CompareAndSetState(claims->request_id, store::kStateApproved,
                              store::kStateConsumed, now, caller);
    if (!moved.ok()) return moved.status();
    if (!*moved) return absl::AbortedError("request changed during consume");
    consumed = true;
    if (absl::Status s =
            Audit(tx, audit::kTypeGrantConsumed, claims->request_id, caller,
                  refusal.policy, now,
                  {{"grant_id", claims->grant_id}, {"action", claims->action}});
        !s.ok()) {
      return s;
    }
    return NotifyChange(tx, refusal.decision_json, claims->request_id,
                        audit::kTypeGrantConsumed, caller, now);
  });
  if (!written.ok()) return written;
  if (!refusal.status.ok()) return WithReason(refusal.status, refusal.code);
  if (consumed) Changed(claims->request_id, {"grant.consumed"});
  return claims;
}

namespace {

// A text that is not JSON is refused by VerifyGrantForParsedRequest as not
// an object, like any other malformed request.
json ParseRequest(std::string_view text) {
  json request = json::parse(text.begin(), text.end(), nullptr, false);
  return request.is_discarded() ? json() : request;
}

}  // namespace

absl::StatusOr<grants::GrantClaims> ApprovalService::VerifyGrant(
    std::string_view token, std::string_view request_json,
    std::string_view caller) const {
  return CheckGrant(GrantOp::kVerify, token, ParseRequest(request_json),
                    caller);
}

absl::StatusOr<grants::GrantClaims> ApprovalService::VerifyGrantParsed(
    std::string_view token, const nlohmann::json& request,
    std::string_view caller) const {
  return CheckGrant(GrantOp::kVerify, token, request, caller);
}

absl::StatusOr<grants::GrantClaims> ApprovalService::ConsumeGrant(
    std::string_view token, std::string_view request_json,
    std::string_view caller) {
  return CheckGrant(GrantOp::kConsume, token, ParseRequest(request_json),
                    caller);
}

absl::StatusOr<grants::GrantClaims> ApprovalService::ConsumeGrantParsed(
    std::string_view token, const nlohmann::json& request,
    std::string_view caller) {
  return CheckGrant(GrantOp::kConsume, token, request, caller);
}

absl::StatusOr<int> ApprovalService::Tick() {
  const int64_t now = Now();
  std::vector<std::string> expired;
  absl::Status written = store_->Write([&](store::WriteTx& tx) -> absl::Status {
    expired.clear();
    absl::StatusOr<std::vector<store::RequestRecord>> due =
        tx.DuePendingRequests(now, options_.tick_batch);
    if (!due.ok()) return due.status();
    for (const store::RequestRecord& r : *due) {
      absl::StatusOr<bool> won = tx.CompareAndSetState(
          r.id, store::kStatePending, store::kStateExpired, now, kActorRuntime);
      if (!won.ok()) return won.status();
      if (!*won) continue;
      json data = {{"reason", "no quorum before the deadline"}};
      if (r.expires_at) {
        data["deadline"] = audit::FormatTimestamp(*r.expires_at);
      }
      if (absl::Status s = Audit(tx, audit::kTypeRequestExpired, r.id,
                                 kActorRuntime, r.policy, now, data);
          !s.ok()) {
        return s;
      }
      if (absl::Status s =
              NotifyChange(tx, r.decision_json, r.id,
                           audit::kTypeRequestExpired, kActorRuntime, now);
          !s.ok()) {
        return s;
      }
      expired.push_back(r.id);
    }
    absl::StatusOr<std::vector<store::GrantRecord>> grants =
        tx.DueGrants(now, options_.tick_batch);
    if (!grants.ok()) return grants.status();
    for (const store::GrantRecord& g : *grants) {
      absl::StatusOr<store::RequestRecord> request =
          tx.GetRequest(g.request_id);
      if (!request.ok()) return request.status();
      absl::StatusOr<bool> won =
          tx.CompareAndSetState(g.request_id, store::kStateApproved,
                                store::kStateExpired, now, kActorRuntime);
      if (!won.ok()) return won.status();
      if (!*won) continue;
      if (absl::Status s =
              Audit(tx, audit::kTypeRequestExpired, g.request_id, kActorRuntime,
                    request->policy, now,
                    {{"reason", "grant expired unused"},
                     {"grant_id", g.grant_id},
                     {"grant_expires", audit::FormatTimestamp(g.expires_at)}});
          !s.ok()) {
        return s;
      }
      if (absl::Status s =
              NotifyChange(tx, request->decision_json, g.request_id,
                           audit::kTypeRequestExpired, kActorRuntime, now);
          !s.ok()) {
        return s;
      }
      expired.push_back(g.request_id);
    }
    return absl::OkStatus();
  });
  if (!written.ok()) return written;
  for (const std::string& id : expired) {
    Changed(id, {std::string(audit::kTypeRequestExpired)});
  }
  std::vector<std::string> escalated;
  absl::Status fired = FireEscalations(now, escalated);
  for (const std::string& id : escalated) {
    Changed(id, {std::string(audit::kTypeRequestEscalated)});
  }
  if (!fired.ok()) return fired;
  return static_cast<int>(expired.size() + escalated.size());
}

absl::Status ApprovalService::FireEscalations(int64_t now,
                                              std::vector<std::string>& fired) {
  absl::StatusOr<std::vector<store::EscalationRecord>> due =
      store_->DueEscalations(now, options_.tick_batch);
  if (!due.ok()) return due.status();
  // One transaction per escalation: each fires exactly once (the store's
  // compare-and-set), with its audit entry and its messages.
  for (const store::EscalationRecord& e : *due) {
    bool won = false;
    absl::Status written =
        store_->Write([&](store::WriteTx& tx) -> absl::Status {
          won = false;
          absl::StatusOr<store::RequestRecord> request =
              tx.GetRequest(e.request_id);
          if (!request.ok()) return request.status();
          if (request->state != store::kStatePending) return absl::OkStatus();
          // Past its deadline but not expired yet (this Tick expired at
          // most tick_batch requests): the next Tick expires it, so it is
          // never escalated (no group widened, no channel told).
          if (request->expires_at && now >= *request->expires_at) {
            return absl::OkStatus();
          }
          absl::StatusOr<StoredDecision> decision =
              ParseStoredDecision(request->decision_json);
          if (!decision.ok() || e.index < 0 ||
              static_cast<size_t>(e.index) >= decision->escalations.size()) {
            return absl::OkStatus();
          }
          absl::StatusOr<bool> set =
              tx.FireEscalation(e.request_id, e.index, now);
          if (!set.ok()) return set.status();
          if (!*set) return absl::OkStatus();
          won = true;
          const EscalationSpec& spec = decision->escalations[e.index];
          json escalation = {
              {"group", spec.group},
              {"after", stdlib::FormatDuration(spec.after_seconds)},
              {"notify", spec.notify},
              {"requirements", spec.requirements}};
          if (absl::Status s =
                  Audit(tx, audit::kTypeRequestEscalated, e.request_id,
                        kActorRuntime, request->policy, now, escalation);
              !s.ok()) {
            return s;
          }
          return NotifyChange(tx, request->decision_json, e.request_id,
                              audit::kTypeRequestEscalated, kActorRuntime, now,
                              escalation);
        });
    if (!written.ok()) return written;
    if (won) fired.push_back(e.request_id);
  }
  return absl::OkStatus();
}

ApprovalService::Runner::Runner(ApprovalService& service,
                                std::chrono::milliseconds interval)
    : service_(service), interval_(interval) {
  thread_ = std::thread([this] { Loop(); });
}

ApprovalService::Runner::~Runner() { Stop(); }

void ApprovalService::Runner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

absl::Status ApprovalService::Runner::last_status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_status_;
}

void ApprovalService::Runner::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    absl::StatusOr<int> ticked = service_.Tick();
    lock.lock();
    last_status_ = ticked.status();
    cv_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

}  // namespace signoff::approvals
