// The approval workflow over real HTTP (issue 4, points 1, 3, 8, 9 and
// 10): every lifecycle path from submit to a final state, refusals and
// their audit entries, the inbox, the metrics after a flow, and a reload
// while a request is pending.
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/unit/server/approvals_testing.h"

namespace signoff::server::testing {
namespace {

using nlohmann::json;

std::vector<std::string> VoterIds(const json& view) {
  std::vector<std::string> ids;
  for (const json& vote : view["votes"]) {
    ids.push_back(vote["identity"].get<std::string>());
  }
  return ids;
}

// --- 1. Lifecycle -----------------------------------------------------------

TEST_F(ApprovalsHttpTest, AllowIsApprovedWithAGrantAtOnce) {
  StartDefault();
  json submitted = Submit(kBot, "ops.read");
  ASSERT_TRUE(submitted.is_object());
  EXPECT_EQ(submitted["status"], "approved");
  EXPECT_EQ(submitted["decision"]["decision"], "allow");
  EXPECT_EQ(submitted["decision"]["rules"], json({"reads_are_free"}));
  ASSERT_TRUE(submitted["grant"].is_string()) << submitted;
  const std::string token = submitted["grant"].get<std::string>();
  EXPECT_EQ(token.rfind("sg1.", 0), 0u);
  const std::string id = submitted["id"].get<std::string>();

  // The requester sees the same token; others see the request, no grant.
  json mine = View(kBot, id);
  EXPECT_EQ(mine["status"], "approved");
  EXPECT_EQ(mine["grant"], token);
  EXPECT_EQ(mine["resolved_by"], "policy");
  EXPECT_EQ(mine["requester"]["id"], kBot);
  EXPECT_EQ(mine["requester"]["on_behalf_of"], "dana");
  json theirs = View("alice", id);
  EXPECT_EQ(theirs["status"], "approved");
  EXPECT_FALSE(theirs.contains("grant"));
  EXPECT_EQ(AuditTypesOf(id),
            (std::vector<std::string>{"request.created", "decision",
                                      "request.approved", "grant.minted"}));
  // A vote on it: final.
  ExpectError(Vote("alice", id), 409, "conflict");
}

TEST_F(ApprovalsHttpTest, DenyIsFinalWithoutAGrant) {
  StartDefault();
  json submitted = Submit(kBot, "ops.drop");
  ASSERT_TRUE(submitted.is_object());
  EXPECT_EQ(submitted["status"], "denied");
  EXPECT_EQ(submitted["decision"]["decision"], "deny");
  EXPECT_EQ(submitted["decision"]["reasons"], json({"drops are forbidden"}));
  EXPECT_FALSE(submitted.contains("grant"));
  const std::string id = submitted["id"].get<std::string>();
  json view = View(kBot, id);
  EXPECT_EQ(view["status"], "denied");
  EXPECT_FALSE(view.contains("grant"));

  httplib::Result vote = Vote("alice", id);
  ExpectError(vote, 409, "conflict");
  EXPECT_NE(vote->body.find("request is denied"), std::string::npos)
      << vote->body;
  EXPECT_EQ(StatusOfRequest(id), "denied");
  EXPECT_TRUE(View("alice", id)["votes"].empty());
  std::vector<json> refused = AuditOf(id, "vote.refused");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0]["actor"], "alice");
  EXPECT_EQ(refused[0]["data"]["reason"], "final_state");
  EXPECT_TRUE(AuditOf(id, "grant.minted").empty());
}

