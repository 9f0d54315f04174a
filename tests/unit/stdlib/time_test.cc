#include <gtest/gtest.h>

#include "stdlib/builtins.h"

namespace signoff::stdlib {
namespace {

int64_t At(std::string_view text) {
  std::optional<int64_t> t = ParseRfc3339(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(0);
}

TEST(Rfc3339Test, ParsesOffsetsAndFractions) {
  EXPECT_EQ(At("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(At("2026-11-21T03:00:00Z"), 1795230000);
  EXPECT_EQ(At("2026-11-21T04:00:00+01:00"), 1795230000);
  EXPECT_EQ(At("2026-11-20T22:00:00-05:00"), 1795230000);
  EXPECT_EQ(At("2026-11-21T03:00:00.999Z"), 1795230000);  // floored
  EXPECT_EQ(At("1969-12-31T23:59:59.5Z"), -1);            // floored, not 0
  EXPECT_EQ(At("2026-11-21t03:00:00z"), 1795230000);
}

TEST(Rfc3339Test, RejectsOtherForms) {
  for (const char* bad :
       {"", "2026-11-21", "2026-11-21T03:00:00", "2026-11-21 03:00:00Z",
        " 2026-11-21T03:00:00Z", "2026-11-21T03:00:00Z ", "infinite-future",
        "2026-13-01T00:00:00Z", "2026-11-21T25:00:00Z", "1795230000",
        "2026-11-21T03:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(Rfc3339Test, FormatsUtc) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1795230000), "2026-11-21T03:00:00Z");
  EXPECT_EQ(*ParseRfc3339(FormatRfc3339(-86401)), -86401);
}

TEST(TimeZoneTest, LoadsIanaNamesOnly) {
  EXPECT_TRUE(TimeZone::Load("Europe/Berlin").ok());
  EXPECT_TRUE(TimeZone::Load("UTC").ok());
  EXPECT_EQ(TimeZone::Load("UTC")->name(), "UTC");
  EXPECT_TRUE(TimeZone::Load("America/Argentina/Buenos_Aires").ok());
  EXPECT_TRUE(TimeZone::Load("Etc/GMT+5").ok());
  EXPECT_FALSE(TimeZone::Load(std::string("UTC\0x", 5)).ok());
  for (const char* bad :
       {"Mars/Olympus", "", "localtime", "/etc/localtime", "../../etc/passwd",
        "Europe/../UTC", "UTC ", "Europe/Berlin\n"}) {
    absl::StatusOr<TimeZone> zone = TimeZone::Load(bad);
    EXPECT_FALSE(zone.ok()) << bad;
    EXPECT_EQ(zone.status().code(), absl::StatusCode::kNotFound) << bad;
  }
}

TEST(TimeZoneTest, HourFollowsDaylightSavingInBerlin) {
  TimeZone berlin = *TimeZone::Load("Europe/Berlin");
  // Winter: UTC+1.
  EXPECT_EQ(berlin.Hour(At("2026-01-15T08:30:00Z")), 9);
  // Summer: UTC+2.
  EXPECT_EQ(berlin.Hour(At("2026-07-15T08:30:00Z")), 10);
  // 2026-03-29: clocks jump 02:00 -> 03:00 local at 01:00 UTC.
  EXPECT_EQ(berlin.Hour(At("2026-03-29T00:59:59Z")), 1);
  EXPECT_EQ(berlin.Hour(At("2026-03-29T01:00:00Z")), 3);
  // 2026-10-25: 03:00 -> 02:00 local at 01:00 UTC; hour 2 happens twice.
  EXPECT_EQ(berlin.Hour(At("2026-10-25T00:30:00Z")), 2);
  EXPECT_EQ(berlin.Hour(At("2026-10-25T01:30:00Z")), 2);
  EXPECT_EQ(berlin.Hour(At("2026-10-25T02:30:00Z")), 3);
  TimeZone utc = *TimeZone::Load("UTC");
  EXPECT_EQ(utc.Hour(At("2026-07-15T23:59:59Z")), 23);
  EXPECT_EQ(utc.Hour(0), 0);
}

TEST(TimeZoneTest, WeekdayIsMondayOneToSundaySeven) {
  TimeZone utc = *TimeZone::Load("UTC");
  EXPECT_EQ(utc.Weekday(0), 4);  // 1970-01-01 was a Thursday
  EXPECT_EQ(utc.Weekday(At("2026-11-16T12:00:00Z")), 1);  // Monday
  EXPECT_EQ(utc.Weekday(At("2026-11-22T12:00:00Z")), 7);  // Sunday
  // Sunday 23:30 UTC is already Monday in Berlin, and Monday 00:30 in
  // Berlin is still Sunday in New York.
  TimeZone berlin = *TimeZone::Load("Europe/Berlin");
  EXPECT_EQ(berlin.Weekday(At("2026-11-22T23:30:00Z")), 1);
  TimeZone new_york = *TimeZone::Load("America/New_York");
  EXPECT_EQ(new_york.Weekday(At("2026-11-23T02:00:00Z")), 7);
  EXPECT_EQ(utc.Weekday(-1), 3);  // 1969-12-31, Wednesday
}

}  // namespace
}  // namespace signoff::stdlib

namespace signoff::stdlib {
namespace {

TEST(Rfc3339Test, StrictForm) {
  EXPECT_TRUE(ParseRfc3339("2026-11-21T03:00:00Z").has_value());
  EXPECT_TRUE(ParseRfc3339("2026-11-21t03:00:00.123456789+05:30").has_value());
  EXPECT_TRUE(ParseRfc3339("0001-01-01T00:00:00Z").has_value());
  for (const char* bad :
       {"10000-01-01T00:00:00Z", "292277026596-12-04T15:30:07Z",
        "2026-1-1T00:00:00Z", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00",
        "2026-01-01T00:00:00+0530", "2026-01-01T00:00:00.Z",
        " 2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z ", "infinite-future",
        "2026-13-01T00:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(Rfc3339Test, FormatKeepsFourDigitYears) {
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("0001-01-01T00:00:00Z")),
            "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("0999-12-31T23:59:59Z")),
            "0999-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace signoff::stdlib
