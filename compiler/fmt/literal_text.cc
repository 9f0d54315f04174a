#include "compiler/fmt/literal_text.h"

#include <cstdio>

#include "stdlib/builtins.h"

namespace signoff::fmt {

std::string QuoteString(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[16];
          std::snprintf(buf, sizeof(buf), "\\u{%X}",
                        static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string DurationText(int64_t seconds) {
  return stdlib::FormatDuration(seconds);
}

std::string StringLiteralText(const ast::StringLiteral& literal) {
  return literal.text.empty() ? QuoteString(literal.value) : literal.text;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

}  // namespace signoff::fmt
