#include "runtime/audit/timestamp.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace signoff::audit {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
// 0000-01-01 and 10000-01-01 in days since 1970-01-01.
constexpr int64_t kMinDays = -719'528;
constexpr int64_t kMaxDays = 2'932'897;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2);
}

bool Digits(std::string_view text, size_t pos, size_t count, int64_t& out) {
  out = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::string FormatTimestamp(int64_t unix_ms) {
  unix_ms = std::clamp(unix_ms, kMinDays * kMsPerDay, kMaxDays * kMsPerDay - 1);
  int64_t days = unix_ms / kMsPerDay;
  int64_t rest = unix_ms % kMsPerDay;
  if (rest < 0) {
    rest += kMsPerDay;
    --days;
  }
  int64_t y, m, d;
  CivilFromDays(days, y, m, d);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer),
                "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(y), static_cast<long long>(m),
                static_cast<long long>(d),
                static_cast<long long>(rest / 3'600'000),
                static_cast<long long>(rest / 60'000 % 60),
                static_cast<long long>(rest / 1000 % 60),
                static_cast<long long>(rest % 1000));
  return buffer;
}

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  // 0123456789012345678901234
  // YYYY-MM-DDTHH:MM:SS.mmmZ
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' ||
      text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != '.' || text[23] != 'Z') {
    return std::nullopt;
  }
  int64_t y, mo, d, h, mi, s, ms;
  if (!Digits(text, 0, 4, y) || !Digits(text, 5, 2, mo) ||
      !Digits(text, 8, 2, d) || !Digits(text, 11, 2, h) ||
      !Digits(text, 14, 2, mi) || !Digits(text, 17, 2, s) ||
      !Digits(text, 20, 3, ms)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) {
    return std::nullopt;
  }
  const int64_t days = DaysFromCivil(y, mo, d);
  int64_t cy, cm, cd;
  CivilFromDays(days, cy, cm, cd);
  if (cy != y || cm != mo || cd != d) return std::nullopt;  // e.g. 02-30
  return days * kMsPerDay + h * 3'600'000 + mi * 60'000 + s * 1000 + ms;
}

int64_t NowUnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace signoff::audit
