// `test "name" { input {...} expect ... }` blocks.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/unit/parse/parse_test_util.h"

namespace signoff::parse {
namespace {

using testing::DeclAt;
using testing::Diags;
using testing::Parsed;

// Parses `text` as a `_test.signoff` file, where test blocks belong.
std::unique_ptr<Parsed> ParseTestFile(const std::string& text) {
  return testing::Parse(text, "t_test.signoff");
}

TEST(TestBlocksTest, InputValues) {
  auto p = ParseTestFile(
      "test \"values\" {\n"
      "  input {\n"
      "    s: \"a\\tb\", i: 10_000, n: -5, big: -9223372036854775808,\n"
      "    yes: true, no: false, d: 1h30m,\n"
      "    l: [1, \"two\", [true], {}],\n"
      "    \"quoted key\": { nested: { deeper: [] } }\n"
      "    action: \"iam.role.grant\"\n"
      "    in: 1 rule: 2\n"
      "  }\n"
      "}\n");
  EXPECT_EQ(Diags(*p), "");
  const ast::TestDecl& t = DeclAt<ast::TestDecl>(*p, 0);
  EXPECT_EQ(t.name.value, "values");
  const ast::TestValue& in = *t.input;
  EXPECT_EQ(in.kind, ast::TestValue::Kind::kObject);
  ASSERT_EQ(in.fields.size(), 12u);
  using K = ast::TestValue::Kind;
  EXPECT_EQ(in.fields[0].second->kind, K::kString);
  EXPECT_EQ(in.fields[0].second->string_value, "a\tb");
  EXPECT_EQ(in.fields[0].second->text, "\"a\\tb\"");
  EXPECT_EQ(in.fields[1].second->int_value, 10000);
  EXPECT_EQ(in.fields[1].second->text, "10_000");
  EXPECT_EQ(in.fields[2].second->int_value, -5);
  EXPECT_EQ(in.fields[2].second->text, "-5");
  EXPECT_EQ(p->sources.Slice(in.fields[2].second->span), "-5");
  EXPECT_EQ(in.fields[3].second->int_value, INT64_MIN);
  EXPECT_TRUE(in.fields[4].second->bool_value);
  EXPECT_EQ(in.fields[5].second->kind, K::kBool);
  EXPECT_FALSE(in.fields[5].second->bool_value);
  EXPECT_EQ(in.fields[6].second->kind, K::kDuration);
  EXPECT_EQ(in.fields[6].second->int_value, 5400);
  const ast::TestValue& list = *in.fields[7].second;
  ASSERT_EQ(list.items.size(), 4u);
  EXPECT_EQ(list.items[2]->items[0]->kind, K::kBool);
  EXPECT_EQ(list.items[3]->kind, K::kObject);
  EXPECT_EQ(in.fields[8].first.name, "quoted key");
  EXPECT_EQ(p->sources.Slice(in.fields[8].first.span), "\"quoted key\"");
  EXPECT_EQ(in.fields[8].second->fields[0].second->fields[0].first.name,
            "deeper");
  EXPECT_EQ(in.fields[9].first.name, "action");
  EXPECT_EQ(in.fields[10].first.name, "in");
  EXPECT_EQ(in.fields[11].first.name, "rule");
  EXPECT_EQ(p->sources.Slice(in.span).substr(0, 1), "{");
}

TEST(TestBlocksTest, Expectations) {
  auto p = ParseTestFile(
      "test \"e\" {\n"
      "  input {}\n"
      "  expect allow\n"
      "  expect deny\n"
      "  expect require_approval\n"
      "  expect rules [a, b,]\n"
      "  expect rules []\n"
      "  expect requirements [2 of sre, 1 of [\"x\"] | ops where "
      "approver.mfa]\n"
      "  expect reasons [\"r1\", \"r\\n2\"]\n"
      "}\n");
  EXPECT_EQ(Diags(*p), "");
  const ast::TestDecl& t = DeclAt<ast::TestDecl>(*p, 0);
  ASSERT_EQ(t.expectations.size(), 7u);
  using K = ast::Expectation::Kind;
  EXPECT_EQ(t.expectations[0].kind, K::kDecision);
  EXPECT_EQ(t.expectations[0].decision.name, "allow");
  EXPECT_EQ(t.expectations[1].decision.name, "deny");
  EXPECT_EQ(t.expectations[2].decision.name, "require_approval");
  EXPECT_EQ(p->sources.Slice(t.expectations[2].span),
            "expect require_approval");
  EXPECT_EQ(t.expectations[3].kind, K::kRules);
  ASSERT_EQ(t.expectations[3].rules.size(), 2u);
  EXPECT_EQ(t.expectations[3].rules[1].name, "b");
  EXPECT_TRUE(t.expectations[4].rules.empty());
  const auto& reqs = t.expectations[5].requirements;
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].count, 2);
  EXPECT_EQ(reqs[0].group->ref.name, "sre");
  EXPECT_EQ(reqs[1].group->kind, ast::GroupExpr::Kind::kUnion);
  ASSERT_NE(reqs[1].where, nullptr);
  EXPECT_EQ(reqs[1].where->name, "mfa");
  EXPECT_EQ(t.expectations[6].kind, K::kReasons);
  EXPECT_EQ(t.expectations[6].reasons[1].value, "r\n2");
}

TEST(TestBlocksTest, Errors) {
  EXPECT_EQ(
      Diags(*ParseTestFile("test \"t\" { input {} expect rules [\"a\"] }")),
      "1:35 SyntaxError: each entry of `expect rules` must be a rule "
      "name\n");
  EXPECT_EQ(Diags(*ParseTestFile("test \"t\" { input {} expect verdict [a] }")),
            "1:28 SyntaxError: unknown expectation `verdict`; expected "
            "`rules`, `requirements` or `reasons`\n");
  EXPECT_EQ(Diags(*ParseTestFile("test \"t\" { input { a 1 } }")),
            "1:22 SyntaxError: expected `:` after `a`, found `1`\n");
  EXPECT_EQ(Diags(*ParseTestFile("test \"t\" { input { a: b } }")),
            "1:23 SyntaxError: unexpected `b`; expected a value\n");
  EXPECT_EQ(Diags(*ParseTestFile("test name { input {} }")),
            "1:6 SyntaxError: expected a string after `test`, found `name`\n");
  // A broken test does not hide the next one.
  auto p = ParseTestFile(
      "test \"a\" { input { x: } expect allow }\n"
      "test \"b\" { input {} expect deny }\n");
  EXPECT_EQ(p->diags.all().size(), 1u);
  ASSERT_EQ(p->file.decls.size(), 1u);
  EXPECT_EQ(DeclAt<ast::TestDecl>(*p, 0).name.value, "b");
}

}  // namespace
}  // namespace signoff::parse
