// The Signoff standard library: built-in functions and the precompiled
// literal objects (globs, regexes, CIDR blocks, time zones) shared by the
// interpreter and the JIT.
//
// Semantics (documented in docs/language.md):
//   - Strings are UTF-8. `len(s)` counts code points. `lower`/`upper` map
//     ASCII letters only, so results never depend on the host's locale.
//   - `s like "glob"`: `*` matches any run of characters (including none),
//     `?` exactly one code point; everything else matches itself. Full match.
//   - `s matches "re"`: RE2 syntax, full match.
//   - `hour`/`weekday` convert a time to the named IANA zone; weekday is
//     1 = Monday .. 7 = Sunday.
//
// Thread safety: every object here is immutable after construction and
// every function is pure; all are safe from any number of threads.
#ifndef SIGNOFF_STDLIB_BUILTINS_H_
#define SIGNOFF_STDLIB_BUILTINS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "compiler/ast/type.h"

namespace re2 {
class RE2;
}

namespace signoff::stdlib {

enum class Builtin : unsigned char {
#define SIGNOFF_BUILTIN(id, name, result, args) k##id,
#include "stdlib/builtins.def"
};

struct BuiltinInfo {
  Builtin id;
  std::string_view name;
  Type result;
  std::vector<Type> args;
};
const std::vector<BuiltinInfo>& AllBuiltins();
const BuiltinInfo& GetBuiltin(Builtin id);
// Distinct builtin names, sorted (for did-you-mean).
std::vector<std::string> BuiltinNames();

// --- IP addresses ------------------------------------------------------------

struct IpAddress {
  bool valid = false;  // the zero value (absent ip) is invalid
  bool v4 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes

  static std::optional<IpAddress> Parse(std::string_view text);
  std::string ToString() const;
  bool operator==(const IpAddress& other) const = default;
};

class Cidr {
 public:
  // "10.0.0.0/8", "2001:db8::/32". Host bits must be zero.
  static absl::StatusOr<Cidr> Parse(std::string_view text);
  bool Contains(const IpAddress& ip) const;
  const std::string& text() const { return text_; }

 private:
  IpAddress network_;
  int prefix_ = 0;
  std::string text_;
};

// --- strings -----------------------------------------------------------------

bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
bool Contains(std::string_view s, std::string_view sub);
std::string Lower(std::string_view s);
std::string Upper(std::string_view s);
int64_t CodePointLength(std::string_view s);
// `s` spelled as a Signoff string literal, quotes included: `"` and `\`
// escaped, newline and tab as \n and \t, other control characters as
// \u{..}. Used wherever a value is shown in policy syntax.
std::string QuoteString(std::string_view s);
// The byte size of the code point starting at s[i] (requires i < s.size()).
// A byte that does not start a well-formed UTF-8 sequence counts as a code
// point of its own, so any input is stepped through in positive steps.
size_t CodePointSize(std::string_view s, size_t i);

class Glob {
 public:
  static absl::StatusOr<Glob> Compile(std::string_view pattern);
  bool Matches(std::string_view s) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
};

class Regex {
 public:
  static absl::StatusOr<std::shared_ptr<const Regex>> Compile(
      std::string_view pattern);
  ~Regex();
  bool FullMatch(std::string_view s) const;
  const std::string& pattern() const { return pattern_; }

 private:
  Regex() = default;
  std::string pattern_;
  std::unique_ptr<re2::RE2> re_;
};

// --- time --------------------------------------------------------------------

class TimeZone {
 public:
  // An IANA name ("Europe/Berlin", "UTC"); NotFound when unknown.
  static absl::StatusOr<TimeZone> Load(std::string_view name);
  // Canonical zone names of the system's tz database (zone1970.tab and
  // zone.tab) plus "UTC", sorted; for did-you-mean. Empty when unreadable.
  static const std::vector<std::string>& KnownNames();
  int64_t Hour(int64_t unix_seconds) const;     // 0..23
  int64_t Weekday(int64_t unix_seconds) const;  // 1 = Monday .. 7 = Sunday
  const std::string& name() const { return name_; }

 private:
  absl::TimeZone zone_;
  std::string name_;
};

// RFC 3339 ("2026-11-21T03:00:00Z", offsets and fractions allowed) to unix
// seconds, rounded down.
std::optional<int64_t> ParseRfc3339(std::string_view text);
std::string FormatRfc3339(int64_t unix_seconds);  // UTC, "Z"

// --- durations ---------------------------------------------------------------

// The literal syntax: integer + unit (s m h d), units chained largest first
// and each at most once ("45s", "1h30m", "7d"); `_` separators allowed in
// the numbers. Returns seconds, or an error saying what is wrong.
absl::StatusOr<int64_t> ParseDuration(std::string_view text);
// Canonical form, largest unit first: 5400 -> "1h30m", 0 -> "0s",
// 90000 -> "1d1h". Negative durations print with a leading "-".
std::string FormatDuration(int64_t seconds);

}  // namespace signoff::stdlib

#endif  // SIGNOFF_STDLIB_BUILTINS_H_
