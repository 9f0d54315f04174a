// JSON, SARIF and GitHub renderers.
#include <gtest/gtest.h>

#include <string>

#include "compiler/diag/render.h"
#include "nlohmann/json.hpp"

namespace signoff {
namespace {

using Json = nlohmann::json;

Diagnostic Make(DiagKind kind, SourceSpan span, std::string message,
                std::string help = "") {
  return Diagnostic{
      kind, DiagKindSeverity(kind), span, std::move(message), std::move(help),
      {}};
}

class RenderMachineTest : public testing::Test {
 protected:
  RenderMachineTest() {
    file_ = sm_.Add("policies/a.signoff",
                    "group sre = []\nrule r {\n  message \"é\" x\n}\n");
    Diagnostic err = Make(DiagKind::kUnknownName, {file_, 39, 40},
                          "unknown name `x`", "did you mean `sre`?");
    err.notes.push_back({{file_, 6, 9}, "a group is declared here"});
    diags_.push_back(err);
    diags_.push_back(
        Make(DiagKind::kEmptyGroup, {file_, 6, 9}, "group `sre` is empty"));
    diags_.push_back(Make(DiagKind::kIoError, {}, "cannot read `b.signoff`"));
  }

  std::string Render(DiagFormat format) {
    return RenderDiagnostics(sm_, diags_, format, {});
  }

