// signoff::RequestBuilder: a built request binds exactly as the same request
// written as JSON, for every field type, and gets the same decision.
#include "runtime/engine/request_builder.h"

#include <gtest/gtest.h>

#include "compiler/eval/decision.h"
#include "compiler/eval/request.h"
#include "runtime/engine/engine.h"

namespace signoff {
namespace {

constexpr char kPolicy[] = R"(
group ops = ["olga"]

action job.run {
  name: string
  retries: int
  dry_run: bool
  timeout: duration
  not_before: time
  source: ip
  tags: list<string>
  shards: list<int>
  labels: map<string,string>
  note: string?
}

rule everything_is_read {
  on job.run
  when params.name != "" and params.retries >= 0 and not params.dry_run
  when params.timeout <= 2h and params.not_before > context.time
  when in_cidr(params.source, "10.0.0.0/8") and "nightly" in params.tags
  when 3 in params.shards and params.labels["env"] == "prod"
  when requester.kind == "agent" and requester.on_behalf_of == "dana"
  when "etl" in requester.groups and requester.attrs["tier"] == "1"
  when in_cidr(context.ip, "192.168.0.0/16") and context.ticket == "T-1"
  when context.justification != "" and context.attrs["region"] == "eu"
  when requester.team == "data" and not has(params.note)
  require 1 of ops
  message "{requester.id} runs {params.name}"
}
)";

constexpr char kJson[] = R"({
  "action": "job.run",
  "params": {"name": "reindex", "retries": 3, "dry_run": false,
             "timeout": "1h30m", "not_before": "2026-11-21T04:00:00Z",
             "source": "10.1.2.3", "tags": ["nightly", "db"],
             "shards": [1, 3], "labels": {"env": "prod"}},
  "requester": {"id": "agent:etl", "kind": "agent", "team": "data",
                "groups": ["etl"], "on_behalf_of": "dana",
                "attrs": {"tier": "1"}},
  "context": {"time": "2026-11-21T03:00:00Z", "ip": "192.168.1.1",
              "justification": "nightly", "ticket": "T-1",
              "attrs": {"region": "eu"}}
})";

RequestBuilder Everything() {
  RequestBuilder b;
  b.Action("job.run")
      .Param("name", "reindex")
      .Param("retries", 3)
      .Param("dry_run", false)
      .Param("timeout", absl::Minutes(90))
      .Param("not_before", absl::FromUnixSeconds(1795233600))
      .Param("source", std::string("10.1.2.3"))
      .Param("tags", std::vector<std::string>{"nightly", "db"})
      .Param("shards", std::vector<int64_t>{1, 3})
      .Param("labels", std::map<std::string, std::string>{{"env", "prod"}})
      .Requester("agent:etl")
      .RequesterKind("agent")
      .RequesterTeam("data")
      .RequesterGroups({"etl"})
      .OnBehalfOf("dana")
      .RequesterAttr("tier", "1")
      .Time(absl::FromUnixSeconds(1795230000))
      .Ip("192.168.1.1")
      .Justification("nightly")
      .Ticket("T-1")
      .ContextAttr("region", "eu");
  return b;
}

class RequestBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(engine_->LoadSources({{"job.signoff", kPolicy}}).ok());
  }
  const ir::Policy& policy() { return engine_->snapshot()->policy(); }

  eval::BoundRequest Bind(std::string_view json) {
    absl::StatusOr<eval::BoundRequest> bound = eval::BindJson(policy(), json);
    EXPECT_TRUE(bound.ok()) << bound.status();
    return bound.ok() ? *std::move(bound) : eval::BoundRequest{};
  }

  std::unique_ptr<Engine> engine_ = Engine::Create();
};

TEST_F(RequestBuilderTest, BindsExactlyAsTheSameJson) {
  absl::StatusOr<Request> built = Everything().Build();
  ASSERT_TRUE(built.ok()) << built.status();
  eval::BoundRequest from_builder = Bind(built->json());
  eval::BoundRequest from_json = Bind(kJson);
  EXPECT_TRUE(from_json.valid()) << from_json.errors[0];
  EXPECT_EQ(from_builder.errors, from_json.errors);
  EXPECT_EQ(from_builder.action, from_json.action);
  EXPECT_EQ(from_builder.action_id, from_json.action_id);
  EXPECT_EQ(from_builder.present, from_json.present);
  EXPECT_TRUE(from_builder.slots == from_json.slots);
}

