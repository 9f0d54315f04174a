// The CLI's contract: exit codes, usage errors, input handling.
#include <gtest/gtest.h>

#include "nlohmann/json.hpp"
#include "tests/e2e/cli_runner.h"

namespace signoff::testing {
namespace {

constexpr char kPolicy[] = "tests/golden/eval/language_md.signoff";

TEST(CliTest, HelpAndVersion) {
  RunResult help = RunSignoff({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: signoff"), std::string::npos);
  RunResult version = RunSignoff({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("signoff ", 0), 0u) << version.out;
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunSignoff({}).exit_code, 2);
  EXPECT_EQ(RunSignoff({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunSignoff({"check"}).exit_code, 2);
  EXPECT_EQ(RunSignoff({"check", "--format", "xml", kPolicy}).exit_code, 2);
  EXPECT_EQ(RunSignoff({"check", "--no-such-flag", kPolicy}).exit_code, 2);
  EXPECT_EQ(RunSignoff({"eval", "--policy", kPolicy}).exit_code, 2);
  EXPECT_EQ(RunSignoff({"check", "does/not/exist"}).exit_code, 2);
}

TEST(CliTest, InputThatIsNotJsonExitsTwo) {
  RunResult result =
      RunSignoff({"eval", "--policy", kPolicy, "--input", "-"}, "{not json");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("not JSON"), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty());
}

TEST(CliTest, JsonThatBreaksTheSchemaIsADenyDecision) {
  RunResult result =
      RunSignoff({"eval", "--policy", kPolicy, "--input", "-"},
                 R"({"action": "data.export", "params": {"rows": "x"}})");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto decision = nlohmann::json::parse(result.out);
  EXPECT_EQ(decision["decision"], "deny");
  EXPECT_FALSE(decision["errors"].empty());
}

TEST(CliTest, PolicyErrorsExitOne) {
  RunResult result = RunSignoff(
      {"eval", "--policy", "tests/golden/check/fail_unknown_name.signoff",
       "--input", "-"},
      R"({"action": "x"})");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("[UnknownName]"), std::string::npos);
}

TEST(CliTest, DenyWarningsMakesWarningsFail) {
  const char* file = "tests/golden/check/warn_default_allow.signoff";
  EXPECT_EQ(RunSignoff({"check", file}).exit_code, 0);
  EXPECT_EQ(RunSignoff({"check", "--deny-warnings", file}).exit_code, 1);
}

TEST(CliTest, NoColourWhenNotATerminal) {
  RunResult result =
      RunSignoff({"check", "tests/golden/check/fail_unknown_name.signoff"});
  EXPECT_EQ(result.out.find('\033'), std::string::npos);
}

TEST(CliTest, TextFormatSummarises) {
  RunResult result = RunSignoff(
      {"eval", "--policy", kPolicy, "--input", "-", "--format", "text"},
      R"({"action": "billing.read"})");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("allow"), std::string::npos) << result.out;
}

TEST(CliTest, JsonLinesStreamOneDecisionPerLine) {
  std::string input =
      "{\"action\": \"billing.read\"}\n"
      "\n"
      "{\"action\": \"db.drop\"}\n"
      "not json\n";
  RunResult result = RunSignoff(
      {"eval", "--policy", kPolicy, "--input", "-", "--jsonl"}, input);
  EXPECT_EQ(result.exit_code, 2);  // the bad line
  std::vector<nlohmann::json> lines;
  size_t start = 0;
  while (start < result.out.size()) {
    size_t nl = result.out.find('\n', start);
    lines.push_back(
        nlohmann::json::parse(result.out.substr(start, nl - start)));
    start = nl + 1;
  }
  ASSERT_EQ(lines.size(), 3u) << result.out;
  EXPECT_EQ(lines[0]["decision"], "allow");
  EXPECT_EQ(lines[1]["decision"], "deny");
  EXPECT_TRUE(lines[2].contains("error"));
}

TEST(CliTest, CheckFormatsForMachines) {
  const char* file = "tests/golden/check/fail_unknown_name.signoff";
  RunResult json = RunSignoff({"check", "--format", "json", file});
  EXPECT_EQ(json.exit_code, 1);
  auto parsed = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << json.out;
  EXPECT_GE(parsed["errors"].get<int>(), 1);
  RunResult github = RunSignoff({"check", "--format", "github", file});
  EXPECT_NE(github.out.find("\n::error file=tests/golden/check/"),
            std::string::npos)
      << github.out;
  RunResult sarif = RunSignoff({"check", "--format", "sarif", file});
  auto log = nlohmann::json::parse(sarif.out, nullptr, false);
  ASSERT_FALSE(log.is_discarded());
  EXPECT_EQ(log["version"], "2.1.0");
}

}  // namespace
}  // namespace signoff::testing

namespace signoff::testing {
namespace {

TEST(CliTest, FailingPolicyTestsShowADiffAndUntestedRules) {
  RunResult result = RunSignoff({"test", "tests/e2e/testdata/failing_tests"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("ok    tests/e2e/testdata/failing_tests/"
                            "policy_test.signoff:1:1: deploys need an SRE"),
            std::string::npos)
      << result.out;
  EXPECT_NE(
      result.out.find("FAIL  tests/e2e/testdata/failing_tests/"
                      "policy_test.signoff:9:1: this expectation is wrong"),
      std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("-decision: allow"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("+decision: require_approval"), std::string::npos);
  EXPECT_NE(result.out.find("-rules: [reads]"), std::string::npos);
  EXPECT_NE(result.out.find("+rules: [deploys]"), std::string::npos);
  EXPECT_NE(result.out.find("rules no test exercised: reads, never_tested"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("1 passed, 1 failed"), std::string::npos);
}

}  // namespace
}  // namespace signoff::testing
