// The JIT over policies compiled from source (parse, check, lower): the
// LANGUAGE.md example, declared and undeclared actions, optional fields,
// messages, directory groups, and requests not shaped by BindJson.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/render.h"
#include "compiler/driver/driver.h"
#include "compiler/eval/decision.h"
#include "compiler/jit/jit.h"
#include "tests/unit/jit/jit_test_util.h"
#include "tests/unit/testing/language_md.h"

namespace signoff::jit {
namespace {

using eval::RuleStatus;
using testing::CompileOrDie;
using testing::DecideBoth;
using testing::EvaluateBoth;
using Strings = std::vector<std::string>;

constexpr std::string_view kMoreRules = R"(
rule scaled_rows {
  on data.export
  when params.rows * 1000 > 5_000_000_000_000_000
  deny "too many rows"
}

rule night_secrets {
  on secret.read
  when hour(context.time, "Europe/Berlin") in 0..5 or not in_cidr(context.ip, "10.0.0.0/8")
  require 1 of oncall
  message "{requester.id} reads {params.path} at {context.time} from {context.ip}"
}

rule long_grants {
  on iam.role.grant
  when has(params.duration) and params.duration > 7d
  deny
}

rule oncall_applies {
  on infra.apply
  when requester.id in oncall
  allow
}

rule agents_on_anything {
  on **
  when requester.kind == "agent" and lower(requester.team) in ["data", "ml"]
  unless requester.on_behalf_of == ""
  require 1 of reviewers
  message "{action} by {requester.id} for {requester.on_behalf_of}, groups {requester.groups}, attrs {requester.attrs}"
}

rule weekend_changes {
  on *.apply, deploy.**
  when weekday(context.time, "UTC") in [6, 7] and len(requester.groups) < 2
  unless "release" in requester.groups or requester.attrs["override"] == "yes"
  deny "no weekend changes"
}

rule change_tickets {
  on *.write, *.*.write
  when not starts_with(context.ticket, "CHG-") or ends_with(context.ticket, "-0")
  when not contains(context.justification, "test") and len(context.justification) > 3
  when has(context.attrs, "source") or context.attrs["source"] matches "ci-[a-z]+"
  deny "a change ticket is required"
}
)";

std::string Policy() {
  return std::string(testdata::kLanguageExampleGroupsAndChannels) +
         std::string(testdata::kLanguageExampleRules) + std::string(kMoreRules);
}

class JitPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<driver::Compilation>> compilation =
        driver::CompileSources({{"policy.signoff", Policy()}},
                               driver::LoadOptions());
    ASSERT_TRUE(compilation.ok()) << compilation.status();
    compilation_ = *std::move(compilation);
    ASSERT_TRUE(compilation_->ok())
        << RenderDiagnostics(compilation_->sources, compilation_->diags.all(),
                             DiagFormat::kText, {});
    jit_ =
        CompileOrDie(std::make_shared<const ir::Policy>(*compilation_->policy));
    ASSERT_NE(jit_, nullptr);
  }

  eval::BoundRequest Bind(std::string_view json) {
    absl::StatusOr<eval::BoundRequest> request =
        eval::BindJson(jit_->policy(), json);
    EXPECT_TRUE(request.ok()) << request.status();
    return request.ok() ? *std::move(request) : eval::BoundRequest{};
  }

  // Both back ends, compared; the JIT's decision.
  eval::Decision Run(std::string_view json,
                     const interp::EvalOptions& options = {}) {
    eval::BoundRequest request = Bind(json);
    DecideBoth(*jit_, request, options, &compilation_->sources);
    eval::Outcome outcome = jit_->Evaluate(request, options);
    return eval::Combine(jit_->policy(), request, outcome, eval::Defaults(),
                         true, &compilation_->sources);
  }

  int RuleIndex(std::string_view name) {
    const std::vector<ir::Rule>& rules = jit_->policy().rules;
    for (size_t i = 0; i < rules.size(); ++i) {
      if (rules[i].name == name) return static_cast<int>(i);
    }
    ADD_FAILURE() << "no rule " << name;
    return 0;
  }

  std::unique_ptr<driver::Compilation> compilation_;
  std::unique_ptr<CompiledPolicy> jit_;
};

TEST_F(JitPipelineTest, LanguageSpecExampleRequest) {
  eval::Decision decision = Run(R"({
    "action": "data.export",
    "params": {"dataset": "customers", "rows": 50000,
               "destination": "s3://warehouse/q4",
               "classification": "confidential"},
    "requester": {"id": "agent:etl", "kind": "agent", "team": "data",
                  "on_behalf_of": "dana"},
    "context": {"time": "2026-11-21T03:00:00Z", "ip": "10.1.2.3",
                "justification": "Q4 report"}
  })");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kRequireApproval);
  EXPECT_EQ(decision.rules,
            (Strings{"confidential_exports", "agents_on_anything"}));
  EXPECT_EQ(
      decision.messages,
      (Strings{"agent:etl exports 50000 rows of customers to "
               "s3://warehouse/q4",
               "data.export by agent:etl for dana, groups [], attrs {}"}));
}

