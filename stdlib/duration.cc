// Duration literals: "45s", "30m", "1h30m", "7d".
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::stdlib {
namespace {

struct Unit {
  char letter;
  int64_t seconds;
};
constexpr Unit kUnits[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};

int UnitRank(char c) {
  for (int i = 0; i < 4; ++i) {
    if (kUnits[i].letter == c) return i;
  }
  return -1;
}

}  // namespace

absl::StatusOr<int64_t> ParseDuration(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("empty duration");
  int64_t total = 0;
  int last_rank = -1;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      return absl::InvalidArgumentError(
          absl::StrCat("expected a number at `", AsAbsl(text.substr(i)), "`"));
    }
    int64_t number = 0;
    bool last_was_digit = false;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') ||
                               (text[i] == '_' && last_was_digit))) {
      if (text[i] != '_') {
        if (number > (INT64_MAX - (text[i] - '0')) / 10) {
          return absl::InvalidArgumentError("duration is too large");
        }
        number = number * 10 + (text[i] - '0');
        last_was_digit = true;
      } else {
        last_was_digit = false;
      }
      ++i;
    }
    if (!last_was_digit) {
      return absl::InvalidArgumentError(
          "a `_` separator must stand between digits");
    }
    if (i == text.size()) {
      return absl::InvalidArgumentError(
          "missing unit: add one of `s`, `m`, `h`, `d`");
    }
    int rank = UnitRank(text[i]);
    if (rank < 0 ||
        (i + 1 < text.size() && text[i + 1] >= 'a' && text[i + 1] <= 'z')) {
      size_t end = i;
      while (end < text.size() && !(text[end] >= '0' && text[end] <= '9')) {
        ++end;
      }
      return absl::InvalidArgumentError(
          absl::StrCat("unknown unit `", AsAbsl(text.substr(i, end - i)),
                       "`: use `s`, `m`, `h` or `d`"));
    }
    if (rank <= last_rank) {
      return absl::InvalidArgumentError(
          "units must appear once each, largest first (`1h30m`, not `30m1h`)");
    }
    last_rank = rank;
    int64_t unit = kUnits[rank].seconds;
    if (number > (INT64_MAX - total) / unit) {
      return absl::InvalidArgumentError("duration is too large");
    }
    total += number * unit;
    ++i;
  }
  return total;
}

std::string FormatDuration(int64_t seconds) {
  if (seconds == 0) return "0s";
  std::string out;
  uint64_t rest;
  if (seconds < 0) {
    out = "-";
    rest = static_cast<uint64_t>(-(seconds + 1)) + 1;
  } else {
    rest = static_cast<uint64_t>(seconds);
  }
  for (const Unit& unit : kUnits) {
    uint64_t count = rest / static_cast<uint64_t>(unit.seconds);
    if (count > 0) {
      absl::StrAppend(&out, count, std::string(1, unit.letter));
      rest -= count * static_cast<uint64_t>(unit.seconds);
    }
  }
  return out;
}

}  // namespace signoff::stdlib
