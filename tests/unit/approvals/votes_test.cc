// Votes (RUNTIME.md §2): who is eligible, what is refused and audited,
// overlapping groups decided by matching, inbox, and policy reloads while a
// request is pending.
#include <string>
#include <vector>

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
using testing::Types;

constexpr char kExport[] =
    R"({"action": "data.export", "params": {"dataset": "c", "rows": 5}})";
constexpr char kDeploy[] =
    R"({"action": "deploy.prod", "params": {"service": "web"}})";
constexpr char kSilence[] =
    R"({"action": "pager.silence", "params": {"minutes": 30}})";

class VotesTest : public ApprovalsTest {};

TEST_F(VotesTest, RequesterCannotApproveItsOwnRequest) {
  std::string id = Pending("bob", kMigrate);  // bob is in sre
  ExpectRefused(id, "bob", absl::StatusCode::kPermissionDenied,
                "self_approval");
  ASSERT_TRUE(Approve(id, "alice").ok());
  ASSERT_TRUE(Approve(id, "carol").ok());
  EXPECT_EQ(State(id), "approved");
  EXPECT_EQ(
      AuditTypes(id),
      (Types{"request.created", "decision", "vote.refused", "vote.accepted",
             "vote.accepted", "request.approved", "grant.minted"}));
  ExpectAuditVerifies();
}

TEST_F(VotesTest, NoSelfApprovalThroughAnAgent) {
  // agent:deploy acts for carol, who is in sre.
  std::string id = Pending("agent:deploy", kMigrate);
  ExpectRefused(id, "carol", absl::StatusCode::kPermissionDenied,
                "self_approval");
  ExpectRefused(id, "agent:deploy", absl::StatusCode::kPermissionDenied,
                "self_approval");
  EXPECT_TRUE(service_->Inbox("carol")->empty());
  ASSERT_TRUE(Approve(id, "alice").ok());
  EXPECT_EQ(State(id), "pending");
  ExpectAuditVerifies();
}

TEST_F(VotesTest, IneligibleVotersRefused) {
  std::string id = Pending("agent:etl", kMigrate);
  ExpectRefused(id, "eve", absl::StatusCode::kPermissionDenied, "not_eligible");
  ExpectRefused(id, "sam", absl::StatusCode::kPermissionDenied, "not_eligible");
  ExpectRefused(id, "mallory", absl::StatusCode::kUnauthenticated,
                "unknown_identity");
  EXPECT_EQ(Approve("r_nope", "alice").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(State(id), "pending");
  EXPECT_TRUE(store_->ListVotes(id)->empty());
  ExpectAuditVerifies();
}

TEST_F(VotesTest, WhereClauseSeesApproverAndRequester) {
  // approver.team != requester.team: sam shares agent:sec's team.
  std::string id = Pending("agent:sec", kExport);
  ExpectRefused(id, "sam", absl::StatusCode::kPermissionDenied, "not_eligible");
  absl::StatusOr<VoteResult> vote = Approve(id, "sasha");
  ASSERT_TRUE(vote.ok()) << vote.status();
  EXPECT_EQ(vote->status, "approved");
  // For another requester sam is eligible.
  std::string other = Pending("agent:etl", kExport);
  EXPECT_EQ(Approve(other, "sam")->status, "approved");
  EXPECT_EQ(AuditTypes(id),
            (Types{"request.created", "decision", "vote.refused",
                   "vote.accepted", "request.approved", "grant.minted"}));
  ExpectAuditVerifies();
}

TEST_F(VotesTest, DirectoryGroupAndApproverAttributes) {
  // 1 of directory("oncall-primary") where approver.mfa.
  std::string id = Pending("dana", kSilence);
  ExpectRefused(id, "carol", absl::StatusCode::kPermissionDenied,
                "not_eligible");  // on call, no mfa
  ExpectRefused(id, "bob", absl::StatusCode::kPermissionDenied,
                "not_eligible");  // not on call
  EXPECT_EQ(Approve(id, "alice")->status, "approved");
  EXPECT_EQ(
      AuditTypes(id),
      (Types{"request.created", "decision", "vote.refused", "vote.refused",
             "vote.accepted", "request.approved", "grant.minted"}));
  ExpectAuditVerifies();
}

TEST_F(VotesTest, SecondVoteRefused) {
  std::string id = Pending("agent:etl", kMigrate);
  ASSERT_TRUE(Approve(id, "alice").ok());
  ExpectRefused(id, "alice", absl::StatusCode::kAlreadyExists, "already_voted");
  EXPECT_EQ(Reject(id, "alice").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->ListVotes(id)->size(), 1u);
  EXPECT_EQ(State(id), "pending");
  ExpectAuditVerifies();
}

TEST_F(VotesTest, VoteOnFinalRequestRefused) {
  std::string id = Pending("agent:etl", kMigrate);
  ASSERT_TRUE(Approve(id, "alice").ok());
  ASSERT_TRUE(Approve(id, "bob").ok());
  absl::StatusOr<VoteResult> late = Approve(id, "carol");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().message(), "request is approved");
  EXPECT_EQ(LastAudit(id).data["reason"], "final_state");
  EXPECT_EQ(Reject(id, "carol").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(AuditTypes(id),
            (Types{"request.created", "decision", "vote.accepted",
                   "vote.accepted", "request.approved", "grant.minted",
                   "vote.refused", "vote.refused"}));
  ExpectAuditVerifies();
}

// deploys: 1 of leads {alice, sam} and 1 of sre {alice, bob, carol}.
// alice votes first; greedy in vote order gives her to `leads` and then
// finds sam only eligible for `leads` too. The matching moves alice to
// `sre`.
TEST_F(VotesTest, OverlappingGroupsDecidedByMatching) {
  std::string id = Pending("dana", kDeploy);
  ASSERT_TRUE(Approve(id, "alice").ok());
  // One approver fills one clause, not both.
  EXPECT_EQ(State(id), "pending");
  absl::StatusOr<RequestView> view = service_->Get(id, "dana");
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->clauses.size(), 2u);
  EXPECT_EQ(
      view->clauses[0].approvers.size() + view->clauses[1].approvers.size(),
      1u);
  absl::StatusOr<VoteResult> vote = Approve(id, "sam");
  ASSERT_TRUE(vote.ok()) << vote.status();
  EXPECT_EQ(vote->status, "approved");
  view = service_->Get(id, "dana");
  EXPECT_EQ(view->clauses[0].approvers, std::vector<std::string>{"sam"});
  EXPECT_EQ(view->clauses[1].approvers, std::vector<std::string>{"alice"});
  // The approval entry records the assignment.
  json clauses;
  for (const audit::AuditEntry& e : AllAudit()) {
    if (e.request == id && e.type == "request.approved") {
      clauses = e.data["clauses"];
    }
  }
  EXPECT_EQ(clauses[0]["approvers"], json::array({"sam"}));
  EXPECT_EQ(clauses[1]["approvers"], json::array({"alice"}));
}

