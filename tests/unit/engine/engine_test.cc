// signoff::Engine: loading from files and memory, deciding JSON, explain,
// refusals that keep the old set, options, back ends and fallback.
#include "runtime/engine/engine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "compiler/eval/decision.h"
#include "nlohmann/json.hpp"

namespace signoff {
namespace {

const std::string kSource = SIGNOFF_SOURCE_DIR;
const std::string kExports = kSource + "/examples/data-exports";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr char kPolicy[] = R"(
group sre = ["alice", "bob"]
group oncall = directory("oncall-primary")

rule reads {
  on *.read
  allow
}

rule deploys {
  on app.deploy
  when requester.team != "sre"
  require 1 of sre
}

rule oncall_restarts {
  on app.restart
  when requester.id in oncall
  allow
}
)";

std::unique_ptr<Engine> Loaded(EngineOptions options = {}) {
  std::unique_ptr<Engine> engine = Engine::Create(std::move(options));
  absl::Status loaded = engine->LoadSources({{"policy.signoff", kPolicy}});
  EXPECT_TRUE(loaded.ok()) << loaded;
  return engine;
}

TEST(EngineTest, DecidesTheSampleRequestOfAnExample) {
  std::unique_ptr<Engine> engine = Engine::Create();
  ASSERT_TRUE(engine->LoadFiles({kExports}).ok());
  absl::StatusOr<eval::Decision> decision =
      engine->Decide(ReadFile(kExports + "/requests/confidential-export.json"));
  ASSERT_TRUE(decision.ok()) << decision.status();
  auto actual =
      nlohmann::json::parse(eval::DecisionToJson(*decision, false, false));
  auto expected = nlohmann::json::parse(
      ReadFile(kExports + "/requests/confidential-export.expected.json"));
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    EXPECT_EQ(actual[it.key()], it.value()) << it.key();
  }
  EXPECT_EQ(decision->policy, engine->snapshot()->digest());
  EXPECT_EQ(decision->policy.rfind("sha256:", 0), 0u);
}

TEST(EngineTest, DecidesFromSources) {
  std::unique_ptr<Engine> engine = Loaded();
  absl::StatusOr<eval::Decision> read =
      engine->Decide(R"({"action": "billing.read"})");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->kind, eval::DecisionKind::kAllow);
  EXPECT_EQ(read->rules, std::vector<std::string>{"reads"});

  absl::StatusOr<eval::Decision> deploy = engine->Decide(
      R"({"action": "app.deploy", "requester": {"id": "x", "team": "web"}})");
  ASSERT_TRUE(deploy.ok());
  EXPECT_EQ(deploy->kind, eval::DecisionKind::kRequireApproval);
  ASSERT_EQ(deploy->requirements.size(), 1u);
  EXPECT_EQ(deploy->requirements[0].group_name, "sre");
  EXPECT_EQ(deploy->expire_seconds, 3600);  // the default
}

