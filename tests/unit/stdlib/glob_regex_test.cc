#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "stdlib/builtins.h"

namespace signoff::stdlib {
namespace {

bool Like(std::string_view s, std::string_view pattern) {
  absl::StatusOr<Glob> glob = Glob::Compile(pattern);
  EXPECT_TRUE(glob.ok());
  return glob->Matches(s);
}

TEST(GlobTest, StarMatchesAnyRunIncludingEmpty) {
  EXPECT_TRUE(Like("s3://public-logs", "s3://public-*"));
  EXPECT_TRUE(Like("s3://public-", "s3://public-*"));
  EXPECT_FALSE(Like("s3://private-logs", "s3://public-*"));
  EXPECT_TRUE(Like("", "*"));
  EXPECT_TRUE(Like("", "**"));
  EXPECT_TRUE(Like("abc", "*"));
  EXPECT_TRUE(Like("abc", "a*c"));
  EXPECT_TRUE(Like("ac", "a*c"));
  EXPECT_TRUE(Like("abcbc", "a*bc"));
  EXPECT_TRUE(Like("xaxbx", "*a*b*"));
  EXPECT_FALSE(Like("xbxax", "*a*b*"));
}

TEST(GlobTest, FullMatchOnly) {
  EXPECT_FALSE(Like("abcd", "abc"));
  EXPECT_FALSE(Like("xabc", "abc"));
  EXPECT_TRUE(Like("abc", "abc"));
  EXPECT_FALSE(Like("", "a"));
  EXPECT_TRUE(Like("", ""));
  EXPECT_FALSE(Like("a", ""));
}

TEST(GlobTest, QuestionMarkIsOneCodePoint) {
  EXPECT_TRUE(Like("cat", "c?t"));
  EXPECT_FALSE(Like("ct", "c?t"));
  EXPECT_FALSE(Like("caat", "c?t"));
  EXPECT_TRUE(Like("caf\xc3\xa9", "caf?"));  // é is one `?`
  EXPECT_FALSE(Like("caf\xc3\xa9", "caf??"));
  EXPECT_TRUE(Like("\xf0\x9f\x98\x80", "?"));  // 😀
  EXPECT_TRUE(Like("x\xe2\x82\xacy", "*?y"));
  EXPECT_TRUE(Like("\xc3\xa9t\xc3\xa9", "*t?"));
  EXPECT_TRUE(Like("\xc3\xa9t\xc3\xa9", "\xc3\xa9*"));  // literal non-ASCII
}

TEST(GlobTest, NoEscapes) {
  EXPECT_TRUE(Like("a\\b", "a\\b"));
  EXPECT_TRUE(Like("a\\xb", "a\\*"));
  EXPECT_TRUE(Like("[abc]", "[abc]"));
  EXPECT_FALSE(Like("a", "[abc]"));
}

TEST(GlobTest, ManyStarsOnLongInputIsFast) {
  std::string input(100000, 'a');
  std::string pattern;
  for (int i = 0; i < 50; ++i) pattern += "*a";
  pattern += "*b";  // never matches: the classic exponential trap
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(Like(input, pattern));
  EXPECT_TRUE(Like(input + "b", pattern));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(RegexTest, FullMatchWithRe2Syntax) {
  auto re = Regex::Compile("prod-[a-z]+-\\d{2}");
  ASSERT_TRUE(re.ok());
  EXPECT_TRUE((*re)->FullMatch("prod-db-01"));
  EXPECT_FALSE((*re)->FullMatch("prod-db-01x"));
  EXPECT_FALSE((*re)->FullMatch("xprod-db-01"));
  EXPECT_EQ((*re)->pattern(), "prod-[a-z]+-\\d{2}");
  auto dot = Regex::Compile(".");
  ASSERT_TRUE(dot.ok());
  EXPECT_TRUE((*dot)->FullMatch("\xc3\xa9"));  // UTF-8: one char
  auto alternation = Regex::Compile("a|b");
  ASSERT_TRUE(alternation.ok());
  EXPECT_FALSE((*alternation)->FullMatch("ab"));
  EXPECT_TRUE((*alternation)->FullMatch("b"));
}

TEST(RegexTest, CompileErrorsAreInvalidArgumentWithRe2Message) {
  auto re = Regex::Compile("a(b");
  ASSERT_FALSE(re.ok());
  EXPECT_EQ(re.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(re.status().message().find("missing )"), absl::string_view::npos)
      << re.status().message();
  // Backreferences are not RE2.
  EXPECT_FALSE(Regex::Compile("(a)\\1").ok());
}

}  // namespace
}  // namespace signoff::stdlib