TEST_F(RequestBuilderTest, GetsTheSameDecisionAsTheSameJson) {
  absl::StatusOr<eval::Decision> from_builder =
      engine_->Decide(Everything(), /*explain=*/true);
  absl::StatusOr<eval::Decision> from_json = engine_->Decide(kJson, true);
  ASSERT_TRUE(from_builder.ok() && from_json.ok());
  EXPECT_EQ(from_json->kind, eval::DecisionKind::kRequireApproval)
      << eval::DecisionToJson(*from_json, true, true);
  EXPECT_EQ(eval::DecisionToJson(*from_builder, true, false),
            eval::DecisionToJson(*from_json, true, false));
  EXPECT_EQ(from_builder->messages,
            std::vector<std::string>{"agent:etl runs reindex"});
}

TEST_F(RequestBuilderTest, WrongTypesAreADenyNamingTheField) {
  RequestBuilder b = Everything();
  b.Param("retries", "three").Param("timeout", "soon");
  absl::StatusOr<eval::Decision> decision = engine_->Decide(b);
  ASSERT_TRUE(decision.ok());
  EXPECT_EQ(decision->kind, eval::DecisionKind::kDeny);
  ASSERT_EQ(decision->errors.size(), 2u);
  EXPECT_EQ(decision->errors[0].rfind("params.retries: ", 0), 0u)
      << decision->errors[0];
  EXPECT_EQ(decision->errors[1].rfind("params.timeout: ", 0), 0u)
      << decision->errors[1];
}

TEST_F(RequestBuilderTest, MissingAndUnknownFieldsAsInJson) {
  absl::StatusOr<eval::Decision> decision =
      engine_->Decide(RequestBuilder().Action("job.run").Param("bogus", true));
  ASSERT_TRUE(decision.ok());
  EXPECT_EQ(decision->kind, eval::DecisionKind::kDeny);
  absl::StatusOr<eval::Decision> json =
      engine_->Decide(R"({"action": "job.run", "params": {"bogus": true}})");
  EXPECT_EQ(decision->errors, json->errors);
  EXPECT_FALSE(decision->errors.empty());
}

TEST_F(RequestBuilderTest, TheLastValueOfAFieldWins) {
  absl::StatusOr<Request> built = RequestBuilder()
                                      .Action("a.b")
                                      .Action("c.d")
                                      .Param("n", 1)
                                      .Param("n", 2)
                                      .Requester("x")
                                      .Requester("y")
                                      .Build();
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(built->json(),
            R"({"action":"c.d","params":{"n":2},"requester":{"id":"y"}})");
}

TEST_F(RequestBuilderTest, DurationsAndTimesUseTheLiteralSyntax) {
  absl::StatusOr<Request> built =
      RequestBuilder()
          .Param("d", absl::Hours(25) + absl::Seconds(1))
          .Param("z", absl::ZeroDuration())
          .Param("t", absl::FromUnixSeconds(0))
          .Build();
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(built->json(),
            R"({"params":{"d":"1d1h1s","z":"0s","t":"1970-01-01T00:00:00Z"}})");
}

TEST_F(RequestBuilderTest, IntegersOfEveryWidth) {
  absl::StatusOr<Request> built = RequestBuilder()
                                      .Param("a", int64_t{-5})
                                      .Param("b", uint64_t{7})
                                      .Param("c", short{1})
                                      .Param("d", true)
                                      .Build();
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(built->json(), R"({"params":{"a":-5,"b":7,"c":1,"d":true}})");
}

TEST_F(RequestBuilderTest, InvalidUtf8IsRefused) {
  absl::StatusOr<Request> built =
      RequestBuilder().Action("a.b").Requester("bad\xff").Build();
  EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->Decide(RequestBuilder().Requester("\xc3")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace signoff
