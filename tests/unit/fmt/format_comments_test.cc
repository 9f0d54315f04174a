// FormatFile: where comments go. Every comment is printed exactly once.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/unit/fmt/fmt_test_util.h"

namespace signoff::fmt {
namespace {

using testing::FormatChecked;

TEST(FormatCommentsTest, OwnLineAndTrailing) {
  EXPECT_EQ(FormatChecked("# header\n\n"
                          "# about sre\n"
                          "group sre = [\"a\"]   # trailing   \n"
                          "   # indented wrongly\n"
                          "group b = sre\n"),
            "# header\n"
            "\n"
            "# about sre\n"
            "group sre = [\"a\"]  # trailing\n"
            "# indented wrongly\n"
            "group b = sre\n");
}

TEST(FormatCommentsTest, InsideBlocks) {
  EXPECT_EQ(FormatChecked("rule r {   # after brace\n"
                          "# before on\n"
                          "on x   # after on\n"
                          "\n"
                          "\n"
                          "      # before allow\n"
                          "  allow\n"
                          "# before close\n"
                          "\n"
                          "} # after close\n"),
            "rule r {  # after brace\n"
            "  # before on\n"
            "  on x  # after on\n"
            "\n"
            "  # before allow\n"
            "  allow\n"
            "  # before close\n"
            "}  # after close\n");
}

TEST(FormatCommentsTest, OnlyCommentsInABlock) {
  EXPECT_EQ(FormatChecked("action a {\n  # fields to come\n}\n"
                          "rule r { # nothing yet\n}\n"),
            "action a {\n"
            "  # fields to come\n"
            "}\n"
            "\n"
            "rule r {  # nothing yet\n"
            "}\n");
}

TEST(FormatCommentsTest, BlankLineGoesBeforeTheCommentsOfABlock) {
  EXPECT_EQ(
      FormatChecked("group a = []\n# the rule\nrule r {\n  on x\n  allow\n}"
                    "\n# after the rule\ngroup b = []"),
      "group a = []\n"
      "\n"
      "# the rule\n"
      "rule r {\n"
      "  on x\n"
      "  allow\n"
      "}\n"
      "\n"
      "# after the rule\n"
      "group b = []\n");
}

TEST(FormatCommentsTest, InsideConstructsJoinedOntoOneLine) {
  // A list written over several lines prints on one; its comments move
  // above it, in order, at its indentation.
  EXPECT_EQ(FormatChecked("group sre = [\n"
                          "  \"alice\",  # lead\n"
                          "  # on leave\n"
                          "  \"bob\"\n"
                          "]  # end\n"
                          "rule r {\n"
                          "  on x\n"
                          "  when a and  # first half\n"
                          "       b      # second half\n"
                          "  allow\n"
                          "}\n"),
            "# lead\n"
            "# on leave\n"
            "group sre = [\"alice\", \"bob\"]  # end\n"
            "\n"
            "rule r {\n"
            "  on x\n"
            "  # first half\n"
            "  when a and b  # second half\n"
            "  allow\n"
            "}\n");
}

TEST(FormatCommentsTest, InsideBrokenGroups) {
  std::string in = "group big = [ # people\n";
  std::string expected = "group big = [  # people\n";
  for (int i = 0; i < 10; ++i) {
    std::string m = "\"someone_" + std::to_string(i) + "\"";
    if (i == 5) {
      in += "\n\n  # the second half\n";
      expected += "\n  # the second half\n";
    }
    in += "  " + m + ", # n" + std::to_string(i) + "\n";
    expected += "  " + m + ",  # n" + std::to_string(i) + "\n";
  }
  in += "  # more later\n\n] # done\n";
  expected += "  # more later\n]  # done\n";
  EXPECT_EQ(FormatChecked(in), expected);
}

TEST(FormatCommentsTest, Tests) {
  EXPECT_EQ(FormatChecked("# suite\n"
                          "test \"t\" { # why\n"
                          "  # the request\n"
                          "  input {  # open\n"
                          "    action: \"x\"  # act\n"
                          "    # params next\n"
                          "    params: {a: 1,  # inline\n"
                          "             b: 2}\n"
                          "    # last\n"
                          "  }  # close input\n"
                          "  expect allow  # ok\n"
                          "  # end of test\n"
                          "}\n"
                          "# tail\n",
                          "s_test.signoff"),
            "# suite\n"
            "test \"t\" {  # why\n"
            "  # the request\n"
            "  input {  # open\n"
            "    action: \"x\"  # act\n"
            "    # params next\n"
            "    # inline\n"
            "    params: {a: 1, b: 2}\n"
            "    # last\n"
            "  }  # close input\n"
            "  expect allow  # ok\n"
            "  # end of test\n"
            "}\n"
            "\n"
            "# tail\n");
}

TEST(FormatCommentsTest, EndOfFile) {
  EXPECT_EQ(FormatChecked("group a = []\n\n\n# one\n# two\n\n\n"),
            "group a = []\n\n# one\n# two\n");
  EXPECT_EQ(FormatChecked("group a = [] # t"), "group a = []  # t\n");
}

TEST(FormatCommentsTest, OneLineDefaultBlock) {
  EXPECT_EQ(
      FormatChecked("default { require 1 of sre  expire 1h }  # strict\n"),
      "default {\n"
      "  require 1 of sre\n"
      "  expire 1h\n"
      "}  # strict\n");
}

TEST(FormatCommentsTest, CommentTextIsVerbatim) {
  EXPECT_EQ(FormatChecked("#no space  # inner # hash\t \ngroup a = []\n"),
            "#no space  # inner # hash\ngroup a = []\n");
  EXPECT_EQ(FormatChecked("group a = [] #\n"), "group a = []  #\n");
  EXPECT_EQ(FormatChecked("# ünïcode ✓\ngroup a = []\n"),
            "# ünïcode ✓\ngroup a = []\n");
}

}  // namespace
}  // namespace signoff::fmt
