// The interpreter over policies compiled from source by the real pipeline
// (parse, check, lower), including the LANGUAGE.md examples and the
// embedded std/actions module.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/driver/driver.h"
#include "compiler/eval/decision.h"
#include "compiler/interp/interpreter.h"
#include "tests/unit/testing/language_md.h"

namespace signoff::interp {
namespace {

using Strings = std::vector<std::string>;

// Rules beyond LANGUAGE.md §3: overflow, time zones and CIDRs, optional
// params, directory groups.
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
)";

// LANGUAGE.md §3 without its `action data.export` (std/actions declares it),
// followed by kMoreRules.
std::string Policy() {
  return std::string(testdata::kLanguageExampleGroupsAndChannels) +
         std::string(testdata::kLanguageExampleRules) + std::string(kMoreRules);
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<driver::Compilation>> compilation =
        driver::CompileSources({{"policy.signoff", Policy()}},
                               driver::LoadOptions());
    ASSERT_TRUE(compilation.ok()) << compilation.status();
    compilation_ = *std::move(compilation);
    ASSERT_TRUE(compilation_->ok()) << "the example policy does not compile";
  }

  eval::Decision Run(std::string_view json, EvalOptions options = {}) {
    absl::StatusOr<eval::Decision> decision =
        Decide(*compilation_->policy, json, eval::Defaults(),
               /*explain=*/true, &compilation_->sources, options);
    EXPECT_TRUE(decision.ok()) << decision.status();
    return decision.ok() ? *std::move(decision) : eval::Decision{};
  }

  std::unique_ptr<driver::Compilation> compilation_;
};

TEST_F(PipelineTest, LanguageSpecExampleRequest) {
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
  std::string json = eval::DecisionToJson(decision, false, false);
  EXPECT_EQ(
      json.substr(0, json.find(R"(,"policy":)")),
      R"({"decision":"require_approval","rules":["confidential_exports"],)"
      R"("reasons":[],"requirements":[{"count":2,"group":"sre"},)"
      R"({"count":1,"group":"security","where":"approver.team != requester.team"}],)"
      R"("veto":1,"expire":"30m","grant":"15m","channels":["sec_room","sre_room"],)"
      R"("messages":["agent:etl exports 50000 rows of customers to s3://warehouse/q4"],)"
      R"("errors":[])");
  EXPECT_EQ(decision.policy.rfind("sha256:", 0), 0u);
}

TEST_F(PipelineTest, DenyOverflowAndDefault) {
  eval::Decision decision = Run(R"({"action": "data.export", "params": {
      "dataset": "d", "rows": 5, "destination": "s3://public-x",
      "classification": "public"}})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kDeny);
  EXPECT_EQ(decision.rules, (Strings{"no_public_exports"}));

  decision = Run(R"({"action": "data.export", "params": {
      "dataset": "d", "rows": 9000000000000000000, "destination": "s3://x",
      "classification": "public"}})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kDeny);
  EXPECT_EQ(decision.reasons,
            (Strings{"rule `scaled_rows` failed: integer overflow in `*`"}));

  decision = Run(R"({"action": "pager.page"})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kDeny);
  EXPECT_EQ(decision.reasons, (Strings{"no rule covers this action"}));
  EXPECT_TRUE(decision.decided_by_default);

  decision = Run(R"({"action": "files.read"})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kAllow);
  EXPECT_EQ(decision.grant_seconds, 300);
}

TEST_F(PipelineTest, StdActionsSchemasValidateRequests) {
  eval::Decision decision =
      Run(R"({"action": "data.export", "params": {"rows": "x", "foo": 1}})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kDeny);
  EXPECT_EQ(decision.reasons, (Strings{"invalid request"}));
  EXPECT_EQ(decision.errors,
            (Strings{"params.dataset: required field is missing",
                     "params.rows: expected int, got string",
                     "params.destination: required field is missing",
                     "params.classification: required field is missing",
                     "params.foo: unknown field for action `data.export`"}));
  // Optional duration: absent is fine, present is checked.
  decision = Run(R"({"action": "iam.role.grant", "params": {
      "principal": "user:x", "role": "owner", "scope": "proj"}})");
  EXPECT_EQ(decision.reasons, (Strings{"no rule covers this action"}));
  decision = Run(R"({"action": "iam.role.grant", "params": {
      "principal": "user:x", "role": "owner", "scope": "proj",
      "duration": "8d"}})");
  EXPECT_EQ(decision.rules, (Strings{"long_grants"}));
  EXPECT_EQ(decision.reasons, (Strings{"denied by rule `long_grants`"}));
}

