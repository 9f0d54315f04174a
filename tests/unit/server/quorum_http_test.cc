// Quorum over HTTP when clause groups overlap (issue 4, point 4): approvers
// are matched to clause slots (RUNTIME.md §2), so the order of the votes
// never matters and no identity fills two slots. A greedy assignment (each
// approver to the first clause with room, in vote order) gets both wrong.
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/unit/server/approvals_testing.h"

namespace signoff::server::testing {
namespace {

using nlohmann::json;

class QuorumHttpTest : public ApprovalsHttpTest {
 protected:
  // Casts approvals in order; the view after the last one.
  json ApproveInOrder(const std::string& id,
                      const std::vector<std::string>& voters) {
    json last;
    for (const std::string& voter : voters) {
      httplib::Result result = Vote(voter, id);
      EXPECT_EQ(StatusOf(result), 200)
          << voter << ": " << (result ? result->body : "");
      last = JsonOf(result);
    }
    return last;
  }
};

// Clause 0 = {alice, bob}, clause 1 = {alice}. Greedy gives alice clause 0
// and then has no room for bob; the matching moves alice to clause 1.
TEST_F(QuorumHttpTest, OverlapApprovesWhateverTheVoteOrder) {
  StartDefault();
  for (const std::vector<std::string>& order :
       {std::vector<std::string>{"alice", "bob"},
        std::vector<std::string>{"bob", "alice"}}) {
    SCOPED_TRACE(order[0] + " first");
    const std::string id = SubmitId(kBot, "ops.overlap");
    ASSERT_FALSE(id.empty());
    httplib::Result first = Vote(order[0], id);
    ASSERT_EQ(StatusOf(first), 200) << first->body;
    EXPECT_EQ(JsonOf(first)["status"], "pending");
    EXPECT_EQ(JsonOf(first)["resolved"], false);

    httplib::Result second = Vote(order[1], id);
    ASSERT_EQ(StatusOf(second), 200) << second->body;
    json view = JsonOf(second);
    EXPECT_EQ(view["status"], "approved");
    EXPECT_EQ(view["resolved"], true);
    ASSERT_EQ(view["requirements"].size(), 2u);
    EXPECT_EQ(view["requirements"][0]["group"], "ab");
    EXPECT_EQ(ApproversOf(view["requirements"][0]),
              std::vector<std::string>{"bob"});
    EXPECT_EQ(view["requirements"][1]["group"], "a_only");
    EXPECT_EQ(ApproversOf(view["requirements"][1]),
              std::vector<std::string>{"alice"});

    std::vector<json> approved = AuditOf(id, "request.approved");
    ASSERT_EQ(approved.size(), 1u);
    EXPECT_EQ(approved[0]["data"]["by"], "quorum");
    EXPECT_EQ(approved[0]["data"]["clauses"][0]["approvers"], json({"bob"}));
    EXPECT_EQ(approved[0]["data"]["clauses"][1]["approvers"], json({"alice"}));
    EXPECT_TRUE(View(kBot, id)["grant"].is_string());
  }
}

// Clause 0 = {alice}, clause 1 = {alice, bob}: alice alone is eligible for
// both but fills one slot.
TEST_F(QuorumHttpTest, OneIdentityNeverFillsTwoClauses) {
  StartDefault();
  const std::string id = SubmitId(kBot, "ops.distinct");
  ASSERT_FALSE(id.empty());
  httplib::Result alone = Vote("alice", id);
  ASSERT_EQ(StatusOf(alone), 200) << alone->body;
  json view = JsonOf(alone);
  EXPECT_EQ(view["status"], "pending");
  EXPECT_EQ(view["resolved"], false);
  ASSERT_EQ(view["requirements"].size(), 2u);
  EXPECT_EQ(view["requirements"][0]["have"].get<int>() +
                view["requirements"][1]["have"].get<int>(),
            1)
      << view["requirements"];
  EXPECT_EQ(StatusOfRequest(id), "pending");
  EXPECT_TRUE(AuditOf(id, "request.approved").empty());

  json approved = ApproveInOrder(id, {"bob"});
  EXPECT_EQ(approved["status"], "approved");
  EXPECT_EQ(ApproversOf(approved["requirements"][0]),
            std::vector<std::string>{"alice"});
  EXPECT_EQ(ApproversOf(approved["requirements"][1]),
            std::vector<std::string>{"bob"});
}

// The same group under two `where`s: alice (sre, MFA) meets both, bob (sre,
// no MFA) only the first. alice alone is not enough; bob after her
// completes the quorum (greedy would have given alice the first clause and
// found no room for bob).
TEST_F(QuorumHttpTest, OneIdentityNeverFillsTwoWhereClauses) {
  StartDefault();
  const std::string id = SubmitId(kBot, "ops.where");
  ASSERT_FALSE(id.empty());
  json view = ApproveInOrder(id, {"alice"});
  EXPECT_EQ(view["status"], "pending");
  ASSERT_EQ(view["requirements"].size(), 2u);
  EXPECT_EQ(view["requirements"][0]["where"], "approver.team == \"sre\"");
  EXPECT_EQ(view["requirements"][1]["where"], "approver.mfa");
  view = ApproveInOrder(id, {"bob"});
  EXPECT_EQ(view["status"], "approved");
  EXPECT_EQ(ApproversOf(view["requirements"][0]),
            std::vector<std::string>{"bob"});
  EXPECT_EQ(ApproversOf(view["requirements"][1]),
            std::vector<std::string>{"alice"});

  // bob alone meets only the first clause: pending; then alice completes.
  const std::string other = SubmitId(kBot, "ops.where");
  view = ApproveInOrder(other, {"bob"});
  EXPECT_EQ(view["status"], "pending");
  EXPECT_EQ(ApproversOf(view["requirements"][0]),
            std::vector<std::string>{"bob"});
  EXPECT_TRUE(ApproversOf(view["requirements"][1]).empty());
  EXPECT_EQ(view["requirements"][1]["have"], 0);
  view = ApproveInOrder(other, {"alice"});
  EXPECT_EQ(view["status"], "approved");
}

// Three clauses {alice, bob}, {bob, carol}, {alice}: in the order alice,
// bob, carol greedy fills clause 0 with alice and clause 1 with bob, and
// carol then finds clause 1 full while clause 2 is empty. The matching is
// alice -> 2, bob -> 0, carol -> 1.
TEST_F(QuorumHttpTest, ThreeOverlappingClausesNeedAugmentingPaths) {
  StartDefault();
  const std::string id = SubmitId(kBot, "ops.three");
  ASSERT_FALSE(id.empty());
  json view = ApproveInOrder(id, {"alice", "bob"});
  EXPECT_EQ(view["status"], "pending");
  EXPECT_EQ(view["resolved"], false);
  view = ApproveInOrder(id, {"carol"});
  EXPECT_EQ(view["status"], "approved");
  EXPECT_EQ(view["resolved"], true);
  EXPECT_EQ(ApproversOf(view["requirements"][0]),
            std::vector<std::string>{"bob"});
  EXPECT_EQ(ApproversOf(view["requirements"][1]),
            std::vector<std::string>{"carol"});
  EXPECT_EQ(ApproversOf(view["requirements"][2]),
            std::vector<std::string>{"alice"});
  EXPECT_EQ(AuditOf(id, "grant.minted").size(), 1u);
}

}  // namespace
}  // namespace signoff::server::testing
