// Compiling, unloading and sharing compiled policies: the generated code's
// shape (dispatch, checked arithmetic, O2), unloading in a loop without
// unbounded memory growth, and Evaluate from several threads at once.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/driver/driver.h"
#include "compiler/jit/jit.h"
#include "tests/unit/jit/jit_test_util.h"

namespace signoff::jit {
namespace {

using testing::CompileOrDie;
using testing::Describe;

std::shared_ptr<const ir::Policy> CompileSource(const std::string& text) {
  absl::StatusOr<std::unique_ptr<driver::Compilation>> compilation =
      driver::CompileSources({{"p.signoff", text}}, driver::LoadOptions());
  EXPECT_TRUE(compilation.ok()) << compilation.status();
  if (!compilation.ok() || !(*compilation)->ok()) {
    ADD_FAILURE() << "does not compile:\n" << text;
    return nullptr;
  }
  return std::make_shared<const ir::Policy>(*(*compilation)->policy);
}

// `count` declared actions and `count` rules, rule i on action i.
std::string ManyRules(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(&text, "action a", i,
                    ".run {\n  n: int\n  env: string\n}\n", "rule r", i,
                    " {\n  on a", i, ".run\n", "  when params.n * ", i + 2,
                    " > 10 and params.env in [\"prod\", \"e", i,
                    "\"]\n  deny \"r", i, "\"\n}\n");
  }
  return text;
}

eval::BoundRequest Request(const ir::Policy& policy, int action, int64_t n,
                           const std::string& env) {
  absl::StatusOr<eval::BoundRequest> request =
      eval::BindJson(policy, absl::StrCat(R"({"action": "a)", action,
                                          R"(.run", "params": {"n": )", n,
                                          R"(, "env": ")", env, R"("}})"));
  EXPECT_TRUE(request.ok()) << request.status();
  return *std::move(request);
}

TEST(JitLifecycleTest, Available) { EXPECT_TRUE(Available()); }

TEST(JitLifecycleTest, NullPolicyIsAnError) {
  EXPECT_FALSE(CompiledPolicy::Compile(nullptr).ok());
}

TEST(JitLifecycleTest, GeneratedCodeDispatchesOnTheActionAndChecksOverflow) {
  std::shared_ptr<const ir::Policy> policy = CompileSource(ManyRules(8));
  ASSERT_NE(policy, nullptr);
  JitOptions options;
  options.keep_llvm_ir = true;
  options.tiered = false;  // the optimised tier only
  std::unique_ptr<CompiledPolicy> compiled = CompileOrDie(policy, options);
  ASSERT_NE(compiled, nullptr);
  EXPECT_EQ(compiled->tier(), JitTier::kOptimized);
  const std::string ir = compiled->llvm_ir();
  EXPECT_NE(ir.find("switch i64"), std::string::npos) << ir;
  EXPECT_NE(ir.find("llvm.smul.with.overflow.i64"), std::string::npos) << ir;
  // Each action has a function of its own, into which its rules were
  // inlined at O2; no rule can match an undeclared action, so the generic
  // route is empty.
  EXPECT_NE(ir.find("@action_a7.run"), std::string::npos) << ir;
  EXPECT_EQ(ir.find("@rule_"), std::string::npos) << ir;
  for (int action : {0, 3, 7}) {
    for (int64_t n : {int64_t{1}, int64_t{100}, int64_t{1} << 62}) {
      for (std::string env : {"prod", "e3", "dev"}) {
        eval::BoundRequest request = Request(*policy, action, n, env);
        eval::Outcome expected = interp::Evaluate(*policy, request);
        eval::Outcome actual = compiled->Evaluate(request);
        EXPECT_EQ(Describe(*policy, actual), Describe(*policy, expected));
      }
    }
  }
}

