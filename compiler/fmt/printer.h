// The line printer behind FormatFile: collects output lines and places every
// comment of the file exactly once.
//
// Callers emit code one output line at a time, each tagged with the source
// bytes [begin, end) it prints. Before a line, every not-yet-printed comment
// that starts before `end` is printed on its own line at the line's
// indentation (so a comment inside a construct now printed on one line
// moves above it); after the line, a comment on the same source line right
// after `end` is appended as a trailing comment. Blank lines follow the
// source (one kept where the source had any) unless forced or suppressed.
#ifndef SIGNOFF_COMPILER_FMT_PRINTER_H_
#define SIGNOFF_COMPILER_FMT_PRINTER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/source/source.h"

namespace signoff::fmt {

inline constexpr int kIndentWidth = 2;
inline constexpr size_t kMaxColumns = 100;

// Display width of `s` in code points.
size_t Columns(std::string_view s);

class Printer {
 public:
  // `text` is the file's source; `comments` its comments in source order.
  Printer(std::string_view text, const std::vector<ast::Comment>& comments);

  // One line of code at `indent` levels printing source [begin, end).
  void Line(int indent, std::string_view code, uint32_t begin, uint32_t end);
  // Prints, each on its own line at `indent`, the comments starting before
  // `offset` (e.g. those before a closing brace, at the block's indent).
  void FlushCommentsBefore(uint32_t offset, int indent);
  // The next line gets a blank line before it (unless it starts the file).
  void ForceBlank() { force_blank_ = true; }
  // The next line gets no blank line before it (after `{`, before `}`).
  void SuppressBlank() { suppress_blank_ = true; }
  // Whether a comment starts inside source [begin, end).
  bool HasCommentIn(uint32_t begin, uint32_t end) const;

  // Prints the remaining comments and returns the text: no trailing
  // whitespace, exactly one final newline, "" for an empty file.
  std::string Finish();

  // Source helpers for finding braces the AST does not record.
  // Offset just past the first `{` at or after `from`; `from` if none.
  uint32_t AfterOpenBrace(uint32_t from, uint32_t limit) const;
  // Offset of the `}` ending [begin, end); `end` if there is none.
  uint32_t CloseBrace(uint32_t begin, uint32_t end) const;

 private:
  void Emit(int indent, std::string_view text, uint32_t begin);
  bool SourceHasBlankLine(uint32_t from, uint32_t to) const;
  std::string_view CommentText(const ast::Comment& c) const;

  std::string_view text_;
  const std::vector<ast::Comment>& comments_;
  size_t next_comment_ = 0;
  std::vector<std::string> lines_;
  uint32_t last_end_ = 0;
  bool force_blank_ = false;
  bool suppress_blank_ = true;  // nothing before the first line
};

}  // namespace signoff::fmt

#endif  // SIGNOFF_COMPILER_FMT_PRINTER_H_