TEST_F(ApprovalsHttpTest, QuorumApprovesOnceAndOnlyTheRequesterSeesTheGrant) {
  StartDefault();
  json submitted = Submit(kBot, "ops.deploy", DeployParams());
  ASSERT_TRUE(submitted.is_object());
  EXPECT_EQ(submitted["status"], "pending");
  EXPECT_FALSE(submitted.contains("grant"));
  EXPECT_TRUE(submitted["expires"].is_string()) << submitted;
  const std::string id = submitted["id"].get<std::string>();

  json pending = View(kBot, id);
  EXPECT_EQ(pending["status"], "pending");
  ASSERT_EQ(pending["requirements"].size(), 1u);
  EXPECT_EQ(pending["requirements"][0]["group"], "approvers");
  EXPECT_EQ(pending["requirements"][0]["needed"], 2);
  EXPECT_EQ(pending["requirements"][0]["have"], 0);
  EXPECT_GT(pending["time_left_seconds"].get<int64_t>(), 3500);

  httplib::Result first = Vote("alice", id, "approve", "looks fine");
  ASSERT_EQ(StatusOf(first), 200) << first->body;
  json after_first = JsonOf(first);
  EXPECT_EQ(after_first["status"], "pending");
  EXPECT_EQ(after_first["resolved"], false);
  EXPECT_EQ(after_first["requirements"][0]["have"], 1);
  EXPECT_EQ(after_first["votes"][0]["comment"], "looks fine");
  EXPECT_EQ(after_first["votes"][0]["counted"], true);
  EXPECT_FALSE(after_first.contains("grant"));  // alice is not the requester

  httplib::Result second = Vote("bob", id);
  ASSERT_EQ(StatusOf(second), 200) << second->body;
  json after_second = JsonOf(second);
  EXPECT_EQ(after_second["status"], "approved");
  EXPECT_EQ(after_second["resolved"], true);
  EXPECT_EQ(after_second["resolved_by"], "bob");
  EXPECT_EQ(ApproversOf(after_second["requirements"][0]),
            (std::vector<std::string>{"alice", "bob"}));
  EXPECT_FALSE(after_second.contains("grant"));

  // Only the requester's GET carries the token.
  json mine = View(kBot, id);
  EXPECT_EQ(mine["status"], "approved");
  ASSERT_TRUE(mine["grant"].is_string()) << mine;
  EXPECT_TRUE(mine["grant_expires"].is_string());
  for (const char* other : {"alice", "bob", "carol", "dana", "frank"}) {
    EXPECT_FALSE(View(other, id).contains("grant")) << other;
  }
  // Resolved once: a third approval is refused and changes nothing.
  ExpectError(Vote("carol", id), 409, "conflict");
  EXPECT_EQ(AuditOf(id, "request.approved").size(), 1u);
  EXPECT_EQ(AuditOf(id, "grant.minted").size(), 1u);
  EXPECT_EQ(AuditOf(id, "vote.accepted").size(), 2u);
  EXPECT_EQ(VoterIds(View(kBot, id)),
            (std::vector<std::string>{"alice", "bob"}));

  // The grant is for exactly this deploy.
  httplib::Result consumed =
      Grant("consume", mine["grant"].get<std::string>(),
            GrantRequest("ops.deploy", DeployParams(), kBot));
  ASSERT_EQ(StatusOf(consumed), 200) << consumed->body;
  EXPECT_EQ(JsonOf(consumed)["grant"]["request_id"], id);
  EXPECT_EQ(StatusOfRequest(id), "consumed");
}