TEST_F(VotesTest, InboxListsWhatOneMayStillVoteOn) {
  std::string migrate = Pending("agent:etl", kMigrate);
  std::string exported = Pending("agent:etl", kExport);
  auto ids = [&](std::string_view who) {
    std::vector<std::string> out;
    absl::StatusOr<std::vector<RequestView>> inbox = service_->Inbox(who);
    EXPECT_TRUE(inbox.ok()) << inbox.status();
    if (inbox.ok()) {
      for (const RequestView& v : *inbox) out.push_back(v.id);
    }
    return out;
  };
  EXPECT_EQ(ids("alice"), std::vector<std::string>{migrate});
  EXPECT_EQ(ids("sam"), std::vector<std::string>{exported});
  EXPECT_TRUE(ids("eve").empty());
  EXPECT_TRUE(ids("dana").empty());  // the agent acts for dana
  ASSERT_TRUE(Approve(migrate, "alice").ok());
  EXPECT_TRUE(ids("alice").empty());
  EXPECT_EQ(ids("bob"), std::vector<std::string>{migrate});
  EXPECT_EQ(service_->Inbox("mallory").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(service_->Get(migrate, "mallory").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(service_->Get("r_nope", "alice").status().code(),
            absl::StatusCode::kNotFound);
}

// Directory reloads apply at the next vote, to every vote: quorum is
// recomputed from all votes with the directory of the moment, so a vote by
// someone who has left the directory no longer counts.
TEST_F(VotesTest, DirectoryReloadAppliesToEarlierVotes) {
  std::string id = Pending("agent:etl", kMigrate);
  ASSERT_TRUE(Approve(id, "alice").ok());
  SetDirectory(R"(
identities:
  bob: { kind: human, team: sre }
  carol: { kind: human, team: sre }
  agent:etl: { kind: agent, team: data, on_behalf_of: dana }
)");
  EXPECT_EQ(Approve(id, "bob")->status, "pending");
  absl::StatusOr<RequestView> view = service_->Get(id, "bob");
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->votes.size(), 2u);
  EXPECT_FALSE(view->votes[0].counted);  // alice
  EXPECT_TRUE(view->votes[1].counted);
  EXPECT_EQ(Approve(id, "carol")->status, "approved");
}

// Policies reloaded while a request is pending: the set that decided it
// judges its clauses while the service remembers it; a service that does
// not (a restart) looks for the same clause in the current set and fails
// closed when there is none.
TEST_F(VotesTest, ReloadWhilePending) {
  std::string id = Pending("agent:sec", kExport);
  std::string policy = testing::kPolicy;
  const std::string where = "where approver.team != requester.team";
  policy.replace(policy.find(where), where.size(),
                 "where approver.team == requester.team");
  ASSERT_TRUE(engine_->LoadSources({{"policy.signoff", policy}}).ok());

  // Still judged by the original `where`: sam (same team) is not eligible.
  ExpectRefused(id, "sam", absl::StatusCode::kPermissionDenied, "not_eligible");
  std::string second = Pending("agent:etl", kExport);  // under the new set

  OpenService();  // forgets the old set
  ExpectRefused(id, "sasha", absl::StatusCode::kPermissionDenied,
                "not_eligible");
  absl::StatusOr<RequestView> view = service_->Get(id, "agent:sec");
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->clauses.size(), 1u);
  EXPECT_FALSE(view->clauses[0].satisfiable);
  EXPECT_EQ(ToJson(*view)["requirements"][0]["satisfiable"], false);
  // Requests decided by the current set are judged as usual.
  EXPECT_EQ(Approve(second, "sam").status().code(),
            absl::StatusCode::kPermissionDenied);  // team data != security

  // A reload that keeps the clause's text keeps it satisfiable.
  ASSERT_TRUE(
      engine_
          ->LoadSources({{"policy.signoff",
                          std::string(testing::kPolicy) + "\n# edited\n"}})
          .ok());
  OpenService();
  EXPECT_EQ(Approve(id, "sasha")->status, "approved");
  ExpectAuditVerifies();
}

}  // namespace
}  // namespace signoff::approvals
