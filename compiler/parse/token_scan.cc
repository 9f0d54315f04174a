// The pre-scan of the token stream that runs before the (recursive) parser
// sees any token: comments, stray characters, unterminated strings, nesting.
#include <algorithm>
#include <cstdint>
#include <string>

#include "SignoffLexer.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/parse/parse_state.h"
#include "compiler/parse/parser.h"
#include "stdlib/absl_compat.h"

namespace signoff::parse {
namespace {

using antlr4::Token;
using L = signoff_antlr::SignoffLexer;

bool IsOpener(size_t type) {
  return type == L::LPAREN || type == L::LBRACK || type == L::LBRACE;
}
size_t OpenerOf(size_t closer) {
  switch (closer) {
    case L::RPAREN:
      return L::LPAREN;
    case L::RBRACK:
      return L::LBRACK;
    case L::RBRACE:
      return L::LBRACE;
    case L::GT:
      return L::LT;
    default:
      return 0;
  }
}

bool IsWordType(size_t type) {
  return type == L::IDENT || (type >= L::IMPORT && type <= L::EXPECT);
}

std::string CharHelp(std::string_view text) {
  if (text == "'") return "strings are written in double quotes";
  if (text == "!") return "write `not` for negation and `!=` for inequality";
  if (text == "&") return "write `and`";
  if (text == ";") return "declarations and clauses need no `;`";
  return "";
}

// Reports a run of stray characters text[begin, end).
void ReportStray(ParseState& state, uint32_t begin, uint32_t end) {
  std::string_view text = state.map.text().substr(begin, end - begin);
  std::string shown;
  bool printable = true;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) printable = false;
  }
  if (text.size() > 24) text = text.substr(0, 24);
  if (printable) {
    shown = absl::StrCat("`", AsAbsl(text), "`");
  } else {
    shown = absl::StrFormat("U+%04X", static_cast<unsigned char>(text[0]));
  }
  SourceSpan span{state.map.file(), state.map.FileOffset(begin),
                  state.map.FileOffset(end)};
  state.SyntaxError(span, absl::StrCat("unexpected character ", shown),
                    CharHelp(text));
}

void AddComment(ParseState& state, const Token* token,
                std::vector<ast::Comment>& comments) {
  std::string_view text = state.map.text();
  uint32_t begin = state.map.Begin(token);
  bool own_line = true;
  for (uint32_t i = begin; i > 0; --i) {
    char c = text[i - 1];
    if (c == '\n') break;
    if (c != ' ' && c != '\t' && c != '\r' && c != '\f') {
      own_line = false;
      break;
    }
  }
  ast::Comment comment;
  comment.span = state.map.Span(token);
  comment.text = std::string(state.map.Text(token));
  comment.own_line = own_line;
  comments.push_back(std::move(comment));
}

// Measures the nesting the recursive parser will go through. Brackets and
// braces add a level each, and so does every `not` or `-` in a run of
// prefix operators (while the run lasts, or until the bracket it opens
// closes). Inside an action schema `<`/`>` nest too.
class NestingMeter {
 public:
  void Reset() { *this = NestingMeter(); }

  // False when `type` takes the nesting past the limit.
  bool Feed(size_t type) {
    if (type == L::NOT || type == L::MINUS) {
      return depth_ + ++run_ <= kMaxNestingDepth;
    }
    bool ok = true;
    bool in_action =
        action_level_ != SIZE_MAX && stack_.size() >= action_level_;
    if (IsOpener(type) || (type == L::LT && in_action)) {
      stack_.push_back({type, 1 + run_});
      depth_ += 1 + run_;
      ok = depth_ <= kMaxNestingDepth;
      if (type == L::LBRACE && action_pending_) action_level_ = stack_.size();
    } else if (size_t opener = OpenerOf(type);
               opener != 0 && (type != L::GT || in_action)) {
      Close(opener);
    }
    if (type == L::ACTION && stack_.empty()) {
      action_pending_ = true;
    } else if (type == L::LBRACE || type == L::RBRACE) {
      action_pending_ = false;
    }
    if (action_level_ != SIZE_MAX && stack_.size() < action_level_) {
      action_level_ = SIZE_MAX;
    }
    run_ = 0;
    return ok;
  }

 private:
  struct Open {
    size_t type;
    int weight;
  };

  // Pops back to the innermost matching opener, if any.
  void Close(size_t opener) {
    auto it = std::find_if(stack_.rbegin(), stack_.rend(),
                           [&](const Open& o) { return o.type == opener; });
    if (it == stack_.rend()) return;
    size_t keep = stack_.size() - 1 - (it - stack_.rbegin());
    while (stack_.size() > keep) {
      depth_ -= stack_.back().weight;
      stack_.pop_back();
    }
  }