TEST_F(ApprovalsHttpTest, RejectedWhenVetoesReachTheLimit) {
  StartDefault();
  // deploys: veto 2.
  const std::string id = SubmitId(kBot, "ops.deploy", DeployParams());
  ASSERT_FALSE(id.empty());
  httplib::Result first = Vote("alice", id, "reject", "not today");
  ASSERT_EQ(StatusOf(first), 200) << first->body;
  EXPECT_EQ(JsonOf(first)["status"], "pending");
  EXPECT_EQ(JsonOf(first)["rejections"], 1);
  EXPECT_EQ(JsonOf(first)["veto"], 2);
  EXPECT_EQ(JsonOf(first)["resolved"], false);
  httplib::Result second = Vote("carol", id, "reject");
  ASSERT_EQ(StatusOf(second), 200) << second->body;
  EXPECT_EQ(JsonOf(second)["status"], "rejected");
  EXPECT_EQ(JsonOf(second)["resolved"], true);
  EXPECT_EQ(JsonOf(second)["rejections"], 2);
  EXPECT_FALSE(View(kBot, id).contains("grant"));
  ExpectError(Vote("bob", id), 409, "conflict");
  std::vector<json> rejected = AuditOf(id, "request.rejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0]["actor"], "carol");
  EXPECT_TRUE(AuditOf(id, "grant.minted").empty());

  // veto 1: one rejection suffices, even after an approval.
  const std::string once = SubmitId(kBot, "ops.veto");
  ASSERT_EQ(StatusOf(Vote("bob", once)), 200);
  httplib::Result vetoed = Vote("erin", once, "reject");
  ASSERT_EQ(StatusOf(vetoed), 200) << vetoed->body;
  EXPECT_EQ(JsonOf(vetoed)["status"], "rejected");
  EXPECT_EQ(JsonOf(vetoed)["resolved"], true);
}

TEST_F(ApprovalsHttpTest, ExpiresWithoutQuorumAndLongPollSeesIt) {
  StartDefault();
  // ops.quick: expire 2s; the server's runner ticks every 200 ms.
  json submitted = Submit(kBot, "ops.quick");
  ASSERT_TRUE(submitted.is_object());
  const std::string id = submitted["id"].get<std::string>();
  EXPECT_EQ(submitted["status"], "pending");
  EXPECT_EQ(submitted["decision"]["expire"], "2s");

  const auto start = std::chrono::steady_clock::now();
  httplib::Result waited = GetAs(kBot, "/v1/requests/" + id + "?wait=10s");
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ASSERT_EQ(StatusOf(waited), 200) << (waited ? waited->body : "");
  EXPECT_EQ(JsonOf(waited)["status"], "expired");
  EXPECT_GE(elapsed, 1.0);
  EXPECT_LT(elapsed, 8.0);
  EXPECT_FALSE(JsonOf(waited).contains("grant"));

  std::vector<json> expired = AuditOf(id, "request.expired");
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0]["actor"], "runtime");
  EXPECT_EQ(expired[0]["data"]["reason"], "no quorum before the deadline");
  // Final: no vote, no cancel.
  ExpectError(Vote("alice", id), 409, "conflict");
  ExpectError(Cancel(kBot, id), 409, "conflict");
  EXPECT_TRUE(AuditOf(id, "grant.minted").empty());
}

TEST_F(ApprovalsHttpTest, CancelByTheRequesterOnly) {
  StartDefault();
  const std::string id = SubmitId(kBot, "ops.deploy", DeployParams());
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(StatusOf(Vote("alice", id)), 200);

  // Not by an approver, nor by the human the agent acts for.
  ExpectError(Cancel("alice", id), 403, "forbidden");
  ExpectError(Cancel("dana", id), 403, "forbidden");
  EXPECT_EQ(StatusOfRequest(id), "pending");

  httplib::Result cancelled = Cancel(kBot, id);
  ASSERT_EQ(StatusOf(cancelled), 200) << cancelled->body;
  EXPECT_EQ(JsonOf(cancelled)["status"], "cancelled");
  EXPECT_EQ(JsonOf(cancelled)["resolved_by"], kBot);
  EXPECT_EQ(StatusOfRequest(id), "cancelled");
  // Final now: cancel again, vote.
  ExpectError(Cancel(kBot, id), 409, "conflict");
  ExpectError(Vote("bob", id), 409, "conflict");
  EXPECT_FALSE(View(kBot, id).contains("grant"));

  // An `{}` body is accepted too; cancelling an approved request is 409.
  const std::string allowed = SubmitId(kBot, "ops.read");
  ExpectError(PostAs(kBot, "/v1/requests/" + allowed + "/cancel", "{}"), 409,
              "conflict");
  EXPECT_EQ(StatusOfRequest(allowed), "approved");

  std::vector<json> refused = AuditOf(id, "cancel.refused");
  ASSERT_EQ(refused.size(), 3u);
  EXPECT_EQ(refused[0]["data"]["reason"], "not_requester");
  EXPECT_EQ(refused[1]["data"]["reason"], "not_requester");
  EXPECT_EQ(refused[2]["data"]["reason"], "final_state");
  EXPECT_EQ(AuditOf(id, "request.cancelled").size(), 1u);
}

