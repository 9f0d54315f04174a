// The request lifecycle (RUNTIME.md §1) through ApprovalService: allow,
// deny, approval by quorum, rejection by veto, expiry, cancel, and what the
// runtime sets itself (requester, context.time, context.ip).
#include <chrono>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "runtime/approvals/service.h"
#include "tests/unit/approvals/approvals_testing.h"

namespace signoff::approvals {
namespace {

using nlohmann::json;
using testing::ApprovalsTest;
using testing::kMigrate;
using testing::kMinute;
using testing::Types;

using LifecycleTest = ApprovalsTest;

TEST_F(LifecycleTest, AllowIsApprovedAtOnceWithAGrant) {
  SubmitResult r = Submit(
      "agent:etl", R"({"action": "logs.read", "params": {"service": "web"}})",
      "approved");
  EXPECT_FALSE(r.grant.empty());
  EXPECT_FALSE(r.expires_at.has_value());
  EXPECT_EQ(json::parse(r.decision_json)["decision"], "allow");
  EXPECT_EQ(AuditTypes(r.id), (Types{"request.created", "decision",
                                     "request.approved", "grant.minted"}));
  json out = ToJson(r);
  EXPECT_EQ(out["status"], "approved");
  EXPECT_EQ(out["grant"], r.grant);
  EXPECT_EQ(out["decision"]["rules"], json::array({"reads_are_free"}));
  // The grant is for exactly this action, by this requester.
  json request = {{"action", "logs.read"},
                  {"params", {{"service", "web"}}},
                  {"requester", {{"id", "agent:etl"}}}};
  auto claims = service_->ConsumeGrant(r.grant, request.dump(), "executor");
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->request_id, r.id);
  EXPECT_EQ(State(r.id), "consumed");
  ExpectAuditVerifies();
}

TEST_F(LifecycleTest, DenyIsStoredAsDenied) {
  SubmitResult r =
      Submit("agent:etl", R"({"action": "db.migrate", "params": {"db": "core",
                       "version": 1}})",
             "denied");
  EXPECT_TRUE(r.grant.empty());
  json decision = json::parse(r.decision_json);
  EXPECT_EQ(decision["reasons"], json::array({"core is migrated by hand"}));
  EXPECT_EQ(AuditTypes(r.id), (Types{"request.created", "decision"}));
  // A final request takes no votes.
  EXPECT_EQ(Approve(r.id, "alice").status().code(),
            absl::StatusCode::kFailedPrecondition);
  ExpectAuditVerifies();
}

TEST_F(LifecycleTest, InvalidRequestIsRefusedAndNothingStored) {
  absl::StatusOr<SubmitResult> wrong_type = service_->Submit(
      "agent:etl",
      R"({"action": "db.migrate", "params": {"db": "x", "version": "v2"}})",
      "10.0.0.1");
  ASSERT_EQ(wrong_type.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(wrong_type.status().message().find("params.version"),
            std::string::npos)
      << wrong_type.status();
  // Unknown top-level keys too (LANGUAGE.md §6).
  EXPECT_EQ(service_
                ->Submit("agent:etl", R"({"action": "logs.read", "params":
                           {"service": "w"}, "sudo": true})",
                         "10.0.0.1")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->ListRequests("", 0)->empty());
  EXPECT_TRUE(store_->ListAudit(0, 0)->empty());
}

TEST_F(LifecycleTest, SubmitRefusals) {
  auto code = [&](std::string_view who, std::string_view body) {
    return service_->Submit(who, body, "10.0.0.1").status().code();
  };
  EXPECT_EQ(code("agent:etl", R"({"action": "logs.read", "params": {"service":
               "w"}, "requester": {"id": "alice"}})"),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("agent:etl", "{not json"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("agent:etl", "[1, 2]"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("agent:etl", R"({"action": "logs.read", "action": "x.y"})"),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("agent:etl", R"({"action": "logs.read", "context": 5})"),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("mallory", R"({"action": "logs.read"})"),
            absl::StatusCode::kUnauthenticated);
  // Nothing was stored or audited.
  EXPECT_TRUE(store_->ListRequests("", 0)->empty());
  EXPECT_TRUE(store_->ListAudit(0, 0)->empty());
}

