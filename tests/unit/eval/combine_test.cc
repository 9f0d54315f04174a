#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compiler/eval/decision.h"
#include "compiler/ir/ir.h"
#include "compiler/source/source.h"

namespace signoff::eval {
namespace {

using Strings = std::vector<std::string>;

// Builds policies and outcomes by hand: Combine sees only statuses.
class CombineTest : public ::testing::Test {
 protected:
  CombineTest() {
    policy_.digest = "sha256:abc";
    policy_.groups = {{"sre", {"alice", "bob"}, {}},
                      {"security", {"sam"}, {}},
                      {"owners", {"dana"}, {}}};
    policy_.channels = {{"sre_room", "slack", "#sre"},
                        {"sec_room", "teams", "security/reviews"},
                        {"tickets", "webhook", "tickets"}};
  }

  ir::Rule& AddRule(std::string name, ir::Effect effect) {
    ir::Rule rule;
    rule.name = std::move(name);
    rule.effect = effect;
    policy_.rules.push_back(std::move(rule));
    outcome_.rules.emplace_back();
    return policy_.rules.back();
  }

  void Set(size_t rule, RuleStatus status) {
    outcome_.rules[rule].status = status;
  }

  static ir::Requirement Need(int64_t count, int group,
                              std::string where = "") {
    ir::Requirement requirement;
    requirement.count = count;
    requirement.group = group;
    requirement.where_text = std::move(where);
    if (!requirement.where_text.empty()) requirement.where = 7;
    return requirement;
  }

  static ir::Escalation Escalate(int64_t after, int group,
                                 std::vector<int> channels = {}) {
    ir::Escalation escalation;
    escalation.after_seconds = after;
    escalation.group = group;
    escalation.channels = std::move(channels);
    return escalation;
  }

  Decision Run(bool explain = false, const SourceManager* sources = nullptr) {
    return Combine(policy_, request_, outcome_, defaults_, explain, sources);
  }