// RUNTIME.md §6: requester from the directory, context.time and .ip from
// the server; justification, ticket and attrs from the client.
TEST_F(ApprovalsHttpTest, RequesterAndContextComeFromTheServer) {
  StartDefault();
  json body = {{"action", "ops.read"},
               {"params", DefaultParams()},
               {"context",
                {{"time", "2000-01-01T00:00:00Z"},
                 {"ip", "10.9.9.9"},
                 {"justification", "nightly sync"},
                 {"ticket", "OPS-1"},
                 {"attrs", {{"region", "eu"}}}}}};
  httplib::Result result = PostAs(kBot, "/v1/requests", body.dump());
  ASSERT_EQ(StatusOf(result), 200) << result->body;
  const std::string id = JsonOf(result)["id"].get<std::string>();
  json view = View("carol", id);
  EXPECT_NE(view["context"]["time"], "2000-01-01T00:00:00Z");
  EXPECT_EQ(view["context"]["time"].get<std::string>().substr(0, 2), "20");
  EXPECT_EQ(view["context"]["ip"], "127.0.0.1");
  EXPECT_EQ(view["context"]["justification"], "nightly sync");
  EXPECT_EQ(view["context"]["ticket"], "OPS-1");
  EXPECT_EQ(view["context"]["attrs"], json({{"region", "eu"}}));
  EXPECT_EQ(view["requester"]["id"], kBot);
  EXPECT_EQ(view["requester"]["kind"], "agent");
  EXPECT_EQ(view["requester"]["team"], "data");
  EXPECT_EQ(view["requester"]["on_behalf_of"], "dana");
  std::vector<json> created = AuditOf(id, "request.created");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0]["actor"], kBot);
  EXPECT_EQ(created[0]["data"]["context"], view["context"]);
}

// --- 3. Refusals
// --------------------------------------------------------------

TEST_F(ApprovalsHttpTest, RefusedVotesAreAuditedAndChangeNothing) {
  StartDefault();
  // erin asks for herself; agent:bot asks on behalf of dana. Both are in
  // `approvers`.
  const std::string own = SubmitId("erin", "ops.deploy", DeployParams());
  const std::string agents = SubmitId(kBot, "ops.deploy", DeployParams());
  ASSERT_FALSE(own.empty());
  ASSERT_FALSE(agents.empty());
  ASSERT_EQ(StatusOf(Vote("alice", agents)), 200);
  ASSERT_EQ(StatusOf(Vote("alice", own)), 200);
  const json own_before = View("carol", own);
  const json agents_before = View("carol", agents);

  // Self-approval, directly and through the agent acting for dana.
  ExpectError(Vote("erin", own), 403, "forbidden");
  ExpectError(Vote(kBot, agents), 403, "forbidden");
  ExpectError(Vote("dana", agents), 403, "forbidden");
  // In no group.
  ExpectError(Vote("frank", agents), 403, "forbidden");
  ExpectError(Vote("exec", own, "reject"), 403, "forbidden");
  // Twice (also changing one's mind).
  ExpectError(Vote("alice", agents), 409, "conflict");
  ExpectError(Vote("alice", own, "reject"), 409, "conflict");

  for (const auto& [id, before] :
       {std::pair<std::string, json>{own, own_before},
        {agents, agents_before}}) {
    json after = View("carol", id);
    EXPECT_EQ(after["status"], "pending");
    EXPECT_EQ(after["votes"], before["votes"]) << id;
    EXPECT_EQ(after["requirements"], before["requirements"]) << id;
    EXPECT_EQ(after["rejections"], 0);
  }

  auto reasons = [&](const std::string& id) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const json& entry : AuditOf(id, "vote.refused")) {
      EXPECT_TRUE(entry["data"]["message"].is_string());
      out.emplace_back(entry["actor"].get<std::string>(),
                       entry["data"]["reason"].get<std::string>());
    }
    return out;
  };
  using Refusals = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(reasons(own), (Refusals{{"erin", "self_approval"},
                                    {"exec", "not_eligible"},
                                    {"alice", "already_voted"}}));
  EXPECT_EQ(reasons(agents), (Refusals{{kBot, "self_approval"},
                                       {"dana", "self_approval"},
                                       {"frank", "not_eligible"},
                                       {"alice", "already_voted"}}));

  // The request still resolves normally afterwards.
  httplib::Result approved = Vote("bob", agents);
  ASSERT_EQ(StatusOf(approved), 200);
  EXPECT_EQ(JsonOf(approved)["status"], "approved");
  // And a vote on it now is refused as final, audited.
  ExpectError(Vote("carol", agents), 409, "conflict");
  EXPECT_EQ(reasons(agents).back(),
            (std::pair<std::string, std::string>{"carol", "final_state"}));
}

