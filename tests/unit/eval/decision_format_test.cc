#include <gtest/gtest.h>

#include <string>

#include "compiler/eval/decision.h"

namespace signoff::eval {
namespace {

Decision RequireExample() {
  Decision decision;
  decision.kind = DecisionKind::kRequireApproval;
  decision.rules = {"confidential_exports"};
  decision.requirements = {
      {2, 0, "sre", ir::kNoNode, ""},
      {1, 1, "security", 3, "approver.team != requester.team"}};
  decision.veto = 1;
  decision.expire_seconds = 1800;
  decision.grant_seconds = 900;
  decision.channels = {"sec_room", "sre_room"};
  decision.messages = {
      "agent:etl exports 50000 rows of customers to s3://warehouse/q4"};
  decision.policy = "sha256:0123";
  return decision;
}

TEST(DecisionJsonTest, RequireApprovalMatchesTheLanguageSpec) {
  EXPECT_EQ(
      DecisionToJson(RequireExample(), /*with_explain=*/false,
                     /*pretty=*/false),
      R"({"decision":"require_approval","rules":["confidential_exports"],)"
      R"("reasons":[],"requirements":[{"count":2,"group":"sre"},)"
      R"({"count":1,"group":"security","where":"approver.team != requester.team"}],)"
      R"("veto":1,"expire":"30m","grant":"15m","channels":["sec_room","sre_room"],)"
      R"("messages":["agent:etl exports 50000 rows of customers to s3://warehouse/q4"],)"
      R"("errors":[],"policy":"sha256:0123"})");
}

Decision EscalatingExample() {
  Decision decision = RequireExample();
  decision.escalations = {
      {600, 2, "oncall", {"pager"}, {0}, "confidential_exports"},
      {5400, 0, "sre", {}, {0, 1}, "confidential_exports"}};
  return decision;
}

TEST(DecisionJsonTest, NoEscalationsKeyWithoutEscalations) {
  // The shape of LANGUAGE.md §7, for every policy without `escalate`.
  EXPECT_EQ(DecisionToJson(RequireExample(), false, false).find("escalations"),
            std::string::npos);
  EXPECT_EQ(DecisionToJson(Decision{}, true, true).find("escalations"),
            std::string::npos);
}

TEST(DecisionJsonTest, EscalationsFollowChannels) {
  EXPECT_EQ(
      DecisionToJson(EscalatingExample(), /*with_explain=*/false,
                     /*pretty=*/false),
      R"({"decision":"require_approval","rules":["confidential_exports"],)"
      R"("reasons":[],"requirements":[{"count":2,"group":"sre"},)"
      R"({"count":1,"group":"security","where":"approver.team != requester.team"}],)"
      R"("veto":1,"expire":"30m","grant":"15m","channels":["sec_room","sre_room"],)"
      R"("escalations":[{"after":"10m","group":"oncall","notify":["pager"],)"
      R"("requirements":[0],"rule":"confidential_exports"},)"
      R"({"after":"1h30m","group":"sre","notify":[],"requirements":[0,1],)"
      R"("rule":"confidential_exports"}],)"
      R"("messages":["agent:etl exports 50000 rows of customers to s3://warehouse/q4"],)"
      R"("errors":[],"policy":"sha256:0123"})");
}

TEST(DecisionJsonTest, PrettyUsesTwoSpaces) {
  Decision decision;
  decision.kind = DecisionKind::kAllow;
  decision.rules = {"readonly_is_free"};
  decision.grant_seconds = 5400;
  decision.policy = "sha256:00";
  EXPECT_EQ(DecisionToJson(decision, false, /*pretty=*/true),
            R"({
  "decision": "allow",
  "rules": [
    "readonly_is_free"
  ],
  "reasons": [],
  "requirements": [],
  "veto": 0,
  "expire": "",
  "grant": "1h30m",
  "channels": [],
  "messages": [],
  "errors": [],
  "policy": "sha256:00"
})");
}

TEST(DecisionJsonTest, DenyWithErrorsAndExplain) {
  Decision decision;
  decision.kind = DecisionKind::kDeny;
  decision.rules = {"big"};
  decision.reasons = {"rule `big` failed: integer overflow in `*`"};
  decision.errors = decision.reasons;
  decision.policy = "sha256:00";
  ExplainEntry failed{"r1",
                      "condition_failed",
                      false,
                      "unless requester.id in owners",
                      "p.signoff:4:3",
                      ""};
  ExplainEntry error{"big", "error", true, "", "", "integer overflow in `*`"};
  ExplainEntry candidate{"r3", "candidate", true, "", "", ""};
  decision.explain = {failed, error, candidate};
  EXPECT_EQ(
      DecisionToJson(decision, /*with_explain=*/true, false),
      R"({"decision":"deny","rules":["big"],)"
      R"("reasons":["rule `big` failed: integer overflow in `*`"],)"
      R"("requirements":[],"veto":0,"expire":"","grant":"","channels":[],)"
      R"("messages":[],"errors":["rule `big` failed: integer overflow in `*`"],)"
      R"("policy":"sha256:00","explain":[)"
      R"({"rule":"r1","candidate":false,"status":"condition_failed",)"
      R"("condition":"unless requester.id in owners","location":"p.signoff:4:3"},)"
      R"({"rule":"big","candidate":true,"status":"error","error":"integer overflow in `*`"},)"
      R"({"rule":"r3","candidate":true,"status":"candidate"}]})");
  // explain is only present when asked for.
  EXPECT_EQ(DecisionToJson(decision, false, false).find("explain"),
            std::string::npos);
  Decision empty;
  EXPECT_NE(DecisionToJson(empty, true, false).find(R"("explain":[])"),
            std::string::npos);
}

TEST(DecisionJsonTest, EscapesAndNeverThrows) {
  Decision decision;
  decision.messages = {"quote \" backslash \\ newline \n", "bad \xff utf8"};
  std::string json = DecisionToJson(decision, false, false);
  EXPECT_NE(json.find(R"("quote \" backslash \\ newline \n")"),
            std::string::npos);
  EXPECT_NE(json.find("bad \xef\xbf\xbd utf8"), std::string::npos);
}

TEST(DecisionKindTest, Names) {
  EXPECT_EQ(DecisionKindName(DecisionKind::kAllow), "allow");
  EXPECT_EQ(DecisionKindName(DecisionKind::kDeny), "deny");
  EXPECT_EQ(DecisionKindName(DecisionKind::kRequireApproval),
            "require_approval");
}

TEST(DecisionTextTest, RequireApproval) {
  EXPECT_EQ(DecisionToText(RequireExample(), false),
            "require_approval (rules: confidential_exports)\n"
            "  need 2 of sre\n"
            "  need 1 of security where approver.team != requester.team\n"
            "  veto 1, expire 30m, grant 15m\n"
            "  notify sec_room, sre_room\n"
            "  message: agent:etl exports 50000 rows of customers to "
            "s3://warehouse/q4\n");
}

TEST(DecisionTextTest, Escalations) {
  EXPECT_EQ(DecisionToText(EscalatingExample(), false),
            "require_approval (rules: confidential_exports)\n"
            "  need 2 of sre\n"
            "  need 1 of security where approver.team != requester.team\n"
            "  veto 1, expire 30m, grant 15m\n"
            "  notify sec_room, sre_room\n"
            "  escalate after 10m to oncall notify pager\n"
            "  escalate after 1h30m to sre\n"
            "  message: agent:etl exports 50000 rows of customers to "
            "s3://warehouse/q4\n");
  // Without channels of its own there is no notify line, and the
  // escalations follow the lifetimes.
  Decision quiet = EscalatingExample();
  quiet.channels.clear();
  quiet.messages.clear();
  quiet.escalations[0].channels = {"pager", "sec_room"};
  EXPECT_EQ(DecisionToText(quiet, false),
            "require_approval (rules: confidential_exports)\n"
            "  need 2 of sre\n"
            "  need 1 of security where approver.team != requester.team\n"
            "  veto 1, expire 30m, grant 15m\n"
            "  escalate after 10m to oncall notify pager, sec_room\n"
            "  escalate after 1h30m to sre\n");
}

TEST(DecisionTextTest, DenyAllowDefaultAndExplain) {
  Decision deny;
  deny.kind = DecisionKind::kDeny;
  deny.rules = {"a", "b"};
  deny.reasons = {"no public buckets",
                  "rule `b` failed: integer overflow in `*`"};
  deny.errors = {"rule `b` failed: integer overflow in `*`"};
  deny.explain = {{"a", "candidate", true, "", "", ""},
                  {"c", "condition_failed", false, "params.rows > 10",
                   "p.signoff:3:8", ""}};
  EXPECT_EQ(DecisionToText(deny, true),
            "deny (rules: a, b)\n"
            "  reason: no public buckets\n"
            "  reason: rule `b` failed: integer overflow in `*`\n"
            "  error: rule `b` failed: integer overflow in `*`\n"
            "  explain:\n"
            "    a: candidate\n"
            "    c: condition_failed: `params.rows > 10` at p.signoff:3:8\n");
  Decision allow;
  allow.kind = DecisionKind::kAllow;
  allow.grant_seconds = 300;
  allow.decided_by_default = true;
  EXPECT_EQ(DecisionToText(allow, false), "allow (default)\n  grant 5m\n");
}

}  // namespace
}  // namespace signoff::eval
