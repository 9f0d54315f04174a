// Rule structure: effects, clauses that appear once, approval clauses,
// counts, channels and the default.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "tests/unit/check/check_test_util.h"

namespace signoff::check {
namespace {

using testing::Checked;
using testing::CheckSource;
using testing::HasDiag;
using testing::NoErrors;

constexpr char kPrelude[] =
    "group sre = [\"alice\", \"bob\", \"carol\"]\n"
    "channel room = slack(\"#room\")\n";

std::string WithPrelude(const std::string& text) { return kPrelude + text; }

// Checks the prelude and `rule r { on x <clauses> }`; `clauses` are whole
// lines and start on line 5.
std::unique_ptr<Checked> CheckRule(const std::string& clauses) {
  return CheckSource(WithPrelude("rule r {\n  on x\n" + clauses + "}\n"));
}

TEST(Rules, MissingEffect) {
  auto c = CheckSource(WithPrelude("rule lonely {\n  on x\n}\n"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kMissingEffect, 3, 6,
                      "rule `lonely` has no effect"));
  EXPECT_EQ(c->Help(DiagKind::kMissingEffect),
            "add `allow`, `deny \"reason\"` or `require N of GROUP`");
}

TEST(Rules, ConflictingEffects) {
  auto c = CheckRule(
      "  allow\n"
      "  require 1 of sre\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kConflictingEffects, 6, 3,
                      "rule `r` has both `allow` and `require`"));
  EXPECT_EQ(c->Count(DiagKind::kClauseNeedsRequire), 0u);
}

TEST(Rules, DuplicateAllowAndDeny) {
  auto c = CheckSource(
      "rule r {\n"
      "  on x\n"
      "  deny \"a\"\n"
      "  deny \"b\"\n"
      "}\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDuplicateClause, 4, 3,
                      "rule `r` has a second `deny` clause"));
}

TEST(Rules, SeveralRequiresAreFine) {
  auto c = CheckRule(
      "  require 1 of sre\n"
      "  require 1 of [\"dana\"]\n"
      "  expire 1h\n"
      "  notify room\n");
  EXPECT_TRUE(NoErrors(*c));
  EXPECT_EQ(c->model.rules[0].effect, Effect::kRequire);
}

TEST(Rules, DuplicateOnceOnlyClauses) {
  auto c = CheckRule(
      "  on y\n"
      "  require 1 of sre\n"
      "  veto 1\n"
      "  veto 2\n"
      "  expire 1h\n"
      "  expire 2h\n"
      "  grant 1m\n"
      "  grant 2m\n"
      "  notify room\n"
      "  notify room\n"
      "  message \"a\"\n"
      "  message \"b\"\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDuplicateClause, 5, 3, "second `on`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDuplicateClause, 8, 3, "second `veto`"));
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kDuplicateClause, 10, 3, "second `expire`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDuplicateClause, 12, 3, "second `grant`"));
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kDuplicateClause, 14, 3, "second `notify`"));
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kDuplicateClause, 16, 3, "second `message`"));
  EXPECT_EQ(c->Count(DiagKind::kDuplicateClause), 6u);
  EXPECT_EQ(c->Find(DiagKind::kDuplicateClause)->notes.size(), 1u);
}

TEST(Rules, ClauseNeedsRequire) {
  auto c = CheckRule(
      "  allow\n"
      "  expire 1h\n"
      "  notify room\n"
      "  escalate after 10m to sre\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kClauseNeedsRequire, 6, 3,
                      "`expire` applies only to `require` rules, but rule "
                      "`r` is `allow`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kClauseNeedsRequire, 7, 3, "`notify`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kClauseNeedsRequire, 8, 3, "`escalate`"));
}

TEST(Rules, MissingOn) {
  auto c = CheckSource("rule r {\n  allow\n}\n");
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kMissingOn, 1, 6, "rule `r` has no `on` clause"));
}

TEST(Rules, InvalidCounts) {
  auto c = CheckRule(
      "  require 0 of sre\n"
      "  veto 0\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kInvalidCount, 5, 11,
                      "a quorum needs at least 1 approval, found 0"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kInvalidCount, 6, 8,
                      "`veto` must be at least 1, found 0"));
}

