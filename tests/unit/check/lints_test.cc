// Lints: warnings about policies that compile but are probably wrong.
#include <string>

#include "gtest/gtest.h"
#include "tests/unit/check/check_test_util.h"

namespace signoff::check {
namespace {

using testing::CheckFiles;
using testing::CheckSource;
using testing::HasDiag;
using testing::NoErrors;

constexpr char kPrelude[] =
    "group sre = [\"alice\", \"bob\", \"carol\"]\n"
    "group oncall = directory(\"oncall\")\n"
    "channel room = slack(\"#room\")\n";
// Rules start on line 4.

std::string RequireRule(const std::string& body) {
  return std::string(kPrelude) + "rule r {\n  on x\n" + body +
         "  expire 1h\n  notify room\n}\n";
}

TEST(Lints, QuorumRequesterMayBeMember) {
  auto c = CheckSource(RequireRule("  require 3 of sre\n"));
  EXPECT_TRUE(NoErrors(*c));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnreachableQuorum, 6, 11,
                      "quorum of 3 can never be met: `sre` has 3 members and "
                      "the requester may be one of them"));
}

TEST(Lints, QuorumLargerThanGroup) {
  auto c = CheckSource(RequireRule("  require 4 of sre\n"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnreachableQuorum, 6, 11,
                      "quorum of 4 can never be met: `sre` has only 3 "
                      "members"));
}

TEST(Lints, QuorumWithRequesterExcluded) {
  auto c = CheckSource(
      RequireRule("  unless requester.id in sre\n  require 3 of sre\n"));
  EXPECT_EQ(c->Count(DiagKind::kUnreachableQuorum), 0u) << c->Describe();
}

TEST(Lints, QuorumReachable) {
  auto c = CheckSource(RequireRule(
      "  require 2 of sre\n  require 5 of oncall\n  require 9 of sre | "
      "oncall\n"));
  EXPECT_EQ(c->Count(DiagKind::kUnreachableQuorum), 0u) << c->Describe();
}

TEST(Lints, QuorumOfInlineGroup) {
  auto c = CheckSource(RequireRule("  require 2 of [\"a\", \"b\"]\n"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnreachableQuorum, 6, 11,
                      "quorum of 2 can never be met"));
}

TEST(Lints, EmptyGroup) {
  auto c = CheckSource(std::string(kPrelude) +
                       "group nobody = []\n"
                       "rule r { on x require 1 of nobody expire 1h notify "
                       "room }\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kEmptyGroup, 4, 7,
                      "group `nobody` has no members"));
}

TEST(Lints, Unused) {
  auto c = CheckSource(
      "group g = [\"a\"]\n"
      "channel ch = webhook(\"w\")\n"
      "action a.b { x: int }\n"
      "rule r { on c.d allow }\n");
  EXPECT_TRUE(NoErrors(*c));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnusedGroup, 1, 7, "group `g`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnusedChannel, 2, 9, "channel `ch`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kUnusedAction, 3, 8,
                      "no rule matches action `a.b`"));
}

TEST(Lints, UsedThroughGroupsEscalationsAndTests) {
  auto c = CheckFiles(
      {{"p.signoff",
        "group a = [\"x\"]\n"
        "group b = a | [\"y\"]\n"
        "group c = [\"z\"]\n"
        "group d = [\"w\"]\n"
        "channel ch = webhook(\"w\")\n"
        "rule r { on q require 1 of b expire 1h notify ch escalate after 1m "
        "to c }\n"},
       {"p_test.signoff",
        "test \"t\" {\n"
        "  input { action: \"q\" }\n"
        "  expect requirements [1 of d]\n"
        "}\n"}});
  EXPECT_TRUE(NoErrors(*c));
  EXPECT_EQ(c->Count(DiagKind::kUnusedGroup), 0u) << c->Describe();
  EXPECT_EQ(c->Count(DiagKind::kUnusedChannel), 0u) << c->Describe();
}

