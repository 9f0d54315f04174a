#include "compiler/fmt/literal_text.h"

#include "stdlib/builtins.h"

namespace signoff::fmt {

std::string StringLiteralText(const ast::StringLiteral& literal) {
  return literal.text.empty() ? stdlib::QuoteString(literal.value)
                              : literal.text;
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
