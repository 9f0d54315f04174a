// Expression typing: names, entity fields, operators, calls, literals.
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
    "action data.export {\n"
    "  dataset: string\n"
    "  rows: int\n"
    "  tags: list<string>\n"
    "  ids: list<int>\n"
    "  labels: map<string,string>\n"
    "  at: time\n"
    "  wait: duration\n"
    "  addr: ip\n"
    "  note: string?\n"
    "  flag: bool\n"
    "}\n"
    "group sre = [\"alice\", \"bob\", \"carol\"]\n"
    "channel room = slack(\"#room\")\n";
constexpr uint32_t kPreludeLines = 14;
// The condition is on this line, starting at this column.
constexpr uint32_t kLine = kPreludeLines + 3;
constexpr uint32_t kColumn = 8;  // after "  when "

// Checks the prelude and `rule r { on data.export <clauses> }`; `clauses`
// are whole lines and start on line kPreludeLines + 3.
std::unique_ptr<Checked> CheckRule(const std::string& clauses) {
  return CheckSource(std::string(kPrelude) + "rule r {\n  on data.export\n" +
                     clauses + "}\n");
}

std::unique_ptr<Checked> When(const std::string& cond) {
  return CheckRule("  when " + cond + "\n  deny\n");
}

// The column of `part` within the condition.
uint32_t Col(const std::string& cond, const std::string& part) {
  size_t at = cond.find(part);
  EXPECT_NE(at, std::string::npos) << part;
  return kColumn + static_cast<uint32_t>(at);
}

// `cond` fails with one diagnostic of `kind` at `part`, containing `text`.
void ExpectError(const std::string& cond, DiagKind kind,
                 const std::string& part, const std::string& text) {
  SCOPED_TRACE(cond);
  auto c = When(cond);
  EXPECT_TRUE(HasDiag(*c, kind, kLine, Col(cond, part), text));
  EXPECT_EQ(c->diags.error_count(), 1u) << c->Describe();
}

TEST(Types, WellTypedConditions) {
  const char* kConditions[] = {
      "action == \"data.export\"",
      "params.rows > 10 and params.dataset != \"x\"",
      "requester.kind in [\"human\", \"agent\"]",
      "params.rows in 1..10",
      "requester.id in sre",
      "\"x\" in params.tags and 3 in params.ids",
      "params.rows in [1, -2, params.rows]",
      "params.wait in [1h, 2h]",
      "params.dataset like \"a*\" or params.dataset matches \"[a-z]+\"",
      "len(params.tags) > 1 and len(params.dataset) < 5 and "
      "len(params.ids) == 0",
      "has(params.note) and has(params.labels, \"k\") and "
      "has(requester.attrs, \"team\")",
      "hour(context.time, \"Europe/Berlin\") in 9..17",
      "weekday(params.at, \"UTC\") <= 5",
      "in_cidr(context.ip, \"10.0.0.0/8\")",
      "params.wait + 1h > 2h",
      "-params.rows < 0 and -params.wait < 0s",
      "params.rows * 2 - 1 >= 0",
      "requester.attrs[\"team\"] == \"sre\" and context.attrs[\"k\"] == \"\"",
      "not (params.flag or context.justification == \"\")",
      "params.tags == [\"a\", \"b\"] and params.ids != [1, 2]",
      "starts_with(context.ticket, \"JIRA-\") and ends_with(\"a\", \"b\") "
      "and contains(requester.on_behalf_of, \"x\")",
      "lower(requester.team) == upper(\"x\")",
      "params.at < context.time and params.addr == context.ip",
      "\"a\" in requester.groups and params.rows in []",
      "(params.rows) in 1..2 and requester.id in (sre)",
  };
  for (const char* cond : kConditions) {
    SCOPED_TRACE(cond);
    auto c = When(cond);
    EXPECT_TRUE(NoErrors(*c));
  }
}

TEST(Types, ConditionMustBeBool) {
  ExpectError("params.rows", DiagKind::kTypeMismatch, "params.rows",
              "condition must be `bool`, found `int`");
}

TEST(Types, Comparisons) {
  ExpectError("params.rows == \"x\"", DiagKind::kTypeMismatch, "params.rows",
              "cannot compare `int` with `string`");
  ExpectError("params.labels == params.labels", DiagKind::kTypeMismatch,
              "params.labels", "`==` is not defined for `map<string,string>`");
  ExpectError("params.flag < true", DiagKind::kTypeMismatch, "params.flag",
              "`<` is not defined for `bool`");
  ExpectError("params.wait > 5", DiagKind::kTypeMismatch, "params.wait",
              "cannot compare `duration` with `int`");
}

TEST(Types, Logic) {
  ExpectError("params.rows and true", DiagKind::kTypeMismatch, "params.rows",
              "`and` needs `bool` operands, found `int`");
  ExpectError("not params.rows", DiagKind::kTypeMismatch, "params.rows",
              "`not` needs a `bool` operand, found `int`");
}

