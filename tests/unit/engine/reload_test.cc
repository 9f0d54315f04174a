// Reloading while other threads decide: every decision comes whole from one
// policy set (never a mix), decisions switch from the old set to the new one
// and never back, and a refused set changes nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "compiler/eval/decision.h"
#include "runtime/engine/engine.h"

namespace signoff {
namespace {

// Two sets deciding `app.run` differently; each decision must agree with
// the digest of the set that made it.
constexpr char kAllowSet[] = R"(
rule run {
  on app.run
  allow
}
)";
constexpr char kDenySet[] = R"(
rule run {
  on app.run
  deny "switched off"
}
)";
constexpr char kBrokenSet[] = "rule run {\n  on app.run\n  allow 3\n}\n";
constexpr char kRequest[] = R"({"action": "app.run"})";

struct Seen {
  bool after_swap;  // made after the reload returned
  eval::DecisionKind kind;
  std::string policy;
};

constexpr int kThreads = 4;

TEST(ReloadTest, DecisionsSwitchFromTheOldSetToTheNewOne) {
  std::unique_ptr<Engine> engine = Engine::Create();
  ASSERT_TRUE(engine->LoadSources({{"p.signoff", kAllowSet}}).ok());
  std::string allow_digest = engine->snapshot()->digest();

  std::atomic<bool> swapped{false};
  std::atomic<int> started{0};
  std::vector<std::vector<Seen>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      started.fetch_add(1);
      // Decide until the swap, then a few more times.
      for (int after = 0; after < 50;) {
        bool was_swapped = swapped.load();
        absl::StatusOr<eval::Decision> d = engine->Decide(kRequest);
        if (!d.ok()) return;
        seen[t].push_back({was_swapped, d->kind, d->policy});
        if (was_swapped) ++after;
      }
    });
  }
  while (started.load() < kThreads) std::this_thread::yield();
  absl::Status reloaded = engine->LoadSources({{"p.signoff", kDenySet}});
  std::string deny_digest = engine->snapshot()->digest();
  swapped.store(true);
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(reloaded.ok()) << reloaded;
  ASSERT_NE(deny_digest, allow_digest);

  for (int t = 0; t < kThreads; ++t) {
    SCOPED_TRACE(t);
    ASSERT_GE(seen[t].size(), 50u);
    bool switched = false;
    for (const Seen& s : seen[t]) {
      bool is_deny = s.kind == eval::DecisionKind::kDeny;
      // Whole: the decision and the digest come from the same set.
      EXPECT_EQ(s.policy, is_deny ? deny_digest : allow_digest);
      // Monotonic: once the new set is seen, the old one never again.
      if (switched) {
        EXPECT_TRUE(is_deny);
      }
      switched = switched || is_deny;
      // Decisions made after the reload returned use the new set.
      if (s.after_swap) {
        EXPECT_TRUE(is_deny);
      }
    }
  }
}

TEST(ReloadTest, ManyReloadsUnderConcurrentDecisions) {
  std::unique_ptr<Engine> engine = Engine::Create();
  ASSERT_TRUE(engine->LoadSources({{"p.signoff", kAllowSet}}).ok());
  std::string allow_digest = engine->snapshot()->digest();
  ASSERT_TRUE(engine->LoadSources({{"p.signoff", kDenySet}}).ok());
  std::string deny_digest = engine->snapshot()->digest();

  std::atomic<bool> done{false};
  std::atomic<int> torn{0}, failed{0}, decided{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (!done.load()) {
        absl::StatusOr<eval::Decision> d = engine->Decide(kRequest);
        if (!d.ok()) {
          failed.fetch_add(1);
          continue;
        }
        const std::string& expected =
            d->kind == eval::DecisionKind::kDeny ? deny_digest : allow_digest;
        if (d->policy != expected) torn.fetch_add(1);
        decided.fetch_add(1);
      }
    });
  }
  // Reloads alternate the two sets, with refused broken sets between, each
  // set serving some decisions before the next reload.
  auto await_decisions = [&decided] {
    int before = decided.load();
    while (decided.load() < before + kThreads) std::this_thread::yield();
  };
  for (int i = 0; i < 30; ++i) {
    await_decisions();
    EXPECT_TRUE(
        engine->LoadSources({{"p.signoff", i % 2 ? kDenySet : kAllowSet}})
            .ok());
    std::string digest = engine->snapshot()->digest();
    EXPECT_EQ(engine->LoadSources({{"p.signoff", kBrokenSet}}).code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(engine->snapshot()->digest(), digest);
  }
  await_decisions();
  done.store(true);
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(decided.load(), 0);
  EXPECT_EQ(engine->snapshot()->digest(), deny_digest);  // i = 29 was odd
}

TEST(ReloadTest, ConcurrentLoadsLeaveOneWholeSet) {
  std::unique_ptr<Engine> engine = Engine::Create();
  std::vector<std::thread> loaders;
  for (int t = 0; t < kThreads; ++t) {
    loaders.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        absl::Status s = engine->LoadSources(
            {{"p.signoff", (t + i) % 2 ? kDenySet : kAllowSet}});
        EXPECT_TRUE(s.ok()) << s;
      }
    });
  }
  for (std::thread& thread : loaders) thread.join();
  absl::StatusOr<eval::Decision> d = engine->Decide(kRequest);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->policy, engine->snapshot()->digest());
}

TEST(ReloadTest, APinnedSnapshotOutlivesReloadsAndTheEngine) {
  std::unique_ptr<Engine> engine = Engine::Create();
  ASSERT_TRUE(engine->LoadSources({{"p.signoff", kAllowSet}}).ok());
  std::shared_ptr<const PolicySnapshot> pinned = engine->snapshot();
  ASSERT_TRUE(engine->LoadSources({{"p.signoff", kDenySet}}).ok());
  engine.reset();
  absl::StatusOr<eval::Decision> d = pinned->Decide(kRequest, true);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, eval::DecisionKind::kAllow);
  EXPECT_EQ(d->policy, pinned->digest());
}

// Many threads deciding the examples' sample requests (globs, regexes,
// time zones, directory groups) get what one thread gets.
TEST(ReloadTest, ConcurrentDecisionsMatchSequentialOnes) {
  EngineOptions options;
  options.directory_member = [](std::string_view group, std::string_view id) {
    return id.size() % 2 == 0;  // pure, hence thread-safe
  };
  std::unique_ptr<Engine> engine = Engine::Create(std::move(options));
  std::string examples = std::string(SIGNOFF_SOURCE_DIR) + "/examples";
  ASSERT_TRUE(engine->LoadFiles({examples}).ok());
  std::vector<std::string> requests, expected;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(examples)) {
    std::string path = entry.path().string();
    if (!path.ends_with(".json") || path.ends_with(".expected.json")) continue;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    requests.push_back(text.str());
    expected.push_back(eval::DecisionToJson(
        *engine->Decide(requests.back(), true), true, false));
  }
  ASSERT_GE(requests.size(), 4u);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < requests.size(); ++i) {
          size_t k = (i + t) % requests.size();
          absl::StatusOr<eval::Decision> d = engine->Decide(requests[k], true);
          if (!d.ok() || eval::DecisionToJson(*d, true, false) != expected[k]) {
            mismatches.fetch_add(1);
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace signoff
