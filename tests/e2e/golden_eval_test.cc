// Golden evaluation tests through `signoff eval`: tests/golden/eval/*.signoff.
//
// Each file is a policy followed by cases:
//   # RUN: {"action": "data.export", ...}          (the request, one line)
//   # RUN --explain: {...}                          (extra eval arguments)
//   # EXPECT: {"decision": "deny", "rules": [...]}  (keys that must match)
// Every key of EXPECT must equal the same key of the decision JSON.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "nlohmann/json.hpp"
#include "tests/e2e/cli_runner.h"
#include "tests/testing/golden_eval_cases.h"

namespace signoff::testing {
namespace {

class GoldenEvalTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenEvalTest, DecisionsMatch) {
  const std::string& file = GetParam();
  std::vector<GoldenEvalCase> cases =
      ParseGoldenEvalCases(ReadFileOrDie(SourceDir() + "/" + file));
  ASSERT_FALSE(cases.empty()) << file << " has no `# RUN:` lines";
  for (const GoldenEvalCase& c : cases) {
    SCOPED_TRACE(file + ":" + std::to_string(c.line));
    ASSERT_FALSE(c.expect.empty()) << "RUN without EXPECT";
    std::vector<std::string> args = {"eval", "--policy", file, "--input", "-"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult result = RunSignoff(args, c.request);
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    auto actual = nlohmann::json::parse(result.out, nullptr, false);
    ASSERT_FALSE(actual.is_discarded()) << result.out;
    auto expect = nlohmann::json::parse(c.expect, nullptr, false);
    ASSERT_FALSE(expect.is_discarded()) << "bad EXPECT JSON: " << c.expect;
    for (auto it = expect.begin(); it != expect.end(); ++it) {
      ASSERT_TRUE(actual.contains(it.key())) << "missing key " << it.key();
      EXPECT_EQ(actual[it.key()], it.value())
          << "key `" << it.key() << "`\nactual decision:\n"
          << actual.dump(2);
    }
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = std::filesystem::path(info.param).stem().string();
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenEvalTest,
                         ::testing::ValuesIn(ListFiles("tests/golden/eval",
                                                       ".signoff")),
                         TestName);

}  // namespace
}  // namespace signoff::testing
