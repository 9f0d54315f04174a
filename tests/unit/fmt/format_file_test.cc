// FormatFile: canonical layout, idempotence, comments kept. Uses the parser.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/unit/fmt/fmt_test_util.h"
#include "tests/unit/testing/language_md.h"

namespace signoff::fmt {
namespace {

using testing::CountComments;
using testing::Format;
using testing::FormatChecked;

// What FormatFile makes of LANGUAGE.md §3 (testdata::kLanguageExample).
constexpr std::string_view kLanguageExampleFormatted =
    R"(import "std/actions"  # a module from stdlib/ (path without extension)

group sre = ["alice", "bob", "carol"]  # static members: identity ids
group security = ["sam", "sasha"]
group oncall = directory("oncall-primary")  # members come from the runtime's directory
group reviewers = sre | security  # union
group data_owners = ["dana"]

channel sre_room = slack("#sre-approvals")  # routing target only; tokens and URLs live in
channel sec_room = teams("security/reviews")  # the runtime's configuration, never in policy
channel tickets = webhook("tickets")

action data.export {  # the schema of one action's params
  dataset: string
  rows: int
  destination: string
  classification: string
  note: string?  # optional field
}

rule confidential_exports {
  on data.export  # one or more patterns, comma separated
  when params.classification in ["confidential", "restricted"] and params.rows > 10_000
  unless requester.id in data_owners  # any number of `when` (all must hold) and
  # `unless` (none may hold)
  require 2 of sre  # the effect: allow | deny ["reason"] | require...
  require 1 of security where approver.team != requester.team
  veto 1  # rejections that reject the request (default 1)
  expire 30m  # a pending request's lifetime
  grant 15m  # lifetime of the single-use grant minted on approval
  notify sre_room, sec_room
  message "{requester.id} exports {params.rows} rows of {params.dataset} to {params.destination}"
}

rule readonly_is_free {
  on *.read
  allow
}

rule no_public_exports {
  on data.export
  when params.destination like "s3://public-*"
  deny "exports to public buckets are forbidden"
}

default deny "no rule covers this action"  # or: default allow
# or: default { require 1 of sre  expire 1h  notify sre_room }
)";

TEST(FormatFileTest, LanguageExample) {
  std::string out = FormatChecked(testdata::kLanguageExample);
  EXPECT_EQ(out, kLanguageExampleFormatted);
  EXPECT_EQ(CountComments(out), 17u);
}

TEST(FormatFileTest, EmptyAndCommentOnlyFiles) {
  EXPECT_EQ(Format(""), "");
  EXPECT_EQ(Format("\n\n  \n"), "");
  EXPECT_EQ(FormatChecked("  # just a note   \n\n\n# another\n\n"),
            "# just a note\n\n# another\n");
}

TEST(FormatFileTest, ClausesOnePerLine) {
  EXPECT_EQ(
      FormatChecked(
          "rule r { on a.*,b.** when x==1 and(y<2) unless "
          "requester.kind==\"agent\" require 2 of [\"a\",\"b\"]|sre "
          "veto 2 expire 1h30m grant 5m notify x,y message \"m {action}\" "
          "escalate after 10m to oncall notify pager }\n"
          "default { require 1 of sre  expire 1h  notify sre_room }\n"
          "default allow\n"),
      "rule r {\n"
      "  on a.*, b.**\n"
      "  when x == 1 and (y < 2)\n"
      "  unless requester.kind == \"agent\"\n"
      "  require 2 of [\"a\", \"b\"] | sre\n"
      "  veto 2\n"
      "  expire 1h30m\n"
      "  grant 5m\n"
      "  notify x, y\n"
      "  message \"m {action}\"\n"
      "  escalate after 10m to oncall notify pager\n"
      "}\n"
      "\n"
      "default {\n"
      "  require 1 of sre\n"
      "  expire 1h\n"
      "  notify sre_room\n"
      "}\n"
      "\n"
      "default allow\n");
}

TEST(FormatFileTest, DenyForms) {
  EXPECT_EQ(FormatChecked("rule r {\n  on x\n  deny\n}\ndefault   deny\n"),
            "rule r {\n  on x\n  deny\n}\n\ndefault deny\n");
  EXPECT_EQ(FormatChecked("default deny   \"no\"\n"), "default deny \"no\"\n");
}

TEST(FormatFileTest, ActionsAndTypes) {
  EXPECT_EQ(FormatChecked("action x.y {}\naction a{\n}\n"
                          "action b { tags: list < string >, "
                          "labels: map<string, string>? n: int }\n"),
            "action x.y {}\n"
            "action a {}\n"
            "\n"
            "action b {\n"
            "  tags: list<string>\n"
            "  labels: map<string,string>?\n"
            "  n: int\n"
            "}\n");
}

TEST(FormatFileTest, LiteralsKeepTheirSpelling) {
  EXPECT_EQ(FormatChecked("rule r {\n  on x\n"
                          "  when params.rows>10_000 and "
                          "context.attrs[\"a\\u{1F600}\"]==\"\\\"q\\\"\"\n"
                          "  veto 1_0\n  expire 90m\n  allow\n}\n"),
            "rule r {\n  on x\n"
            "  when params.rows > 10_000 and "
            "context.attrs[\"a\\u{1F600}\"] == \"\\\"q\\\"\"\n"
            "  veto 1_0\n  expire 90m\n  allow\n}\n");
}

TEST(FormatFileTest, BlankLines) {
  // Runs of blank lines collapse; none after `{` or before `}`; blocks are
  // always surrounded by one; other declarations keep the source's.
  EXPECT_EQ(FormatChecked("\n\ngroup a = []\ngroup b = []\n\n\n\ngroup c = []\n"
                          "rule r {\n\n\n  on x\n  when y\n\n\n\n  allow\n\n}\n"
                          "group d = []\n"),
            "group a = []\n"
            "group b = []\n"
            "\n"
            "group c = []\n"
            "\n"
            "rule r {\n"
            "  on x\n"
            "  when y\n"
            "\n"
            "  allow\n"
            "}\n"
            "\n"
            "group d = []\n");
}

TEST(FormatFileTest, LongGroupsBreakOneMemberPerLine) {
  std::string members;
  for (int i = 0; i < 12; ++i) {
    if (i > 0) members += ", ";
    members += "\"member" + std::to_string(i) + "\"";
  }
  std::string out = FormatChecked("group big = sre | [" + members + "]\n");
  std::string expected = "group big = sre | [\n";
  for (int i = 0; i < 12; ++i) {
    expected += "  \"member" + std::to_string(i) + "\",\n";
  }
  expected += "]\n";
  EXPECT_EQ(out, expected);
  // Exactly 100 columns stays on one line.
  std::string fits = "group g = [\"" + std::string(86, 'x') + "\"]\n";
  ASSERT_EQ(fits.size(), 101u);
  EXPECT_EQ(FormatChecked(fits), fits);
  // A short group written over several lines joins onto one.
  EXPECT_EQ(FormatChecked("group g = [\n  \"a\",\n  \"b\",\n]\n"),
            "group g = [\"a\", \"b\"]\n");
}

TEST(FormatFileTest, Tests) {
  std::string in =
      "test \"confidential export needs approval\" {\n"
      "  input { action: \"data.export\", \"params\": {dataset: \"customers\", "
      "rows: 50_000, \"x-y\": true}\n"
      "  requester: {id: \"agent:etl\", groups: [\"a\",\"b\"]}, n: -5, d: 1h, "
      "empty: {}, none: [] }\n"
      "  expect require_approval\n"
      "  expect rules [confidential_exports,other]\n"
      "  expect requirements [2 of sre, 1 of security where "
      "approver.team!=requester.team]\n"
      "  expect reasons [\"a\",\"b\"]\n"
      "}\n";
  EXPECT_EQ(
      FormatChecked(in, "x_test.signoff"),
      "test \"confidential export needs approval\" {\n"
      "  input {\n"
      "    action: \"data.export\"\n"
      "    params: {dataset: \"customers\", rows: 50_000, \"x-y\": true}\n"
      "    requester: {id: \"agent:etl\", groups: [\"a\", \"b\"]}\n"
      "    n: -5\n"
      "    d: 1h\n"
      "    empty: {}\n"
      "    none: []\n"
      "  }\n"
      "  expect require_approval\n"
      "  expect rules [confidential_exports, other]\n"
      "  expect requirements [2 of sre, 1 of security where "
      "approver.team != requester.team]\n"
      "  expect reasons [\"a\", \"b\"]\n"
      "}\n");
}

TEST(FormatFileTest, LongTestValuesBreak) {
  const std::string x = "\"" + std::string(70, 'x') + "\"";
  const std::string y = "\"" + std::string(30, 'y') + "\"";
  std::string in = "test \"t\" {\n  input {\n    params: {a: " + x + ", b: [" +
                   x + ", " + y + "], c: {d: 1}}\n  }\n" +
                   "  expect allow\n}\n";
  std::string expected =
      "test \"t\" {\n"
      "  input {\n"
      "    params: {\n"
      "      a: " +
      x + "\n" + "      b: [\n" + "        " + x + ",\n" + "        " + y +
      ",\n" +
      "      ]\n"
      "      c: {d: 1}\n"
      "    }\n"
      "  }\n"
      "  expect allow\n"
      "}\n";
  EXPECT_EQ(FormatChecked(in, "x_test.signoff"), expected);
}

TEST(FormatFileTest, DeclarationsAreNeverReordered) {
  std::string in =
      "default allow\nrule b { on x allow }\ngroup z = []\nimport \"std/a\"\n"
      "channel c = slack(\"#c\")\nrule a { on y deny }\n";
  EXPECT_EQ(FormatChecked(in),
            "default allow\n"
            "\n"
            "rule b {\n  on x\n  allow\n}\n"
            "\n"
            "group z = []\n"
            "import \"std/a\"\n"
            "channel c = slack(\"#c\")\n"
            "\n"
            "rule a {\n  on y\n  deny\n}\n");
}

}  // namespace
}  // namespace signoff::fmt
