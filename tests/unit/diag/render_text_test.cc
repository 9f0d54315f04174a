#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "compiler/diag/render.h"

namespace signoff {
namespace {

// A span over the first occurrence of `needle` in file `id`.
SourceSpan Find(const SourceManager& sm, FileId id, std::string_view needle) {
  size_t at = sm.file(id).text().find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return {id, static_cast<uint32_t>(at),
          static_cast<uint32_t>(at + needle.size())};
}

Diagnostic Make(DiagKind kind, SourceSpan span, std::string message,
                std::string help = "") {
  return Diagnostic{
      kind, DiagKindSeverity(kind), span, std::move(message), std::move(help),
      {}};
}

std::string Text(const SourceManager& sm, const Diagnostic& d,
                 bool color = false) {
  RenderOptions options;
  options.color = color;
  return RenderDiagnostics(sm, {d}, DiagFormat::kText, options);
}

TEST(RenderTextTest, CaretUnderSpanWithHelp) {
  SourceManager sm;
  FileId f = sm.Add("p.signoff", "rule r {\n  on x\n  require 2 of sre2\n}\n");
  Diagnostic d = Make(DiagKind::kUnknownName, Find(sm, f, "sre2"),
                      "unknown group `sre2`", "did you mean `sre`?");
  EXPECT_EQ(Text(sm, d),
            "p.signoff:3:16: error: unknown group `sre2` [UnknownName]\n"
            "  3 |   require 2 of sre2\n"
            "    |                ^~~~\n"
            "help: did you mean `sre`?\n");
  EXPECT_EQ(DiagnosticHeadline(sm, d),
            "3:16: error: unknown group `sre2` [UnknownName]");
}

TEST(RenderTextTest, MultiByteLineCountsCodePoints) {
  SourceManager sm;
  FileId f =
      sm.Add("ü.signoff", "rule r {\n  message \"für Zoë → ✓\" sre2\n}\n");
  Diagnostic d =
      Make(DiagKind::kSyntaxError, Find(sm, f, "sre2"), "unexpected `sre2`");
  EXPECT_EQ(Text(sm, d),
            "ü.signoff:2:25: error: unexpected `sre2` [SyntaxError]\n"
            "  2 |   message \"für Zoë → ✓\" sre2\n"
            "    |                         ^~~~\n");
  // A span over multi-byte characters gets one marker per code point.
  Diagnostic d2 = Make(DiagKind::kSyntaxError, Find(sm, f, "Zoë → ✓"), "x");
  EXPECT_EQ(Text(sm, d2),
            "ü.signoff:2:16: error: x [SyntaxError]\n"
            "  2 |   message \"für Zoë → ✓\" sre2\n"
            "    |                ^~~~~~~\n");
}

TEST(RenderTextTest, TabsExpandInBothLines) {
  SourceManager sm;
  FileId f = sm.Add("t.signoff", "\ton\tx.*\n");
  Diagnostic d =
      Make(DiagKind::kInvalidPattern, Find(sm, f, "on\tx"), "bad pattern");
  EXPECT_EQ(Text(sm, d),
            "t.signoff:1:2: error: bad pattern [InvalidPattern]\n"
            "  1 |     on  x.*\n"
            "    |     ^~~~~\n");
}

TEST(RenderTextTest, EmptyAndMultiLineSpans) {
  SourceManager sm;
  FileId f = sm.Add("e.signoff", "group a = [\n  \"x\"\n");
  uint32_t size = static_cast<uint32_t>(sm.file(f).text().size());
  // An empty span at the end of the file still gets one caret.
  Diagnostic eof =
      Make(DiagKind::kSyntaxError, {f, size, size}, "unexpected end of file");
  EXPECT_EQ(Text(sm, eof),
            "e.signoff:3:1: error: unexpected end of file [SyntaxError]\n"
            "  3 | \n"
            "    | ^\n");
  // A span over several lines marks the rest of its first line.
  Diagnostic multi =
      Make(DiagKind::kSyntaxError, {f, 10, size}, "unclosed list");
  EXPECT_EQ(Text(sm, multi),
            "e.signoff:1:11: error: unclosed list [SyntaxError]\n"
            "  1 | group a = [\n"
            "    |           ^\n");
}

TEST(RenderTextTest, WideLineNumbersAlignTheGutter) {
  std::string text;
  for (int i = 0; i < 120; ++i) text += "group g = []\n";
  SourceManager sm;
  FileId f = sm.Add("w.signoff", text);
  uint32_t at = 119 * 13 + 6;
  Diagnostic d = Make(DiagKind::kEmptyGroup, {f, at, at + 1}, "empty");
  EXPECT_EQ(Text(sm, d),
            "w.signoff:120:7: warning: empty [EmptyGroup]\n"
            "  120 | group g = []\n"
            "      |       ^\n");
}

TEST(RenderTextTest, NotesHaveTheirOwnSnippets) {
  SourceManager sm;
  FileId f = sm.Add("n.signoff", "group sre = []\ngroup sre = [\"a\"]\n");
  SourceSpan second{f, 21, 24};
  Diagnostic d =
      Make(DiagKind::kDuplicateDeclaration, second, "`sre` is declared twice");
  d.notes.push_back({{f, 6, 9}, "first declared here"});
  d.notes.push_back({{}, "declarations share one namespace"});
  EXPECT_EQ(Text(sm, d),
            "n.signoff:2:7: error: `sre` is declared twice "
            "[DuplicateDeclaration]\n"
            "  2 | group sre = [\"a\"]\n"
            "    |       ^~~\n"
            "n.signoff:1:7: note: first declared here\n"
            "  1 | group sre = []\n"
            "    |       ^~~\n"
            "signoff: note: declarations share one namespace\n");
}

TEST(RenderTextTest, NoLocation) {
  SourceManager sm;
  Diagnostic d =
      Make(DiagKind::kIoError, {}, "cannot read `x.signoff`", "check the path");
  EXPECT_EQ(Text(sm, d),
            "signoff: error: cannot read `x.signoff` [IoError]\n"
            "help: check the path\n");
  EXPECT_EQ(DiagnosticHeadline(sm, d),
            "error: cannot read `x.signoff` [IoError]");
}

TEST(RenderTextTest, Colour) {
  SourceManager sm;
  FileId f = sm.Add("c.signoff", "group g = []\n");
  Diagnostic d = Make(DiagKind::kEmptyGroup, {f, 6, 7}, "empty", "add one");
  EXPECT_EQ(Text(sm, d, /*color=*/true),
            "\033[1mc.signoff:1:7:\033[0m \033[1;33mwarning\033[0m: empty "
            "[EmptyGroup]\n"
            "  1 | group g = []\n"
            "    |       \033[1;32m^\033[0m\n"
            "\033[1;36mhelp\033[0m: add one\n");
}

TEST(RenderTextTest, SeveralDiagnosticsAndPromotedSeverity) {
  SourceManager sm;
  FileId f = sm.Add("s.signoff", "default allow\n");
  Diagnostic warn = Make(DiagKind::kDefaultAllow, {f, 8, 13}, "standing");
  Diagnostic err = warn;
  err.severity = Severity::kError;  // --deny-warnings
  std::string out = RenderDiagnostics(sm, {warn, err}, DiagFormat::kText, {});
  EXPECT_EQ(out,
            "s.signoff:1:9: warning: standing [DefaultAllow]\n"
            "  1 | default allow\n"
            "    |         ^~~~~\n"
            "s.signoff:1:9: error: standing [DefaultAllow]\n"
            "  1 | default allow\n"
            "    |         ^~~~~\n");
}

TEST(RenderTextTest, LongLinesShowAWindowAroundTheCaret) {
  std::string text = "when " + std::string(300, 'a') + " or bad " +
                     std::string(300, 'b') + "\n";
  SourceManager sm;
  FileId f = sm.Add("l.signoff", text);
  Diagnostic d =
      Make(DiagKind::kSyntaxError, Find(sm, f, "bad"), "unexpected `bad`");
  // The caret is at column 310; the window starts 60 columns before it.
  std::string shown =
      "..." + std::string(56, 'a') + " or bad " + std::string(96, 'b') + "...";
  EXPECT_EQ(Text(sm, d),
            "l.signoff:1:310: error: unexpected `bad` [SyntaxError]\n"
            "  1 | " +
                shown + "\n" + "    | " + std::string(63, ' ') + "^~~\n");
  // A span running past the window is cut at its edge.
  Diagnostic all = Make(DiagKind::kSyntaxError, {f, 0, 400}, "x");
  EXPECT_EQ(Text(sm, all),
            "l.signoff:1:1: error: x [SyntaxError]\n"
            "  1 | when " +
                std::string(155, 'a') + "...\n" + "    | ^" +
                std::string(159, '~') + "\n");
}

TEST(RenderTextTest, ControlCharactersAreNotPrinted) {
  SourceManager sm;
  FileId f = sm.Add("c.signoff", "x\x1b[31m y\n");
  Diagnostic d = Make(DiagKind::kSyntaxError, Find(sm, f, "y"), "bad");
  EXPECT_EQ(Text(sm, d),
            "c.signoff:1:8: error: bad [SyntaxError]\n"
            "  1 | x\xEF\xBF\xBD[31m y\n"
            "    |        ^\n");
}

}  // namespace
}  // namespace signoff
