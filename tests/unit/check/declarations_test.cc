// Declarations: the shared namespace, test placement, channels, schemas and
// groups.
#include <string>

#include "gtest/gtest.h"
#include "tests/unit/check/check_test_util.h"

namespace signoff::check {
namespace {

using testing::CheckFiles;
using testing::CheckSource;
using testing::HasDiag;
using testing::NoErrors;

TEST(Declarations, ExampleSetHasNoErrors) {
  auto c = CheckSource(testing::ExampleSet());
  EXPECT_TRUE(NoErrors(*c));
  EXPECT_EQ(c->model.groups.size(), 5u);
  EXPECT_EQ(c->model.channels.size(), 3u);
  EXPECT_EQ(c->model.actions.size(), 1u);
  ASSERT_EQ(c->model.rules.size(), 3u);
  EXPECT_EQ(c->model.rules[0].decl->name.name, "confidential_exports");
  EXPECT_EQ(c->model.rules[0].effect, Effect::kRequire);
  EXPECT_EQ(c->model.rules[1].effect, Effect::kAllow);
  EXPECT_EQ(c->model.rules[2].effect, Effect::kDeny);
  ASSERT_NE(c->model.default_decl, nullptr);
  EXPECT_EQ(c->model.default_rule.effect, Effect::kDeny);
  // 2 of sre with 3 members: the requester may be one, 2 <= 3 - 1.
  EXPECT_EQ(c->Count(DiagKind::kUnreachableQuorum), 0u) << c->Describe();
}

TEST(Declarations, DuplicateNameAcrossKinds) {
  auto c = CheckSource(
      "group sre = [\"a\"]\n"
      "channel sre = slack(\"#x\")\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDuplicateDeclaration, 2, 9,
                      "the name `sre` is already declared"));
  const Diagnostic* d = c->Find(DiagKind::kDuplicateDeclaration);
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->notes.size(), 1u);
  EXPECT_EQ(d->notes[0].message, "first declared here");
  EXPECT_EQ(c->sources.Begin(d->notes[0].span).line, 1u);
  EXPECT_NE(d->help.find("share one namespace"), std::string::npos);
}

TEST(Declarations, DuplicateAcrossFiles) {
  auto c = CheckFiles({{"a.signoff", "rule r { on x allow }\n"},
                       {"b.signoff", "rule r { on y allow }\n"}});
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDuplicateDeclaration, 1, 6, "`r`"));
  EXPECT_EQ(c->sources.file(c->Find(DiagKind::kDuplicateDeclaration)->span.file)
                .path(),
            "b.signoff");
}

TEST(Declarations, DuplicateActionName) {
  auto c = CheckSource(
      "action data.export { rows: int }\n"
      "action data.export { rows: int }\n");
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kDuplicateDeclaration, 2, 8, "`data.export`"));
}

TEST(Declarations, DuplicateDefault) {
  auto c = CheckSource("default deny\ndefault allow\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDuplicateDefault, 2, 1, "second one"));
  EXPECT_EQ(c->Find(DiagKind::kDuplicateDefault)->notes.size(), 1u);
}

TEST(Declarations, DeclarationInTestFile) {
  auto c = CheckFiles({{"p_test.signoff", "group g = [\"a\"]\n"}});
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDeclarationInTestFile, 1, 1,
                      "may hold only `test` blocks"));
}

TEST(Declarations, TestOutsideTestFile) {
  auto c = CheckSource(
      "test \"t\" {\n"
      "  input { action: \"x\" }\n"
      "  expect deny\n"
      "}\n");
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kTestOutsideTestFile, 1, 1, "`_test.signoff`"));
}

TEST(Declarations, UnknownChannelKind) {
  auto c = CheckSource("channel c = slak(\"#x\")\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownChannelKind, 1, 13, "`slak`"));
  EXPECT_EQ(c->Help(DiagKind::kUnknownChannelKind), "did you mean `slack`?");
}

TEST(Declarations, DuplicateField) {
  auto c = CheckSource(
      "action a {\n"
      "  rows: int\n"
      "  rows: string\n"
      "}\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDuplicateField, 3, 3,
                      "field `rows` is declared twice in `a`"));
  EXPECT_EQ(c->Find(DiagKind::kDuplicateField)->notes.size(), 1u);
}

TEST(Declarations, FieldTypes) {
  auto c = CheckSource(
      "action a {\n"
      "  s: string\n"
      "  i: int\n"
      "  b: bool\n"
      "  d: duration\n"
      "  t: time\n"
      "  p: ip\n"
      "  ls: list<string>\n"
      "  li: list<int>\n"
      "  m: map<string,string>\n"
      "  o: string?\n"
      "}\n");
  EXPECT_TRUE(NoErrors(*c));
  const ast::ActionDecl& a = *c->model.actions[0];
  EXPECT_EQ(a.fields[0].type.resolved, Type::kString);
  EXPECT_EQ(a.fields[6].type.resolved, Type::kListString);
  EXPECT_EQ(a.fields[7].type.resolved, Type::kListInt);
  EXPECT_EQ(a.fields[8].type.resolved, Type::kMapStringString);
  EXPECT_TRUE(a.fields[9].optional);
}

