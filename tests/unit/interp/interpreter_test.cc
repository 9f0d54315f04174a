// Rule statuses, messages and whole decisions over a hand-built policy
// equivalent to the LANGUAGE.md §3 example.
#include "compiler/interp/interpreter.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/ir/ir.h"
#include "stdlib/absl_compat.h"

namespace signoff::interp {
namespace {

using eval::RuleStatus;
using ir::NodeId;
using ir::Op;
using Strings = std::vector<std::string>;

class InterpreterTest : public ::testing::Test {
 protected:
  InterpreterTest() {
    ir::Policy& p = policy_;
    p.digest = "sha256:feed";
    p.groups = {{"sre", {"alice", "bob", "carol"}, {}},
                {"security", {"sam", "sasha"}, {}},
                {"data_owners", {"dana"}, {}}};
    p.channels = {{"sre_room", "slack", "#sre-approvals"},
                  {"sec_room", "teams", "security/reviews"}};
    dataset_ = Slot(ir::SlotSource::kParams, "dataset", Type::kString);
    rows_ = Slot(ir::SlotSource::kParams, "rows", Type::kInt);
    destination_ = Slot(ir::SlotSource::kParams, "destination", Type::kString);
    classification_ =
        Slot(ir::SlotSource::kParams, "classification", Type::kString);
    requester_id_ = Slot(ir::SlotSource::kRequester, "id", Type::kString);
    requester_team_ = Slot(ir::SlotSource::kRequester, "team", Type::kString);
    approver_team_ = Slot(ir::SlotSource::kApprover, "team", Type::kString);
    p.actions.push_back(
        {"data.export",
         {{"dataset", Type::kString, false, dataset_},
          {"rows", Type::kInt, false, rows_},
          {"destination", Type::kString, false, destination_},
          {"classification", Type::kString, false, classification_},
          {"note", Type::kString, true, -1}},
         {}});
    p.actions.push_back({"files.read", {}, {}});  // declared, no params

    // rule no_public_exports { on data.export
    //   when params.destination like "s3://public-*"  deny "..." }
    p.globs.push_back(std::make_shared<stdlib::Glob>(
        *stdlib::Glob::Compile("s3://public-*")));
    ir::Rule& no_public = AddRule("no_public_exports", {"data", "export"});
    no_public.reads_params = true;
    no_public.applies = {true, false};
    no_public.conditions.push_back(
        {Node(Op::kLike, Type::kBool, {Read(destination_)}, 0, 0),
         false,
         "params.destination like \"s3://public-*\"",
         {}});
    no_public.effect = ir::Effect::kDeny;
    no_public.deny_reason = "exports to public buckets are forbidden";

    // rule confidential_exports (LANGUAGE.md §3).
    ir::Rule& confidential =
        AddRule("confidential_exports", {"data", "export"});
    confidential.reads_params = true;
    confidential.applies = {true, false};
    NodeId classified =
        Node(Op::kInList, Type::kBool,
             {Read(classification_), StrList({"confidential", "restricted"})});
    NodeId big = Node(Op::kGt, Type::kBool, {Read(rows_), Int(10000)});
    confidential.conditions.push_back(
        {Node(Op::kAnd, Type::kBool, {classified, big}),
         false,
         "params.classification in [\"confidential\", \"restricted\"] and "
         "params.rows > 10_000",
         {}});
    confidential.conditions.push_back(
        {Node(Op::kInGroup, Type::kBool, {Read(requester_id_)}, 0, 2),
         true,
         "requester.id in data_owners",
         {}});
    confidential.effect = ir::Effect::kRequire;
    NodeId where = Node(Op::kNe, Type::kBool,
                        {Read(approver_team_), Read(requester_team_)});
    confidential.requirements = {
        {2, 0, ir::kNoNode, ""},
        {1, 1, where, "approver.team != requester.team"}};
    confidential.expire_seconds = 1800;
    confidential.grant_seconds = 900;
    confidential.channels = {0, 1};
    confidential.has_message = true;
    confidential.message = {{"", Read(requester_id_)},
                            {" exports ", Read(rows_)},
                            {" rows of ", Read(dataset_)},
                            {" to ", Read(destination_)}};

    // rule readonly_is_free { on *.read  allow }
    ir::Rule& readonly = AddRule("readonly_is_free", {"*", "read"});
    readonly.applies = {false, true};
    readonly.effect = ir::Effect::kAllow;

    // rule rows_on_reads { on *.read  when params.rows > 0  deny }
    ir::Rule& rows_on_reads = AddRule("rows_on_reads", {"*", "read"});
    rows_on_reads.reads_params = true;
    rows_on_reads.applies = {false, false};
    rows_on_reads.conditions.push_back(
        {Node(Op::kGt, Type::kBool, {Read(rows_), Int(0)}),
         false,
         "params.rows > 0",
         {}});
    rows_on_reads.effect = ir::Effect::kDeny;

    p.default_rule.name = "default";
    p.default_rule.effect = ir::Effect::kDeny;
  }

