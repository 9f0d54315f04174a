// `test` blocks in `_test.signoff` files.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "tests/unit/check/check_test_util.h"

namespace signoff::check {
namespace {

using testing::Checked;
using testing::CheckFiles;
using testing::HasDiag;
using testing::NoErrors;

constexpr char kPolicy[] =
    "group sre = [\"alice\", \"bob\", \"carol\"]\n"
    "channel room = slack(\"#room\")\n"
    "action data.export { rows: int }\n"
    "rule big {\n"
    "  on data.export\n"
    "  when params.rows > 10\n"
    "  require 1 of sre\n"
    "  expire 1h\n"
    "  notify room\n"
    "}\n";

std::unique_ptr<Checked> WithTests(const std::string& tests) {
  return CheckFiles({{"p.signoff", kPolicy}, {"p_test.signoff", tests}});
}

// WithTests of one test "t": `input { <input> }` on line 2, then `expects`
// (whole lines) from line 3.
std::unique_ptr<Checked> WithTest(const std::string& input,
                                  const std::string& expects) {
  return WithTests("test \"t\" {\n  input { " + input + " }\n" + expects +
                   "}\n");
}

TEST(TestBlocks, ValidTests) {
  auto c = WithTests(
      "test \"big export\" {\n"
      "  input {\n"
      "    action: \"data.export\"\n"
      "    params: { rows: 50 }\n"
      "    requester: { id: \"agent:etl\", groups: [\"a\"] }\n"
      "    context: { time: \"2026-01-01T00:00:00Z\" }\n"
      "  }\n"
      "  expect require_approval\n"
      "  expect rules [big]\n"
      "  expect requirements [1 of sre where approver.id != requester.id "
      "and params.rows > 1]\n"
      "}\n"
      "test \"small\" {\n"
      "  input { action: \"data.export\", params: { rows: 1 } }\n"
      "  expect deny\n"
      "  expect reasons [\"no rule covers this action\"]\n"
      "}\n");
  EXPECT_TRUE(NoErrors(*c));
  ASSERT_EQ(c->model.tests.size(), 2u);
  EXPECT_EQ(c->model.tests[0]->name.value, "big export");
  const ast::Requirement& req =
      c->model.tests[0]->expectations[2].requirements[0];
  EXPECT_EQ(req.group->decl_index, 0);
  EXPECT_EQ(req.where->type, Type::kBool);
}

TEST(TestBlocks, DuplicateTestName) {
  auto c = WithTests(
      "test \"t\" { input { action: \"x\" } expect deny }\n"
      "test \"t\" { input { action: \"y\" } expect deny }\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDuplicateDeclaration, 2, 6,
                      "a test named \"t\" already exists"));
}

TEST(TestBlocks, InputKeys) {
  auto c =
      WithTest("action: 3, paramz: {}, requester: \"x\"", "  expect deny\n");
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kInvalidTest, 2, 19, "`action` must be a string"));
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kInvalidTest, 2, 22, "unknown input key `paramz`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kInvalidTest, 2, 45,
                      "`requester` must be an object"));
  const Diagnostic* d = nullptr;
  for (const Diagnostic& diag : c->diags.all()) {
    if (diag.message.find("paramz") != std::string::npos) d = &diag;
  }
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->help, "did you mean `params`?");
}

TEST(TestBlocks, MissingAction) {
  auto c = WithTest("params: {}", "  expect deny\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kInvalidTest, 2, 9,
                      "a test input needs an `action`"));
}

TEST(TestBlocks, Decision) {
  auto c = WithTest("action: \"x\"", "  expect alow\n");
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kInvalidTest, 3, 10, "unknown decision `alow`"));
  EXPECT_EQ(c->Help(DiagKind::kInvalidTest), "did you mean `allow`?");
}

TEST(TestBlocks, ExpectedRulesMustExist) {
  auto c = WithTest("action: \"x\"", "  expect rules [bog, sre]\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownName, 3, 17, "unknown rule `bog`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownName, 3, 22, "unknown rule `sre`"));
  EXPECT_EQ(c->Help(DiagKind::kUnknownName), "did you mean `big`?");
}

TEST(TestBlocks, ExpectedRequirementsCheckLikeRequire) {
  auto c = WithTest(
      "action: \"data.export\"",
      "  expect requirements [0 of sr, 1 of sre where approver.team]\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kInvalidCount, 3, 24, "found 0"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownName, 3, 29, "unknown group `sr`"));
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kTypeMismatch, 3, 48, "condition must be `bool`"));
}

TEST(TestBlocks, ParamsInExpectedWhereUseTheTestAction) {
  auto c = WithTest("action: \"data.export\"",
                    "  expect requirements [1 of sre where params.rowz > 1]\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownParamField, 3, 46,
                      "action `data.export` declares no field `rowz`"));
}

}  // namespace
}  // namespace signoff::check
