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

#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/cli_runner.h"

namespace signoff::testing {
namespace {

struct Case {
  int line = 0;
  std::vector<std::string> extra_args;
  std::string request;
  std::string expect;
};

std::vector<Case> ParseCases(const std::string& text) {
  std::vector<Case> cases;
  std::istringstream in(text);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.rfind("# RUN", 0) == 0) {
      size_t colon = line.find(':');
      Case c;
      c.line = number;
      std::string args = line.substr(5, colon - 5);
      for (absl::string_view a : absl::StrSplit(args, ' ', absl::SkipEmpty())) {
        c.extra_args.emplace_back(a);
      }
      c.request = line.substr(colon + 1);
      cases.push_back(c);
    } else if (line.rfind("# EXPECT:", 0) == 0 && !cases.empty()) {
      cases.back().expect = line.substr(9);
    }
  }
  return cases;
}

class GoldenEvalTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenEvalTest, DecisionsMatch) {
  const std::string& file = GetParam();
  std::vector<Case> cases = ParseCases(ReadFileOrDie(SourceDir() + "/" + file));
  ASSERT_FALSE(cases.empty()) << file << " has no `# RUN:` lines";
  for (const Case& c : cases) {
    SCOPED_TRACE(file + ":" + std::to_string(c.line));
    ASSERT_FALSE(c.expect.empty()) << "RUN without EXPECT";
    std::vector<std::string> args = {"eval", "--policy", file, "--input", "-"};
    args.insert(args.end(), c.extra_args.begin(), c.extra_args.end());
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
