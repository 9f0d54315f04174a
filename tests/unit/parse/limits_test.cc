// Limits and robustness: deep nesting, huge files, and random inputs never
// crash, hang or produce more than a bounded number of diagnostics.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>

#include "tests/unit/parse/parse_test_util.h"

namespace signoff::parse {
namespace {

using testing::Parse;
using testing::Parsed;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * n);
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Exactly one NestingTooDeep and the declarations around it kept.
void ExpectOneNestingError(const std::string& deep_decl, size_t decls = 2) {
  auto p = Parse("group a = [\"x\"]\n" + deep_decl + "\ngroup b = [\"y\"]\n");
  ASSERT_EQ(p->diags.all().size(), 1u) << p->diags.all()[0].message;
  const Diagnostic& d = p->diags.all()[0];
  EXPECT_EQ(d.kind, DiagKind::kNestingTooDeep);
  EXPECT_EQ(d.message, "nesting is deeper than the limit of 64 levels");
  EXPECT_GE(p->sources.Begin(d.span).line, 2u);  // in the deep declaration
  EXPECT_LE(p->sources.Begin(d.span).line, 3u);
  EXPECT_EQ(p->file.decls.size(), decls);
}

TEST(LimitsTest, DeepNestingIsOneClearError) {
  ExpectOneNestingError("rule r { on x when " + Repeat("(", 10000) + "a" +
                        Repeat(")", 10000) + " allow }");
  ExpectOneNestingError("rule r { on x when " + Repeat("(", 10000));
  ExpectOneNestingError("rule r { on x when " + Repeat("[", 10000) + "a" +
                        Repeat("]", 10000) + " }");
  ExpectOneNestingError("rule r { on x when " + Repeat("not ", 10000) + "a }");
  ExpectOneNestingError("rule r { on x when " + Repeat("-", 10000) + "1 }");
  ExpectOneNestingError("rule r { on x when " + Repeat("not -(", 5000) + "a }");
  ExpectOneNestingError("group g = " + Repeat("[", 10000));
  ExpectOneNestingError("test \"t\" { input { a: " + Repeat("{ a: ", 10000) +
                        "1" + Repeat("}", 10000) + " } expect allow }");
  ExpectOneNestingError("test \"t\" { input { a: " + Repeat("[", 10000) +
                        " } }");
  ExpectOneNestingError("action a.b { f: " + Repeat("list<", 10000) + "int" +
                        Repeat(">", 10000) + " }");
  // A message keeps its rule; only the interpolation is left out.
  ExpectOneNestingError(
      "rule r {\n  message \"{" + Repeat("(", 10000) + "a}\"\n}", 3);
}

TEST(LimitsTest, NestingJustUnderTheLimitParses) {
  auto p = Parse("rule r { on x when " + Repeat("(", 62) + "a" +
                 Repeat(")", 62) + " allow }");
  EXPECT_TRUE(p->diags.all().empty());
  EXPECT_EQ(p->file.decls.size(), 1u);
  auto q = Parse("action a.b { f: " + Repeat("list<", 60) + "int" +
                 Repeat(">", 60) + " }");
  EXPECT_TRUE(q->diags.all().empty());
}

TEST(LimitsTest, ManyShallowBracketsAreFine) {
  // Unbalanced closers and many sequential groups do not accumulate.
  auto p =
      Parse(Repeat(")]}", 1000) + "\n" +
            Repeat("rule r { on x when (a) and [b] == [c] allow }\n", 500));
  EXPECT_EQ(p->file.decls.size(), 500u);
  EXPECT_EQ(p->diags.all().size(), 1u);
}

TEST(LimitsTest, EachDeepDeclarationIsReported) {
  std::string deep = "rule r { on x when " + Repeat("(", 100) + "a }\n";
  auto p = Parse(deep + "group g = [\"a\"]\n" + deep);
  ASSERT_EQ(p->diags.all().size(), 2u);
  EXPECT_EQ(p->file.decls.size(), 1u);
}

TEST(LimitsTest, HugeFileIsOneError) {
  std::string huge(kMaxFileBytes + 1, ' ');
  auto p = Parse(huge);
  ASSERT_EQ(p->diags.all().size(), 1u);
  EXPECT_EQ(p->diags.all()[0].kind, DiagKind::kFileTooLarge);
  EXPECT_EQ(p->diags.all()[0].message,
            "file is 4194305 bytes, more than the limit of 4194304 bytes");
  EXPECT_TRUE(p->file.decls.empty());
}

TEST(LimitsTest, DiagnosticsPerFileAreCapped) {
  auto p = Parse("group g = [\"" + Repeat("\\q", 5000) + "\"]\n" +
                 "rule r { when d == " + Repeat("5x + ", 1000) + "1 }\n");
  ASSERT_EQ(p->diags.all().size(), 501u);
  EXPECT_EQ(p->diags.all().back().message,
            "too many errors in this file; the rest are not shown");
}

TEST(LimitsTest, LargeValidFileParses) {
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text += "rule r" + std::to_string(i) +
            " {\n  on data.export\n  when params.rows > " + std::to_string(i) +
            " and requester.team == \"t\"\n  require 1 of sre\n"
            "  message \"{requester.id}: {params.rows}\"\n}\n";
  }
  auto p = Parse(text);
  EXPECT_TRUE(p->diags.all().empty());
  EXPECT_EQ(p->file.decls.size(), 2000u);
}