  SourceManager sm_;
  FileId file_;
  std::vector<Diagnostic> diags_;
};

TEST_F(RenderMachineTest, Json) {
  EXPECT_EQ(Render(DiagFormat::kJson), R"({
  "diagnostics": [
    {
      "kind": "UnknownName",
      "severity": "error",
      "message": "unknown name `x`",
      "help": "did you mean `sre`?",
      "file": "policies/a.signoff",
      "line": 3,
      "column": 15,
      "end_line": 3,
      "end_column": 16,
      "notes": [
        {
          "message": "a group is declared here",
          "file": "policies/a.signoff",
          "line": 1,
          "column": 7
        }
      ]
    },
    {
      "kind": "EmptyGroup",
      "severity": "warning",
      "message": "group `sre` is empty",
      "help": "",
      "file": "policies/a.signoff",
      "line": 1,
      "column": 7,
      "end_line": 1,
      "end_column": 10,
      "notes": []
    },
    {
      "kind": "IoError",
      "severity": "error",
      "message": "cannot read `b.signoff`",
      "help": "",
      "file": "",
      "line": 0,
      "column": 0,
      "end_line": 0,
      "end_column": 0,
      "notes": []
    }
  ],
  "errors": 2,
  "warnings": 1
}
)");
}

TEST_F(RenderMachineTest, JsonEmpty) {
  diags_.clear();
  EXPECT_EQ(
      Render(DiagFormat::kJson),
      "{\n  \"diagnostics\": [],\n  \"errors\": 0,\n  \"warnings\": 0\n}\n");
}

TEST_F(RenderMachineTest, Github) {
  EXPECT_EQ(Render(DiagFormat::kGithub),
            "::error file=policies/a.signoff,line=3,col=15,endLine=3,"
            "endColumn=16,title=UnknownName::unknown name `x`%0Ahelp: did "
            "you mean `sre`?%0Apolicies/a.signoff:1:7: note: a group is "
            "declared here\n"
            "::warning file=policies/a.signoff,line=1,col=7,endLine=1,"
            "endColumn=10,title=EmptyGroup::group `sre` is empty\n"
            "::error title=IoError::cannot read `b.signoff`\n");
}

TEST(RenderGithubTest, EscapesMessageAndProperties) {
  SourceManager sm;
  FileId f = sm.Add("dir,x/a:b%.signoff", "allow\n");
  Diagnostic d = Make(DiagKind::kSyntaxError, {f, 0, 5},
                      "100% wrong:\r\nsee, here", "a\nb");
  d.severity = Severity::kNote;
  EXPECT_EQ(RenderDiagnostics(sm, {d}, DiagFormat::kGithub, {}),
            "::notice file=dir%2Cx/a%3Ab%25.signoff,line=1,col=1,endLine=1,"
            "endColumn=6,title=SyntaxError::100%25 wrong:%0D%0Asee, "
            "here%0Ahelp: a%0Ab\n");
}

TEST_F(RenderMachineTest, SarifShape) {
  Json log = Json::parse(Render(DiagFormat::kSarif));
  EXPECT_EQ(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  EXPECT_EQ(log["version"], "2.1.0");
  ASSERT_EQ(log["runs"].size(), 1u);
  const Json& run = log["runs"][0];
  EXPECT_EQ(run["columnKind"], "unicodeCodePoints");
  const Json& driver = run["tool"]["driver"];
  EXPECT_EQ(driver["name"], "signoff");
  EXPECT_EQ(driver["version"], "0.1.0");
  ASSERT_EQ(driver["rules"].size(), AllDiagKinds().size());
  for (size_t i = 0; i < AllDiagKinds().size(); ++i) {
    DiagKind kind = AllDiagKinds()[i];
    const Json& rule = driver["rules"][i];
    EXPECT_EQ(rule["id"], std::string(DiagKindName(kind)));
    EXPECT_EQ(rule["shortDescription"]["text"],
              std::string(DiagKindDescription(kind)));
    EXPECT_FALSE(rule.contains("helpUri"));
  }
  const Json& results = run["results"];
  ASSERT_EQ(results.size(), 3u);

  const Json& err = results[0];
  EXPECT_EQ(err["ruleId"], "UnknownName");
  EXPECT_EQ(driver["rules"][err["ruleIndex"].get<int>()]["id"], "UnknownName");
  EXPECT_EQ(err["level"], "error");
  EXPECT_EQ(err["message"]["text"],
            "unknown name `x`\nhelp: did you mean `sre`?");
  const Json& loc = err["locations"][0]["physicalLocation"];
  EXPECT_EQ(loc["artifactLocation"]["uri"], "policies/a.signoff");
  EXPECT_EQ(
      loc["region"],
      Json::parse(
          R"({"startLine":3,"startColumn":15,"endLine":3,"endColumn":16})"));
  ASSERT_EQ(err["relatedLocations"].size(), 1u);
  EXPECT_EQ(err["relatedLocations"][0]["id"], 0);
  EXPECT_EQ(err["relatedLocations"][0]["message"]["text"],
            "a group is declared here");
  EXPECT_EQ(
      err["relatedLocations"][0]["physicalLocation"]["region"]["startColumn"],
      7);

  EXPECT_EQ(results[1]["level"], "warning");
  EXPECT_EQ(driver["rules"][results[1]["ruleIndex"].get<int>()]
                  ["defaultConfiguration"]["level"],
            "warning");
  EXPECT_FALSE(results[1].contains("relatedLocations"));
  EXPECT_FALSE(results[2].contains("locations"));
}

TEST(RenderSarifTest, UrisArePercentEncoded) {
  SourceManager sm;
  FileId a = sm.Add("./pol icies/ünï#1.signoff", "allow\n");
  FileId b = sm.Add("/abs/x.signoff", "allow\n");
  std::vector<Diagnostic> diags = {
      Make(DiagKind::kSyntaxError, {a, 0, 5}, "a"),
      Make(DiagKind::kSyntaxError, {b, 0, 0}, "b")};
  Json log = Json::parse(RenderDiagnostics(sm, diags, DiagFormat::kSarif, {}));
  const Json& results = log["runs"][0]["results"];
  EXPECT_EQ(
      results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
      "pol%20icies/%C3%BCn%C3%AF%231.signoff");
  EXPECT_EQ(
      results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
      "file:///abs/x.signoff");
  // An empty span is an insertion point: endColumn == startColumn.
  EXPECT_EQ(
      results[1]["locations"][0]["physicalLocation"]["region"]["endColumn"], 1);
}

TEST(RenderJsonTest, InvalidUtf8IsReplacedNotThrown) {
  SourceManager sm;
  Diagnostic d = Make(DiagKind::kInvalidUtf8, {}, "bad byte \xff here");
  std::string out = RenderDiagnostics(sm, {d}, DiagFormat::kJson, {});
  EXPECT_NE(out.find("bad byte \xEF\xBF\xBD here"), std::string::npos);
  out = RenderDiagnostics(sm, {d}, DiagFormat::kSarif, {});
  EXPECT_NE(out.find("bad byte \xEF\xBF\xBD here"), std::string::npos);
}

}  // namespace
}  // namespace signoff