  int Slot(ir::SlotSource source, std::string field, Type type) {
    policy_.slots.push_back({source, std::move(field), type});
    return static_cast<int>(policy_.slots.size()) - 1;
  }
  NodeId Node(Op op, Type type, std::vector<NodeId> args = {}, int64_t imm = 0,
              uint32_t ref = 0) {
    policy_.nodes.push_back({op, type, imm, ref, std::move(args), {}});
    return static_cast<NodeId>(policy_.nodes.size() - 1);
  }
  NodeId Read(int slot) {
    return Node(Op::kSlot, policy_.slots[slot].type, {}, 0,
                static_cast<uint32_t>(slot));
  }
  NodeId Int(int64_t i) { return Node(Op::kConstInt, Type::kInt, {}, i); }
  NodeId StrList(std::vector<std::string> items) {
    std::vector<uint32_t> indexes;
    for (std::string& item : items) {
      policy_.strings.push_back(std::move(item));
      indexes.push_back(static_cast<uint32_t>(policy_.strings.size() - 1));
    }
    policy_.string_lists.push_back(std::move(indexes));
    return Node(Op::kConstListString, Type::kListString, {}, 0,
                static_cast<uint32_t>(policy_.string_lists.size() - 1));
  }
  ir::Rule& AddRule(std::string name, std::vector<std::string> segments) {
    ir::Rule rule;
    rule.name = std::move(name);
    std::string text;
    for (const std::string& s : segments) text += (text.empty() ? "" : ".") + s;
    rule.patterns.push_back({std::move(segments), text});
    policy_.rules.push_back(std::move(rule));
    return policy_.rules.back();
  }

  eval::BoundRequest Bind(std::string_view json) {
    absl::StatusOr<eval::BoundRequest> request = eval::BindJson(policy_, json);
    EXPECT_TRUE(request.ok()) << request.status();
    return request.ok() ? *std::move(request) : eval::BoundRequest{};
  }
  std::vector<RuleStatus> Statuses(const eval::Outcome& outcome) {
    std::vector<RuleStatus> statuses;
    for (const eval::RuleOutcome& rule : outcome.rules) {
      statuses.push_back(rule.status);
    }
    return statuses;
  }
  eval::Decision DecideOk(std::string_view json, bool explain = false) {
    absl::StatusOr<eval::Decision> decision =
        Decide(policy_, json, eval::Defaults(), explain, nullptr);
    EXPECT_TRUE(decision.ok()) << decision.status();
    return decision.ok() ? *std::move(decision) : eval::Decision{};
  }

  static std::string Export(std::string_view destination, int64_t rows,
                            std::string_view requester = "agent:etl") {
    return absl::StrCat(
        R"({"action": "data.export", "params": {"dataset": "customers", "rows": )",
        rows, R"(, "destination": ")", AsAbsl(destination),
        R"(", "classification": "confidential"}, "requester": {"id": ")",
        AsAbsl(requester), R"(", "kind": "agent", "team": "data"}})");
  }

  ir::Policy policy_;
  int dataset_, rows_, destination_, classification_;
  int requester_id_, requester_team_, approver_team_;
};

TEST_F(InterpreterTest, RuleStatusesAndMessages) {
  eval::Outcome outcome =
      Evaluate(policy_, Bind(Export("s3://warehouse/q4", 50000)));
  EXPECT_EQ(Statuses(outcome),
            (std::vector<RuleStatus>{
                RuleStatus::kConditionFailed, RuleStatus::kCandidate,
                RuleStatus::kNotMatched, RuleStatus::kNotMatched}));
  EXPECT_EQ(outcome.rules[0].failed_condition, 0);
  EXPECT_EQ(outcome.rules[1].messages,
            (Strings{"agent:etl exports 50000 rows of customers to "
                     "s3://warehouse/q4"}));
  EXPECT_TRUE(outcome.rules[0].messages.empty());
}

