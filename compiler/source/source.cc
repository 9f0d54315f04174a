#include "compiler/source/source.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace signoff {

SourceSpan SourceSpan::Cover(SourceSpan a, SourceSpan b) {
  if (!a.valid()) return b;
  if (!b.valid() || a.file != b.file) return a;
  return {a.file, std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

int Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xe) return 3;
  if ((lead >> 3) == 0x1e) return 4;
  return 1;
}

SourceFile::SourceFile(FileId id, std::string path, std::string text)
    : id_(id), path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

LineCol SourceFile::Locate(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - line_starts_.begin());
  uint32_t col = 1;
  for (uint32_t i = line_starts_[line - 1]; i < offset;) {
    i += Utf8Length(static_cast<unsigned char>(text_[i]));
    ++col;
  }
  return {line, col};
}

std::string_view SourceFile::Line(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  uint32_t begin = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size()
                     ? line_starts_[line] - 1
                     : static_cast<uint32_t>(text_.size());
  std::string_view view(text_);
  view = view.substr(begin, end - begin);
  if (!view.empty() && view.back() == '\r') view.remove_suffix(1);
  return view;
}

std::string_view SourceFile::Slice(SourceSpan span) const {
  uint32_t begin = std::min<uint32_t>(span.begin, text_.size());
  uint32_t end = std::clamp<uint32_t>(span.end, begin, text_.size());
  return std::string_view(text_).substr(begin, end - begin);
}

FileId SourceManager::Add(std::string path, std::string text) {
  FileId id = static_cast<FileId>(files_.size());
  files_.push_back(
      std::make_unique<SourceFile>(id, std::move(path), std::move(text)));
  return id;
}

LineCol SourceManager::Begin(SourceSpan span) const {
  if (!span.valid()) return {};
  return files_[span.file]->Locate(span.begin);
}

LineCol SourceManager::End(SourceSpan span) const {
  if (!span.valid()) return {};
  return files_[span.file]->Locate(std::max(span.begin, span.end));
}

std::string_view SourceManager::Slice(SourceSpan span) const {
  if (!span.valid()) return {};
  return files_[span.file]->Slice(span);
}

std::string SourceManager::Describe(SourceSpan span) const {
  if (!span.valid()) return "<builtin>";
  LineCol lc = Begin(span);
  return absl::StrCat(files_[span.file]->path(), ":", lc.line, ":", lc.column);
}

}  // namespace signoff
