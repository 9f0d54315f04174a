// AST builder: `message "..."` templates.
//
// In a message string, `{expr}` interpolates an expression and `{{`/`}}`
// stand for literal braces. Escapes are decoded first, so `\u{7B}` is a
// literal `{` and an expression may hold a string written with `\"`:
//   message "{hour(context.time, \"Europe/Berlin\")}h"
// The decoded expression text is parsed on its own (ParseInterpolation) with
// a byte map back to the file, so its spans point into the original string.
//
// Parts: literal text and expressions in source order; adjacent literal
// text is merged and empty literals are left out.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/parse/builder.h"
#include "compiler/parse/literals.h"

namespace signoff::parse {
namespace {

constexpr char kBraceHelp[] = "write `{{` and `}}` for literal braces";

// Tracks whether decoded expression text is inside a string literal.
struct InnerString {
  bool in_string = false;
  bool escaped = false;
  void Feed(char c) {
    if (!in_string) {
      in_string = c == '"';
    } else if (escaped) {
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (c == '"') {
      in_string = false;
    }
  }
};

bool Blank(std::string_view text) {
  return text.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

ast::Message AstBuilder::Message(TerminalNode* string) {
  const antlr4::Token* token = string->getSymbol();
  ast::Message message;
  message.raw.text = std::string(state_.map.Text(token));
  message.raw.span = state_.map.Span(token);
  OffsetMap offsets = state_.map.Offsets(token);
  {
    DiagnosticBag scratch_bag;  // escapes are reported by the scan below
    Reporter scratch(scratch_bag);
    message.raw.value = DecodeString(message.raw.text, offsets, scratch);
  }
  auto report = [&](size_t begin, size_t end, std::string text) {
    state_.diags.Report(DiagKind::kInvalidInterpolation,
                        offsets.Span(begin, end), std::move(text), kBraceHelp);
  };

  std::string_view raw = message.raw.text;
  std::string literal;
  auto flush = [&] {
    if (literal.empty()) return;
    ast::MessagePart part;
    part.literal = std::move(literal);
    literal.clear();
    message.parts.push_back(std::move(part));
  };
  size_t i = 1;  // after the opening quote
  while (i < raw.size() && raw[i] != '"') {
    char c = raw[i];
    if (c == '\\') {
      i += DecodeEscape(raw, i, offsets, state_.diags, &literal);
    } else if (c == '{' && i + 1 < raw.size() && raw[i + 1] == '{') {
      literal.push_back('{');
      i += 2;
    } else if (c == '}' && i + 1 < raw.size() && raw[i + 1] == '}') {
      literal.push_back('}');
      i += 2;
    } else if (c == '}') {
      report(i, i + 1, "unmatched `}` in a message");
      ++i;
    } else if (c == '{') {
      // Collect the decoded expression up to the matching `}`.
      std::string text;
      std::vector<uint32_t> remap;
      InnerString inner;
      size_t j = i + 1;
      bool closed = false;
      while (j < raw.size() && raw[j] != '"') {
        if (raw[j] == '}' && !inner.in_string) {
          closed = true;
          break;
        }
        size_t before = text.size();
        size_t used = 1;
        if (raw[j] == '\\') {
          used = DecodeEscape(raw, j, offsets, state_.diags, &text);
        } else {
          text.push_back(raw[j]);
        }
        for (size_t k = before; k < text.size(); ++k) {
          remap.push_back(offsets.FileOffset(j));
          inner.Feed(text[k]);
        }
        j += used;
      }
      remap.push_back(offsets.FileOffset(j));
      if (!closed) {
        report(i, i + 1, "unclosed `{` in a message");
        break;
      }
      if (state_.diags.full()) {
        // Too many errors already: do not parse what would not be shown.
      } else if (Blank(text)) {
        report(i, j + 1, "empty interpolation `{}` in a message");
      } else {
        ast::ExprPtr expr =
            ParseInterpolation(text, remap, state_.map.file(), state_.diags);
        if (expr != nullptr) {
          flush();
          ast::MessagePart part;
          part.expr = std::move(expr);
          message.parts.push_back(std::move(part));
        }
      }
      i = j + 1;
    } else {
      literal.push_back(c);
      ++i;
    }
  }
  flush();
  return message;
}

}  // namespace signoff::parse
