// `params.F` across matched actions (LANGUAGE.md §5.2).
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/check/check_test_util.h"

namespace signoff::check {
namespace {

using testing::Checked;
using testing::CheckSource;
using testing::HasDiag;
using testing::NoErrors;

constexpr char kActions[] =
    "action data.export { rows: int  dataset: string  note: string? }\n"
    "action data.delete { dataset: string }\n"
    "action iam.role.grant { role: string }\n";
// Rules start on line 4.

// Checks kActions and `rule NAME { on ON  when WHEN  deny }`, one clause a
// line: `on` is on line 5, `when` on line 6 at column 8.
std::unique_ptr<Checked> DenyRule(const std::string& on,
                                  const std::string& when,
                                  const std::string& name = "r") {
  return CheckSource(std::string(kActions) + "rule " + name + " {\n  on " + on +
                     "\n  when " + when + "\n  deny\n}\n");
}

TEST(Params, UnknownFieldWithSuggestion) {
  auto c = DenyRule("data.*", "params.rowz > 1");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownParamField, 6, 15,
                      "no action matched by `data.*` declares a field `rowz`"));
  EXPECT_EQ(c->Help(DiagKind::kUnknownParamField), "did you mean `rows`?");
  EXPECT_EQ(c->diags.error_count(), 1u) << c->Describe();
}

TEST(Params, UnknownFieldReportedOncePerRule) {
  auto c = DenyRule("data.*", "params.rowz > 1 and params.rowz < 5");
  EXPECT_EQ(c->Count(DiagKind::kUnknownParamField), 1u) << c->Describe();
}

TEST(Params, NoDeclaredActionMatches) {
  auto c = DenyRule("deploy.*", "params.service == \"api\"");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownParamField, 6, 15,
                      "no action matched by `deploy.*` declares a field "
                      "`service`"));
  EXPECT_EQ(c->Help(DiagKind::kUnknownParamField),
            "declare the action's schema with `action NAME { ... }`");
}

TEST(Params, TypeConflict) {
  auto c = CheckSource(
      "action a.one { size: int }\n"
      "action a.two { size: string }\n"
      "rule r {\n"
      "  on a.*\n"
      "  when params.size == 1\n"
      "  deny\n"
      "}\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kParamTypeConflict, 5, 15,
                      "`params.size` has different types in the actions "
                      "`a.*` matches"));
  const Diagnostic* d = c->Find(DiagKind::kParamTypeConflict);
  ASSERT_EQ(d->notes.size(), 2u);
  EXPECT_EQ(d->notes[0].message, "`a.one` declares `size: int`");
  EXPECT_EQ(d->notes[1].message, "`a.two` declares `size: string`");
  // No cascade from the comparison.
  EXPECT_EQ(c->diags.error_count(), 1u) << c->Describe();
}

TEST(Params, NeverAppliesAndApplicability) {
  auto c = DenyRule("data.export, data.delete",
                    "params.rows > 10 and params.dataset != \"\"", "big");
  EXPECT_TRUE(NoErrors(*c));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kRuleNeverApplies, 4, 6,
                      "rule `big` reads `params.rows`, which `data.delete` "
                      "does not declare; it never applies to `data.delete`"));
  EXPECT_EQ(c->Count(DiagKind::kRuleNeverApplies), 1u);
  const RuleInfo& info = c->model.rules[0];
  ASSERT_EQ(info.params_read.size(), 2u);
  EXPECT_EQ(info.params_read[0].field, "dataset");
  EXPECT_EQ(info.params_read[0].type, Type::kString);
  EXPECT_EQ(info.params_read[1].field, "rows");
  EXPECT_EQ(info.params_read[1].type, Type::kInt);
  EXPECT_EQ(info.matches_action, (std::vector<bool>{true, true, false}));
  EXPECT_EQ(info.applies_to_action, (std::vector<bool>{true, false, false}));
}

TEST(Params, RuleWithoutParamsAppliesToEveryMatch) {
  auto c = CheckSource(std::string(kActions) + "rule all { on ** deny }\n");
  EXPECT_TRUE(NoErrors(*c));
  const RuleInfo& info = c->model.rules[0];
  EXPECT_TRUE(info.params_read.empty());
  EXPECT_EQ(info.matches_action, (std::vector<bool>{true, true, true}));
  EXPECT_EQ(info.applies_to_action, (std::vector<bool>{true, true, true}));
}

TEST(Params, ReadsInWhereAndMessageCount) {
  auto c =
      CheckSource(std::string(kActions) +
                  "group sre = [\"a\", \"b\", \"c\"]\n"
                  "channel room = slack(\"#r\")\n"
                  "rule r {\n"
                  "  on data.*\n"
                  "  require 1 of sre where params.dataset != approver.id\n"
                  "  expire 1h\n"
                  "  notify room\n"
                  "  message \"{params.rows} rows\"\n"
                  "}\n");
  EXPECT_TRUE(NoErrors(*c));
  const RuleInfo& info = c->model.rules[0];
  ASSERT_EQ(info.params_read.size(), 2u);
  EXPECT_EQ(info.applies_to_action, (std::vector<bool>{true, false, false}));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kRuleNeverApplies, 6, 6, "`data.delete`"));
}

TEST(Params, DefaultCannotReadParams) {
  auto c = CheckSource(std::string(kActions) +
                       "group sre = [\"a\", \"b\", \"c\"]\n"
                       "default {\n"
                       "  require 1 of sre where params.rows > 1\n"
                       "}\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownParamField, 6, 33,
                      "the `default` covers every action"));
}

TEST(Params, HasOnOptionalField) {
  auto c = DenyRule("data.*", "has(params.note)");
  EXPECT_TRUE(NoErrors(*c));
  // `has(params.note)` reads `note`: the rule never applies to data.delete.
  EXPECT_EQ(c->Count(DiagKind::kRuleNeverApplies), 1u);
}

}  // namespace
}  // namespace signoff::check
