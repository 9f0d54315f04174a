// String escapes, integer and duration literals.
#include "compiler/parse/literals.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::parse {
namespace {

constexpr char kEscapeHelp[] =
    "the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{...}` with 1 to 6 "
    "hex digits";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reports the escape raw[begin, end) and returns how much was consumed.
size_t BadEscape(std::string_view raw, size_t begin, size_t end,
                 std::string_view why, const OffsetMap& map, Reporter& diags) {
  std::string message = absl::StrCat(
      "invalid escape `", AsAbsl(raw.substr(begin, end - begin)), "`");
  if (!why.empty()) absl::StrAppend(&message, ": ", AsAbsl(why));
  diags.Report(DiagKind::kInvalidEscape, map.Span(begin, end),
               std::move(message), kEscapeHelp);
  return end - begin;
}

// `\u{...}` at raw[i]; raw[i + 1] == 'u'.
size_t DecodeUnicodeEscape(std::string_view raw, size_t i, const OffsetMap& map,
                           Reporter& diags, std::string* out) {
  size_t n = raw.size();
  if (i + 2 >= n || raw[i + 2] != '{') {
    return BadEscape(raw, i, i + 2, "write `\\u{...}` with braces", map, diags);
  }
  size_t j = i + 3;
  uint32_t value = 0;
  while (j < n && HexValue(raw[j]) >= 0 && j - (i + 3) < 8) {
    value = value * 16 + static_cast<uint32_t>(HexValue(raw[j]));
    ++j;
  }
  size_t digits = j - (i + 3);
  if (j >= n || raw[j] != '}') {
    // Swallow the rest of a malformed escape up to its `}` (if near).
    size_t end = j;
    while (end < n && end - i < 16 && raw[end] != '}' && raw[end] != '"' &&
           raw[end] != '\\') {
      ++end;
    }
    if (end < n && raw[end] == '}') ++end;
    return BadEscape(raw, i, end, "expected 1 to 6 hex digits and a `}`", map,
                     diags);
  }
  ++j;  // the `}`
  if (digits == 0 || digits > 6) {
    return BadEscape(raw, i, j, "expected 1 to 6 hex digits", map, diags);
  }
  if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return BadEscape(raw, i, j, "not a Unicode scalar value", map, diags);
  }
  AppendUtf8(value, out);
  return j - i;
}

}  // namespace

void Reporter::Report(DiagKind kind, SourceSpan span, std::string message,
                      std::string help) {
  if (count_ > kMaxFileDiagnostics) return;
  if (++count_ > kMaxFileDiagnostics) {
    bag_.Report(kind, span,
                "too many errors in this file; the rest are not shown");
    return;
  }
  bag_.Report(kind, span, std::move(message), std::move(help));
}

uint32_t OffsetMap::FileOffset(size_t local) const {
  size_t at = base + local;
  if (remap != nullptr) {
    if (remap->empty()) return 0;
    return (*remap)[std::min(at, remap->size() - 1)];
  }
  return static_cast<uint32_t>(at);
}

SourceSpan OffsetMap::Span(size_t local_begin, size_t local_end) const {
  return SourceSpan{file, FileOffset(local_begin), FileOffset(local_end)};
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t DecodeEscape(std::string_view raw, size_t i, const OffsetMap& map,
                    Reporter& diags, std::string* out) {
  if (i + 1 >= raw.size()) return BadEscape(raw, i, i + 1, "", map, diags);
  switch (raw[i + 1]) {
    case '"':
      out->push_back('"');
      return 2;
    case '\\':
      out->push_back('\\');
      return 2;
    case 'n':
      out->push_back('\n');
      return 2;
    case 't':
      out->push_back('\t');
      return 2;
    case 'u':
      return DecodeUnicodeEscape(raw, i, map, diags, out);
    default: {
      size_t len = Utf8Length(static_cast<unsigned char>(raw[i + 1]));
      size_t end = std::min(raw.size(), i + 1 + len);
      return BadEscape(raw, i, end, "", map, diags);
    }
  }
}

std::string DecodeString(std::string_view raw, const OffsetMap& map,
                         Reporter& diags) {
  std::string out;
  size_t i = raw.empty() || raw[0] != '"' ? 0 : 1;
  while (i < raw.size()) {
    char c = raw[i];
    if (c == '"') break;  // the closing quote
    if (c == '\\') {
      i += DecodeEscape(raw, i, map, diags, &out);
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

std::optional<int64_t> ParseIntLiteral(std::string_view text, SourceSpan span,
                                       Reporter& diags, bool negative) {
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t value = 0;
  bool overflow = false;
  bool last_digit = false;
  bool misplaced = false;
  for (char c : text) {
    if (c == '_') {
      if (!last_digit) misplaced = true;
      last_digit = false;
      continue;
    }
    if (c < '0' || c > '9') {
      misplaced = true;
      continue;
    }
    last_digit = true;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (limit - digit) / 10) overflow = true;
    if (!overflow) value = value * 10 + digit;
  }
  if (!last_digit) misplaced = true;
  if (misplaced) {
    diags.Report(DiagKind::kSyntaxError, span,
                 absl::StrCat("malformed integer `", AsAbsl(text),
                              "`: a `_` separator must stand between digits"),
                 "write digits in groups, as in `10_000`");
    return std::nullopt;
  }
  if (overflow) {
    diags.Report(DiagKind::kIntegerOutOfRange, span,
                 absl::StrCat("integer `", negative ? "-" : "", AsAbsl(text),
                              "` does not fit in 64 bits"),
                 negative ? "the smallest integer is -9223372036854775808"
                          : "the largest integer is 9223372036854775807");
    return std::nullopt;
  }
  if (negative) return static_cast<int64_t>(0 - value);
  return static_cast<int64_t>(value);
}

std::optional<int64_t> ParseDurationLiteral(std::string_view text,
                                            SourceSpan span, Reporter& diags) {
  absl::StatusOr<int64_t> seconds = stdlib::ParseDuration(text);
  if (!seconds.ok()) {
    diags.Report(DiagKind::kInvalidDuration, span,
                 absl::StrCat("invalid duration `", AsAbsl(text),
                              "`: ", seconds.status().message()),
                 "a duration is a number and a unit (`s`, `m`, `h`, `d`), "
                 "units chained largest first, as in `1h30m`");
    return std::nullopt;
  }
  return *seconds;
}

}  // namespace signoff::parse
