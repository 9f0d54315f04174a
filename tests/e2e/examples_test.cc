// The shipped examples stay true: they check, are formatted, pass their own
// tests, and every sample request gets the decision written beside it.
#include <gtest/gtest.h>

#include <filesystem>

#include "nlohmann/json.hpp"
#include "tests/e2e/cli_runner.h"

namespace signoff::testing {
namespace {

namespace fs = std::filesystem;

TEST(ExamplesTest, CheckCleanly) {
  RunResult result = RunSignoff({"check", "examples/"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out.find("error:"), std::string::npos) << result.out;
}

TEST(ExamplesTest, AreFormatted) {
  RunResult result = RunSignoff({"fmt", "--check", "examples/"});
  EXPECT_EQ(result.exit_code, 0) << "unformatted:\n"
                                 << result.out << result.err;
}

std::vector<std::string> ExampleSets() {
  std::vector<std::string> sets;
  for (const auto& entry : fs::directory_iterator(SourceDir() + "/examples")) {
    if (entry.is_directory() &&
        !ListFiles("examples/" + entry.path().filename().string(),
                   "_test.signoff")
             .empty()) {
      sets.push_back("examples/" + entry.path().filename().string());
    }
  }
  std::sort(sets.begin(), sets.end());
  return sets;
}

TEST(ExamplesTest, AtLeastFourSetsWithTests) {
  EXPECT_GE(ExampleSets().size(), 4u);
}

TEST(ExamplesTest, OwnTestsPass) {
  for (const std::string& set : ExampleSets()) {
    RunResult result = RunSignoff({"test", set});
    EXPECT_EQ(result.exit_code, 0) << set << "\n" << result.out << result.err;
    EXPECT_NE(result.out.find(" passed, 0 failed"), std::string::npos)
        << result.out;
  }
}

TEST(ExamplesTest, SampleRequestsGetTheirDecisions) {
  int checked = 0;
  for (const std::string& set : ExampleSets()) {
    for (const std::string& request : ListFiles(set + "/requests", ".json")) {
      if (request.ends_with(".expected.json")) continue;
      std::string expected_path =
          request.substr(0, request.size() - 5) + ".expected.json";
      SCOPED_TRACE(request);
      RunResult result =
          RunSignoff({"eval", "--policy", set, "--input", request});
      ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
      auto actual = nlohmann::json::parse(result.out, nullptr, false);
      auto expected = nlohmann::json::parse(
          ReadFileOrDie(SourceDir() + "/" + expected_path), nullptr, false);
      ASSERT_FALSE(actual.is_discarded());
      ASSERT_FALSE(expected.is_discarded()) << expected_path;
      for (auto it = expected.begin(); it != expected.end(); ++it) {
        EXPECT_EQ(actual[it.key()], it.value()) << "key " << it.key();
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 4);
}

}  // namespace
}  // namespace signoff::testing
