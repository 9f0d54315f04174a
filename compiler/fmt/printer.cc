#include "compiler/fmt/printer.h"

#include <algorithm>

namespace signoff::fmt {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

bool IsPunct(char c) {
  return c == '{' || c == '}' || c == '[' || c == ']' || c == '(' || c == ')' ||
         c == ',';
}

// What may sit between a printed line's code and its trailing comment: an
// opening bracket that line prints, or a separator. A closing bracket means
// the comment follows an enclosing construct, printed on a later line.
bool MayPrecedeTrailingComment(char c) {
  return IsSpace(c) || c == '{' || c == '[' || c == '(' || c == ',';
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (IsSpace(s.back()) || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

size_t Columns(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();
       i += Utf8Length(static_cast<unsigned char>(s[i]))) {
    ++n;
  }
  return n;
}

Printer::Printer(std::string_view text,
                 const std::vector<ast::Comment>& comments)
    : text_(text), comments_(comments) {}

std::string_view Printer::CommentText(const ast::Comment& c) const {
  std::string_view t = c.text;
  if (t.empty() && c.span.begin < text_.size()) {
    t = text_.substr(c.span.begin,
                     std::min<size_t>(c.span.end, text_.size()) - c.span.begin);
  }
  return TrimRight(t);
}

bool Printer::SourceHasBlankLine(uint32_t from, uint32_t to) const {
  to = std::min<uint32_t>(to, text_.size());
  bool seen_newline = false;
  bool content = false;
  for (uint32_t i = from; i < to; ++i) {
    char c = text_[i];
    if (c == '\n') {
      if (seen_newline && !content) return true;
      seen_newline = true;
      content = false;
    } else if (IsSpace(c)) {
      continue;
    } else if (IsPunct(c)) {
      content = true;
    } else {
      // Code or a comment: blank lines beyond it are inside a construct.
      return false;
    }
  }
  return false;
}

void Printer::Emit(int indent, std::string_view text, uint32_t begin) {
  bool blank = !suppress_blank_ &&
               (force_blank_ || SourceHasBlankLine(last_end_, begin));
  if (blank && !lines_.empty() && !lines_.back().empty()) lines_.emplace_back();
  force_blank_ = false;
  suppress_blank_ = false;
  std::string line(indent * kIndentWidth, ' ');
  line += text;
  lines_.push_back(std::move(line));
}

void Printer::FlushCommentsBefore(uint32_t offset, int indent) {
  while (next_comment_ < comments_.size() &&
         comments_[next_comment_].span.begin < offset) {
    const ast::Comment& c = comments_[next_comment_++];
    Emit(indent, CommentText(c), c.span.begin);
    last_end_ = std::max(last_end_, c.span.end);
  }
}

void Printer::Line(int indent, std::string_view code, uint32_t begin,
                   uint32_t end) {
  FlushCommentsBefore(std::max(begin + 1, end), indent);
  Emit(indent, code, begin);
  last_end_ = std::max(last_end_, end);
  if (next_comment_ >= comments_.size()) return;
  const ast::Comment& c = comments_[next_comment_];
  if (c.own_line || c.span.begin < end) return;
  for (uint32_t i = end; i < c.span.begin && i < text_.size(); ++i) {
    if (!MayPrecedeTrailingComment(text_[i])) return;
  }
  lines_.back() += "  ";
  lines_.back() += CommentText(c);
  last_end_ = std::max(last_end_, c.span.end);
  ++next_comment_;
}

bool Printer::HasCommentIn(uint32_t begin, uint32_t end) const {
  for (size_t i = next_comment_; i < comments_.size(); ++i) {
    if (comments_[i].span.begin >= end) return false;
    if (comments_[i].span.begin >= begin) return true;
  }
  return false;
}

uint32_t Printer::AfterOpenBrace(uint32_t from, uint32_t limit) const {
  limit = std::min<uint32_t>(limit, text_.size());
  for (uint32_t i = from; i < limit; ++i) {
    if (text_[i] == '{') return i + 1;
    if (text_[i] == '#') {  // a comment: skip to the end of its line
      while (i < limit && text_[i] != '\n') ++i;
    }
  }
  return from;
}

uint32_t Printer::CloseBrace(uint32_t begin, uint32_t end) const {
  uint32_t pos = std::min<uint32_t>(end, text_.size());
  while (pos > begin && (IsSpace(text_[pos - 1]) || text_[pos - 1] == '\n')) {
    --pos;
  }
  if (pos > begin && text_[pos - 1] == '}') return pos - 1;
  return end;
}

std::string Printer::Finish() {
  FlushCommentsBefore(UINT32_MAX, 0);
  std::string out;
  for (const std::string& line : lines_) {
    out += TrimRight(line);
    out += '\n';
  }
  // No blank lines at the end.
  while (out.size() >= 2 && out[out.size() - 1] == '\n' &&
         out[out.size() - 2] == '\n') {
    out.pop_back();
  }
  if (out == "\n") out.clear();
  return out;
}

}  // namespace signoff::fmt