TEST_F(JitPipelineTest, DenyOverflowDefaultAndUndeclared) {
  eval::Decision decision = Run(R"({"action": "data.export", "params": {
      "dataset": "d", "rows": 5, "destination": "s3://public-x",
      "classification": "public"}})");
  EXPECT_EQ(decision.rules, (Strings{"no_public_exports"}));
  decision = Run(R"({"action": "data.export", "params": {
      "dataset": "d", "rows": 9000000000000000000, "destination": "s3://x",
      "classification": "public"}})");
  EXPECT_EQ(decision.reasons,
            (Strings{"rule `scaled_rows` failed: integer overflow in `*`"}));
  decision = Run(R"({"action": "pager.page"})");
  EXPECT_TRUE(decision.decided_by_default);
  decision = Run(R"({"action": "files.read"})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kAllow);
  // Undeclared actions: rules that read params do not apply.
  eval::BoundRequest request =
      Bind(R"({"action": "logs.read", "params": {"path": "x"},
               "requester": {"kind": "agent", "team": "ML",
                             "on_behalf_of": "dana"}})");
  ASSERT_EQ(request.action_id, -1);
  eval::Outcome outcome = EvaluateBoth(*jit_, request);
  EXPECT_EQ(outcome.rules[RuleIndex("readonly_is_free")].status,
            RuleStatus::kCandidate);
  EXPECT_EQ(outcome.rules[RuleIndex("agents_on_anything")].status,
            RuleStatus::kCandidate);
  EXPECT_EQ(outcome.rules[RuleIndex("agents_on_anything")].messages,
            (Strings{"logs.read by  for dana, groups [], attrs {}"}));
  EXPECT_EQ(outcome.rules[RuleIndex("no_public_exports")].status,
            RuleStatus::kNotMatched);
  // An undeclared action matching a rule that reads params.
  request = Bind(R"({"action": "ops.weird.write"})");
  outcome = EvaluateBoth(*jit_, request);
  EXPECT_EQ(outcome.rules[RuleIndex("change_tickets")].status,
            RuleStatus::kConditionFailed);
  EXPECT_EQ(outcome.rules[RuleIndex("change_tickets")].failed_condition, 1);
  request = Bind(R"({"action": "deploy.prod.write",
                     "context": {"time": "2026-07-18T10:00:00Z"}})");
  outcome = EvaluateBoth(*jit_, request);
  EXPECT_EQ(outcome.rules[RuleIndex("weekend_changes")].status,
            RuleStatus::kCandidate);
}

TEST_F(JitPipelineTest, OptionalFields) {
  std::string grant = R"({"action": "iam.role.grant", "params": {
      "principal": "user:x", "role": "owner", "scope": "proj")";
  eval::Decision decision = Run(grant + "}}");
  EXPECT_TRUE(decision.decided_by_default);
  decision = Run(grant + R"(, "duration": "8d"}})");
  EXPECT_EQ(decision.rules, (Strings{"long_grants"}));
  decision = Run(grant + R"(, "duration": "7d"}})");
  EXPECT_TRUE(decision.decided_by_default);
  // An explicit zero is present.
  eval::BoundRequest request = Bind(grant + R"(, "duration": "0s"}})");
  eval::Outcome outcome = EvaluateBoth(*jit_, request);
  EXPECT_EQ(outcome.rules[RuleIndex("long_grants")].status,
            RuleStatus::kConditionFailed);
}

TEST_F(JitPipelineTest, DirectoryGroupsAskTheDirectory) {
  std::string apply = R"({"action": "infra.apply",
      "params": {"workspace": "net", "environment": "prod",
                 "resources_changed": 3, "destroys": 0},
      "requester": {"id": "dave", "kind": "human"},
      "context": {"time": "2026-07-15T10:00:00Z"}})";
  EXPECT_TRUE(Run(apply).decided_by_default);
  int asked = 0;
  interp::EvalOptions options;
  options.directory_member = [&](std::string_view group, std::string_view id) {
    ++asked;
    return group == "oncall-primary" && id == "dave";
  };
  eval::Decision decision = Run(apply, options);
  EXPECT_EQ(decision.kind, eval::DecisionKind::kAllow);
  EXPECT_EQ(decision.rules, (Strings{"oncall_applies"}));
  EXPECT_GT(asked, 0);
}