TEST_F(LifecycleTest, RuntimeSetsRequesterTimeAndIp) {
  SubmitResult r = Submit("agent:etl", R"({"action": "db.migrate",
      "params": {"db": "orders", "version": 42},
      "context": {"time": "2020-01-01T09:00:00Z", "ip": "192.168.0.1",
                  "justification": "Q4 report", "ticket": "OPS-1"}})",
                          "pending");
  auto record = store_->GetRequest(r.id);
  ASSERT_TRUE(record.ok());
  json context = json::parse(record->context_json);
  EXPECT_EQ(context["time"], "2026-11-21T10:00:00Z");
  EXPECT_EQ(context["ip"], "10.1.2.3");
  EXPECT_EQ(context["justification"], "Q4 report");
  EXPECT_EQ(context["ticket"], "OPS-1");
  json requester = json::parse(record->requester_json);
  EXPECT_EQ(requester["id"], "agent:etl");
  EXPECT_EQ(requester["kind"], "agent");
  EXPECT_EQ(requester["team"], "data");
  EXPECT_EQ(requester["on_behalf_of"], "dana");
  EXPECT_EQ(*r.expires_at, testing::kStart + 30 * kMinute);
  // Without a peer address the client's ip is dropped, not kept.
  absl::StatusOr<SubmitResult> local = service_->Submit(
      "agent:etl",
      R"({"action": "db.migrate", "params": {"db": "orders", "version": 1},
          "context": {"ip": "10.9.9.9"}})",
      "");
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_FALSE(
      json::parse(store_->GetRequest(local->id)->context_json).contains("ip"));
}

TEST_F(LifecycleTest, ApprovedByQuorum) {
  std::string id = Pending("agent:etl", kMigrate);
  absl::StatusOr<VoteResult> first = Approve(id, "alice");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->status, "pending");
  EXPECT_FALSE(first->resolved);
  // The vote's own view is what Get answers the voter.
  EXPECT_EQ(ToJson(first->view), ToJson(*service_->Get(id, "alice")));

  absl::StatusOr<RequestView> view = service_->Get(id, "agent:etl");
  ASSERT_TRUE(view.ok()) << view.status();
  ASSERT_EQ(view->clauses.size(), 1u);
  EXPECT_EQ(view->clauses[0].group, "sre");
  EXPECT_EQ(view->clauses[0].needed, 2);
  EXPECT_EQ(view->clauses[0].approvers, std::vector<std::string>{"alice"});
  EXPECT_EQ(view->time_left_ms, 30 * kMinute);
  EXPECT_TRUE(view->grant.empty());

  Advance(kMinute);
  absl::StatusOr<VoteResult> second = Approve(id, "bob");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->status, "approved");
  EXPECT_TRUE(second->resolved);
  EXPECT_EQ(ToJson(second->view), ToJson(*service_->Get(id, "bob")));
  EXPECT_EQ(second->view.resolved_by, "bob");
  EXPECT_EQ(State(id), "approved");
  EXPECT_EQ(AuditTypes(id),
            (Types{"request.created", "decision", "vote.accepted",
                   "vote.accepted", "request.approved", "grant.minted"}));

  // The token goes to the requester only.
  view = service_->Get(id, "agent:etl");
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(view->grant.empty());
  EXPECT_EQ(*view->grant_expires_at, testing::kStart + 16 * kMinute);
  EXPECT_EQ(view->clauses[0].approvers,
            (std::vector<std::string>{"alice", "bob"}));
  json out = ToJson(*view);
  EXPECT_EQ(out["status"], "approved");
  EXPECT_EQ(out["votes"].size(), 2u);
  EXPECT_EQ(out["grant"], view->grant);
  EXPECT_TRUE(service_->Get(id, "alice")->grant.empty());
  EXPECT_TRUE(service_->Get(id, "dana")->grant.empty());
  ExpectAuditVerifies();
}

