// Literal values: string escapes, integers and durations (private to
// compiler/parse; no ANTLR here).
//
// Every function reports its problems to a Reporter with spans that
// point at the offending characters of the file and returns a usable value
// anyway (or nullopt), so the caller can keep building the AST.
#ifndef SIGNOFF_COMPILER_PARSE_LITERALS_H_
#define SIGNOFF_COMPILER_PARSE_LITERALS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace signoff::parse {

// At most this many diagnostics are reported for one file.
inline constexpr int kMaxFileDiagnostics = 500;

// Reports the parse diagnostics of one file into a DiagnosticBag, up to
// kMaxFileDiagnostics (then one "too many" note), so that no input can
// flood the bag.
class Reporter {
 public:
  explicit Reporter(DiagnosticBag& bag) : bag_(bag) {}
  void Report(DiagKind kind, SourceSpan span, std::string message,
              std::string help = "");
  bool full() const { return count_ >= kMaxFileDiagnostics; }

 private:
  DiagnosticBag& bag_;
  int count_ = 0;
};

// Maps byte offsets of a piece of literal text to byte offsets in its file.
// Plain case: file offset = base + local. Inside a message interpolation the
// text was decoded from the source first, so `remap` (indexed by base +
// local) gives the file offset of each byte.
struct OffsetMap {
  FileId file = kNoFile;
  uint32_t base = 0;
  const std::vector<uint32_t>* remap = nullptr;

  uint32_t FileOffset(size_t local) const;
  SourceSpan Span(size_t local_begin, size_t local_end) const;
};

// Decodes the escape sequence starting at raw[i] == '\\' and appends its
// value to *out. Returns how many bytes of `raw` it used (at least 1).
// Unknown or malformed escapes are reported (InvalidEscape) and append
// nothing.
size_t DecodeEscape(std::string_view raw, size_t i, const OffsetMap& map,
                    Reporter& diags, std::string* out);

// Decodes a string literal as written, quotes included (the closing quote
// may be missing: an unterminated string was already reported).
std::string DecodeString(std::string_view raw, const OffsetMap& map,
                         Reporter& diags);

// `10_000` -> 10000. Reports misplaced `_` (SyntaxError) and values outside
// int64 (IntegerOutOfRange). With `negative`, the literal is the operand of
// a minus sign and may reach INT64_MIN.
std::optional<int64_t> ParseIntLiteral(std::string_view text, SourceSpan span,
                                       Reporter& diags, bool negative = false);

// `1h30m` -> 5400 seconds; reports InvalidDuration.
std::optional<int64_t> ParseDurationLiteral(std::string_view text,
                                            SourceSpan span, Reporter& diags);

// Appends the UTF-8 encoding of a Unicode scalar value.
void AppendUtf8(uint32_t code_point, std::string* out);

}  // namespace signoff::parse

#endif  // SIGNOFF_COMPILER_PARSE_LITERALS_H_
