#include <gtest/gtest.h>

#include "stdlib/builtins.h"

namespace signoff::stdlib {
namespace {

TEST(DurationTest, ParsesEveryUnitAndChains) {
  EXPECT_EQ(*ParseDuration("45s"), 45);
  EXPECT_EQ(*ParseDuration("30m"), 1800);
  EXPECT_EQ(*ParseDuration("1h30m"), 5400);
  EXPECT_EQ(*ParseDuration("7d"), 7 * 86400);
  EXPECT_EQ(*ParseDuration("1d2h3m4s"), 86400 + 7200 + 180 + 4);
  EXPECT_EQ(*ParseDuration("1_000s"), 1000);
}

TEST(DurationTest, RejectsMalformed) {
  for (const char* bad : {"", "5", "5x", "1m30h", "1h1h", "h", "1_s", "5mins",
                          "99999999999999999999s", "106751991167301d"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST(DurationTest, FormatsCanonically) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(5400), "1h30m");
  EXPECT_EQ(FormatDuration(90 * 60), "1h30m");
  EXPECT_EQ(FormatDuration(90000), "1d1h");
  EXPECT_EQ(FormatDuration(900), "15m");
  EXPECT_EQ(FormatDuration(-61), "-1m1s");
  EXPECT_EQ(FormatDuration(INT64_MIN).substr(0, 1), "-");
}

TEST(DurationTest, FormatParsesBack) {
  for (int64_t s : {1, 59, 60, 61, 3599, 3600, 86399, 86400, 1234567}) {
    EXPECT_EQ(*ParseDuration(FormatDuration(s)), s) << s;
  }
}

}  // namespace
}  // namespace signoff::stdlib