TEST(Types, Arithmetic) {
  ExpectError("-params.dataset == \"x\"", DiagKind::kTypeMismatch,
              "params.dataset", "unary `-` needs an `int` or `duration`");
  // One error, no cascade into `>`.
  ExpectError("params.rows + params.wait > 0", DiagKind::kTypeMismatch,
              "params.rows",
              "`+` needs operands of one type, found `int` and `duration`");
  ExpectError("params.wait * 2 > 1h", DiagKind::kTypeMismatch, "params.wait",
              "`*` needs `int` operands");
  ExpectError("\"a\" + \"b\" == \"ab\"", DiagKind::kTypeMismatch, "\"a\"",
              "`+` is not defined for `string`");
}

TEST(Types, Membership) {
  ExpectError("params.rows in [\"a\"]", DiagKind::kTypeMismatch, "params.rows",
              "`in` looks for `int` in a list of `string`");
  ExpectError("params.dataset in [\"a\", 1]", DiagKind::kTypeMismatch, "1]",
              "list elements must share one type: `string` then `int`");
  ExpectError("params.dataset in 1..5", DiagKind::kTypeMismatch,
              "params.dataset", "a range holds `int` values");
  ExpectError("params.rows in 1..\"x\"", DiagKind::kTypeMismatch, "\"x\"",
              "a range bound must be an `int`, found `string`");
  ExpectError("params.rows in sre", DiagKind::kTypeMismatch, "params.rows",
              "group membership needs a `string`");
  ExpectError("params.rows in params.tags", DiagKind::kTypeMismatch,
              "params.rows", "`in` looks for `int` in a `list<string>`");
  auto c = When("params.dataset in params.note");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kTypeMismatch, kLine, kColumn + 18,
                      "the right side of `in` must be a list, a range or a "
                      "group, found `string`"));
}

TEST(Types, LikeAndMatches) {
  ExpectError("params.rows like \"a*\"", DiagKind::kTypeMismatch, "params.rows",
              "`like` needs a `string` on the left, found `int`");
  ExpectError("params.dataset like params.note", DiagKind::kNotLiteral,
              "params.note", "the pattern of `like` must be a string literal");
  ExpectError("params.dataset matches \"a(\"", DiagKind::kInvalidRegex,
              "\"a(\"", "invalid regular expression: ");
  auto c = When("params.dataset matches \"a(\"");
  EXPECT_NE(c->Find(DiagKind::kInvalidRegex)->message.find("missing )"),
            std::string::npos)
      << c->Describe();
}

TEST(Types, Index) {
  ExpectError("params.labels[1] == \"x\"", DiagKind::kTypeMismatch, "1]",
              "a map key must be a `string`, found `int`");
  ExpectError("params.tags[\"a\"] == \"x\"", DiagKind::kTypeMismatch,
              "params.tags",
              "only a `map<string,string>` can be indexed, found "
              "`list<string>`");
  ExpectError("params.labels.team == \"x\"", DiagKind::kTypeMismatch, "team",
              "a `map<string,string>` has no fields");
}

TEST(Types, GroupsAndEntitiesAreNotValues) {
  ExpectError("sre == \"x\"", DiagKind::kTypeMismatch, "sre",
              "group `sre` is not a value");
  ExpectError("requester == \"x\"", DiagKind::kTypeMismatch, "requester",
              "`requester` is an entity; read one of its fields, e.g. "
              "`requester.id`");
}

TEST(Types, UnknownNamesAndFields) {
  ExpectError("requester.tem == \"x\"", DiagKind::kUnknownField, "tem",
              "`requester` has no field `tem`");
  auto c = When("requester.tem == \"x\"");
  EXPECT_EQ(c->Help(DiagKind::kUnknownField), "did you mean `team`?");
  ExpectError("context.tim == \"x\"", DiagKind::kUnknownField, "tim",
              "`context` has no field `tim`");
  ExpectError("requestor.id == \"x\"", DiagKind::kUnknownName, "requestor",
              "unknown name `requestor`");
  auto d = When("requestor.id == \"x\"");
  EXPECT_EQ(d->Help(DiagKind::kUnknownName), "did you mean `requester`?");
  auto e = When("sr == \"x\"");
  EXPECT_EQ(e->Help(DiagKind::kUnknownName), "did you mean `sre`?");
  auto f = When("rows > 1");
  EXPECT_EQ(f->Help(DiagKind::kUnknownName), "did you mean `params.rows`?");
}

TEST(Types, ApproverOnlyInWhere) {
  ExpectError("approver.mfa", DiagKind::kApproverOutsideWhere, "approver",
              "`approver` can only be used in a `where` condition");
  auto c = CheckRule(
      "  require 1 of sre where approver.mfa and "
      "approver.team != requester.team\n"
      "  expire 1h\n"
      "  notify room\n"
      "  message \"{approver.id}\"\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kApproverOutsideWhere, kPreludeLines + 6,
                      13, "`approver`"));
  EXPECT_EQ(c->diags.error_count(), 1u) << c->Describe();
}