  std::vector<Open> stack_;
  int depth_ = 0;
  int run_ = 0;
  bool action_pending_ = false;
  size_t action_level_ = SIZE_MAX;  // stack size inside an action body
};

// Drops every declaration that nests too deeply (reporting each once), so
// the parser never sees it. The meter restarts where the parser would:
// at each plausible declaration start.
void DropTooDeep(ParseState& state, ScannedTokens& out) {
  std::vector<Token*> view;
  view.reserve(out.tokens.size());
  for (const auto& token : out.tokens) view.push_back(token.get());
  const size_t n = view.size();  // the last token is EOF
  std::vector<bool> drop(n, false);
  NestingMeter meter;
  size_t segment = 0;
  for (size_t i = 0; i + 1 < n; ++i) {
    if (i > 0 && StartsDeclaration(view, i)) {
      meter.Reset();
      segment = i;
    }
    if (meter.Feed(view[i]->getType())) continue;
    state.diags.Report(
        DiagKind::kNestingTooDeep, state.map.Span(view[i]),
        absl::StrCat("nesting is deeper than the limit of ", kMaxNestingDepth,
                     " levels"),
        "brackets, braces, `not` and unary `-` each add a level; simplify "
        "this expression or value");
    out.too_deep = true;
    size_t next = i + 1;
    while (next + 1 < n && !StartsDeclaration(view, next)) ++next;
    std::fill(drop.begin() + segment, drop.begin() + next, true);
    meter.Reset();
    segment = next;
    i = next - 1;
  }
  if (!out.too_deep) return;
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!drop[i]) out.tokens[kept++] = std::move(out.tokens[i]);
  }
  out.tokens.resize(kept);
}

}  // namespace

bool StartsDeclaration(const std::vector<Token*>& tokens, size_t i) {
  if (i + 1 >= tokens.size()) return false;
  if (i > 0 && tokens[i - 1]->getLine() == tokens[i]->getLine()) return false;
  size_t next = tokens[i + 1]->getType();
  switch (tokens[i]->getType()) {
    case L::IMPORT:
    case L::TEST:
      return next == L::STRING;
    case L::ACTION:
      // `action in [...]` on a line of its own continues an expression.
      if (next == L::IN || next == L::AND || next == L::OR || next == L::LIKE ||
          next == L::MATCHES) {
        return false;
      }
      return IsWordType(next);
    case L::GROUP:
    case L::CHANNEL:
    case L::RULE:
      return IsWordType(next);
    case L::DEFAULT:
      return next == L::ALLOW || next == L::DENY || next == L::LBRACE;
    default:
      return false;
  }
}

ScannedTokens ScanTokens(antlr4::Lexer& lexer, ParseState& state) {
  ScannedTokens out;
  uint32_t stray_begin = 0, stray_end = 0;
  bool in_stray = false;
  // Set after a reported stray character or unterminated string: a parse
  // error at the next token is its cascade.
  bool mark_next = false;
  for (;;) {
    std::unique_ptr<Token> token = lexer.nextToken();
    size_t type = token->getType();
    if (type == L::ERROR_CHAR) {
      uint32_t begin = state.map.Begin(token.get());
      if (in_stray && begin == stray_end) {
        stray_end = state.map.End(token.get());
      } else {
        if (in_stray) ReportStray(state, stray_begin, stray_end);
        in_stray = true;
        stray_begin = begin;
        stray_end = state.map.End(token.get());
      }
      continue;
    }
    if (in_stray) {
      ReportStray(state, stray_begin, stray_end);
      in_stray = false;
      mark_next = true;
    }
    if (type == L::COMMENT) {
      if (state.interpolation) {
        state.SyntaxError(state.map.Span(token.get()),
                          "a comment cannot appear inside an interpolation");
      } else {
        AddComment(state, token.get(), out.comments);
      }
      continue;
    }
    if (token->getChannel() != Token::DEFAULT_CHANNEL) continue;
    if (mark_next) {
      state.after_stray.push_back(
          state.map.FileOffset(state.map.Begin(token.get())));
      mark_next = false;
    }
    if (type == L::UNTERMINATED_STRING) {
      state.SyntaxError(state.map.Span(token.get()), "unterminated string",
                        "close the string with `\"` on the same line");
      if (auto* writable = dynamic_cast<antlr4::WritableToken*>(token.get())) {
        writable->setType(L::STRING);
      }
      mark_next = true;
    }
    out.tokens.push_back(std::move(token));
    if (type == Token::EOF) break;
  }

  DropTooDeep(state, out);
  return out;
}

}  // namespace signoff::parse