TEST_F(JitPipelineTest, TimeZonesCidrsStringsAndMaps) {
  for (
      std::string_view json : {
          R"({"action": "secret.read", "params": {"path": "kv/x", "environment": "prod"},
               "context": {"time": "2026-01-15T01:30:00Z", "ip": "10.1.2.3"}})",
          R"({"action": "secret.read", "params": {"path": "kv/x", "environment": "prod"},
               "context": {"time": "2026-01-15T11:30:00Z", "ip": "10.1.2.3"}})",
          R"({"action": "secret.read", "params": {"path": "kv/x", "environment": "prod"},
               "context": {"time": "2026-07-15T04:30:00Z", "ip": "2001:db8::1"}})",
          R"({"action": "secret.read", "params": {"path": "kv/x", "environment": "prod"},
               "context": {"time": "2026-01-15T11:30:00Z"}})",
          R"({"action": "net.apply", "context": {"time": "2026-07-18T10:00:00Z"},
               "requester": {"groups": ["release"]}})",
          R"({"action": "net.apply", "context": {"time": "2026-07-19T10:00:00Z"},
               "requester": {"groups": ["a"], "attrs": {"override": "yes"}}})",
          R"({"action": "net.apply", "context": {"time": "2026-07-19T10:00:00Z"},
               "requester": {"groups": ["a"], "attrs": {"override": "no"}}})",
          R"({"action": "net.apply", "context": {"time": "2026-07-19T10:00:00Z"},
               "requester": {"groups": ["a", "b"]}})",
          R"({"action": "db.write", "context": {"ticket": "CHG-10",
               "justification": "hotfix", "attrs": {"source": "ci-main"}}})",
          R"({"action": "db.write", "context": {"ticket": "CHG-0",
               "justification": "hotfix"}})",
          R"({"action": "db.write", "context": {"ticket": "INC-1",
               "justification": "a test"}})",
          R"({"action": "db.write", "context": {"ticket": "INC-1",
               "justification": "hotfix", "attrs": {"x": "y"}}})",
          R"({"action": "ml.train", "requester": {"kind": "agent",
               "team": "Data", "on_behalf_of": "sam", "groups": ["g1", "g2"],
               "attrs": {"k": "v", "a": "b"}}})",
      }) {
    SCOPED_TRACE(json);
    Run(json);
  }
}

TEST_F(JitPipelineTest, InvalidRequestsEvaluateNothing) {
  eval::BoundRequest request =
      Bind(R"({"action": "data.export", "params": {"rows": "many"}})");
  ASSERT_FALSE(request.valid());
  eval::Outcome outcome = EvaluateBoth(*jit_, request);
  for (const eval::RuleOutcome& rule : outcome.rules) {
    EXPECT_EQ(rule.status, RuleStatus::kNotMatched);
  }
  EXPECT_EQ(outcome.default_rule.status, RuleStatus::kNotMatched);
}

// Requests built by hand rather than by BindJson: the JIT takes what it can
// and leaves the rest to the interpreter, with the same outcome.
TEST_F(JitPipelineTest, HandBuiltRequests) {
  eval::BoundRequest request = Bind(R"({"action": "data.export", "params": {
      "dataset": "d", "rows": 50000, "destination": "s3://x",
      "classification": "restricted"}, "requester": {"id": "x"}})");
  // An action id that disagrees with the name: patterns follow the name.
  eval::BoundRequest renamed = request;
  renamed.action = "files.read";
  EvaluateBoth(*jit_, renamed, {}, /*native=*/false);
  renamed.action_id = 12345;
  EvaluateBoth(*jit_, renamed, {}, /*native=*/false);
  renamed.action_id = -1;  // undeclared, consistent
  EvaluateBoth(*jit_, renamed);
  renamed.action = "secret.read";  // a declared action's name with no id
  EvaluateBoth(*jit_, renamed, {}, /*native=*/false);
  // Fewer presence flags than slots: absent.
  eval::BoundRequest fewer = request;
  fewer.present.clear();
  EvaluateBoth(*jit_, fewer);
  // A slot of the wrong type, and a missing slot: the interpreter decides.
  eval::BoundRequest wrong = request;
  for (eval::Value& value : wrong.slots) {
    if (std::holds_alternative<int64_t>(value)) value = std::string("x");
  }
  EvaluateBoth(*jit_, wrong, {}, /*native=*/false);
  eval::BoundRequest missing = request;
  missing.slots.pop_back();
  EvaluateBoth(*jit_, missing, {}, /*native=*/false);
}

}  // namespace
}  // namespace signoff::jit