TEST(Types, WhereMustBeBool) {
  auto c = CheckRule("  require 1 of sre where approver.team\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kTypeMismatch, kPreludeLines + 3, 26,
                      "condition must be `bool`, found `string`"));
}

TEST(Types, Calls) {
  ExpectError("foo(1)", DiagKind::kUnknownFunction, "foo",
              "unknown function `foo`");
  auto c = When("lowr(params.dataset) == \"x\"");
  EXPECT_EQ(c->Help(DiagKind::kUnknownFunction), "did you mean `lower`?");
  ExpectError("starts_with(params.dataset)", DiagKind::kWrongArgumentCount,
              "starts_with", "`starts_with` takes 2 arguments, found 1");
  ExpectError("starts_with(params.rows, \"x\")", DiagKind::kTypeMismatch,
              "params.rows",
              "the first argument of `starts_with` must be `string`, found "
              "`int`");
  ExpectError("len(params.rows) > 1", DiagKind::kTypeMismatch, "params.rows",
              "`len` takes a `string`, `list<string>` or `list<int>`, found "
              "`int`");
  ExpectError("has(1, 2, 3)", DiagKind::kWrongArgumentCount, "has",
              "`has` takes 1 or 2 arguments, found 3");
}

TEST(Types, Has) {
  ExpectError("has(params.rows)", DiagKind::kHasNeedsOptionalField,
              "params.rows",
              "`params.rows` is not optional in any action matched by "
              "`data.export`");
  ExpectError("has(requester.id)", DiagKind::kHasNeedsOptionalField,
              "requester.id",
              "`has` needs an optional `params` field, found `requester.id`");
  ExpectError("has(params.labels)", DiagKind::kHasNeedsOptionalField,
              "params.labels", "is not optional");
}

TEST(Types, LiteralArguments) {
  ExpectError("hour(context.time, \"Mars/Olympus\") > 1",
              DiagKind::kUnknownTimezone, "\"Mars",
              "unknown time zone `Mars/Olympus`");
  ExpectError("weekday(context.time, requester.team) > 1",
              DiagKind::kNotLiteral, "requester.team",
              "the time zone of `weekday` must be a string literal");
  ExpectError("in_cidr(context.ip, \"10.0.0.0/33\")", DiagKind::kInvalidCidr,
              "\"10", "invalid CIDR block: prefix length `33`");
  ExpectError("in_cidr(context.ip, requester.team)", DiagKind::kNotLiteral,
              "requester.team",
              "the network of `in_cidr` must be a string literal");
}

TEST(Types, ListValues) {
  ExpectError("params.tags == []", DiagKind::kTypeMismatch, "[]",
              "the type of an empty list is unknown here");
  ExpectError("params.tags == [params.dataset]", DiagKind::kNotLiteral,
              "params.dataset]", "must hold only literals");
}

TEST(Types, MessageInterpolations) {
  auto c = CheckRule(
      "  require 1 of sre\n"
      "  expire 1h\n"
      "  notify room\n"
      "  message \"{params.rows} {params.at} {sre}\"\n");
  EXPECT_TRUE(HasDiag(*c, DiagKind::kTypeMismatch, kPreludeLines + 6, 39,
                      "group `sre` is not a value"));
  EXPECT_EQ(c->diags.error_count(), 1u) << c->Describe();
}

TEST(Types, Annotations) {
  auto c = When("requester.id in sre and params.rows > 1 and action == \"x\"");
  ASSERT_TRUE(NoErrors(*c));
  const ast::Expr& cond = *c->model.rules[0].decl->clauses[1].condition;
  EXPECT_EQ(cond.type, Type::kBool);
  // ((requester.id in sre) and (params.rows > 1)) and (action == "x")
  const ast::Expr& left = *cond.children[0];
  const ast::Expr& in = *left.children[0];
  EXPECT_EQ(in.children[0]->type, Type::kString);
  EXPECT_EQ(in.children[0]->children[0]->ref, ast::NameRef::kRequester);
  EXPECT_EQ(in.children[1]->ref, ast::NameRef::kGroup);
  EXPECT_EQ(in.children[1]->decl_index, 0);
  EXPECT_EQ(in.children[1]->type, Type::kGroup);
  const ast::Expr& gt = *left.children[1];
  EXPECT_EQ(gt.children[0]->type, Type::kInt);
  EXPECT_EQ(gt.children[0]->children[0]->ref, ast::NameRef::kParams);
  EXPECT_EQ(cond.children[1]->children[0]->ref, ast::NameRef::kAction);
}

}  // namespace
}  // namespace signoff::check