TEST_F(InterpreterTest, UnlessFailsWithItsIndex) {
  eval::Outcome outcome =
      Evaluate(policy_, Bind(Export("s3://warehouse/q4", 50000, "dana")));
  EXPECT_EQ(outcome.rules[1].status, RuleStatus::kConditionFailed);
  EXPECT_EQ(outcome.rules[1].failed_condition, 1);
  outcome = Evaluate(policy_, Bind(Export("s3://warehouse/q4", 10000)));
  EXPECT_EQ(outcome.rules[1].status, RuleStatus::kConditionFailed);
  EXPECT_EQ(outcome.rules[1].failed_condition, 0);
}

TEST_F(InterpreterTest, ApplicabilityForDeclaredAndUndeclaredActions) {
  // files.read is declared without `rows`: rows_on_reads does not apply.
  eval::Outcome outcome =
      Evaluate(policy_, Bind(R"({"action": "files.read"})"));
  EXPECT_EQ(Statuses(outcome),
            (std::vector<RuleStatus>{
                RuleStatus::kNotMatched, RuleStatus::kNotMatched,
                RuleStatus::kCandidate, RuleStatus::kNotApplicable}));
  // logs.read is undeclared: rules reading params never apply, even when
  // the request carries the field.
  outcome = Evaluate(policy_,
                     Bind(R"({"action": "logs.read", "params": {"rows": 5}})"));
  EXPECT_EQ(outcome.rules[2].status, RuleStatus::kCandidate);
  EXPECT_EQ(outcome.rules[3].status, RuleStatus::kNotApplicable);
}

TEST_F(InterpreterTest, InvalidRequestEvaluatesNothing) {
  eval::BoundRequest request =
      Bind(R"({"action": "data.export", "params": {"rows": "many"}})");
  ASSERT_FALSE(request.valid());
  eval::Outcome outcome = Evaluate(policy_, request);
  ASSERT_EQ(outcome.rules.size(), policy_.rules.size());
  for (const eval::RuleOutcome& rule : outcome.rules) {
    EXPECT_EQ(rule.status, RuleStatus::kNotMatched);
  }
}

TEST_F(InterpreterTest, RequireDecisionAsJson) {
  eval::Decision decision = DecideOk(Export("s3://warehouse/q4", 50000));
  EXPECT_EQ(
      eval::DecisionToJson(decision, false, false),
      R"({"decision":"require_approval","rules":["confidential_exports"],)"
      R"("reasons":[],"requirements":[{"count":2,"group":"sre"},)"
      R"({"count":1,"group":"security","where":"approver.team != requester.team"}],)"
      R"("veto":1,"expire":"30m","grant":"15m","channels":["sec_room","sre_room"],)"
      R"("messages":["agent:etl exports 50000 rows of customers to s3://warehouse/q4"],)"
      R"("errors":[],"policy":"sha256:feed"})");
}

TEST_F(InterpreterTest, DenyOverridesRequire) {
  eval::Decision decision = DecideOk(Export("s3://public-dump", 50000), true);
  EXPECT_EQ(decision.kind, eval::DecisionKind::kDeny);
  EXPECT_EQ(decision.rules, (Strings{"no_public_exports"}));
  EXPECT_EQ(decision.reasons,
            (Strings{"exports to public buckets are forbidden"}));
  ASSERT_EQ(decision.explain.size(), 2u);
  EXPECT_EQ(decision.explain[0].status, "candidate");
  EXPECT_EQ(decision.explain[1].status, "candidate");
}