TEST(EngineTest, NoPolicyIsFailedPrecondition) {
  std::unique_ptr<Engine> engine = Engine::Create();
  EXPECT_EQ(engine->snapshot(), nullptr);
  absl::StatusOr<eval::Decision> decision =
      engine->Decide(R"({"action": "a.read"})");
  EXPECT_EQ(decision.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine->Decide(RequestBuilder().Action("a.read")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(EngineTest, TextThatIsNotJsonIsInvalidArgument) {
  std::unique_ptr<Engine> engine = Loaded();
  EXPECT_EQ(engine->Decide("{not json").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine->Decide("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EngineTest, ARequestBreakingTheSchemaIsADenyWithErrors) {
  std::unique_ptr<Engine> engine = Loaded();
  absl::StatusOr<eval::Decision> decision =
      engine->Decide(R"({"action": "a.read", "extra": 1})");
  ASSERT_TRUE(decision.ok());
  EXPECT_EQ(decision->kind, eval::DecisionKind::kDeny);
  ASSERT_EQ(decision->errors.size(), 1u);
  EXPECT_NE(decision->errors[0].find("extra"), std::string::npos);
}

TEST(EngineTest, ExplainNamesTheFailedConditionWithItsLocation) {
  std::unique_ptr<Engine> engine = Loaded();
  absl::StatusOr<eval::Decision> decision = engine->Decide(
      R"({"action": "app.deploy", "requester": {"team": "sre"}})",
      /*explain=*/true);
  ASSERT_TRUE(decision.ok());
  EXPECT_EQ(decision->kind, eval::DecisionKind::kDeny);  // the default
  ASSERT_EQ(decision->explain.size(), 2u);  // the rule, then the default
  EXPECT_EQ(decision->explain[1].rule, "default");
  const eval::ExplainEntry& entry = decision->explain[0];
  EXPECT_EQ(entry.rule, "deploys");
  EXPECT_EQ(entry.status, "condition_failed");
  EXPECT_EQ(entry.condition, "requester.team != \"sre\"");
  EXPECT_EQ(entry.location, "policy.signoff:12:8");

  absl::StatusOr<eval::Decision> plain = engine->Decide(
      R"({"action": "app.deploy", "requester": {"team": "sre"}})");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->explain.empty());
}

TEST(EngineTest, ABrokenSetIsRefusedAndTheOldOneKeepsServing) {
  std::unique_ptr<Engine> engine = Loaded();
  std::string digest = engine->snapshot()->digest();
  absl::Status broken =
      engine->LoadSources({{"broken.signoff",
                            "rule r {\n  on a.b\n  when requester.id in nope\n"
                            "  allow\n}\n"}});
  ASSERT_EQ(broken.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(broken.message().find("broken.signoff:3:"), std::string::npos)
      << broken.message();
  EXPECT_NE(broken.message().find("[UnknownName]"), std::string::npos)
      << broken.message();
  EXPECT_EQ(engine->snapshot()->digest(), digest);
  absl::StatusOr<eval::Decision> decision =
      engine->Decide(R"({"action": "a.read"})");
  ASSERT_TRUE(decision.ok());
  EXPECT_EQ(decision->kind, eval::DecisionKind::kAllow);
  EXPECT_EQ(decision->policy, digest);
}

TEST(EngineTest, MissingPathsAreNotFoundAndEmptySetsAreRefused) {
  std::unique_ptr<Engine> engine = Loaded();
  absl::Status missing = engine->LoadFiles({kSource + "/no/such/dir"});
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("no/such/dir"), std::string::npos);
  EXPECT_EQ(engine->LoadFiles({}).code(), absl::StatusCode::kInvalidArgument);
  absl::Status empty = engine->LoadSources({});
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(empty.message().find("no `.signoff` files"), std::string::npos);
  // Test files alone are not a policy set either.
  EXPECT_EQ(engine->LoadSources({{"x_test.signoff", ""}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_NE(engine->snapshot(), nullptr);  // still the first set
}

TEST(EngineTest, LoadAdoptsACompilation) {
  std::unique_ptr<Engine> engine = Engine::Create();
  absl::StatusOr<std::unique_ptr<driver::Compilation>> c =
      driver::CompileSources({{"p.signoff", kPolicy}}, {});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(engine->Load(*std::move(c)).ok());
  EXPECT_TRUE(engine->Decide(R"({"action": "a.read"})").ok());

  absl::StatusOr<std::unique_ptr<driver::Compilation>> bad =
      driver::CompileSources({{"p.signoff", "rule {"}}, {});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(engine->Load(*std::move(bad)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine->Load(nullptr).code(), absl::StatusCode::kInvalidArgument);
}

TEST(EngineTest, WarningsAreKeptWithTheSnapshot) {
  std::unique_ptr<Engine> engine = Engine::Create();
  ASSERT_TRUE(engine->LoadSources({{"w.signoff", "default allow\n"}}).ok());
  EXPECT_NE(engine->snapshot()->RenderedWarnings().find("warning:"),
            std::string::npos);
  ASSERT_TRUE(engine
                  ->LoadSources({{"p.signoff",
                                  "rule reads {\n  on *.read\n  allow\n}\n"}})
                  .ok());
  EXPECT_EQ(engine->snapshot()->RenderedWarnings(), "");
}

TEST(EngineTest, DefaultsComeFromTheOptions) {
  EngineOptions options;
  options.defaults.expire_seconds = 600;
  options.defaults.grant_seconds = 60;
  options.defaults.veto = 2;
  std::unique_ptr<Engine> engine = Loaded(std::move(options));
  absl::StatusOr<eval::Decision> decision =
      engine->Decide(R"({"action": "app.deploy"})");
  ASSERT_TRUE(decision.ok());
  EXPECT_EQ(decision->expire_seconds, 600);
  EXPECT_EQ(decision->grant_seconds, 60);
  EXPECT_EQ(decision->veto, 2);
}

TEST(EngineTest, DirectoryGroupsAskTheOption) {
  std::unique_ptr<Engine> without = Loaded();
  constexpr char kRestart[] =
      R"({"action": "app.restart", "requester": {"id": "carol"}})";
  EXPECT_EQ(without->Decide(kRestart)->kind, eval::DecisionKind::kDeny);

  EngineOptions options;
  options.directory_member = [](std::string_view group, std::string_view id) {
    return group == "oncall-primary" && id == "carol";
  };
  std::unique_ptr<Engine> with = Loaded(std::move(options));
  EXPECT_EQ(with->Decide(kRestart)->kind, eval::DecisionKind::kAllow);
}

TEST(EngineTest, TheInterpreterWhenAskedFor) {
  EngineOptions options;
  options.backend = Backend::kInterpreter;
  std::unique_ptr<Engine> engine = Loaded(std::move(options));
  EXPECT_EQ(engine->backend(), Backend::kInterpreter);
  EXPECT_EQ(engine->fallback_reason(), "");
  EXPECT_EQ(engine->snapshot()->jit_policy(), nullptr);
  EXPECT_EQ(BackendName(engine->backend()), "interp");
}

TEST(EngineTest, TheJitByDefaultOrAReasonWhyNot) {
  std::unique_ptr<Engine> engine = Engine::Create();
  EXPECT_EQ(engine->options().backend, Backend::kJit);
  bool jit_usable = engine->backend() == Backend::kJit;
  EXPECT_EQ(engine->fallback_reason().empty(), jit_usable);
  ASSERT_TRUE(engine->LoadSources({{"p.signoff", kPolicy}}).ok());
  std::shared_ptr<const PolicySnapshot> snapshot = engine->snapshot();
  if (snapshot->backend() == Backend::kJit) {
    EXPECT_NE(snapshot->jit_policy(), nullptr);
    EXPECT_EQ(engine->fallback_reason(), "");
  } else {
    EXPECT_EQ(snapshot->jit_policy(), nullptr);
    EXPECT_FALSE(engine->fallback_reason().empty());
    EXPECT_EQ(engine->fallback_reason(), snapshot->fallback_reason());
    std::cerr << "[ note ] deciding with the interpreter: "
              << engine->fallback_reason() << "\n";
  }

  // Without fallback, a JIT that cannot be used refuses the load.
  EngineOptions strict;
  strict.jit_fallback = false;
  std::unique_ptr<Engine> strict_engine = Engine::Create(std::move(strict));
  absl::Status loaded = strict_engine->LoadSources({{"p.signoff", kPolicy}});
  if (jit_usable) {
    EXPECT_TRUE(loaded.ok()) << loaded;
  } else {
    EXPECT_EQ(loaded.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(strict_engine->snapshot(), nullptr);
  }
}

// The back ends decide every sample request of every example identically.
TEST(EngineTest, BackEndsAgreeOnTheExamples) {
  EngineOptions interp_options;
  interp_options.backend = Backend::kInterpreter;
  std::unique_ptr<Engine> interp = Engine::Create(std::move(interp_options));
  std::unique_ptr<Engine> jit = Engine::Create();
  ASSERT_TRUE(interp->LoadFiles({kSource + "/examples"}).ok());
  ASSERT_TRUE(jit->LoadFiles({kSource + "/examples"}).ok());
  int compared = 0;
  for (const char* set :
       {"data-exports", "deploy-pipeline", "iam-escalation", "model-release"}) {
    std::string dir = kSource + "/examples/" + set + "/requests";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      std::string path = entry.path().string();
      if (path.ends_with(".expected.json")) continue;
      std::string request = ReadFile(path);
      absl::StatusOr<eval::Decision> a = interp->Decide(request, true);
      absl::StatusOr<eval::Decision> b = jit->Decide(request, true);
      ASSERT_TRUE(a.ok() && b.ok()) << path;
      EXPECT_EQ(eval::DecisionToJson(*a, true, false),
                eval::DecisionToJson(*b, true, false))
          << path;
      ++compared;
    }
  }
  EXPECT_GE(compared, 4);
}

}  // namespace
}  // namespace signoff
