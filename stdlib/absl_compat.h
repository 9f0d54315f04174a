// Bridges std::string_view and absl::string_view.
//
// Debian's Abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW=0, so
// absl::string_view is its own type and absl::StrCat, absl::StrJoin, ...
// do not accept a std::string_view. Our APIs use std::string_view; wrap it
// with AsAbsl() at the call into Abseil, and use AsStd() on the way back
// (e.g. absl::Status::message()).
#ifndef SIGNOFF_STDLIB_ABSL_COMPAT_H_
#define SIGNOFF_STDLIB_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace signoff {

inline absl::string_view AsAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view AsStd(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace signoff

#endif  // SIGNOFF_STDLIB_ABSL_COMPAT_H_
