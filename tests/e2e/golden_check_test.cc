// Golden diagnostic tests: tests/golden/check/*.signoff.
//
// Each file ends with `# CHECK: line:col: severity: message [Kind]` lines,
// one per diagnostic `signoff check FILE` must print, in order. A file whose
// name starts with `fail_` must fail (exit 1); any other must pass (exit 0).
// Keep CHECK lines at the end of the file so they never shift positions.
// SIGNOFF_UPDATE_GOLDEN=1 rewrites the CHECK lines from the actual output.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "tests/e2e/cli_runner.h"

namespace signoff::testing {
namespace {

constexpr std::string_view kCheckPrefix = "# CHECK: ";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Headlines of the text output: lines "path:L:C: severity: msg [Kind]",
// with the path dropped when it is the checked file.
std::vector<std::string> Headlines(const std::string& out,
                                   const std::string& file) {
  std::vector<std::string> result;
  for (const std::string& line : Lines(out)) {
    if (line.empty() || line[0] == ' ' || line.back() != ']') continue;
    if (line.rfind("help:", 0) == 0) continue;
    if (line.find(": note: ") != std::string::npos) continue;
    if (line.rfind(file + ":", 0) == 0) {
      result.push_back(line.substr(file.size() + 1));
    } else {
      result.push_back(line);
    }
  }
  return result;
}

class GoldenCheckTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenCheckTest, DiagnosticsMatch) {
  const std::string& file = GetParam();
  std::string path = SourceDir() + "/" + file;
  std::string text = ReadFileOrDie(path);
  std::vector<std::string> expected;
  std::string without_checks;
  for (const std::string& line : Lines(text)) {
    if (line.rfind(kCheckPrefix, 0) == 0) {
      expected.push_back(line.substr(kCheckPrefix.size()));
    } else {
      without_checks += line + "\n";
    }
  }
  RunResult result = RunSignoff({"check", file});
  std::vector<std::string> actual = Headlines(result.out, file);

  if (const char* update = std::getenv("SIGNOFF_UPDATE_GOLDEN");
      update != nullptr && std::string(update) == "1") {
    while (without_checks.size() >= 2 &&
           without_checks.substr(without_checks.size() - 2) == "\n\n") {
      without_checks.pop_back();
    }
    std::string updated = without_checks;
    if (!actual.empty()) updated += "\n";
    for (const std::string& line : actual) {
      updated += std::string(kCheckPrefix) + line + "\n";
    }
    WriteFileOrDie(path, updated);
    GTEST_SKIP() << "updated " << file;
  }

  EXPECT_EQ(actual, expected) << "full output:\n" << result.out << result.err;
  bool must_fail =
      std::filesystem::path(file).filename().string().rfind("fail_", 0) == 0;
  EXPECT_EQ(result.exit_code, must_fail ? 1 : 0)
      << "fail_ prefix must match the exit code\n"
      << result.out << result.err;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = std::filesystem::path(info.param).stem().string();
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenCheckTest,
                         ::testing::ValuesIn(ListFiles("tests/golden/check",
                                                       ".signoff")),
                         TestName);

}  // namespace
}  // namespace signoff::testing