  ir::Policy policy_;
  BoundRequest request_{"data.export", 0, {}, {}, {}};
  Outcome outcome_;
  Defaults defaults_;
};

TEST_F(CombineTest, DenyOverridesEverything) {
  AddRule("ok", ir::Effect::kAllow);
  AddRule("review", ir::Effect::kRequire).requirements = {Need(1, 0)};
  AddRule("public", ir::Effect::kDeny).deny_reason = "no public buckets";
  AddRule("blunt", ir::Effect::kDeny);
  AddRule("skipped", ir::Effect::kDeny);
  for (size_t i = 0; i < 4; ++i) Set(i, RuleStatus::kCandidate);
  Set(4, RuleStatus::kConditionFailed);
  Decision decision = Run();
  EXPECT_EQ(decision.kind, DecisionKind::kDeny);
  EXPECT_EQ(decision.rules, (Strings{"public", "blunt"}));
  EXPECT_EQ(decision.reasons,
            (Strings{"no public buckets", "denied by rule `blunt`"}));
  EXPECT_TRUE(decision.requirements.empty());
  EXPECT_EQ(decision.veto, 0);
  EXPECT_EQ(decision.expire_seconds, 0);
  EXPECT_EQ(decision.grant_seconds, 0);
  EXPECT_TRUE(decision.errors.empty());
  EXPECT_EQ(decision.policy, "sha256:abc");
  EXPECT_FALSE(decision.decided_by_default);
}

TEST_F(CombineTest, EvaluationErrorIsACandidateDeny) {
  AddRule("ok", ir::Effect::kAllow);
  AddRule("big_export", ir::Effect::kRequire);
  AddRule("public", ir::Effect::kDeny).deny_reason = "no public buckets";
  Set(0, RuleStatus::kCandidate);
  Set(1, RuleStatus::kError);
  outcome_.rules[1].error = "integer overflow in `*`";
  Set(2, RuleStatus::kCandidate);
  Decision decision = Run();
  EXPECT_EQ(decision.kind, DecisionKind::kDeny);
  EXPECT_EQ(decision.rules, (Strings{"big_export", "public"}));
  EXPECT_EQ(decision.reasons,
            (Strings{"rule `big_export` failed: integer overflow in `*`",
                     "no public buckets"}));
  EXPECT_EQ(decision.errors,
            (Strings{"rule `big_export` failed: integer overflow in `*`"}));
}

TEST_F(CombineTest, RequireMergesRequirementsAndTakesTheStrictest) {
  ir::Rule& a = AddRule("a", ir::Effect::kRequire);
  a.requirements = {Need(2, 0), Need(1, 1, "approver.team != requester.team")};
  a.expire_seconds = 1800;
  a.grant_seconds = 900;
  a.channels = {0, 1};
  ir::Rule& b = AddRule("b", ir::Effect::kRequire);
  b.requirements = {Need(1, 2), Need(3, 0),
                    Need(2, 1, "approver.team != requester.team"), Need(1, 1)};
  b.veto = 2;
  b.channels = {1, 2};
  ir::Rule& c = AddRule("c", ir::Effect::kAllow);
  (void)c;
  Set(0, RuleStatus::kCandidate);
  outcome_.rules[0].messages = {"first"};
  Set(1, RuleStatus::kCandidate);
  outcome_.rules[1].messages = {"second"};
  Set(2, RuleStatus::kCandidate);
  Decision decision = Run();
  EXPECT_EQ(decision.kind, DecisionKind::kRequireApproval);
  EXPECT_EQ(decision.rules, (Strings{"a", "b"}));
  ASSERT_EQ(decision.requirements.size(), 4u);
  EXPECT_EQ(decision.requirements[0].group_name, "sre");
  EXPECT_EQ(decision.requirements[0].count, 3);
  EXPECT_EQ(decision.requirements[1].group_name, "security");
  EXPECT_EQ(decision.requirements[1].count, 2);
  EXPECT_EQ(decision.requirements[1].where_text,
            "approver.team != requester.team");
  EXPECT_EQ(decision.requirements[1].where, 7u);
  EXPECT_EQ(decision.requirements[2].group_name, "owners");
  EXPECT_EQ(decision.requirements[2].where, ir::kNoNode);
  EXPECT_EQ(decision.requirements[3].group_name, "security");
  EXPECT_EQ(decision.requirements[3].where_text, "");
  // veto: a uses the default 1, b says 2 -> 1. expire: a 30m, b default
  // 1h -> 30m. grant: a 15m, b default 5m -> 5m.
  EXPECT_EQ(decision.veto, 1);
  EXPECT_EQ(decision.expire_seconds, 1800);
  EXPECT_EQ(decision.grant_seconds, 300);
  EXPECT_EQ(decision.channels, (Strings{"sec_room", "sre_room", "tickets"}));
  EXPECT_EQ(decision.messages, (Strings{"first", "second"}));
  EXPECT_TRUE(decision.reasons.empty());
}

TEST_F(CombineTest, RequireUsesConfiguredDefaults) {
  AddRule("a", ir::Effect::kRequire).requirements = {Need(1, 0)};
  Set(0, RuleStatus::kCandidate);
  defaults_ = {600, 60, 3};
  Decision decision = Run();
  EXPECT_EQ(decision.veto, 3);
  EXPECT_EQ(decision.expire_seconds, 600);
  EXPECT_EQ(decision.grant_seconds, 60);
}

TEST_F(CombineTest, AllowWhenOnlyAllowCandidates) {
  AddRule("read", ir::Effect::kAllow);
  AddRule("deny_big", ir::Effect::kDeny);
  AddRule("read_again", ir::Effect::kAllow);
  AddRule("review", ir::Effect::kRequire);
  Set(0, RuleStatus::kCandidate);
  Set(1, RuleStatus::kConditionFailed);
  Set(2, RuleStatus::kCandidate);
  Set(3, RuleStatus::kNotApplicable);
  Decision decision = Run();
  EXPECT_EQ(decision.kind, DecisionKind::kAllow);
  EXPECT_EQ(decision.rules, (Strings{"read", "read_again"}));
  EXPECT_EQ(decision.grant_seconds, 300);
  EXPECT_EQ(decision.veto, 0);
  EXPECT_EQ(decision.expire_seconds, 0);
}

TEST_F(CombineTest, DefaultDenyWithAndWithoutReason) {
  AddRule("read", ir::Effect::kAllow);
  Set(0, RuleStatus::kConditionFailed);
  policy_.default_rule.name = "default";
  policy_.default_rule.effect = ir::Effect::kDeny;
  Decision decision = Run();
  EXPECT_EQ(decision.kind, DecisionKind::kDeny);
  EXPECT_TRUE(decision.rules.empty());
  EXPECT_EQ(decision.reasons, (Strings{"no rule covers this action"}));
  EXPECT_TRUE(decision.decided_by_default);
  policy_.default_rule.deny_reason = "ask the platform team";
  EXPECT_EQ(Run().reasons, (Strings{"ask the platform team"}));
}

TEST_F(CombineTest, DefaultAllow) {
  policy_.default_rule.effect = ir::Effect::kAllow;
  Decision decision = Run();
  EXPECT_EQ(decision.kind, DecisionKind::kAllow);
  EXPECT_TRUE(decision.rules.empty());
  EXPECT_EQ(decision.grant_seconds, 300);
  EXPECT_TRUE(decision.decided_by_default);
}

TEST_F(CombineTest, DefaultRequire) {
  ir::Rule& rule = policy_.default_rule;
  rule.name = "default";
  rule.effect = ir::Effect::kRequire;
  rule.requirements = {Need(1, 0), Need(2, 0)};
  rule.expire_seconds = 3600;
  rule.channels = {0};
  outcome_.default_rule.status = RuleStatus::kCandidate;
  outcome_.default_rule.messages = {"someone wants something"};
  Decision decision = Run();
  EXPECT_EQ(decision.kind, DecisionKind::kRequireApproval);
  EXPECT_TRUE(decision.rules.empty());
  ASSERT_EQ(decision.requirements.size(), 1u);
  EXPECT_EQ(decision.requirements[0].count, 2);
  EXPECT_EQ(decision.expire_seconds, 3600);
  EXPECT_EQ(decision.grant_seconds, 300);
  EXPECT_EQ(decision.veto, 1);
  EXPECT_EQ(decision.channels, (Strings{"sre_room"}));
  EXPECT_EQ(decision.messages, (Strings{"someone wants something"}));
  EXPECT_TRUE(decision.decided_by_default);
}

TEST_F(CombineTest, DefaultWhoseMessageFailedDenies) {
  policy_.default_rule.name = "default";
  policy_.default_rule.effect = ir::Effect::kRequire;
  outcome_.default_rule.status = RuleStatus::kError;
  outcome_.default_rule.error = "integer overflow in `+`";
  Decision decision = Run();
  EXPECT_EQ(decision.kind, DecisionKind::kDeny);
  EXPECT_EQ(decision.reasons,
            (Strings{"rule `default` failed: integer overflow in `+`"}));
  EXPECT_EQ(decision.errors, decision.reasons);
}

TEST_F(CombineTest, InvalidRequestIsDeniedWithBinderErrors) {
  AddRule("read", ir::Effect::kAllow);
  Set(0, RuleStatus::kCandidate);  // ignored: the request is invalid
  request_.errors = {"params.rows: expected int, got string",
                     "params.dataset: required field is missing"};
  Decision decision = Run(/*explain=*/true);
  EXPECT_EQ(decision.kind, DecisionKind::kDeny);
  EXPECT_TRUE(decision.rules.empty());
  EXPECT_EQ(decision.reasons, (Strings{"invalid request"}));
  EXPECT_EQ(decision.errors, request_.errors);
  EXPECT_EQ(decision.grant_seconds, 0);
  EXPECT_EQ(decision.policy, "sha256:abc");
  EXPECT_TRUE(decision.explain.empty());
}

TEST_F(CombineTest, ExplainListsEveryMatchedRule) {
  SourceManager sources;
  FileId file = sources.Add("policies/data.signoff",
                            "rule r {\n  on data.export\n  unless x\n}\n");
  ir::Rule& unmatched = AddRule("unmatched", ir::Effect::kAllow);
  (void)unmatched;
  ir::Rule& failed = AddRule("failed", ir::Effect::kAllow);
  failed.conditions.resize(2);
  failed.conditions[1].text = "requester.id in data_owners";
  failed.conditions[1].negated = true;
  failed.conditions[1].span = {file, 28, 36};
  AddRule("params_rule", ir::Effect::kAllow);
  AddRule("broken", ir::Effect::kAllow);
  AddRule("winner", ir::Effect::kAllow);
  Set(1, RuleStatus::kConditionFailed);
  outcome_.rules[1].failed_condition = 1;
  Set(2, RuleStatus::kNotApplicable);
  Set(3, RuleStatus::kError);
  outcome_.rules[3].error = "integer overflow in `*`";
  Set(4, RuleStatus::kCandidate);
  Decision decision = Run(/*explain=*/true, &sources);
  ASSERT_EQ(decision.explain.size(), 4u);
  EXPECT_EQ(decision.explain[0].rule, "failed");
  EXPECT_EQ(decision.explain[0].status, "condition_failed");
  EXPECT_FALSE(decision.explain[0].candidate);
  EXPECT_EQ(decision.explain[0].condition,
            "unless requester.id in data_owners");
  EXPECT_EQ(decision.explain[0].location, "policies/data.signoff:3:3");
  EXPECT_EQ(decision.explain[1].status, "not_applicable");
  EXPECT_EQ(decision.explain[2].status, "error");
  EXPECT_TRUE(decision.explain[2].candidate);
  EXPECT_EQ(decision.explain[2].error, "integer overflow in `*`");
  EXPECT_EQ(decision.explain[3].status, "candidate");
  EXPECT_TRUE(decision.explain[3].candidate);
  // Without a SourceManager there is no location.
  EXPECT_EQ(Run(true, nullptr).explain[0].location, "");
  // Not asked for, not computed.
  EXPECT_TRUE(Run(false, &sources).explain.empty());
}

TEST_F(CombineTest, ExplainEndsWithTheDefaultWhenItDecided) {
  AddRule("r", ir::Effect::kAllow);
  Set(0, RuleStatus::kConditionFailed);
  outcome_.rules[0].failed_condition = 0;
  policy_.rules[0].conditions.resize(1);
  policy_.rules[0].conditions[0].text = "params.rows > 10";
  Decision decision = Run(/*explain=*/true);
  ASSERT_EQ(decision.explain.size(), 2u);
  EXPECT_EQ(decision.explain[0].condition, "params.rows > 10");
  EXPECT_EQ(decision.explain[1].rule, "default");
  EXPECT_EQ(decision.explain[1].status, "candidate");
  EXPECT_TRUE(decision.explain[1].candidate);
}

TEST_F(CombineTest, OneEscalation) {
  ir::Rule& rule = AddRule("confidential_exports", ir::Effect::kRequire);
  rule.requirements = {Need(2, 0),
                       Need(1, 1, "approver.team != requester.team")};
  rule.escalations = {Escalate(600, 2, {2, 0, 2})};
  Set(0, RuleStatus::kCandidate);
  Decision decision = Run();
  ASSERT_EQ(decision.kind, DecisionKind::kRequireApproval);
  ASSERT_EQ(decision.escalations.size(), 1u);
  const DecisionEscalation& e = decision.escalations[0];
  EXPECT_EQ(e.after_seconds, 600);
  EXPECT_EQ(e.group, 2);
  EXPECT_EQ(e.group_name, "owners");
  // Channel names, sorted and unique.
  EXPECT_EQ(e.channels, (Strings{"sre_room", "tickets"}));
  // Every require line of the declaring rule.
  EXPECT_EQ(e.requirements, (std::vector<int>{0, 1}));
  EXPECT_EQ(e.rule, "confidential_exports");
}

TEST_F(CombineTest, EscalationsWidenTheirOwnRulesMergedRequirements) {
  // a: sre, security where W. b: owners, sre (merges into a's 0), sre
  // again (same), security (no where: its own entry).
  ir::Rule& a = AddRule("a", ir::Effect::kRequire);
  a.requirements = {Need(1, 0), Need(1, 1, "approver.team != requester.team")};
  a.escalations = {Escalate(3600, 2, {1}), Escalate(600, 1)};
  ir::Rule& b = AddRule("b", ir::Effect::kRequire);
  b.requirements = {Need(1, 2), Need(2, 0), Need(3, 0), Need(1, 1)};
  b.escalations = {Escalate(600, 0, {2})};
  ir::Rule& skipped = AddRule("skipped", ir::Effect::kRequire);
  skipped.requirements = {Need(1, 0)};
  skipped.escalations = {Escalate(60, 0)};
  Set(0, RuleStatus::kCandidate);
  Set(1, RuleStatus::kCandidate);
  Set(2, RuleStatus::kConditionFailed);
  Decision decision = Run();
  ASSERT_EQ(decision.requirements.size(), 4u);
  EXPECT_EQ(decision.requirements[0].group_name, "sre");
  EXPECT_EQ(decision.requirements[0].count, 3);
  EXPECT_EQ(decision.requirements[2].group_name, "owners");
  EXPECT_EQ(decision.requirements[3].group_name, "security");
  ASSERT_EQ(decision.escalations.size(), 3u);
  // By after, then group name, then rule.
  EXPECT_EQ(decision.escalations[0],
            (DecisionEscalation{600, 1, "security", {}, {0, 1}, "a"}));
  EXPECT_EQ(decision.escalations[1],
            (DecisionEscalation{600, 0, "sre", {"tickets"}, {0, 2, 3}, "b"}));
  EXPECT_EQ(decision.escalations[2],
            (DecisionEscalation{3600, 2, "owners", {"sec_room"}, {0, 1}, "a"}));
  // The escalations' channels are not the decision's channels.
  EXPECT_TRUE(decision.channels.empty());
}

TEST_F(CombineTest, DuplicateEscalationsAreDropped) {
  // Two rules whose require lines merge into the same requirement and that
  // escalate alike give one escalation, the first rule's; a rule's own
  // repeated line too. A different group, delay, channel set or set of
  // requirements is kept.
  ir::Rule& a = AddRule("a", ir::Effect::kRequire);
  a.requirements = {Need(1, 0)};
  a.escalations = {Escalate(600, 2, {0, 1}), Escalate(600, 2, {1, 0}),
                   Escalate(600, 2, {1}), Escalate(900, 2, {0, 1})};
  ir::Rule& b = AddRule("b", ir::Effect::kRequire);
  b.requirements = {Need(2, 0)};
  b.escalations = {Escalate(600, 2, {0, 1})};
  ir::Rule& c = AddRule("c", ir::Effect::kRequire);
  c.requirements = {Need(1, 1)};
  c.escalations = {Escalate(600, 2, {0, 1})};
  for (size_t i = 0; i < 3; ++i) Set(i, RuleStatus::kCandidate);
  Decision decision = Run();
  ASSERT_EQ(decision.escalations.size(), 4u);
  EXPECT_EQ(decision.escalations[0],
            (DecisionEscalation{
                600, 2, "owners", {"sec_room", "sre_room"}, {0}, "a"}));
  EXPECT_EQ(decision.escalations[1],
            (DecisionEscalation{600, 2, "owners", {"sec_room"}, {0}, "a"}));
  EXPECT_EQ(decision.escalations[2],
            (DecisionEscalation{
                600, 2, "owners", {"sec_room", "sre_room"}, {1}, "c"}));
  EXPECT_EQ(decision.escalations[3],
            (DecisionEscalation{
                900, 2, "owners", {"sec_room", "sre_room"}, {0}, "a"}));
}

TEST_F(CombineTest, DefaultRequireEscalates) {
  ir::Rule& rule = policy_.default_rule;
  rule.name = "default";
  rule.effect = ir::Effect::kRequire;
  rule.requirements = {Need(1, 0)};
  rule.escalations = {Escalate(1800, 1, {2})};
  outcome_.default_rule.status = RuleStatus::kCandidate;
  Decision decision = Run();
  ASSERT_EQ(decision.kind, DecisionKind::kRequireApproval);
  ASSERT_EQ(decision.escalations.size(), 1u);
  EXPECT_EQ(
      decision.escalations[0],
      (DecisionEscalation{1800, 1, "security", {"tickets"}, {0}, "default"}));
}

TEST_F(CombineTest, NoEscalationsUnlessRequireApproval) {
  // A require candidate with escalations loses to a deny: none.
  ir::Rule& review = AddRule("review", ir::Effect::kRequire);
  review.requirements = {Need(1, 0)};
  review.escalations = {Escalate(600, 1)};
  // `review` dangles from here on: AddRule grows policy_.rules.
  AddRule("no", ir::Effect::kDeny);
  AddRule("yes", ir::Effect::kAllow);
  Set(0, RuleStatus::kCandidate);
  Set(1, RuleStatus::kCandidate);
  Set(2, RuleStatus::kCandidate);
  Decision deny = Run();
  EXPECT_EQ(deny.kind, DecisionKind::kDeny);
  EXPECT_TRUE(deny.escalations.empty());
  // Not a candidate: allow, and none.
  Set(0, RuleStatus::kConditionFailed);
  Set(1, RuleStatus::kConditionFailed);
  Decision allow = Run();
  EXPECT_EQ(allow.kind, DecisionKind::kAllow);
  EXPECT_TRUE(allow.escalations.empty());
  // A require default that does not decide escalates nothing either.
  policy_.default_rule.effect = ir::Effect::kRequire;
  policy_.default_rule.requirements = {Need(1, 0)};
  policy_.default_rule.escalations = {Escalate(600, 1)};
  EXPECT_TRUE(Run().escalations.empty());
  // A require rule without escalations has none.
  Set(0, RuleStatus::kCandidate);
  policy_.rules[0].escalations.clear();
  Decision plain = Run();
  EXPECT_EQ(plain.kind, DecisionKind::kRequireApproval);
  EXPECT_TRUE(plain.escalations.empty());
}

}  // namespace
}  // namespace signoff::eval
