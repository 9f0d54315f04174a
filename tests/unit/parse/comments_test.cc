// Comments (kept for the formatter), UTF-8 positions, byte-order marks and
// test-file detection.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/unit/parse/parse_test_util.h"

namespace signoff::parse {
namespace {

using testing::Parse;

TEST(CommentsTest, CollectedWithOwnLine) {
  auto p = Parse(
      "# header\n"
      "group g = [\"a\"]  # trailing\n"
      "  \t# indented\n"
      "rule r {\n"
      "  on x # after a pattern\n"
      "  # inside\n"
      "  deny \"# not a comment\"\n"
      "}\n"
      "#\n"
      "# last, no newline");
  EXPECT_TRUE(p->diags.all().empty());
  EXPECT_EQ(p->file.decls.size(), 2u);
  const auto& c = p->file.comments;
  ASSERT_EQ(c.size(), 7u);
  EXPECT_EQ(c[0].text, "# header");
  EXPECT_TRUE(c[0].own_line);
  EXPECT_EQ(c[1].text, "# trailing");
  EXPECT_FALSE(c[1].own_line);
  EXPECT_EQ(p->sources.Slice(c[1].span), "# trailing");
  EXPECT_TRUE(c[2].own_line);
  EXPECT_EQ(p->sources.Begin(c[2].span).column, 4u);
  EXPECT_FALSE(c[3].own_line);
  EXPECT_TRUE(c[4].own_line);
  EXPECT_EQ(c[5].text, "#");
  EXPECT_EQ(c[6].text, "# last, no newline");
  EXPECT_EQ(p->sources.Begin(c[6].span).line, 10u);
}

TEST(CommentsTest, CrLfLineEndsAreNotPartOfComments) {
  auto p = Parse("# one\r\ngroup g = [\"a\"] # two\r\n");
  EXPECT_TRUE(p->diags.all().empty());
  ASSERT_EQ(p->file.comments.size(), 2u);
  EXPECT_EQ(p->file.comments[0].text, "# one");
  EXPECT_EQ(p->file.comments[1].text, "# two");
  EXPECT_FALSE(p->file.comments[1].own_line);
}

TEST(CommentsTest, CommentsAndNonAsciiText) {
  auto p = Parse("# \xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80\ngroup g = [\"x\"]\n");
  ASSERT_EQ(p->file.comments.size(), 1u);
  EXPECT_EQ(p->file.comments[0].text, "# \xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(Utf8Test, ColumnsCountCodePoints) {
  // Multi-byte characters before the error on the same line.
  auto p = Parse("group g = [\"\xC3\xA9\xC3\xA9\xF0\x9F\x98\x80\", 5]");
  ASSERT_EQ(p->diags.all().size(), 1u);
  const Diagnostic& d = p->diags.all()[0];
  EXPECT_EQ(p->sources.Slice(d.span), "5");
  EXPECT_EQ(p->sources.Begin(d.span).column, 19u);
  EXPECT_EQ(d.span.begin, 23u);  // bytes
}

TEST(Utf8Test, SpansAfterNonAsciiAreByteOffsets) {
  auto p = Parse("group \xC3\xA9 = [\"\xE2\x82\xAC\"]\nrule r { when 1 == }\n");
  ASSERT_EQ(p->diags.all().size(), 2u);
  EXPECT_EQ(p->diags.all()[0].message, "unexpected character `\xC3\xA9`");
  EXPECT_EQ(p->sources.Begin(p->diags.all()[0].span).column, 7u);
  const Diagnostic& d = p->diags.all()[1];
  EXPECT_EQ(p->sources.Slice(d.span), "}");
  EXPECT_EQ(p->sources.Begin(d.span).line, 2u);
  EXPECT_EQ(p->sources.Begin(d.span).column, 20u);
}

TEST(Utf8Test, ByteOrderMark) {
  auto p = Parse("\xEF\xBB\xBF# c\ngroup g = [\"a\"]\nrule r { when }\n");
  ASSERT_EQ(p->diags.all().size(), 1u);
  const Diagnostic& d = p->diags.all()[0];
  EXPECT_EQ(p->sources.Slice(d.span), "}");
  EXPECT_EQ(d.span.begin, 37u);
  ASSERT_EQ(p->file.comments.size(), 1u);
  EXPECT_TRUE(p->file.comments[0].own_line);
  EXPECT_EQ(p->file.comments[0].span.begin, 3u);
  // A second mark is an ordinary (stray) character.
  auto q = Parse("\xEF\xBB\xBF\xEF\xBB\xBFgroup g = [\"a\"] )");
  ASSERT_EQ(q->diags.all().size(), 1u);
  EXPECT_EQ(q->sources.Slice(q->diags.all()[0].span), ")");
}

TEST(Utf8Test, InvalidUtf8StopsAtTheFirstBadByte) {
  for (const std::string& bad :
       {std::string("group g = [\"a\xFF\"]"), std::string("group g\xC0\xAF"),
        std::string("# \xED\xA0\x80 surrogate"),
        std::string("\xF4\x90\x80\x80"), std::string("ok \xE2\x82")}) {
    auto p = Parse(bad);
    ASSERT_EQ(p->diags.all().size(), 1u) << bad;
    const Diagnostic& d = p->diags.all()[0];
    EXPECT_EQ(d.kind, DiagKind::kInvalidUtf8);
    EXPECT_EQ(d.span.end, d.span.begin + 1);
    EXPECT_TRUE(p->file.decls.empty());
  }
  auto p = Parse("group g = [\"a\xFF\"]");
  EXPECT_EQ(p->diags.all()[0].span.begin, 13u);
  EXPECT_EQ(p->diags.all()[0].message, "invalid UTF-8 byte 0xff");
}

TEST(FileTest, TestFileDetection) {
  EXPECT_TRUE(Parse("", "dir/exports_test.signoff")->file.is_test_file);
  EXPECT_FALSE(Parse("", "dir/exports.signoff")->file.is_test_file);
  EXPECT_FALSE(Parse("", "test.signoff")->file.is_test_file);
  auto p = Parse("");
  EXPECT_TRUE(p->diags.all().empty());
  EXPECT_TRUE(p->file.decls.empty());
  EXPECT_EQ(p->file.file, p->id);
}

}  // namespace
}  // namespace signoff::parse
