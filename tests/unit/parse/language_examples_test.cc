// Every example of LANGUAGE.md (and the escalation of RUNTIME.md) parses
// without diagnostics into the expected AST shape.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/unit/parse/parse_test_util.h"
#include "tests/unit/testing/language_md.h"

namespace signoff::parse {
namespace {

using testing::DeclAt;
using testing::Diags;
using testing::Parse;

TEST(LanguageExamplesTest, Declarations) {
  auto p = Parse(std::string(testdata::kLanguageExampleDeclarations));
  EXPECT_EQ(Diags(*p), "");
  ASSERT_EQ(p->file.decls.size(), 10u);
  EXPECT_EQ(DeclAt<ast::ImportDecl>(*p, 0).module.value, "std/actions");

  const auto& sre = DeclAt<ast::GroupDecl>(*p, 1);
  EXPECT_EQ(sre.name.name, "sre");
  ASSERT_EQ(sre.value->kind, ast::GroupExpr::Kind::kMembers);
  ASSERT_EQ(sre.value->members.size(), 3u);
  EXPECT_EQ(sre.value->members[2].value, "carol");
  EXPECT_EQ(sre.value->members[2].text, "\"carol\"");

  const auto& oncall = DeclAt<ast::GroupDecl>(*p, 3);
  ASSERT_EQ(oncall.value->kind, ast::GroupExpr::Kind::kDirectory);
  EXPECT_EQ(oncall.value->directory.value, "oncall-primary");

  const auto& reviewers = DeclAt<ast::GroupDecl>(*p, 4);
  ASSERT_EQ(reviewers.value->kind, ast::GroupExpr::Kind::kUnion);
  ASSERT_EQ(reviewers.value->children.size(), 2u);
  EXPECT_EQ(reviewers.value->children[0]->kind, ast::GroupExpr::Kind::kRef);
  EXPECT_EQ(reviewers.value->children[0]->ref.name, "sre");
  EXPECT_EQ(reviewers.value->children[1]->ref.name, "security");
  EXPECT_EQ(p->sources.Slice(reviewers.value->span), "sre | security");

  const auto& sre_room = DeclAt<ast::ChannelDecl>(*p, 6);
  EXPECT_EQ(sre_room.name.name, "sre_room");
  EXPECT_EQ(sre_room.kind.name, "slack");
  EXPECT_EQ(sre_room.target.value, "#sre-approvals");
  EXPECT_EQ(p->sources.Slice(sre_room.span),
            "channel sre_room  = slack(\"#sre-approvals\")");
  EXPECT_EQ(DeclAt<ast::ChannelDecl>(*p, 8).kind.name, "webhook");

  const auto& action = DeclAt<ast::ActionDecl>(*p, 9);
  EXPECT_EQ(action.name.text, "data.export");
  EXPECT_EQ(action.name.segments, (std::vector<std::string>{"data", "export"}));
  ASSERT_EQ(action.fields.size(), 5u);
  EXPECT_EQ(action.fields[1].name.name, "rows");
  EXPECT_EQ(action.fields[1].type.name, "int");
  EXPECT_FALSE(action.fields[1].optional);
  EXPECT_EQ(action.fields[4].name.name, "note");
  EXPECT_TRUE(action.fields[4].optional);
  EXPECT_EQ(p->sources.Slice(action.fields[4].span), "note: string?");

  EXPECT_EQ(p->file.comments.size(), 8u);
  EXPECT_FALSE(p->file.is_test_file);
}

TEST(LanguageExamplesTest, Rules) {
  auto p = Parse(std::string(testdata::kLanguageExampleRules));
  EXPECT_EQ(Diags(*p), "");
  ASSERT_EQ(p->file.decls.size(), 4u);

  const auto& rule = DeclAt<ast::RuleDecl>(*p, 0);
  EXPECT_EQ(rule.name.name, "confidential_exports");
  using K = ast::ClauseKind;
  std::vector<K> kinds;
  for (const ast::Clause& c : rule.clauses) kinds.push_back(c.kind);
  EXPECT_EQ(kinds, (std::vector<K>{K::kOn, K::kWhen, K::kUnless, K::kRequire,
                                   K::kRequire, K::kVeto, K::kExpire, K::kGrant,
                                   K::kNotify, K::kMessage}));
  EXPECT_EQ(rule.clauses[0].patterns[0].text, "data.export");
  EXPECT_EQ(p->sources.Slice(rule.clauses[1].condition->span),
            "params.classification in [\"confidential\", \"restricted\"] and "
            "params.rows > 10_000");
  EXPECT_EQ(rule.clauses[1].condition->binary_op, ast::BinaryOp::kAnd);

  const ast::Requirement& r1 = rule.clauses[3].requirement;
  EXPECT_EQ(r1.count, 2);
  EXPECT_EQ(r1.group->ref.name, "sre");
  EXPECT_EQ(r1.where, nullptr);
  const ast::Requirement& r2 = rule.clauses[4].requirement;
  EXPECT_EQ(r2.count, 1);
  ASSERT_NE(r2.where, nullptr);
  EXPECT_EQ(p->sources.Slice(r2.where->span),
            "approver.team != requester.team");

  EXPECT_EQ(rule.clauses[5].count, 1);
  EXPECT_EQ(rule.clauses[6].seconds, 1800);
  EXPECT_EQ(rule.clauses[6].duration_text, "30m");
  EXPECT_EQ(rule.clauses[7].seconds, 900);
  ASSERT_EQ(rule.clauses[8].channels.size(), 2u);
  EXPECT_EQ(rule.clauses[8].channels[1].name, "sec_room");
  EXPECT_EQ(p->sources.Slice(rule.clauses[8].span),
            "notify sre_room, sec_room");

  const ast::Message& message = *rule.clauses[9].message;
  ASSERT_EQ(message.parts.size(), 7u);
  EXPECT_EQ(p->sources.Slice(message.parts[0].expr->span), "requester.id");
  EXPECT_EQ(message.parts[1].literal, " exports ");
  EXPECT_EQ(message.parts[2].expr->name, "rows");
  EXPECT_EQ(message.parts[5].literal, " to ");
  EXPECT_EQ(p->sources.Slice(message.parts[6].expr->span),
            "params.destination");

  const auto& readonly = DeclAt<ast::RuleDecl>(*p, 1);
  EXPECT_EQ(readonly.clauses[0].patterns[0].segments,
            (std::vector<std::string>{"*", "read"}));
  EXPECT_EQ(readonly.clauses[1].kind, K::kAllow);

  const auto& no_public = DeclAt<ast::RuleDecl>(*p, 2);
  EXPECT_EQ(no_public.clauses[1].condition->binary_op, ast::BinaryOp::kLike);
  EXPECT_EQ(no_public.clauses[2].reason->value,
            "exports to public buckets are forbidden");

  const auto& def = DeclAt<ast::DefaultDecl>(*p, 3);
  EXPECT_FALSE(def.block);
  ASSERT_EQ(def.clauses.size(), 1u);
  EXPECT_EQ(def.clauses[0].kind, K::kDeny);
  EXPECT_EQ(def.clauses[0].reason->value, "no rule covers this action");
}

TEST(LanguageExamplesTest, DefaultForms) {
  auto p = Parse(
      "default allow\n"
      "default deny\n"
      "default { require 1 of sre  expire 1h  notify sre_room }\n");
  EXPECT_EQ(Diags(*p), "");
  ASSERT_EQ(p->file.decls.size(), 3u);
  const auto& allow = DeclAt<ast::DefaultDecl>(*p, 0);
  EXPECT_EQ(allow.clauses[0].kind, ast::ClauseKind::kAllow);
  EXPECT_EQ(p->sources.Slice(allow.clauses[0].keyword_span), "allow");
  const auto& deny = DeclAt<ast::DefaultDecl>(*p, 1);
  EXPECT_FALSE(deny.clauses[0].reason.has_value());
  const auto& block = DeclAt<ast::DefaultDecl>(*p, 2);
  EXPECT_TRUE(block.block);
  ASSERT_EQ(block.clauses.size(), 3u);
  EXPECT_EQ(block.clauses[1].seconds, 3600);
}

TEST(LanguageExamplesTest, LexicalExamples) {
  auto p = Parse(
      "rule r {\n"
      "  on data.*, *.read, iam.**, **, iam.role.grant\n"
      "  when x == 10_000 and d == 45s and e == 1h30m and f == 7d and t\n"
      "  when n in 9..17 and b == true and s == \"#sre-approvals\"\n"
      "  allow\n"
      "}\n");
  EXPECT_EQ(Diags(*p), "");
  const auto& rule = DeclAt<ast::RuleDecl>(*p, 0);
  const auto& patterns = rule.clauses[0].patterns;
  ASSERT_EQ(patterns.size(), 5u);
  EXPECT_EQ(patterns[0].text, "data.*");
  EXPECT_EQ(patterns[2].segments.back(), "**");
  EXPECT_EQ(patterns[3].text, "**");
  EXPECT_EQ(patterns[4].segments.size(), 3u);
  EXPECT_EQ(p->sources.Slice(patterns[4].span), "iam.role.grant");
}

TEST(LanguageExamplesTest, ExpressionExamples) {
  const char* conditions[] = {
      "action == \"data.export\"",
      "params.rows > 10",
      "requester.kind == \"agent\" and requester.on_behalf_of != \"\"",
      "requester.attrs[\"level\"] == \"senior\"",
      "approver.mfa",
      "context.justification != \"\" or context.ticket != \"\"",
      "x in [\"a\", \"b\"]",
      "\"sre\" in requester.groups",
      "hour(context.time, \"Europe/Berlin\") in 9..17",
      "weekday(context.time, \"Area/City\") in 1..5",
      "id in sre",
      "s like \"s3://public-*\"",
      "s matches \"^[a-z]+$\"",
      "starts_with(s, \"p\") and ends_with(s, \"p\") and contains(s, \"x\")",
      "lower(s) == upper(s)",
      "len(requester.groups) > 0 and len(s) < 10",
      "has(params.note) and has(requester.attrs, \"k\")",
      "in_cidr(context.ip, \"10.0.0.0/8\")",
      "not (a or b)",
      "params.rows * 2 + 1 - 3 > -5",
  };
  for (const char* condition : conditions) {
    auto p = Parse(std::string("rule r {\n  on x\n  when ") + condition +
                   "\n  allow\n}\n");
    EXPECT_EQ(Diags(*p), "") << condition;
    ASSERT_EQ(p->file.decls.size(), 1u) << condition;
    const auto& rule = DeclAt<ast::RuleDecl>(*p, 0);
    EXPECT_EQ(p->sources.Slice(rule.clauses[1].condition->span), condition);
  }
}

TEST(LanguageExamplesTest, Escalation) {
  auto p = Parse(
      "rule r {\n"
      "  on x\n"
      "  require 1 of sre\n"
      "  escalate after 10m to oncall notify pager\n"
      "  escalate after 1h to sre | [\"boss\"]\n"
      "  notify sre_room\n"
      "}\n");
  EXPECT_EQ(Diags(*p), "");
  const auto& rule = DeclAt<ast::RuleDecl>(*p, 0);
  ASSERT_EQ(rule.clauses.size(), 5u);
  const ast::Escalation& e = *rule.clauses[2].escalation;
  EXPECT_EQ(e.after_seconds, 600);
  EXPECT_EQ(e.after_text, "10m");
  EXPECT_EQ(e.group->ref.name, "oncall");
  ASSERT_EQ(e.channels.size(), 1u);
  EXPECT_EQ(e.channels[0].name, "pager");
  // `notify` on its own line is the rule's, not the escalation's.
  const ast::Escalation& e2 = *rule.clauses[3].escalation;
  EXPECT_EQ(e2.group->kind, ast::GroupExpr::Kind::kUnion);
  EXPECT_TRUE(e2.channels.empty());
  EXPECT_EQ(p->sources.Slice(rule.clauses[3].span),
            "escalate after 1h to sre | [\"boss\"]");
  EXPECT_EQ(rule.clauses[4].kind, ast::ClauseKind::kNotify);
  EXPECT_EQ(rule.clauses[4].channels[0].name, "sre_room");
}

TEST(LanguageExamplesTest, TestBlock) {
  auto p = Parse(
      "test \"confidential exports need two approvals\" {\n"
      "  input {\n"
      "    action: \"data.export\",\n"
      "    params: {dataset: \"customers\", rows: 50000, destination: "
      "\"s3://warehouse/q4\",\n"
      "             classification: \"confidential\"},\n"
      "    requester: {id: \"agent:etl\", kind: \"agent\", team: \"data\", "
      "on_behalf_of: \"dana\"},\n"
      "    context: {time: \"2026-11-21T03:00:00Z\", ip: \"10.1.2.3\", "
      "justification: \"Q4 report\"}\n"
      "  }\n"
      "  expect require_approval\n"
      "  expect rules [confidential_exports]\n"
      "  expect requirements [2 of sre, 1 of security where approver.team != "
      "requester.team]\n"
      "}\n",
      "exports_test.signoff");
  EXPECT_EQ(Diags(*p), "");
  EXPECT_TRUE(p->file.is_test_file);
  const auto& test = DeclAt<ast::TestDecl>(*p, 0);
  EXPECT_EQ(test.name.value, "confidential exports need two approvals");
  ASSERT_EQ(test.input->fields.size(), 4u);
  EXPECT_EQ(test.input->fields[0].first.name, "action");
  EXPECT_EQ(test.input->fields[1].second->fields[1].second->int_value, 50000);
  ASSERT_EQ(test.expectations.size(), 3u);
  EXPECT_EQ(test.expectations[0].decision.name, "require_approval");
  EXPECT_EQ(test.expectations[1].rules[0].name, "confidential_exports");
  EXPECT_EQ(test.expectations[2].requirements.size(), 2u);
  EXPECT_NE(test.expectations[2].requirements[1].where, nullptr);
}

}  // namespace
}  // namespace signoff::parse