TEST_F(InterpreterTest, DefaultDecidesWhenNoRuleIsACandidate) {
  eval::Decision decision = DecideOk(Export("s3://warehouse/q4", 5), true);
  EXPECT_EQ(decision.kind, eval::DecisionKind::kDeny);
  EXPECT_EQ(decision.reasons, (Strings{"no rule covers this action"}));
  EXPECT_TRUE(decision.decided_by_default);
  ASSERT_EQ(decision.explain.size(), 3u);
  EXPECT_EQ(decision.explain[1].condition,
            "params.classification in [\"confidential\", \"restricted\"] and "
            "params.rows > 10_000");
  EXPECT_EQ(decision.explain[2].rule, "default");
  decision = DecideOk(R"({"action": "pager.page"})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kDeny);
  EXPECT_TRUE(decision.explain.empty());
}

TEST_F(InterpreterTest, OverflowFailsClosedNamingTheRule) {
  // rule scaled { on data.export  when params.rows * 1000 > 0  allow }
  ir::Rule& scaled = AddRule("scaled", {"data", "export"});
  scaled.reads_params = true;
  scaled.applies = {true, false};
  scaled.effect = ir::Effect::kAllow;
  scaled.conditions.push_back(
      {Node(Op::kGt, Type::kBool,
            {Node(Op::kMul, Type::kInt, {Read(rows_), Int(1000)}), Int(0)}),
       false,
       "params.rows * 1000 > 0",
       {}});
  eval::Decision decision =
      DecideOk(Export("s3://warehouse/q4", int64_t{1} << 60), true);
  EXPECT_EQ(decision.kind, eval::DecisionKind::kDeny);
  EXPECT_EQ(decision.rules, (Strings{"scaled"}));
  EXPECT_EQ(decision.reasons,
            (Strings{"rule `scaled` failed: integer overflow in `*`"}));
  EXPECT_EQ(decision.errors, decision.reasons);
  EXPECT_EQ(decision.explain.back().status, "error");
  // Small enough: no error, and the allow loses to the require.
  decision = DecideOk(Export("s3://warehouse/q4", 50000));
  EXPECT_EQ(decision.kind, eval::DecisionKind::kRequireApproval);
}

TEST_F(InterpreterTest, MessageEvaluationErrorMakesTheRuleAnError) {
  policy_.rules[1].message.push_back(
      {" x",
       Node(Op::kNeg, Type::kInt, {Int(std::numeric_limits<int64_t>::min())})});
  eval::Outcome outcome =
      Evaluate(policy_, Bind(Export("s3://warehouse/q4", 50000)));
  EXPECT_EQ(outcome.rules[1].status, RuleStatus::kError);
  EXPECT_EQ(outcome.rules[1].error, "integer overflow in `unary -`");
  EXPECT_TRUE(outcome.rules[1].messages.empty());
}

TEST_F(InterpreterTest, DefaultRequireRendersItsMessage) {
  ir::Rule& fallback = policy_.default_rule;
  fallback.effect = ir::Effect::kRequire;
  fallback.requirements = {{1, 0, ir::kNoNode, ""}};
  fallback.has_message = true;
  fallback.message = {{"unreviewed action ", Node(Op::kAction, Type::kString)}};
  eval::Decision decision = DecideOk(R"({"action": "pager.page"})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kRequireApproval);
  EXPECT_EQ(decision.messages, (Strings{"unreviewed action pager.page"}));
  EXPECT_EQ(decision.expire_seconds, 3600);
  EXPECT_EQ(decision.grant_seconds, 300);
  EXPECT_TRUE(decision.rules.empty());
}

TEST_F(InterpreterTest, InvalidAndNonJsonRequests) {
  eval::Decision decision =
      DecideOk(R"({"action": "data.export", "params": {"rows": "many"}})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kDeny);
  EXPECT_EQ(decision.reasons, (Strings{"invalid request"}));
  EXPECT_EQ(decision.errors,
            (Strings{"params.dataset: required field is missing",
                     "params.rows: expected int, got string",
                     "params.destination: required field is missing",
                     "params.classification: required field is missing"}));
  absl::StatusOr<eval::Decision> not_json =
      Decide(policy_, "{", eval::Defaults(), false, nullptr);
  EXPECT_EQ(not_json.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(InterpreterTest, WhereIsEvaluatedPerApprover) {
  eval::BoundRequest request = Bind(Export("s3://warehouse/q4", 50000));
  NodeId where = policy_.rules[1].requirements[1].where;
  eval::Approver approver;
  approver.team = "data";  // same team as the requester
  eval::BindApprover(policy_, approver, request);
  EXPECT_FALSE(EvaluateWhere(policy_, where, request));
  approver.team = "security";
  eval::BindApprover(policy_, approver, request);
  EXPECT_TRUE(EvaluateWhere(policy_, where, request));
  EXPECT_TRUE(EvaluateWhere(policy_, ir::kNoNode, request));
  // An evaluation error makes the approver ineligible.
  NodeId overflow = Node(
      Op::kGt, Type::kBool,
      {Node(Op::kNeg, Type::kInt, {Int(std::numeric_limits<int64_t>::min())}),
       Int(0)});
  EXPECT_FALSE(EvaluateWhere(policy_, overflow, request));
}

}  // namespace
}  // namespace signoff::interp
