// The text renderer: what people read in a terminal.
//
//   path:3:16: error: unknown group `sre2` [UnknownName]
//     3 |   require 2 of sre2
//       |                ^~~~
//   help: did you mean `sre`?
//
// Columns count code points; tabs expand to the next multiple of
// kTabWidth in both the source line and the marker line; control characters
// show as U+FFFD; a line longer than kMaxLineColumns shows a window around
// the caret with "..." where it is cut. Colour (ANSI) only when asked for.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/diag/render_internal.h"
#include "stdlib/absl_compat.h"

namespace signoff::diag_render {
namespace {

constexpr size_t kTabWidth = 4;
// Lines longer than this many columns show a window of this width that
// starts kContextColumns before the caret, with "..." at a cut end.
constexpr size_t kMaxLineColumns = 160;
constexpr size_t kContextColumns = 60;

constexpr std::string_view kReset = "\033[0m";
constexpr std::string_view kBold = "\033[1m";
constexpr std::string_view kRed = "\033[1;31m";
constexpr std::string_view kYellow = "\033[1;33m";
constexpr std::string_view kCyan = "\033[1;36m";
constexpr std::string_view kGreen = "\033[1;32m";

class TextWriter {
 public:
  TextWriter(const SourceManager& sources, const RenderOptions& options)
      : sources_(sources), color_(options.color) {}

  void Diag(const Diagnostic& d) {
    Headline(d.span, SeverityName(d.severity), d.message,
             absl::StrCat(" [", AsAbsl(DiagKindName(d.kind)), "]"));
    Snippet(d.span);
    if (!d.help.empty()) {
      Paint(kCyan, "help");
      absl::StrAppend(&out_, ": ", d.help, "\n");
    }
    for (const Diagnostic::Note& note : d.notes) {
      Headline(note.span, "note", note.message, "");
      Snippet(note.span);
    }
  }

  std::string Take() { return std::move(out_); }

 private:
  void Paint(std::string_view color, std::string_view text) {
    if (color_) out_ += color;
    out_ += text;
    if (color_) out_ += kReset;
  }

  std::string_view SeverityColor(std::string_view severity) {
    if (severity == "error") return kRed;
    if (severity == "warning") return kYellow;
    return kCyan;
  }

  void Headline(SourceSpan span, std::string_view severity,
                std::string_view message, std::string_view suffix) {
    Location loc = Locate(sources_, span);
    std::string where = loc.valid ? absl::StrCat(loc.path, ":", loc.begin.line,
                                                 ":", loc.begin.column, ":")
                                  : "signoff:";
    Paint(kBold, where);
    out_ += ' ';
    Paint(SeverityColor(severity), severity);
    absl::StrAppend(&out_, ": ", AsAbsl(message), AsAbsl(suffix), "\n");
  }

  // The span's first line and a marker under the part of the span on it.
  void Snippet(SourceSpan span) {
    if (!span.valid() || span.file >= sources_.size()) return;
    const SourceFile& file = sources_.file(span.file);
    uint32_t line_no = file.Locate(span.begin).line;
    std::string_view line = file.Line(line_no);
    size_t line_start = line.data() - file.text().data();
    size_t begin = std::min<size_t>(span.begin - line_start, line.size());
    size_t end = span.end > line_start ? span.end - line_start : 0;
    end = std::clamp(end, begin, line.size());

    // One entry per display column: tabs expand to spaces, control
    // characters show as U+FFFD so they cannot drive the terminal.
    std::vector<std::string_view> cells;
    size_t caret_col = std::string_view::npos;
    size_t caret_end = 0;
    for (size_t i = 0; i < line.size();) {
      size_t len = std::min<size_t>(
          Utf8Length(static_cast<unsigned char>(line[i])), line.size() - i);
      if (begin < i + len && caret_col == std::string_view::npos) {
        caret_col = cells.size();
      }
      unsigned char c = static_cast<unsigned char>(line[i]);
      if (c == '\t') {
        size_t width = kTabWidth - cells.size() % kTabWidth;
        for (size_t k = 0; k < width; ++k) cells.push_back(" ");
      } else if (c < 0x20 || c == 0x7f) {
        cells.push_back("\xEF\xBF\xBD");
      } else {
        cells.push_back(line.substr(i, len));
      }
      if (i < end) caret_end = cells.size();
      i += len;
    }
    if (caret_col == std::string_view::npos) caret_col = cells.size();
    caret_end = std::max(caret_end, caret_col + 1);

    // A very long line shows a window around the caret.
    size_t first = 0;
    size_t last = cells.size();
    if (cells.size() > kMaxLineColumns) {
      first = caret_col > kContextColumns ? caret_col - kContextColumns : 0;
      last = std::min(cells.size(), first + kMaxLineColumns);
      if (caret_col >= last) last = caret_col;  // an insertion point at the end
    }
    std::string shown = first > 0 ? "..." : "";
    for (size_t k = first; k < last; ++k) shown += cells[k];
    if (last < cells.size()) shown += "...";
    size_t pad = caret_col - first + (first > 0 ? 3 : 0);
    size_t width =
        std::min(caret_end, std::max(last, caret_col + 1)) - caret_col;

    std::string number = absl::StrCat(line_no);
    std::string gutter(number.size() + 2, ' ');
    absl::StrAppend(&out_, "  ", number, " | ", shown, "\n");
    absl::StrAppend(&out_, gutter, " | ", std::string(pad, ' '));
    std::string marker = "^";
    marker.append(width - 1, '~');
    Paint(kGreen, marker);
    out_ += '\n';
  }

  const SourceManager& sources_;
  bool color_;
  std::string out_;
};

}  // namespace

std::string RenderText(const SourceManager& sources,
                       const std::vector<Diagnostic>& diags,
                       const RenderOptions& options) {
  TextWriter writer(sources, options);
  for (const Diagnostic& d : diags) writer.Diag(d);
  return writer.Take();
}

}  // namespace signoff::diag_render
