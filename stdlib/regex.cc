// Regular expressions for `s matches "re"`: RE2 syntax, UTF-8, full match.
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "stdlib/builtins.h"

namespace signoff::stdlib {

absl::StatusOr<std::shared_ptr<const Regex>> Regex::Compile(
    std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(RE2::Options::EncodingUTF8);
  auto re = std::make_unique<re2::RE2>(
      re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    return absl::InvalidArgumentError(re->error());
  }
  std::shared_ptr<Regex> regex(new Regex());
  regex->pattern_ = std::string(pattern);
  regex->re_ = std::move(re);
  return std::shared_ptr<const Regex>(std::move(regex));
}

Regex::~Regex() = default;

bool Regex::FullMatch(std::string_view s) const {
  return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re_);
}

}  // namespace signoff::stdlib
