// `signoff fmt` is idempotent and loses no comment on every golden input and
// example: fmt(fmt(x)) == fmt(x).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "tests/e2e/cli_runner.h"

namespace signoff::testing {
namespace {

size_t CountComments(const std::string& text) {
  // Comment markers outside strings, roughly: '#' not inside quotes.
  size_t count = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"' || c == '\n')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '#') {
      ++count;
      while (i < text.size() && text[i] != '\n') ++i;
    }
  }
  return count;
}

std::vector<std::string> Inputs() {
  std::vector<std::string> files;
  for (const char* dir : {"tests/golden", "examples", "stdlib/std"}) {
    for (const std::string& f : ListFiles(dir, ".signoff")) files.push_back(f);
  }
  return files;
}

class FmtIdempotenceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FmtIdempotenceTest, FormattingTwiceChangesNothing) {
  const std::string& file = GetParam();
  RunResult first = RunSignoff({"fmt", file});
  if (first.exit_code != 0) {
    // Only golden inputs that must fail may refuse to format, and only for
    // errors the parser reports (syntax, literals).
    ASSERT_EQ(std::filesystem::path(file).filename().string().rfind("fail_", 0),
              0u)
        << first.err;
    ASSERT_NE(first.err.find(": error: "), std::string::npos) << first.err;
    ASSERT_TRUE(first.out.empty()) << "nothing is printed for a refused file";
    return;
  }
  std::string original = ReadFileOrDie(SourceDir() + "/" + file);
  EXPECT_EQ(CountComments(first.out), CountComments(original))
      << "a comment was lost or duplicated:\n"
      << first.out;
  RunResult second = RunSignoff({"fmt", "-"}, first.out);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, first.out);
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(All, FmtIdempotenceTest, ::testing::ValuesIn(Inputs()),
                         TestName);

}  // namespace
}  // namespace signoff::testing