// Every diagnostic points inside the file.
void CheckSane(const Parsed& p, const std::string& input) {
  size_t size = p.sources.file(p.id).text().size();
  for (const Diagnostic& d : p.diags.all()) {
    ASSERT_EQ(d.span.file, p.id) << input;
    ASSERT_LE(d.span.begin, d.span.end) << input;
    ASSERT_LE(d.span.end, size) << input;
    ASSERT_FALSE(d.message.empty()) << input;
  }
  ASSERT_LE(p.diags.all().size(), 2000u);
}

TEST(LimitsTest, RandomBytesNeverCrash) {
  std::mt19937 rng(20261121);
  for (int i = 0; i < 1500; ++i) {
    std::string input(rng() % 200, '\0');
    for (char& c : input) c = static_cast<char>(rng() % 256);
    auto p = Parse(input);
    CheckSane(*p, input);
  }
  const std::string charset = "\"\\{}[]()<>.,:?|=!*+-#_ \n\tu{aZ09x\xC3\xA9";
  for (int i = 0; i < 1500; ++i) {
    std::string input(rng() % 300, ' ');
    for (char& c : input) c = charset[rng() % charset.size()];
    auto p = Parse(input);
    CheckSane(*p, input);
  }
}

TEST(LimitsTest, TokenSoupsNeverCrash) {
  const char* tokens[] = {"import",
                          "group",
                          "channel",
                          "action",
                          "rule",
                          "default",
                          "test",
                          "on",
                          "when",
                          "unless",
                          "require",
                          "veto",
                          "expire",
                          "grant",
                          "notify",
                          "message",
                          "escalate",
                          "allow",
                          "deny",
                          "of",
                          "where",
                          "after",
                          "to",
                          "and",
                          "or",
                          "not",
                          "in",
                          "like",
                          "matches",
                          "true",
                          "false",
                          "input",
                          "expect",
                          "(",
                          ")",
                          "[",
                          "]",
                          "{",
                          "}",
                          ",",
                          ":",
                          "..",
                          ".",
                          "**",
                          "*",
                          "?",
                          "|",
                          "=",
                          "==",
                          "!=",
                          "<",
                          "<=",
                          ">",
                          ">=",
                          "+",
                          "-",
                          "sre",
                          "params",
                          "directory",
                          "rules",
                          "requirements",
                          "reasons",
                          "x_1",
                          "10_000",
                          "99999999999999999999",
                          "1h30m",
                          "5x",
                          "0",
                          "\"a\"",
                          "\"{a}\"",
                          "\"{\"",
                          "\"}\"",
                          "\"\\u{1F600}\"",
                          "\"\\q\"",
                          "\"open",
                          "# c\n",
                          "\n",
                          "\xC3\xA9",
                          "@",
                          "'"};
  const size_t n = sizeof(tokens) / sizeof(tokens[0]);
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string input;
    int count = static_cast<int>(rng() % 60);
    for (int k = 0; k < count; ++k) {
      input += tokens[rng() % n];
      input += rng() % 4 == 0 ? "\n" : " ";
    }
    auto p = Parse(input);
    CheckSane(*p, input);
  }
}

TEST(LimitsTest, MutatedPoliciesNeverCrash) {
  const std::string policy =
      "import \"std/actions\"\n"
      "group sre = [\"alice\", \"bob\"]\n"
      "group reviewers = sre | directory(\"x\")\n"
      "channel room = slack(\"#r\")\n"
      "action data.export { rows: int  note: string?  m: map<string,string> "
      "}\n"
      "rule r {\n  on data.*, iam.**\n"
      "  when params.rows > 10_000 and not (a in 9..17) or f(x)[\"k\"].y\n"
      "  require 2 of sre where approver.team != requester.team\n"
      "  veto 1  expire 30m  grant 15m  notify room\n"
      "  escalate after 10m to sre notify room\n"
      "  message \"{requester.id} {{x}} {params.rows * 2}\"\n}\n"
      "default { require 1 of sre }\n"
      "test \"t\" { input { a: [1, -2, \"s\"], b: { c: true } } "
      "expect deny expect rules [r] expect reasons [\"x\"] }\n";
  std::mt19937 rng(42);
  for (int i = 0; i < 3000; ++i) {
    std::string input = policy;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !input.empty(); ++k) {
      size_t at = rng() % input.size();
      switch (rng() % 3) {
        case 0:
          input.erase(at, 1 + rng() % 8);
          break;
        case 1:
          input.insert(at, 1, policy[rng() % policy.size()]);
          break;
        default:
          input[at] = policy[rng() % policy.size()];
      }
    }
    auto p = Parse(input);
    CheckSane(*p, input);
  }
}

}  // namespace
}  // namespace signoff::parse
