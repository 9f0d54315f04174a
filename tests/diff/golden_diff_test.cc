// The hand-written evaluation cases under both back ends: every golden
// evaluation file (tests/golden/eval/*.signoff with `# RUN:` and
// `# EXPECT:` lines, the format of tests/e2e/golden_eval_test.cc), every
// example request (examples/*/requests/*.json with *.expected.json) and the
// input of every example `test` block. For each case the reference
// interpreter and the other back end must agree exactly (outcomes and
// decision JSON), and both must meet the EXPECT keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/eval/test_input.h"
#include "nlohmann/json.hpp"
#include "runtime/directory/directory.h"
#include "stdlib/absl_compat.h"
#include "tests/diff/harness.h"
#include "tests/diff/jit_backend.h"
#include "tests/testing/golden_eval_cases.h"

namespace signoff::difftest {
namespace {

namespace fs = std::filesystem;
using ::signoff::testing::GoldenEvalCase;
using ::signoff::testing::ParseGoldenEvalCases;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Paths relative to the source directory, which the tests run in (explain
// locations in EXPECT lines are relative paths).
void EnterSourceDir() { fs::current_path(SIGNOFF_SOURCE_DIR); }

std::vector<std::string> ListFiles(const std::string& dir,
                                   const std::string& suffix) {
  std::vector<std::string> files;
  fs::path root = fs::path(SIGNOFF_SOURCE_DIR) / dir;
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::directory_iterator(root)) {
    std::string name = entry.path().filename().string();
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      files.push_back(dir + "/" + name);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> ExampleDirs() {
  std::vector<std::string> dirs;
  fs::path root = fs::path(SIGNOFF_SOURCE_DIR) / "examples";
  for (const auto& entry : fs::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    // Only policy examples (not, say, the embedding example).
    bool has_policy = false;
    for (const auto& file : fs::directory_iterator(entry.path())) {
      has_policy = has_policy || file.path().extension() == ".signoff";
    }
    if (has_policy) {
      dirs.push_back("examples/" + entry.path().filename().string());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

// Every back end to compare with the reference interpreter.
std::vector<Backend> OtherBackends() {
  std::vector<Backend> backends = {ReserialisingInterpreter()};
  std::string why;
  if (std::optional<Backend> jit = JitBackend(&why)) backends.push_back(*jit);
  return backends;
}

// Both decisions must have every key of `expect` with its value.
void CheckExpect(const CaseResult& result, const std::string& expect_text,
                 const std::string& backend) {
  if (expect_text.empty()) return;
  auto expect = nlohmann::json::parse(expect_text, nullptr, false);
  ASSERT_FALSE(expect.is_discarded()) << "bad EXPECT JSON: " << expect_text;
  for (const auto& [label, text] :
       {std::pair<std::string, std::string>{"reference interpreter",
                                            result.reference},
        {backend, result.other}}) {
    auto actual = nlohmann::json::parse(text, nullptr, false);
    ASSERT_FALSE(actual.is_discarded()) << text;
    for (auto it = expect.begin(); it != expect.end(); ++it) {
      ASSERT_TRUE(actual.contains(it.key()))
          << label << ": missing key " << it.key();
      EXPECT_EQ(actual[it.key()], it.value())
          << label << ": key `" << it.key() << "`\n"
          << actual.dump(2);
    }
  }
}

void ExpectMatch(const CaseResult& result, const std::string& request,
                 const Backend& backend) {
  EXPECT_TRUE(result.match)
      << "reference interpreter vs " << backend.name << " differ on request\n"
      << request << "\n--- what differs ---\n"
      << result.difference << "--- reference decision ---\n"
      << result.reference << "\n--- " << backend.name << " decision ---\n"
      << result.other;
}

class GoldenEvalDiffTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenEvalDiffTest, BothBackEndsAgree) {
  EnterSourceDir();
  const std::string& file = GetParam();
  std::vector<GoldenEvalCase> cases = ParseGoldenEvalCases(ReadFile(file));
  ASSERT_FALSE(cases.empty()) << file << " has no `# RUN:` lines";
  absl::StatusOr<CompiledSpec> compiled = CompilePaths({file});
  ASSERT_TRUE(compiled.ok()) << compiled.status().message();
  for (const Backend& backend : OtherBackends()) {
    SCOPED_TRACE(backend.name);
    absl::StatusOr<BackendInstance> instance =
        backend.prepare(compiled->policy);
    ASSERT_TRUE(instance.ok()) << backend.name << " cannot prepare " << file
                               << ": " << instance.status();
    for (const GoldenEvalCase& c : cases) {
      SCOPED_TRACE(file + ":" + std::to_string(c.line));
      CaseOptions options;
      options.explain = c.explain;
      options.directory = nullptr;
      std::shared_ptr<runtime::Directory> directory;
      if (!c.directory.empty()) {
        absl::StatusOr<runtime::Directory> loaded =
            runtime::Directory::LoadFile(c.directory);
        ASSERT_TRUE(loaded.ok()) << loaded.status();
        directory = std::make_shared<runtime::Directory>(*std::move(loaded));
        options.directory = [directory](std::string_view group,
                                        std::string_view id) {
          return directory->IsMember(group, id);
        };
      }
      CaseResult result = CompareCase(*compiled, *instance, c.request, options);
      ExpectMatch(result, c.request, backend);
      CheckExpect(result, c.expect, backend.name);
    }
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  if (info.param.rfind("examples/", 0) == 0) {
    name = fs::path(info.param).filename().string();
  }
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenEvalDiffTest,
                         ::testing::ValuesIn(ListFiles("tests/golden/eval",
                                                       ".signoff")),
                         TestName);

class ExampleDiffTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ExampleDiffTest, BothBackEndsAgree) {
  EnterSourceDir();
  const std::string& dir = GetParam();
  // The policy without tests for the example requests; with tests for the
  // test blocks' inputs (test files add no rules).
  absl::StatusOr<CompiledSpec> compiled = CompilePaths({dir}, true);
  ASSERT_TRUE(compiled.ok()) << compiled.status().message();
  std::vector<std::pair<std::string, std::string>> requests;  // request, expect
  for (const std::string& file : ListFiles(dir + "/requests", ".json")) {
    if (file.ends_with(".expected.json")) continue;
    std::string expected = file.substr(0, file.size() - 5) + ".expected.json";
    requests.emplace_back(ReadFile(file),
                          fs::exists(expected) ? ReadFile(expected) : "");
  }
  for (const ast::TestDecl* test : compiled->compilation->model.tests) {
    requests.emplace_back(eval::TestInputJson(*test->input), "");
  }
  ASSERT_FALSE(requests.empty()) << dir << " has no requests or tests";
  for (const Backend& backend : OtherBackends()) {
    SCOPED_TRACE(backend.name);
    absl::StatusOr<BackendInstance> instance =
        backend.prepare(compiled->policy);
    ASSERT_TRUE(instance.ok()) << instance.status();
    for (const auto& [request, expect] : requests) {
      for (bool explain : {false, true}) {
        CaseOptions options;
        options.explain = explain;
        options.directory = nullptr;  // as `signoff eval` without --directory
        CaseResult result = CompareCase(*compiled, *instance, request, options);
        ExpectMatch(result, request, backend);
        if (!explain) CheckExpect(result, expect, backend.name);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleDiffTest,
                         ::testing::ValuesIn(ExampleDirs()), TestName);

}  // namespace
}  // namespace signoff::difftest