TEST(Lints, NoUnusedForLibraryFiles) {
  auto c = CheckFiles(
      {{"p.signoff", "rule r { on c.d allow }\n"},
       {"std/actions.signoff", "group g = [\"a\"]\naction a.b { x: int }\n"}},
      {"std/actions.signoff"});
  EXPECT_EQ(c->Count(DiagKind::kUnusedGroup), 0u) << c->Describe();
  EXPECT_EQ(c->Count(DiagKind::kUnusedAction), 0u) << c->Describe();
}

TEST(Lints, ShadowedRule) {
  auto c = CheckSource(
      "rule no { on a.*, b.c deny \"no\" }\n"
      "rule later { on b.c, a.* allow }\n"
      "rule conditional { on x when action == \"x\" deny }\n"
      "rule fine { on x allow }\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kShadowedRule, 2, 6,
                      "rule `later` is shadowed: rule `no` denies every "
                      "request it matches"));
  EXPECT_EQ(c->Count(DiagKind::kShadowedRule), 1u) << c->Describe();
  EXPECT_EQ(c->Find(DiagKind::kShadowedRule)->notes.size(), 1u);
}

TEST(Lints, RequireWithoutExpireAndNotify) {
  auto c = CheckSource(std::string(kPrelude) +
                       "rule bare {\n  on x\n  require 1 of sre\n}\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kRequireWithoutExpire, 4, 6,
                      "rule `bare` has no `expire`"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kRequireWithoutNotify, 4, 6,
                      "rule `bare` notifies no channel"));
}

TEST(Lints, EscalationNeverFires) {
  auto c =
      CheckSource(RequireRule("  require 1 of sre\n"
                              "  escalate after 1h to oncall\n"
                              "  escalate after 59m to oncall\n"
                              "  escalate after 2h to oncall notify room\n"));
  EXPECT_TRUE(NoErrors(*c));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kEscalationNeverFires, 7, 18,
                      "`escalate after 1h` can never fire: rule `r` expires "
                      "its requests after 1h"));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kEscalationNeverFires, 9, 18,
                      "`escalate after 2h` can never fire"));
  EXPECT_EQ(c->Count(DiagKind::kEscalationNeverFires), 2u) << c->Describe();
  const Diagnostic* d = c->Find(DiagKind::kEscalationNeverFires);
  EXPECT_EQ(d->severity, Severity::kWarning);
  ASSERT_EQ(d->notes.size(), 1u);
  EXPECT_EQ(c->sources.Begin(d->notes[0].span).line, 10u);
  EXPECT_EQ(d->help,
            "escalate sooner than `expire`, or give requests longer to live");
}

TEST(Lints, EscalationWithoutExpireIsNotJudged) {
  // The default lifetime is the runtime's configuration, unknown here.
  auto c = CheckSource(std::string(kPrelude) +
                       "rule r {\n  on x\n  require 1 of sre\n"
                       "  escalate after 7d to oncall\n  notify room\n}\n");
  EXPECT_TRUE(NoErrors(*c));
  EXPECT_EQ(c->Count(DiagKind::kEscalationNeverFires), 0u) << c->Describe();
}

TEST(Lints, EscalationOfTheDefaultNeverFires) {
  auto c = CheckSource(std::string(kPrelude) +
                       "default {\n"
                       "  require 1 of sre\n"
                       "  expire 30m\n"
                       "  escalate after 30m to oncall\n"
                       "  notify room\n"
                       "}\n");
  EXPECT_TRUE(NoErrors(*c));
  EXPECT_TRUE(HasDiag(*c, DiagKind::kEscalationNeverFires, 7, 18,
                      "`escalate after 30m` can never fire: the `default` "
                      "expires its requests after 30m"));
}

TEST(Lints, DefaultAllow) {
  auto c = CheckSource("default allow\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kDefaultAllow, 1, 1, "`default allow`"));
  EXPECT_EQ(c->Help(DiagKind::kDefaultAllow),
            "zero standing privilege: prefer `default deny` and explicit "
            "`allow` rules");
}

}  // namespace
}  // namespace signoff::check