TEST(Declarations, UnknownTypes) {
  auto c = CheckSource(
      "action a {\n"
      "  s: strng\n"
      "  l: list<bool>\n"
      "  m: map<string,int>\n"
      "}\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownType, 2, 6, "`strng`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownType, 3, 6, "`list<bool>`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownType, 4, 6, "`map<string,int>`"));
  EXPECT_EQ(c->Help(DiagKind::kUnknownType), "did you mean `string`?");
}

TEST(Groups, EntityNamesCannotNameGroups) {
  auto c = CheckSource("group requester = [\"a\"]\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kReservedWord, 1, 7,
                      "`requester` is a built-in name"));
}

TEST(Groups, MembersSortedUniqueAndUnions) {
  auto c = CheckSource(
      "group a = [\"carol\", \"alice\", \"carol\"]\n"
      "group b = a | [\"bob\"] | directory(\"x\") | directory(\"x\")\n"
      "rule r { on x require 1 of b expire 1m notify n }\n"
      "channel n = slack(\"#n\")\n");
  EXPECT_TRUE(NoErrors(*c));
  ASSERT_GE(c->model.groups.size(), 2u);
  EXPECT_EQ(c->model.groups[0].members,
            (std::vector<std::string>{"alice", "carol"}));
  EXPECT_EQ(c->model.groups[1].members,
            (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_EQ(c->model.groups[1].directories, std::vector<std::string>{"x"});
}

TEST(Groups, Cycle) {
  auto c = CheckSource(
      "group a = b | [\"x\"]\n"
      "group b = a\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kGroupCycle, 2, 11,
                      "group `a` is defined in terms of itself"));
  EXPECT_EQ(c->Count(DiagKind::kGroupCycle), 1u);
}

TEST(Groups, UnknownGroup) {
  auto c = CheckSource(
      "group sre = [\"a\"]\n"
      "group all = sr | [\"b\"]\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownName, 2, 13, "unknown group `sr`"));
  EXPECT_EQ(c->Help(DiagKind::kUnknownName), "did you mean `sre`?");
}

TEST(Groups, InlineGroupsGetAnonymousEntries) {
  auto c = CheckSource(
      "group sre = [\"a\", \"b\", \"c\"]\n"
      "channel n = slack(\"#n\")\n"
      "rule r {\n"
      "  on x\n"
      "  require 1 of sre\n"
      "  require 1 of [\"z\", \"y\"]\n"
      "  require 1 of sre | [\"d\"]\n"
      "  escalate after 10m to [\"z\", \"y\"] notify n\n"
      "  expire 1h\n"
      "  notify n\n"
      "}\n");
  EXPECT_TRUE(NoErrors(*c));
  ASSERT_EQ(c->model.groups.size(), 3u) << c->Describe();
  EXPECT_TRUE(c->model.groups[0].declared);
  EXPECT_FALSE(c->model.groups[1].declared);
  EXPECT_EQ(c->model.groups[1].members, (std::vector<std::string>{"y", "z"}));
  EXPECT_FALSE(c->model.groups[2].declared);
  EXPECT_EQ(c->model.groups[2].members,
            (std::vector<std::string>{"a", "b", "c", "d"}));
  const ast::RuleDecl& rule = *c->model.rules[0].decl;
  EXPECT_EQ(rule.clauses[1].requirement.group->decl_index, 0);
  EXPECT_EQ(rule.clauses[2].requirement.group->decl_index, 1);
  EXPECT_EQ(rule.clauses[3].requirement.group->decl_index, 2);
  // The kRef inside the union points at the declared group.
  EXPECT_EQ(rule.clauses[3].requirement.group->children[0]->decl_index, 0);
  // Equal inline groups share an entry.
  EXPECT_EQ(rule.clauses[4].escalation->group->decl_index, 1);
}

}  // namespace
}  // namespace signoff::check

namespace signoff::check::testing {
namespace {

TEST(Declarations, PolicyActionTakesThePlaceOfALibraryAction) {
  auto c = CheckFiles(
      {{"policy.signoff",
        "action data.export {\n  rows: int\n}\n"
        "rule r {\n  on data.export\n  when params.rows > 1\n  allow\n}\n"},
       {"<stdlib>/std/actions.signoff",
        "action data.export {\n  dataset: string\n}\n"
        "action other.thing {\n  x: int\n}\n"}},
      {"<stdlib>/std/actions.signoff"});
  EXPECT_EQ(c->diags.error_count(), 0u) << c->Describe();
  ASSERT_EQ(c->model.actions.size(), 2u);
  EXPECT_EQ(c->model.actions[0]->fields[0].name.name, "rows");
}

TEST(Declarations, TwoPolicyDeclarationsOfOneActionStillClash) {
  auto c =
      CheckFiles({{"a.signoff", "action data.export {\n  rows: int\n}\n"},
                  {"b.signoff", "action data.export {\n  rows: int\n}\n"}});
  EXPECT_EQ(c->Count(DiagKind::kDuplicateDeclaration), 1u) << c->Describe();
}

}  // namespace
}  // namespace signoff::check::testing