TEST(Rules, UnknownChannel) {
  auto c = CheckRule(
      "  require 1 of sre\n"
      "  notify rooom\n"
      "  escalate after 1h to sre notify nope\n");
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kUnknownName, 6, 10, "unknown channel `rooom`"));
  EXPECT_TRUE(
      HasDiag(*c, DiagKind::kUnknownName, 7, 35, "unknown channel `nope`"));
  EXPECT_EQ(c->Help(DiagKind::kUnknownName), "did you mean `room`?");
}

TEST(Rules, UnknownRequireGroup) {
  auto c = CheckRule("  require 1 of sr\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownName, 5, 16, "unknown group `sr`"));
}

TEST(Rules, UnknownEscalationGroup) {
  auto c = CheckRule(
      "  require 1 of sre\n"
      "  escalate after 10m to sr\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnknownName, 6, 25, "unknown group `sr`"));
  EXPECT_EQ(c->Help(DiagKind::kUnknownName), "did you mean `sre`?");
}

TEST(Rules, EscalationZeroDelay) {
  auto c = CheckRule(
      "  require 1 of sre\n"
      "  escalate after 0s to sre notify room\n"
      "  escalate after 0h to [\"dana\"]\n"
      "  escalate after 1s to [\"dana\"]\n"
      "  expire 1h\n"
      "  notify room\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kEscalationZeroDelay, 6, 18,
                      "`escalate after 0s` would widen the quorum the moment "
                      "the request opens"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kEscalationZeroDelay, 7, 18,
                      "`escalate after 0h`"));
  EXPECT_EQ(c->Count(DiagKind::kEscalationZeroDelay), 2u) << c->Describe();
  EXPECT_EQ(c->Find(DiagKind::kEscalationZeroDelay)->severity,
            Severity::kError);
  // Not a lint about the same thing twice.
  EXPECT_EQ(c->Count(DiagKind::kEscalationNeverFires), 0u) << c->Describe();
}

TEST(Rules, MalformedEscalationDelayIsNotAZeroDelay) {
  auto c = CheckRule(
      "  require 1 of sre\n"
      "  escalate after 30m1h to sre\n"
      "  expire 1h\n"
      "  notify room\n");
  EXPECT_TRUE(c->parse_diags.has_errors());
  EXPECT_EQ(c->Count(DiagKind::kEscalationZeroDelay), 0u) << c->Describe();
}

TEST(Rules, EscalationsOfTheDefault) {
  auto ok = CheckSource(WithPrelude(
      "default {\n  require 1 of sre\n  escalate after 10m to [\"dana\"] "
      "notify room\n}\n"));
  EXPECT_TRUE(NoErrors(*ok));
  auto denied = CheckSource(
      WithPrelude("default {\n  deny\n  escalate after 10m to sre\n}\n"));
  EXPECT_TRUE(
      HasDiag(*denied, DiagKind::kClauseNeedsRequire, 5, 3, "`escalate`"));
}

TEST(Default, ConditionsAreErrors) {
  auto c =
      CheckSource(WithPrelude("default {\n"
                              "  on x\n"
                              "  when action == \"x\"\n"
                              "  require 1 of sre\n"
                              "  notify room\n"
                              "}\n"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDefaultCondition, 4, 3, "`on`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDefaultCondition, 5, 3, "`when`"));
}

TEST(Default, FollowsEffectRules) {
  auto c = CheckSource(WithPrelude("default {\n  notify room\n}\n"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kMissingEffect, 3, 1,
                      "the `default` has no effect"));
  auto d = CheckSource(WithPrelude("default {\n  deny\n  expire 1h\n}\n"));
  EXPECT_TRUE(HasDiag(*d, DiagKind::kClauseNeedsRequire, 5, 3, "`expire`"));
}

TEST(Default, BlockRequireIsFine) {
  auto c = CheckSource(
      WithPrelude("default { require 1 of sre  expire 1h  notify room }\n"));
  EXPECT_TRUE(NoErrors(*c));
  EXPECT_EQ(c->model.default_rule.effect, Effect::kRequire);
  // Lints about expire/notify do not apply to the default.
  EXPECT_EQ(c->Count(DiagKind::kRequireWithoutExpire), 0u);
}

TEST(Default, ImplicitDefaultIsDeny) {
  auto c = CheckSource("rule r { on x allow }\n");
  EXPECT_TRUE(NoErrors(*c));
  EXPECT_EQ(c->model.default_decl, nullptr);
  EXPECT_EQ(c->model.default_rule.effect, Effect::kDeny);
}

}  // namespace
}  // namespace signoff::check