// eligibility.h: "nobody approves their own request, also not through an
// agent acting for them". dana's request approved by agents acting for
// dana is exactly that.
TEST_F(ApprovalsHttpTest, AgentsActingForTheRequesterCannotApprove) {
  std::string policy = kPolicy;
  ASSERT_TRUE(Replace(
      policy, R"(group approvers = ["alice", "bob", "carol", "dana", "erin"])",
      R"(group approvers = ["alice", "bob", "carol", "dana", "erin", "agent:bot", "agent:helper"])"));
  std::vector<TestIdentity> identities = DefaultIdentities();
  identities.push_back(
      {"agent:helper", "kind: agent, team: ops, on_behalf_of: dana"});
  StartWith(policy, identities);
  const std::string id = SubmitId("dana", "ops.deploy", DeployParams());
  ASSERT_FALSE(id.empty());
  ExpectError(Vote(kBot, id), 403, "forbidden");
  ExpectError(Vote("agent:helper", id), 403, "forbidden");
  EXPECT_EQ(StatusOfRequest(id), "pending");
  EXPECT_TRUE(View("carol", id)["votes"].empty());
  // The same when an agent acting for dana asks and another one approves.
  const std::string agents = SubmitId(kBot, "ops.deploy", DeployParams());
  ExpectError(Vote("agent:helper", agents), 403, "forbidden");
  EXPECT_TRUE(View("carol", agents)["votes"].empty());
  EXPECT_FALSE(InboxOf("agent:helper").count(id));
}

// --- 8. Inbox
// -----------------------------------------------------------------

TEST_F(ApprovalsHttpTest, InboxListsWhatTheCallerMayStillVoteOn) {
  StartDefault();
  const std::string r1 = SubmitId(kBot, "ops.deploy", DeployParams(1));
  const std::string r2 = SubmitId("alice", "ops.deploy", DeployParams(2));
  const std::string r3 = SubmitId(kBot, "ops.overlap");  // alice, bob only
  const std::string r4 = SubmitId(kBot, "ops.deploy", DeployParams(4));
  ASSERT_EQ(StatusOf(Vote("bob", r4)), 200);  // still pending
  const std::string r5 = SubmitId(kBot, "ops.veto");
  ASSERT_EQ(JsonOf(Vote("erin", r5, "reject"))["status"], "rejected");
  const std::string r6 = SubmitId(kBot, "ops.read");  // approved
  const std::string r7 = SubmitId(kBot, "ops.drop");  // denied
  const std::string r8 = SubmitId(kBot, "ops.deploy", DeployParams(8));
  ASSERT_EQ(StatusOf(Cancel(kBot, r8)), 200);
  const std::string r9 = SubmitId(kBot, "ops.deploy", DeployParams(9));
  ASSERT_EQ(StatusOf(Vote("carol", r9)), 200);
  ASSERT_EQ(JsonOf(Vote("erin", r9))["status"], "approved");

  using Ids = std::set<std::string>;
  EXPECT_EQ(InboxOf("alice"), (Ids{r1, r3, r4}));  // not her own r2
  EXPECT_EQ(InboxOf("bob"), (Ids{r1, r2, r3}));    // voted on r4
  EXPECT_EQ(InboxOf("carol"), (Ids{r1, r2, r4}));  // not eligible for r3
  EXPECT_EQ(InboxOf("dana"), (Ids{r2}));  // r1, r4 are made on her behalf
  EXPECT_EQ(InboxOf("erin"), (Ids{r1, r2, r4}));
  EXPECT_EQ(InboxOf("frank"), Ids{});
  EXPECT_EQ(InboxOf(kBot), Ids{});
  // Without the filter, the same.
  httplib::Result all = GetAs("alice", "/v1/requests");
  ASSERT_EQ(StatusOf(all), 200);
  EXPECT_EQ(JsonOf(all)["requests"].size(), 3u);

  // Once alice votes on r3 (still pending: it needs bob too) it leaves her
  // inbox; once r1 resolves, it leaves everyone's.
  ASSERT_EQ(StatusOf(Vote("alice", r3)), 200);
  EXPECT_EQ(InboxOf("alice"), (Ids{r1, r4}));
  ASSERT_EQ(StatusOf(Vote("carol", r1)), 200);
  ASSERT_EQ(JsonOf(Vote("erin", r1))["status"], "approved");
  EXPECT_EQ(InboxOf("bob"), (Ids{r2, r3}));
  EXPECT_EQ(InboxOf("alice"), (Ids{r4}));
}

