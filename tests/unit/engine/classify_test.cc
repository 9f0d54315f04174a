// Engine::Classify and PolicySnapshot::Classify: the verdict of the fast
// path equals the verdict of the full decision on every golden evaluation
// case and example request, on both back ends; reloads are picked up by a
// scratch; requests the fast path leaves are still classified right.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "compiler/eval/decision.h"
#include "compiler/interp/interpreter.h"
#include "runtime/directory/directory.h"
#include "runtime/engine/engine.h"
#include "tests/testing/golden_eval_cases.h"

#ifdef SIGNOFF_HAVE_JIT
#include "compiler/jit/jit.h"
#endif

namespace signoff {
namespace {

const std::string kSource = SIGNOFF_SOURCE_DIR;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Describe(const ir::Policy& policy, const eval::Verdict& v) {
  std::string out(eval::DecisionKindName(v.kind));
  if (v.decided_by_default) out += " (default)";
  if (v.invalid_request) out += " (invalid)";
  for (uint32_t r : v.rules) out += " " + policy.rules[r].name;
  return out;
}

// Classify on `engine` must give VerdictOf(Decide) for `request`.
void ExpectSameVerdict(const Engine& engine, DecisionScratch& scratch,
                       const std::string& request, const std::string& where) {
  absl::StatusOr<eval::Decision> decision = engine.Decide(request);
  absl::StatusOr<eval::Verdict> verdict = engine.Classify(request, scratch);
  ASSERT_EQ(decision.ok(), verdict.ok()) << where;
  if (!decision.ok()) {
    EXPECT_EQ(decision.status().code(), verdict.status().code()) << where;
    return;
  }
  const ir::Policy& policy = engine.snapshot()->policy();
  std::vector<uint32_t> storage;
  eval::Verdict expected = eval::VerdictOf(policy, *decision, storage);
  EXPECT_EQ(Describe(policy, *verdict), Describe(policy, expected))
      << where << "\n"
      << request;
}

std::vector<Backend> Backends() {
  return {Backend::kJit, Backend::kInterpreter};
}

TEST(ClassifyTest, AgreesWithDecideOnEveryGoldenCase) {
  int compared = 0;
  for (Backend backend : Backends()) {
    for (const auto& entry :
         std::filesystem::directory_iterator(kSource + "/tests/golden/eval")) {
      const std::string path = entry.path().string();
      if (!path.ends_with(".signoff")) continue;
      const std::string text = ReadFile(path);
      for (const testing::GoldenEvalCase& c :
           testing::ParseGoldenEvalCases(text)) {
        EngineOptions options;
        options.backend = backend;
        if (!c.directory.empty()) {
          auto loaded =
              runtime::Directory::LoadFile(kSource + "/" + c.directory);
          ASSERT_TRUE(loaded.ok()) << loaded.status();
          auto dir =
              std::make_shared<const runtime::Directory>(std::move(*loaded));
          options.directory_member = [dir](std::string_view group,
                                           std::string_view id) {
            return dir->IsMember(group, id);
          };
        }
        std::unique_ptr<Engine> engine = Engine::Create(std::move(options));
        ASSERT_TRUE(engine->LoadFiles({path}).ok()) << path;
        DecisionScratch scratch;
        ExpectSameVerdict(*engine, scratch, c.request,
                          path + ":" + std::to_string(c.line));
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 40);
}

TEST(ClassifyTest, AgreesWithDecideOnTheExamplesWithOneScratch) {
  for (Backend backend : Backends()) {
    EngineOptions options;
    options.backend = backend;
    std::unique_ptr<Engine> engine = Engine::Create(std::move(options));
    ASSERT_TRUE(engine->LoadFiles({kSource + "/examples"}).ok());
    DecisionScratch scratch;  // reused across every request
    int compared = 0;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(kSource + "/examples")) {
      const std::string path = entry.path().string();
      if (!path.ends_with(".json") || path.ends_with(".expected.json") ||
          path.find("/requests/") == std::string::npos) {
        continue;
      }
      ExpectSameVerdict(*engine, scratch, ReadFile(path), path);
      ++compared;
    }
    EXPECT_GE(compared, 4);
  }
}

constexpr char kAllowPolicy[] = R"(
group sre = ["alice", "bob"]
rule reads {
  on app.read
  allow
}
)";
constexpr char kDenyPolicy[] = R"(
group sre = ["alice", "bob"]
rule reads {
  on app.read
  deny "reads are off"
}
)";
constexpr char kRead[] = R"({"action": "app.read", "requester": {"id": "x"}})";

TEST(ClassifyTest, AScratchPicksUpAReload) {
  std::unique_ptr<Engine> engine = Engine::Create();
  DecisionScratch scratch;
  EXPECT_EQ(engine->Classify(kRead, scratch).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(engine->LoadSources({{"p.signoff", kAllowPolicy}}).ok());
  EXPECT_EQ(engine->Classify(kRead, scratch)->kind, eval::DecisionKind::kAllow);
  ASSERT_TRUE(engine->LoadSources({{"p.signoff", kDenyPolicy}}).ok());
  absl::StatusOr<eval::Verdict> denied = engine->Classify(kRead, scratch);
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->kind, eval::DecisionKind::kDeny);
  ASSERT_EQ(denied->rules.size(), 1u);
  EXPECT_EQ(denied->rules[0], 0u);

  // The same scratch used with another engine decides with that engine's set.
  std::unique_ptr<Engine> other = Engine::Create();
  ASSERT_TRUE(other->LoadSources({{"p.signoff", kAllowPolicy}}).ok());
  EXPECT_EQ(other->Classify(kRead, scratch)->kind, eval::DecisionKind::kAllow);
  EXPECT_EQ(engine->Classify(kRead, scratch)->kind, eval::DecisionKind::kDeny);
}

TEST(ClassifyTest, InvalidRequestsAndTextThatIsNotJson) {
  std::unique_ptr<Engine> engine = Engine::Create();
  ASSERT_TRUE(engine->LoadSources({{"p.signoff", kAllowPolicy}}).ok());
  DecisionScratch scratch;
  EXPECT_EQ(engine->Classify("{not json", scratch).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<eval::Verdict> invalid = engine->Classify(
      R"({"action": "app.read", "extra": 1, "requester": {"id": "x"}})",
      scratch);
  ASSERT_TRUE(invalid.ok());
  EXPECT_TRUE(invalid->invalid_request);
  EXPECT_EQ(invalid->kind, eval::DecisionKind::kDeny);
  EXPECT_TRUE(invalid->rules.empty());
  // And a valid one afterwards, with the same scratch.
  EXPECT_EQ(engine->Classify(kRead, scratch)->kind, eval::DecisionKind::kAllow);
}

// A `require` whose message overflows while rendering is an evaluation
// error, so a deny (LANGUAGE.md §5.3): the fast path must not call it
// require_approval.
TEST(ClassifyTest, ARequireWhoseMessageFailsIsADeny) {
  constexpr char kPolicy[] = R"(
group sre = ["alice", "bob"]
action big.move { n: int }
rule moves {
  on big.move
  require 1 of sre
  message "moving {params.n * 1000000000000} units"
}
)";
  for (Backend backend : Backends()) {
    EngineOptions options;
    options.backend = backend;
    std::unique_ptr<Engine> engine = Engine::Create(std::move(options));
    absl::Status loaded = engine->LoadSources({{"p.signoff", kPolicy}});
    ASSERT_TRUE(loaded.ok()) << loaded;
    DecisionScratch scratch;
    const std::string small =
        R"({"action": "big.move", "params": {"n": 2}, "requester": {"id": "x"}})";
    const std::string huge =
        R"({"action": "big.move", "params": {"n": 99999999999}, "requester": {"id": "x"}})";
    EXPECT_EQ(engine->Classify(small, scratch)->kind,
              eval::DecisionKind::kRequireApproval);
    EXPECT_EQ(engine->Classify(huge, scratch)->kind, eval::DecisionKind::kDeny);
    ExpectSameVerdict(*engine, scratch, huge, "overflowing message");
  }
}

#ifdef SIGNOFF_HAVE_JIT
// The fast path itself takes the valid example requests (not only the
// fallback): without this, Classify could pass every test above slowly.
TEST(ClassifyTest, TheJitFastPathTakesValidExampleRequests) {
  std::unique_ptr<Engine> engine = Engine::Create();
  ASSERT_TRUE(engine->LoadFiles({kSource + "/examples"}).ok());
  const jit::CompiledPolicy* jit = engine->snapshot()->jit_policy();
  if (jit == nullptr) GTEST_SKIP() << engine->fallback_reason();
  jit::FastScratch scratch;
  int fast = 0;
  int valid = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(kSource + "/examples")) {
    const std::string path = entry.path().string();
    if (!path.ends_with(".json") || path.ends_with(".expected.json") ||
        path.find("/requests/") == std::string::npos) {
      continue;
    }
    const std::string request = ReadFile(path);
    absl::StatusOr<eval::Decision> decision = engine->Decide(request);
    ASSERT_TRUE(decision.ok());
    if (decision->invalid_request) continue;
    eval::Verdict verdict;
    const bool taken =
        jit->DecideFast(request, scratch, verdict) == jit::FastResult::kDecided;
    if (taken) {
      EXPECT_EQ(verdict.kind, decision->kind) << path;
    }
    // The fast path must take every valid request except those with a
    // `require` candidate whose message interpolates an expression (the
    // examples' require rules put params in their messages): rendering can
    // fail, and only the full path knows.
    const ir::Policy& policy = engine->snapshot()->policy();
    absl::StatusOr<eval::BoundRequest> bound = eval::BindJson(policy, request);
    ASSERT_TRUE(bound.ok());
    eval::Outcome outcome = interp::Evaluate(policy, *bound);
    bool needs_rendering = false;
    for (size_t r = 0; r < policy.rules.size(); ++r) {
      const ir::Rule& rule = policy.rules[r];
      if (outcome.rules[r].status != eval::RuleStatus::kCandidate ||
          rule.effect != ir::Effect::kRequire) {
        continue;
      }
      for (const ir::MessagePart& part : rule.message) {
        needs_rendering = needs_rendering || part.expr != ir::kNoNode;
      }
    }
    if (!needs_rendering) {
      ++valid;
      if (taken) ++fast;
    }
  }
  EXPECT_GT(valid, 0);
  EXPECT_EQ(fast, valid);
}
#endif

// Threads each with their own scratch classify while the set flips between
// an allow and a deny policy: every verdict is one of the two sets' whole
// verdicts, never a mix.
TEST(ClassifyTest, ConcurrentClassifyDuringReloads) {
  std::unique_ptr<Engine> engine = Engine::Create();
  ASSERT_TRUE(engine->LoadSources({{"p.signoff", kAllowPolicy}}).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::atomic<int> allows{0};
  std::atomic<int> denies{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      DecisionScratch scratch;
      while (!stop.load()) {
        absl::StatusOr<eval::Verdict> v = engine->Classify(kRead, scratch);
        if (!v.ok() || v->rules.size() != 1 || v->rules[0] != 0) {
          ++bad;
        } else if (v->kind == eval::DecisionKind::kAllow) {
          ++allows;
        } else if (v->kind == eval::DecisionKind::kDeny) {
          ++denies;
        } else {
          ++bad;
        }
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(engine
                    ->LoadSources({{"p.signoff",
                                    i % 2 == 0 ? kDenyPolicy : kAllowPolicy}})
                    .ok());
  }
  stop = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(allows.load() + denies.load(), 0);
}

}  // namespace
}  // namespace signoff
