// The golden evaluation policies (tests/golden/eval/*.signoff, with their
// `# RUN:` requests) and the examples (examples/*/requests/*.json and the
// inputs of their `test` blocks), decided by the interpreter and the JIT:
// equal outcomes, equal decision JSON (with explain), and the JIT's decision
// has every key of the file's EXPECT.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/driver/driver.h"
#include "compiler/eval/request.h"
#include "compiler/eval/test_input.h"
#include "compiler/jit/jit.h"
#include "nlohmann/json.hpp"
#include "runtime/directory/directory.h"
#include "tests/testing/golden_eval_cases.h"
#include "tests/unit/jit/jit_test_util.h"

namespace signoff::jit {
namespace {

namespace fs = std::filesystem;
using ::signoff::testing::GoldenEvalCase;
using ::signoff::testing::ParseGoldenEvalCases;
using testing::CompileOrDie;
using testing::DecideBoth;

// Paths are relative to the source root, as `signoff eval` in the golden
// files' expectations sees them (explain locations name the file).
std::string InRoot(const std::string& relative) {
  static const bool kChanged = [] {
    fs::current_path(SIGNOFF_SOURCE_DIR);
    return true;
  }();
  (void)kChanged;
  return relative;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Compiled {
  std::unique_ptr<driver::Compilation> compilation;
  std::unique_ptr<CompiledPolicy> jit;
};

Compiled CompileSet(const std::vector<std::string>& paths,
                    bool include_tests = false) {
  Compiled out;
  driver::LoadOptions options;
  options.include_tests = include_tests;
  absl::StatusOr<std::unique_ptr<driver::Compilation>> compilation =
      driver::CompilePaths(paths, options);
  EXPECT_TRUE(compilation.ok()) << compilation.status();
  if (!compilation.ok()) return out;
  out.compilation = *std::move(compilation);
  EXPECT_TRUE(out.compilation->ok()) << "does not compile: " << paths[0];
  if (!out.compilation->ok()) return out;
  out.jit = CompileOrDie(
      std::make_shared<const ir::Policy>(*out.compilation->policy));
  return out;
}

void ExpectKeys(const std::string& decision, const std::string& expect) {
  auto actual = nlohmann::json::parse(decision, nullptr, false);
  ASSERT_FALSE(actual.is_discarded()) << decision;
  auto wanted = nlohmann::json::parse(expect, nullptr, false);
  ASSERT_FALSE(wanted.is_discarded()) << "bad EXPECT JSON: " << expect;
  for (auto it = wanted.begin(); it != wanted.end(); ++it) {
    ASSERT_TRUE(actual.contains(it.key())) << "missing key " << it.key();
    EXPECT_EQ(actual[it.key()], it.value()) << "key " << it.key();
  }
}

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> files;
  for (const auto& entry :
       fs::directory_iterator(InRoot("tests/golden/eval"))) {
    if (entry.path().extension() == ".signoff") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(JitGoldenTest, GoldenEvalFilesDecideAsTheInterpreter) {
  std::vector<std::string> files = GoldenFiles();
  ASSERT_FALSE(files.empty());
  int decided = 0;
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    Compiled set = CompileSet({file});
    ASSERT_NE(set.jit, nullptr);
    const ir::Policy& policy = set.jit->policy();
    std::vector<GoldenEvalCase> cases = ParseGoldenEvalCases(ReadFile(file));
    ASSERT_FALSE(cases.empty());
    for (const GoldenEvalCase& c : cases) {
      SCOPED_TRACE("line " + std::to_string(c.line));
      interp::EvalOptions options;
      std::shared_ptr<runtime::Directory> directory;
      if (!c.directory.empty()) {
        absl::StatusOr<runtime::Directory> loaded =
            runtime::Directory::LoadFile(InRoot(c.directory));
        ASSERT_TRUE(loaded.ok()) << loaded.status();
        directory = std::make_shared<runtime::Directory>(*std::move(loaded));
        options.directory_member = [directory](std::string_view group,
                                               std::string_view id) {
          return directory->IsMember(group, id);
        };
      }
      absl::StatusOr<eval::BoundRequest> request =
          eval::BindJson(policy, c.request);
      ASSERT_TRUE(request.ok()) << request.status();
      std::string decision =
          DecideBoth(*set.jit, *request, options, &set.compilation->sources);
      ExpectKeys(decision, c.expect);
      ++decided;
    }
  }
  EXPECT_GT(decided, 20);
}

TEST(JitGoldenTest, ExamplesDecideAsTheInterpreter) {
  int decided = 0;
  for (const auto& entry : fs::directory_iterator(InRoot("examples"))) {
    fs::path requests = entry.path() / "requests";
    if (!fs::is_directory(requests)) continue;
    SCOPED_TRACE(entry.path().string());
    // With the *_test.signoff files, whose `test` inputs are requests too.
    Compiled set = CompileSet({entry.path().string()}, true);
    ASSERT_NE(set.jit, nullptr);
    const ir::Policy& policy = set.jit->policy();
    for (const auto& file : fs::directory_iterator(requests)) {
      std::string name = file.path().filename().string();
      if (name.size() < 5 || name.substr(name.size() - 5) != ".json" ||
          name.find(".expected.") != std::string::npos) {
        continue;
      }
      SCOPED_TRACE(name);
      absl::StatusOr<eval::BoundRequest> request =
          eval::BindJson(policy, ReadFile(file.path()));
      ASSERT_TRUE(request.ok()) << request.status();
      std::string decision =
          DecideBoth(*set.jit, *request, {}, &set.compilation->sources);
      fs::path expected = file.path();
      expected.replace_extension(".expected.json");
      if (fs::exists(expected)) ExpectKeys(decision, ReadFile(expected));
      ++decided;
    }
    for (const ast::File& file : set.compilation->files) {
      for (const ast::Decl& decl : file.decls) {
        const auto* test = std::get_if<ast::TestDecl>(&decl);
        if (test == nullptr || test->input == nullptr) continue;
        SCOPED_TRACE(test->name.value);
        absl::StatusOr<eval::BoundRequest> request =
            eval::BindJson(policy, eval::TestInputJson(*test->input));
        ASSERT_TRUE(request.ok()) << request.status();
        DecideBoth(*set.jit, *request, {}, &set.compilation->sources);
        ++decided;
      }
    }
  }
  EXPECT_GT(decided, 20);
}

}  // namespace
}  // namespace signoff::jit