// A tiered compile decides with quick code at once and with optimised code
// after the background compile; both decide as the interpreter does.
TEST(JitLifecycleTest, TieredCompileSwitchesToOptimisedCode) {
  std::shared_ptr<const ir::Policy> policy = CompileSource(ManyRules(6));
  ASSERT_NE(policy, nullptr);
  JitOptions options;
  options.keep_llvm_ir = true;
  std::unique_ptr<CompiledPolicy> compiled = CompileOrDie(policy, options);
  ASSERT_NE(compiled, nullptr);
  auto decide_all = [&] {
    for (int action : {0, 2, 5}) {
      for (int64_t n : {int64_t{1}, int64_t{1} << 62}) {
        eval::BoundRequest request = Request(*policy, action, n, "prod");
        EXPECT_EQ(Describe(*policy, compiled->Evaluate(request)),
                  Describe(*policy, interp::Evaluate(*policy, request)));
      }
    }
  };
  decide_all();  // whichever tier is in use now
  ASSERT_TRUE(compiled->WaitForOptimizedCode().ok());
  EXPECT_EQ(compiled->tier(), JitTier::kOptimized);
  // The optimised module's IR: rules inlined into their action's function.
  EXPECT_EQ(compiled->llvm_ir().find("@rule_"), std::string::npos);
  decide_all();
  // Not tiered: the quick tier alone stays.
  options.tiered = false;
  options.tier = JitTier::kQuick;
  std::unique_ptr<CompiledPolicy> quick = CompileOrDie(policy, options);
  ASSERT_NE(quick, nullptr);
  EXPECT_TRUE(quick->WaitForOptimizedCode().ok());
  EXPECT_EQ(quick->tier(), JitTier::kQuick);
  eval::BoundRequest request = Request(*policy, 3, 7, "prod");
  EXPECT_EQ(Describe(*policy, quick->Evaluate(request)),
            Describe(*policy, interp::Evaluate(*policy, request)));
}

// Destroying a policy right after a tiered compile waits for the
// background compile instead of pulling the code from under it.
TEST(JitLifecycleTest, DestroyingDuringTheBackgroundCompileIsSafe) {
  std::shared_ptr<const ir::Policy> policy = CompileSource(ManyRules(40));
  ASSERT_NE(policy, nullptr);
  for (int i = 0; i < 5; ++i) {
    std::unique_ptr<CompiledPolicy> compiled = CompileOrDie(policy);
    ASSERT_NE(compiled, nullptr);
  }
}

TEST(JitLifecycleTest, OptimisationLevelsAgree) {
  std::shared_ptr<const ir::Policy> policy = CompileSource(ManyRules(4));
  ASSERT_NE(policy, nullptr);
  for (int level : {0, 1, 2, 3}) {
    JitOptions options;
    options.opt_level = level;
    options.tiered = false;
    std::unique_ptr<CompiledPolicy> compiled = CompileOrDie(policy, options);
    ASSERT_NE(compiled, nullptr);
    eval::BoundRequest request = Request(*policy, 2, 1000, "e2");
    EXPECT_EQ(Describe(*policy, compiled->Evaluate(request)),
              Describe(*policy, interp::Evaluate(*policy, request)));
  }
}

// Resident set size in kB, from /proc/self/status; -1 when unknown.
long ResidentKb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(JitLifecycleTest, CompileAndUnloadInALoopDoesNotGrowMemory) {
  std::shared_ptr<const ir::Policy> policy = CompileSource(ManyRules(3));
  ASSERT_NE(policy, nullptr);
  eval::BoundRequest request = Request(*policy, 1, 50, "prod");
  const std::string expected =
      Describe(*policy, interp::Evaluate(*policy, request));
  auto round = [&](int n) {
    for (int i = 0; i < n; ++i) {
      std::unique_ptr<CompiledPolicy> compiled = CompileOrDie(policy);
      ASSERT_NE(compiled, nullptr);
      ASSERT_EQ(Describe(*policy, compiled->Evaluate(request)), expected);
    }
  };
  round(100);  // warm up: allocator pools, LLVM's own caches
  long before = ResidentKb();
  round(1000);
  long after = ResidentKb();
  if (before < 0 || after < 0) GTEST_SKIP() << "no /proc/self/status";
  // A leak of the module's code or IR would be several kB per round.
  EXPECT_LT(after - before, 8 * 1024) << before << " kB -> " << after << " kB";
}

TEST(JitLifecycleTest, PoliciesAreIndependentAndOutliveEachOther) {
  std::shared_ptr<const ir::Policy> a = CompileSource(ManyRules(2));
  std::shared_ptr<const ir::Policy> b = CompileSource(ManyRules(5));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::unique_ptr<CompiledPolicy> first = CompileOrDie(a);
  std::unique_ptr<CompiledPolicy> second = CompileOrDie(b);
  std::unique_ptr<CompiledPolicy> third = CompileOrDie(a);
  first.reset();  // unloading one leaves the others working
  eval::BoundRequest request = Request(*b, 4, 99, "prod");
  EXPECT_EQ(Describe(*b, second->Evaluate(request)),
            Describe(*b, interp::Evaluate(*b, request)));
  request = Request(*a, 1, 99, "e1");
  EXPECT_EQ(Describe(*a, third->Evaluate(request)),
            Describe(*a, interp::Evaluate(*a, request)));
}

