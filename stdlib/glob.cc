// Glob patterns for `s like "glob"`: `*` matches any run of code points
// (including none), `?` exactly one, everything else itself; full match.
//
// Matching uses the two-pointer star algorithm: on a mismatch it resumes
// after the most recent `*`, which has then absorbed one more code point.
// Earlier stars never need revisiting, so the cost is O(|s| * |pattern|)
// at worst, never exponential.
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "stdlib/builtins.h"

namespace signoff::stdlib {

absl::StatusOr<Glob> Glob::Compile(std::string_view pattern) {
  Glob glob;
  glob.pattern_ = std::string(pattern);
  return glob;
}

bool Glob::Matches(std::string_view s) const {
  const std::string_view p = pattern_;
  constexpr size_t kNone = std::string_view::npos;
  size_t pi = 0;
  size_t si = 0;
  size_t star_p = kNone;  // pattern position just after the last `*`
  size_t star_s = 0;      // where in `s` that star's run currently ends
  while (si < s.size()) {
    if (pi < p.size()) {
      if (p[pi] == '*') {
        star_p = ++pi;
        star_s = si;
        continue;
      }
      size_t s_size = CodePointSize(s, si);
      if (p[pi] == '?') {
        ++pi;
        si += s_size;
        continue;
      }
      size_t p_size = CodePointSize(p, pi);
      if (p_size == s_size && s.substr(si, s_size) == p.substr(pi, p_size)) {
        pi += p_size;
        si += s_size;
        continue;
      }
    }
    if (star_p == kNone) return false;
    star_s += CodePointSize(s, star_s);
    si = star_s;
    pi = star_p;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace signoff::stdlib