TEST_F(LifecycleTest, RejectedByVeto) {
  std::string id = Pending("agent:etl", kMigrate);  // veto 2
  ASSERT_TRUE(Reject(id, "alice").ok());
  EXPECT_EQ(State(id), "pending");
  // An ineligible rejection is refused and does not count.
  EXPECT_EQ(Reject(id, "eve").status().code(),
            absl::StatusCode::kPermissionDenied);
  absl::StatusOr<VoteResult> last = Reject(id, "bob");
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->status, "rejected");
  EXPECT_TRUE(last->resolved);
  EXPECT_EQ(ToJson(last->view), ToJson(*service_->Get(id, "bob")));
  EXPECT_EQ(State(id), "rejected");
  EXPECT_EQ(AuditTypes(id),
            (Types{"request.created", "decision", "vote.accepted",
                   "vote.refused", "vote.accepted", "request.rejected"}));
  EXPECT_EQ(service_->Get(id, "alice")->rejections, 2);
  ExpectAuditVerifies();
}

TEST_F(LifecycleTest, ExpiresWithoutQuorum) {
  std::string id = Pending("agent:etl", kMigrate);  // expire 30m
  ASSERT_TRUE(Approve(id, "alice").ok());
  Advance(30 * kMinute - 1);
  EXPECT_EQ(*service_->Tick(), 0);
  EXPECT_EQ(State(id), "pending");
  Advance(1);
  EXPECT_EQ(*service_->Tick(), 1);
  EXPECT_EQ(State(id), "expired");
  EXPECT_EQ(*service_->Tick(), 0);  // idempotent
  absl::StatusOr<VoteResult> late = Approve(id, "bob");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().message(), "request is expired");
  EXPECT_EQ(AuditTypes(id),
            (Types{"request.created", "decision", "vote.accepted",
                   "request.expired", "vote.refused"}));
  EXPECT_EQ(LastAudit(id).data["reason"], "final_state");
  ExpectAuditVerifies();
}

// A vote after the deadline, before any Tick, expires the request first.
TEST_F(LifecycleTest, DeadlineHonouredWithoutTick) {
  std::string id = Pending("agent:etl", kMigrate);
  ASSERT_TRUE(Approve(id, "alice").ok());
  Advance(30 * kMinute);
  EXPECT_EQ(Approve(id, "bob").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(State(id), "expired");
  EXPECT_EQ(AuditTypes(id),
            (Types{"request.created", "decision", "vote.accepted",
                   "request.expired", "vote.refused"}));
  EXPECT_EQ(*service_->Tick(), 0);
  // Nor is it in anybody's inbox once the deadline passed.
  EXPECT_TRUE(service_->Inbox("carol")->empty());
}

TEST_F(LifecycleTest, CancelledByTheRequesterOnly) {
  std::string id = Pending("agent:etl", kMigrate);
  // Not by an approver, nor by the human the agent acts for.
  EXPECT_EQ(service_->Cancel(id, "alice").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Cancel(id, "dana").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Cancel("r_nope", "agent:etl").code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(service_->Cancel(id, "agent:etl").ok());
  EXPECT_EQ(State(id), "cancelled");
  EXPECT_EQ(service_->Cancel(id, "agent:etl").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Approve(id, "alice").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      AuditTypes(id),
      (Types{"request.created", "decision", "cancel.refused", "cancel.refused",
             "request.cancelled", "cancel.refused", "vote.refused"}));
  ExpectAuditVerifies();
}

TEST_F(LifecycleTest, WaitForChangeWakesOnTransition) {
  std::string id = Pending("agent:etl", kMigrate);
  using std::chrono::steady_clock;
  // Times out while pending.
  auto state = service_->WaitForChange(
      id, steady_clock::now() + std::chrono::milliseconds(50));
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, "pending");
  EXPECT_EQ(
      service_->WaitForChange("r_nope", steady_clock::now()).status().code(),
      absl::StatusCode::kNotFound);

  ASSERT_TRUE(Approve(id, "alice").ok());
  const auto start = steady_clock::now();
  std::thread voter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(Approve(id, "bob").ok());
  });
  state = service_->WaitForChange(id, start + std::chrono::seconds(30));
  voter.join();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, "approved");
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(LifecycleTest, RunnerExpiresInTheBackground) {
  std::string id = Pending("agent:etl", kMigrate);
  Advance(31 * kMinute);
  ApprovalService::Runner runner(*service_, std::chrono::milliseconds(10));
  auto state = service_->WaitForChange(
      id, std::chrono::steady_clock::now() + std::chrono::seconds(30));
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, "expired");
  runner.Stop();
  EXPECT_TRUE(runner.last_status().ok()) << runner.last_status();
}

}  // namespace
}  // namespace signoff::approvals