// --- 9. Metrics
// ---------------------------------------------------------------

TEST_F(ApprovalsHttpTest, MetricsCountVotesGrantsAndPendingRequests) {
  StartDefault();
  std::map<std::string, double> m0 = Metrics();
  EXPECT_EQ(m0.at("signoff_requests_pending"), 0);
  EXPECT_EQ(m0.at("signoff_grants_total{event=\"minted\"}"), 0);

  const std::string token =
      Submit(kBot, "ops.read")["grant"].get<std::string>();  // minted 1
  const std::string deploy = SubmitId(kBot, "ops.deploy", DeployParams());
  const std::string vetoed = SubmitId(kBot, "ops.veto");
  const std::string open = SubmitId(kBot, "ops.deploy", DeployParams(8));
  EXPECT_EQ(Metrics().at("signoff_requests_pending"), 3);

  ASSERT_EQ(StatusOf(Vote("alice", deploy)), 200);  // approve 1
  ASSERT_EQ(StatusOf(Vote("bob", deploy)), 200);    // approve 2, minted 2
  ASSERT_EQ(StatusOf(Vote("carol", vetoed, "reject")), 200);  // reject 1
  ASSERT_EQ(StatusOf(Vote("alice", open)), 200);              // approve 3
  ExpectError(Vote("alice", open), 409, "conflict");          // refused 1
  ExpectError(Vote("frank", open), 403, "forbidden");         // refused 2

  const json read = GrantRequest("ops.read", DefaultParams(), kBot);
  ASSERT_EQ(StatusOf(Grant("verify", token, read)), 200);
  ASSERT_EQ(StatusOf(Grant("consume", token, read)), 200);
  EXPECT_EQ(ReasonOf(Grant("consume", token, read)), "already_consumed");
  EXPECT_EQ(
      ReasonOf(Grant("verify", token,
                     GrantRequest("ops.read", {{"service", "db"}}, kBot))),
      "wrong_params");

  std::map<std::string, double> m = Metrics();
  EXPECT_EQ(m.at("signoff_votes_total{vote=\"approve\"}"), 3);
  EXPECT_EQ(m.at("signoff_votes_total{vote=\"reject\"}"), 1);
  EXPECT_EQ(m.at("signoff_votes_refused_total"), 2);
  EXPECT_EQ(m.at("signoff_grants_total{event=\"minted\"}"), 2);
  EXPECT_EQ(m.at("signoff_grants_total{event=\"consumed\"}"), 1);
  EXPECT_EQ(m.at("signoff_grants_total{event=\"refused\"}"), 2);
  EXPECT_EQ(m.at("signoff_requests_pending"), 1);  // `open`

  ASSERT_EQ(StatusOf(Cancel(kBot, open)), 200);
  EXPECT_EQ(Metrics().at("signoff_requests_pending"), 0);
}

