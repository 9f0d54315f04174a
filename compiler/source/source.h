// Source files and spans.
//
// Every diagnostic and every AST/IR node carries a SourceSpan: a file id and a
// half-open byte range [begin, end) into that file's UTF-8 text. Line and
// column numbers are computed on demand; lines and columns are 1-based and
// columns count Unicode code points (what an editor shows), not bytes.
//
// Thread safety: a SourceManager is built single-threaded and then read-only;
// const methods are safe from any number of threads.
#ifndef SIGNOFF_COMPILER_SOURCE_SOURCE_H_
#define SIGNOFF_COMPILER_SOURCE_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace signoff {

using FileId = uint32_t;
inline constexpr FileId kNoFile = 0xffffffff;

struct SourceSpan {
  FileId file = kNoFile;
  uint32_t begin = 0;  // byte offset, inclusive
  uint32_t end = 0;    // byte offset, exclusive

  bool valid() const { return file != kNoFile; }
  // The smallest span covering both (same file assumed; `a` wins otherwise).
  static SourceSpan Cover(SourceSpan a, SourceSpan b);
};

struct LineCol {
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based, in code points
};

class SourceFile {
 public:
  SourceFile(FileId id, std::string path, std::string text);

  FileId id() const { return id_; }
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  LineCol Locate(uint32_t offset) const;
  // The text of 1-based line `line` without its newline.
  std::string_view Line(uint32_t line) const;
  uint32_t LineCount() const {
    return static_cast<uint32_t>(line_starts_.size());
  }
  std::string_view Slice(SourceSpan span) const;

 private:
  FileId id_;
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

// Owns every source file of one compilation (policy files, imported stdlib
// modules, test files). File ids are indexes into it.
class SourceManager {
 public:
  FileId Add(std::string path, std::string text);
  const SourceFile& file(FileId id) const { return *files_[id]; }
  size_t size() const { return files_.size(); }

  LineCol Begin(SourceSpan span) const;
  LineCol End(SourceSpan span) const;  // position of the last char + 1
  std::string_view Slice(SourceSpan span) const;
  // "path:line:col" of the span's start.
  std::string Describe(SourceSpan span) const;

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

// Byte length of the code point starting at s[0] (1 for invalid bytes).
int Utf8Length(unsigned char lead);

}  // namespace signoff

#endif  // SIGNOFF_COMPILER_SOURCE_SOURCE_H_