TEST(JitLifecycleTest, ConcurrentEvaluateAndCompile) {
  std::shared_ptr<const ir::Policy> policy = CompileSource(ManyRules(16));
  ASSERT_NE(policy, nullptr);
  std::unique_ptr<CompiledPolicy> compiled = CompileOrDie(policy);
  ASSERT_NE(compiled, nullptr);
  struct Expected {
    eval::BoundRequest request;
    std::string outcome;
  };
  std::vector<Expected> cases;
  for (int action = 0; action < 16; ++action) {
    for (int64_t n : {int64_t{3}, int64_t{1} << 61}) {
      for (std::string env : {std::string("prod"), "e" + std::to_string(action),
                              std::string("x")}) {
        eval::BoundRequest request = Request(*policy, action, n, env);
        cases.push_back(
            {request, Describe(*policy, interp::Evaluate(*policy, request))});
      }
    }
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const Expected& c = cases[(i * 7 + t) % cases.size()];
        if (Describe(*policy, compiled->Evaluate(c.request)) != c.outcome) {
          ++mismatches;
        }
      }
    });
  }
  // Compiling and unloading other policies meanwhile.
  threads.emplace_back([&] {
    for (int i = 0; i < 20; ++i) {
      absl::StatusOr<std::unique_ptr<CompiledPolicy>> other =
          CompiledPolicy::Compile(policy);
      if (!other.ok()) ++mismatches;
    }
  });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(JitLifecycleTest, DeepExpressions) {
  // As deep as the parser allows: compiles, and agrees.
  std::string sum = "params.n";
  for (int i = 0; i < 900; ++i) absl::StrAppend(&sum, " + ", i);
  std::shared_ptr<const ir::Policy> policy =
      CompileSource(absl::StrCat("action a0.run {\n  n: int\n  env: string\n}\n"
                                 "rule deep {\n  on a0.run\n  when ",
                                 sum, " > 0\n  allow\n}\n"));
  ASSERT_NE(policy, nullptr);
  std::unique_ptr<CompiledPolicy> compiled = CompileOrDie(policy);
  ASSERT_NE(compiled, nullptr);
  for (int64_t n : {int64_t{-1000000}, int64_t{5}, int64_t{1} << 62,
                    std::numeric_limits<int64_t>::max()}) {
    eval::BoundRequest request = Request(*policy, 0, n, "x");
    EXPECT_EQ(Describe(*policy, compiled->Evaluate(request)),
              Describe(*policy, interp::Evaluate(*policy, request)));
  }
  // Deeper hand-built IR is refused (the caller keeps the interpreter).
  ir::Policy deep;
  deep.nodes.push_back({ir::Op::kConstInt, Type::kInt, 1, 0, {}, {}});
  for (uint32_t i = 0; i < 5000; ++i) {
    deep.nodes.push_back({ir::Op::kNeg, Type::kInt, 0, 0, {i}, {}});
  }
  deep.nodes.push_back({ir::Op::kGt, Type::kBool, 0, 0, {5000, 0}, {}});
  ir::Rule rule;
  rule.name = "deep";
  rule.patterns.push_back({{"**"}, "**"});
  rule.conditions.push_back({5001, false, "", {}});
  deep.rules.push_back(rule);
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> refused =
      CompiledPolicy::Compile(testing::Share(deep));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(JitLifecycleTest, DirectoryHookExceptionsPropagate) {
  std::shared_ptr<const ir::Policy> policy = CompileSource(R"(
group oncall = directory("oncall-primary")
rule r {
  on x.y
  when requester.id in oncall
  allow
}
)");
  ASSERT_NE(policy, nullptr);
  std::unique_ptr<CompiledPolicy> compiled = CompileOrDie(policy);
  ASSERT_NE(compiled, nullptr);
  absl::StatusOr<eval::BoundRequest> request = eval::BindJson(
      *policy, R"({"action": "x.y", "requester": {"id": "dave"}})");
  ASSERT_TRUE(request.ok());
  interp::EvalOptions options;
  options.directory_member = [](std::string_view, std::string_view) -> bool {
    throw std::runtime_error("directory down");
  };
  EXPECT_THROW(interp::Evaluate(*policy, *request, options),
               std::runtime_error);
  EXPECT_THROW(compiled->Evaluate(*request, options), std::runtime_error);
}

}  // namespace
}  // namespace signoff::jit
