// Syntax errors: message wording, positions, recovery across declarations,
// reserved words, and no cascades.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/unit/parse/parse_test_util.h"

namespace signoff::parse {
namespace {

using testing::Diags;
using testing::Parse;
using testing::Parsed;

std::vector<std::string> DeclNames(const Parsed& p) {
  std::vector<std::string> names;
  for (const ast::Decl& decl : p.file.decls) {
    std::visit(
        [&](const auto& d) {
          using T = std::decay_t<decltype(d)>;
          if constexpr (std::is_same_v<T, ast::GroupDecl> ||
                        std::is_same_v<T, ast::ChannelDecl> ||
                        std::is_same_v<T, ast::RuleDecl>) {
            names.push_back(d.name.name);
          } else if constexpr (std::is_same_v<T, ast::ActionDecl>) {
            names.push_back(d.name.text);
          } else {
            names.push_back("?");
          }
        },
        decl);
  }
  return names;
}

TEST(ErrorsTest, Wording) {
  EXPECT_EQ(Diags(*Parse("rule r {\n  when\n}\n")),
            "3:1 SyntaxError: unexpected `}`; expected an expression\n");
  EXPECT_EQ(Diags(*Parse("rule r on x allow")),
            "1:8 SyntaxError: expected `{` after the rule name, found `on`\n");
  EXPECT_EQ(Diags(*Parse("rule r { on x allow")),
            "1:20 SyntaxError: unexpected end of file; expected `}` or a rule "
            "clause\n");
  EXPECT_EQ(Diags(*Parse("group g = [\"a\" \"b\"]")),
            "1:16 SyntaxError: unexpected `\"b\"`; expected `]` or `,`\n");
  EXPECT_EQ(Diags(*Parse("group g [\"a\"]")),
            "1:9 SyntaxError: expected `=` after the group name, found `[`\n");
  EXPECT_EQ(Diags(*Parse("channel c = slack(\"x\"")),
            "1:22 SyntaxError: unexpected end of file; expected `)`\n");
  EXPECT_EQ(Diags(*Parse("action a.b { f string }")),
            "1:16 SyntaxError: expected `:` after `f`, found `string`\n");
  EXPECT_EQ(Diags(*Parse("action a.b f: string")),
            "1:12 SyntaxError: expected `{` after the action name, found "
            "`f`\n");
  EXPECT_EQ(Diags(*Parse("rules r {}")),
            "1:1 SyntaxError: unexpected `rules`; expected a declaration\n");
  EXPECT_EQ(Diags(*Parse("rule r { on x when a b allow }")),
            "1:22 SyntaxError: unexpected `b`; expected `}` or a rule "
            "clause\n");
  EXPECT_EQ(Diags(*Parse("rule r { on x notify rule }")),
            "1:22 SyntaxError: expected a name after `notify`, found `rule`\n");
  EXPECT_EQ(Diags(*Parse("rule r { on x when a = 1 }")),
            "1:22 SyntaxError: unexpected `=`; expected `}` or a rule "
            "clause\n");
  EXPECT_EQ(Diags(*Parse("rule r { when (a }")),
            "1:18 SyntaxError: expected `)` after `a`, found `}`\n");
  EXPECT_EQ(Diags(*Parse("test \"t\" { expect deny }")),
            "1:12 SyntaxError: expected `input` after `{`, found `expect`\n");
  EXPECT_EQ(Diags(*Parse("rule r { on x require sre }")),
            "1:23 SyntaxError: expected an integer after `require`, found "
            "`sre`\n");
}

TEST(ErrorsTest, Help) {
  auto p = Parse("rule r { on x when a = 1 }");
  ASSERT_EQ(p->diags.all().size(), 1u);
  EXPECT_EQ(p->diags.all()[0].help, "write `==` to compare values");
  auto q = Parse("rule r { on x notify rule }");
  EXPECT_EQ(q->diags.all()[0].help,
            "`rule` is a reserved word and cannot be used as a name");
  auto r = Parse("rule r {\n  when\n  allow\n}");
  EXPECT_EQ(r->diags.all()[0].message,
            "unexpected `allow`; expected an expression");
  EXPECT_EQ(r->diags.all()[0].help, "");
}

TEST(ErrorsTest, SpanOfOffendingTokenAndEof) {
  auto p = Parse("rule r {\n  when a ==\n}");
  ASSERT_EQ(p->diags.all().size(), 1u);
  EXPECT_EQ(p->sources.Slice(p->diags.all()[0].span), "}");
  auto q = Parse("group g =");
  ASSERT_EQ(q->diags.all().size(), 1u);
  SourceSpan span = q->diags.all()[0].span;
  EXPECT_EQ(span.begin, 9u);
  EXPECT_EQ(span.end, 9u);
  EXPECT_EQ(q->diags.all()[0].message,
            "unexpected end of file; expected `[` or a name");
}

TEST(ErrorsTest, RecoveryKeepsValidDeclarations) {
  auto p = Parse(
      "group a = [\"x\"]\n"
      "rule broken_one {\n"
      "  on x\n"
      "  when params.rows >\n"
      "  allow\n"
      "}\n"
      "group b = [\"y\"]\n"
      "rule broken_two {\n"
      "  on y\n"
      "  require 2 sre\n"
      "}\n"
      "rule fine { on z allow }\n"
      "channel c = slack(\"#c\"\n"
      "action d.e { f: string }\n");
  EXPECT_EQ(Diags(*p),
            "5:3 SyntaxError: unexpected `allow`; expected an expression\n"
            "10:13 SyntaxError: expected `of` after `2`, found `sre`\n"
            "14:1 SyntaxError: expected `)` after `\"#c\"`, found `action`\n");
  EXPECT_EQ(DeclNames(*p), (std::vector<std::string>{"a", "b", "fine", "d.e"}));
}

TEST(ErrorsTest, MissingClosingBraceResumesAtNextDeclaration) {
  auto p = Parse(
      "rule a {\n  on x\n  allow\n"
      "rule b {\n  on y\n  allow\n}\n");
  EXPECT_EQ(Diags(*p),
            "4:1 SyntaxError: unexpected `rule`; expected `}` or a rule "
            "clause\n");
  EXPECT_EQ(DeclNames(*p), (std::vector<std::string>{"b"}));
}

TEST(ErrorsTest, ResyncIgnoresKeywordsInsideDeclarations) {
  // `action: string` and `action in [...]` at the start of a line do not
  // start declarations, so there is no cascade.
  auto p = Parse(
      "action a.b {\n  x: ;\n  action: string\n  rule: string\n}\n"
      "rule r {\n  when (\n  action in [\"a\"] ==\n  )\n  allow\n}\n"
      "group ok = [\"a\"]\n");
  EXPECT_EQ(Diags(*p),
            "2:6 SyntaxError: unexpected character `;`\n"
            "9:3 SyntaxError: unexpected `)`; expected an expression\n");
  EXPECT_EQ(DeclNames(*p), (std::vector<std::string>{"ok"}));
}

TEST(ErrorsTest, StrayCharactersAreReportedOnce) {
  auto p = Parse("rule caf\xC3\xA9 { on x allow }\ngroup g = [\"a\"] @@@\n");
  EXPECT_EQ(Diags(*p),
            "1:9 SyntaxError: unexpected character `\xC3\xA9`\n"
            "2:17 SyntaxError: unexpected character `@@@`\n");
  auto q = Parse("rule r { on x when a != 'b' allow; }\n");
  EXPECT_EQ(Diags(*q),
            "1:25 SyntaxError: unexpected character `'`\n"
            "1:27 SyntaxError: unexpected character `'`\n"
            "1:34 SyntaxError: unexpected character `;`\n");
  EXPECT_EQ(q->diags.all()[0].help, "strings are written in double quotes");
  auto r = Parse(std::string("rule r {\x01}", 10));
  EXPECT_EQ(Diags(*r), "1:9 SyntaxError: unexpected character U+0001\n");
}

TEST(ErrorsTest, ReservedWordsAsDeclarationNames) {
  auto p = Parse(
      "rule grant { on x allow }\n"
      "group default = [\"a\"]\n"
      "channel on = slack(\"x\")\n"
      "rule fine { on x allow }\n");
  EXPECT_EQ(Diags(*p),
            "1:6 ReservedWord: `grant` is a reserved word and cannot name a "
            "rule\n"
            "2:7 ReservedWord: `default` is a reserved word and cannot name a "
            "group\n"
            "3:9 ReservedWord: `on` is a reserved word and cannot name a "
            "channel\n");
  EXPECT_EQ(p->diags.all()[0].help, "rename it, e.g. `grant_rule`");
  EXPECT_EQ(p->diags.all()[1].help, "rename it, e.g. `default_group`");
  // Parsing continued: all four declarations are there.
  EXPECT_EQ(DeclNames(*p),
            (std::vector<std::string>{"grant", "default", "on", "fine"}));
}

TEST(ErrorsTest, EveryReservedWordIsRejectedAsARuleName) {
  const char* words[] = {
      "import",  "group",   "channel",  "action",  "rule",  "default", "test",
      "on",      "when",    "unless",   "require", "veto",  "expire",  "grant",
      "notify",  "message", "escalate", "allow",   "deny",  "of",      "where",
      "after",   "to",      "and",      "or",      "not",   "in",      "like",
      "matches", "true",    "false",    "input",   "expect"};
  for (const char* word : words) {
    auto p = Parse(std::string("rule ") + word + " { on x allow }");
    ASSERT_EQ(p->diags.all().size(), 1u) << word;
    EXPECT_EQ(p->diags.all()[0].kind, DiagKind::kReservedWord) << word;
  }
  // Identifiers that merely look like keywords are fine.
  auto q = Parse(
      "rule rules { on x allow }\nrule allowed { on x allow }\n"
      "group directory = [\"a\"]\nrule input_check { on x allow }");
  EXPECT_EQ(Diags(*q), "");
}

TEST(ErrorsTest, GroupForms) {
  EXPECT_EQ(Diags(*Parse("group g = ldap(\"x\")")),
            "1:11 SyntaxError: unknown group source `ldap(...)`; expected "
            "`directory(\"...\")`\n");
  auto p = Parse("group g = a | [\"b\", \"c\",] | directory(\"d\") | []");
  EXPECT_EQ(Diags(*p), "");
  const auto& g = std::get<ast::GroupDecl>(p->file.decls[0]);
  ASSERT_EQ(g.value->children.size(), 4u);
  EXPECT_EQ(g.value->children[1]->members.size(), 2u);
  EXPECT_EQ(g.value->children[2]->kind, ast::GroupExpr::Kind::kDirectory);
  EXPECT_TRUE(g.value->children[3]->members.empty());
}

TEST(ErrorsTest, TooManyErrorsStops) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "rule r" + std::to_string(i) + " {\n";
  auto p = Parse(text);
  EXPECT_LE(p->diags.all().size(), 102u);
  EXPECT_EQ(p->diags.all().back().message,
            "too many syntax errors; giving up on this file");
}

TEST(ErrorsTest, ActionSchemas) {
  auto p = Parse(
      "action iam.role.grant {\n"
      "  role: string, ttl: duration?\n"
      "  tags: list<string>\n"
      "  labels: map<string, string>?\n"
      "  action: string\n"
      "  in: int,\n"
      "}\n");
  EXPECT_EQ(Diags(*p), "");
  const auto& a = std::get<ast::ActionDecl>(p->file.decls[0]);
  EXPECT_EQ(a.name.text, "iam.role.grant");
  ASSERT_EQ(a.fields.size(), 6u);
  EXPECT_TRUE(a.fields[1].optional);
  EXPECT_EQ(a.fields[2].type.name, "list");
  ASSERT_EQ(a.fields[3].type.args.size(), 2u);
  EXPECT_EQ(a.fields[3].type.args[1].name, "string");
  EXPECT_EQ(p->sources.Slice(a.fields[3].type.span), "map<string, string>");
  EXPECT_EQ(a.fields[4].name.name, "action");
  EXPECT_EQ(a.fields[5].name.name, "in");
}

}  // namespace
}  // namespace signoff::parse