// signoff_decisions_total counts decisions by outcome (docs/api.md): the
// decisions of submitted requests are decisions too.
TEST_F(ApprovalsHttpTest, SubmittedDecisionsAreCounted) {
  StartDefault();
  ASSERT_FALSE(SubmitId(kBot, "ops.read").empty());
  ASSERT_FALSE(SubmitId(kBot, "ops.drop").empty());
  ASSERT_FALSE(SubmitId(kBot, "ops.deploy", DeployParams()).empty());
  std::map<std::string, double> m = Metrics();
  EXPECT_EQ(m["signoff_decisions_total{decision=\"allow\"}"], 1);
  EXPECT_EQ(m["signoff_decisions_total{decision=\"deny\"}"], 1);
  EXPECT_EQ(m["signoff_decisions_total{decision=\"require_approval\"}"], 1);
  // The latency histogram times POST /v1/decide alone (docs/api.md).
  EXPECT_EQ(m["signoff_decision_duration_seconds_count"], 0);
}

// --- 10. Reload
// ---------------------------------------------------------------

TEST_F(ApprovalsHttpTest, PendingRequestKeepsItsClausesAcrossAReload) {
  StartDefault();
  const std::string id = SubmitId(kBot, "ops.deploy", DeployParams());
  ASSERT_FALSE(id.empty());
  const std::string old_policy = View(kBot, id)["policy"].get<std::string>();
  ASSERT_EQ(StatusOf(Vote("alice", id)), 200);

  // The new set: deploys need three of a group without alice and bob.
  std::string changed = kPolicy;
  ASSERT_TRUE(Replace(
      changed, R"(group approvers = ["alice", "bob", "carol", "dana", "erin"])",
      R"(group approvers = ["carol", "erin", "frank"])"));
  ASSERT_TRUE(Replace(changed, "require 2 of approvers\n  veto 2",
                      "require 3 of approvers\n  veto 2"));
  WriteFile(policy_path(), changed);
  httplib::Result reloaded = PostAs("alice", "/v1/admin/reload", "");
  ASSERT_EQ(StatusOf(reloaded), 200) << reloaded->body;
  EXPECT_EQ(JsonOf(reloaded)["previous"], old_policy);
  EXPECT_NE(JsonOf(reloaded)["policy"], old_policy);

  // New requests get the new clauses.
  json fresh = Submit(kBot, "ops.deploy", DeployParams(9));
  ASSERT_TRUE(fresh.is_object());
  EXPECT_EQ(fresh["decision"]["requirements"],
            json::parse(R"([{"count": 3, "group": "approvers"}])"));
  ExpectError(Vote("bob", fresh["id"].get<std::string>()), 403, "forbidden");

  // The pending one: still 2 of the old approvers (alice and bob count,
  // frank does not).
  json view = View(kBot, id);
  EXPECT_EQ(view["policy"], old_policy);
  EXPECT_EQ(view["requirements"][0]["needed"], 2);
  EXPECT_EQ(view["requirements"][0]["satisfiable"], true);
  EXPECT_EQ(ApproversOf(view["requirements"][0]),
            (std::vector<std::string>{"alice"}));
  ExpectError(Vote("frank", id), 403, "forbidden");
  EXPECT_EQ(InboxOf("bob"), (std::set<std::string>{id}));
  httplib::Result decided = Vote("bob", id);
  ASSERT_EQ(StatusOf(decided), 200) << decided->body;
  EXPECT_EQ(JsonOf(decided)["status"], "approved");
  EXPECT_EQ(JsonOf(decided)["resolved"], true);
  std::vector<json> approved = AuditOf(id, "request.approved");
  ASSERT_EQ(approved.size(), 1u);
  EXPECT_EQ(approved[0]["policy"], old_policy);
  EXPECT_EQ(approved[0]["data"]["clauses"][0]["approvers"],
            json({"alice", "bob"}));
  EXPECT_TRUE(View(kBot, id)["grant"].is_string());
}

}  // namespace
}  // namespace signoff::server::testing
