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
  if (text.empty() || text.front() < '0' || text.front() > '9' ||
      text.back() == ' ' || text.back() == '\t' || text.back() == '\n') {
    return std::nullopt;
  }
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
