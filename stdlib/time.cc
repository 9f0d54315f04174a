// Time built-ins: IANA zones for `hour`/`weekday`, and RFC 3339 text.
#include "absl/time/time.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::stdlib {

namespace {

// IANA names ("America/Argentina/Buenos_Aires", "Etc/GMT+5") use letters,
// digits, `/`, `_`, `-` and `+`. absl would also resolve "localtime" (the
// host's zone) and arbitrary file paths; neither belongs in a policy.
bool IsIanaName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name == "localtime" ||
      name.front() == '/' || name.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' ||
              c == '+';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<TimeZone> TimeZone::Load(std::string_view name) {
  TimeZone zone;
  if (!IsIanaName(name) ||
      !absl::LoadTimeZone(std::string(name), &zone.zone_)) {
    return absl::NotFoundError(
        absl::StrCat("unknown time zone `", AsAbsl(name),
                     "`: use an IANA name such as `Europe/Berlin` or `UTC`"));
  }
  zone.name_ = std::string(name);
  return zone;
}

int64_t TimeZone::Hour(int64_t unix_seconds) const {
  return absl::ToCivilHour(absl::FromUnixSeconds(unix_seconds), zone_).hour();
}

int64_t TimeZone::Weekday(int64_t unix_seconds) const {
  absl::CivilDay day =
      absl::ToCivilDay(absl::FromUnixSeconds(unix_seconds), zone_);
  // absl::Weekday counts from monday = 0 to sunday = 6.
  return static_cast<int64_t>(absl::GetWeekday(day)) + 1;
}

std::optional<int64_t> ParseRfc3339(std::string_view text) {
  // absl::ParseTime skips surrounding spaces and accepts "infinite-future";
  // neither is RFC 3339.
  // RFC 3339 §5.6: YYYY-MM-DD[Tt]hh:mm:ss[.frac](Z|z|+hh:mm|-hh:mm), with
  // exactly these digit counts; absl alone is laxer (five-digit years,
  // one-digit months, surrounding spaces, "infinite-future").
  auto digits = [&](size_t at, size_t n) {
    if (at + n > text.size()) return false;
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  if (!digits(0, 4) || text.size() < 20 || text[4] != '-' || !digits(5, 2) ||
      text[7] != '-' || !digits(8, 2) || (text[10] != 'T' && text[10] != 't') ||
      !digits(11, 2) || text[13] != ':' || !digits(14, 2) || text[16] != ':' ||
      !digits(17, 2)) {
    return std::nullopt;
  }
  size_t i = 19;
  if (text[i] == '.') {
    ++i;
    if (!digits(i, 1)) return std::nullopt;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  }
  std::string_view zone = text.substr(i);
  bool zone_ok = zone == "Z" || zone == "z" ||
                 (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') &&
                  digits(i + 1, 2) && zone[3] == ':' && digits(i + 4, 2));
  if (!zone_ok) return std::nullopt;
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, AsAbsl(text), &time, &error)) {
    return std::nullopt;
  }
  if (time == absl::InfiniteFuture() || time == absl::InfinitePast()) {
    return std::nullopt;
  }
  return absl::ToUnixSeconds(time);  // rounds toward negative infinity
}

std::string FormatRfc3339(int64_t unix_seconds) {
  // %Y does not pad: years below 1000 need their leading zeros, and a year
  // outside 0000..9999 (from arithmetic on unix seconds) has no RFC 3339
  // form, so it prints as absl gives it.
  absl::CivilSecond civil = absl::ToCivilSecond(
      absl::FromUnixSeconds(unix_seconds), absl::UTCTimeZone());
  if (civil.year() >= 0 && civil.year() <= 9999) {
    return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02dZ", civil.year(),
                           civil.month(), civil.day(), civil.hour(),
                           civil.minute(), civil.second());
  }
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

const std::vector<std::string>& TimeZone::KnownNames() {
  static const std::vector<std::string>* kNames = [] {
    std::set<std::string> names = {"UTC"};
    for (const char* table :
         {"/usr/share/zoneinfo/zone1970.tab", "/usr/share/zoneinfo/zone.tab"}) {
      std::ifstream in(table);
      for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        // country-code <TAB> coordinates <TAB> TZ [<TAB> comments]
        size_t first = line.find('\t');
        size_t second =
            first == std::string::npos ? first : line.find('\t', first + 1);
        if (second == std::string::npos) continue;
        size_t third = line.find('\t', second + 1);
        names.insert(line.substr(second + 1, third == std::string::npos
                                                 ? std::string::npos
                                                 : third - second - 1));
      }
    }
    return new std::vector<std::string>(names.begin(), names.end());
  }();
  return *kNames;
}

}  // namespace signoff::stdlib