TEST_F(PipelineTest, DirectoryGroupsAskTheDirectory) {
  std::string apply = R"({"action": "infra.apply",
      "params": {"workspace": "net", "environment": "prod",
                 "resources_changed": 3, "destroys": 0},
      "requester": {"id": "dave", "kind": "human"}})";
  EXPECT_TRUE(Run(apply).decided_by_default);  // no directory: no members
  EvalOptions options;
  options.directory_member = [](std::string_view group, std::string_view id) {
    return group == "oncall-primary" && id == "dave";
  };
  eval::Decision decision = Run(apply, options);
  EXPECT_EQ(decision.kind, eval::DecisionKind::kAllow);
  EXPECT_EQ(decision.rules, (Strings{"oncall_applies"}));
}

TEST_F(PipelineTest, TimeZonesAndCidrs) {
  // 02:30 in Berlin (winter, UTC+1) from inside 10/8: night -> require.
  std::string night = R"({"action": "secret.read",
      "params": {"path": "kv/prod/x", "environment": "prod"},
      "context": {"time": "2026-01-15T01:30:00Z", "ip": "10.1.2.3"}})";
  eval::Decision decision = Run(night);
  EXPECT_EQ(decision.kind, eval::DecisionKind::kRequireApproval);
  ASSERT_EQ(decision.requirements.size(), 1u);
  EXPECT_EQ(decision.requirements[0].group_name, "oncall");
  EXPECT_EQ(decision.rules, (Strings{"night_secrets"}));  // beats the allow
  // Midday from inside: only `*.read` is free matches.
  decision = Run(R"({"action": "secret.read",
      "params": {"path": "kv/prod/x", "environment": "prod"},
      "context": {"time": "2026-01-15T11:30:00Z", "ip": "10.1.2.3"}})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kAllow);
  EXPECT_EQ(decision.rules, (Strings{"readonly_is_free"}));
  ASSERT_EQ(decision.explain.size(), 2u);
  EXPECT_EQ(decision.explain[0].rule, "readonly_is_free");
  EXPECT_EQ(decision.explain[1].status, "condition_failed");
  EXPECT_EQ(decision.explain[1].condition,
            "hour(context.time, \"Europe/Berlin\") in 0..5 or "
            "not in_cidr(context.ip, \"10.0.0.0/8\")");
  EXPECT_EQ(decision.explain[1].location.rfind("policy.signoff:", 0), 0u)
      << decision.explain[1].location;
  // Summer: 01:30 UTC is 03:30 in Berlin (UTC+2), inside the window.
  decision = Run(R"({"action": "secret.read",
      "params": {"path": "kv/prod/x", "environment": "prod"},
      "context": {"time": "2026-07-15T01:30:00Z", "ip": "10.1.2.3"}})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kRequireApproval);
  decision = Run(R"({"action": "secret.read",
      "params": {"path": "kv/prod/x", "environment": "prod"},
      "context": {"time": "2026-07-15T04:30:00Z", "ip": "10.1.2.3"}})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kAllow);  // 06:30 local
  // No ip given: not in any block -> require.
  decision = Run(R"({"action": "secret.read",
      "params": {"path": "kv/prod/x", "environment": "prod"},
      "context": {"time": "2026-01-15T11:30:00Z"}})");
  EXPECT_EQ(decision.kind, eval::DecisionKind::kRequireApproval);
}

}  // namespace
}  // namespace signoff::interp
