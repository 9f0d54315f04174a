// Writes sample SARIF logs for the `sarif_schema` test (see run.sh):
//   OUT/valid/*.sarif    rendered by RenderDiagnostics; must validate
//   OUT/invalid/*.sarif  the same log, deliberately broken; must be rejected
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "compiler/diag/render.h"
#include "nlohmann/json.hpp"

namespace signoff {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

bool Write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "cannot write " << path << "\n";
    return false;
  }
  return true;
}

Diagnostic Make(DiagKind kind, SourceSpan span, std::string message,
                std::string help = "") {
  return Diagnostic{
      kind, DiagKindSeverity(kind), span, std::move(message), std::move(help),
      {}};
}

SourceSpan Find(const SourceManager& sm, FileId id, const std::string& s) {
  size_t at = sm.file(id).text().find(s);
  if (at == std::string::npos) return {};
  return {id, static_cast<uint32_t>(at), static_cast<uint32_t>(at + s.size())};
}

// Every shape of diagnostic the compiler emits.
std::string RepresentativeLog() {
  SourceManager sm;
  FileId a = sm.Add("policies/exports.signoff",
                    "group sre = []\n"
                    "rule confidential_exports {\n"
                    "  on data.export\n"
                    "  require 2 of sre2\n"
                    "}\n");
  FileId b = sm.Add("policies/équipe données/règles 100%.signoff",
                    "rule r {\n  message \"für {params.x}\"\n  allow\n");
  std::vector<Diagnostic> diags;
  Diagnostic unknown = Make(DiagKind::kUnknownName, Find(sm, a, "sre2"),
                            "unknown group `sre2`", "did you mean `sre`?");
  unknown.notes.push_back({Find(sm, a, "sre"), "`sre` is declared here"});
  unknown.notes.push_back({{}, "groups share one namespace"});
  diags.push_back(unknown);
  diags.push_back(Make(DiagKind::kEmptyGroup, Find(sm, a, "sre"),
                       "group `sre` has no members"));
  Diagnostic promoted = Make(DiagKind::kRequireWithoutExpire,
                             Find(sm, a, "rule confidential_exports {\n  on"),
                             "rule relies on the default lifetime");
  promoted.severity = Severity::kError;  // --deny-warnings
  diags.push_back(promoted);
  Diagnostic note = Make(DiagKind::kUnusedAction, Find(sm, b, "für"), "ü");
  note.severity = Severity::kNote;
  diags.push_back(note);
  uint32_t eof = static_cast<uint32_t>(sm.file(b).text().size());
  diags.push_back(Make(DiagKind::kSyntaxError, {b, eof, eof},
                       "expected `}` at end of file"));
  diags.push_back(Make(DiagKind::kIoError, {}, "cannot read `missing.signoff`",
                       "check the path"));
  return RenderDiagnostics(sm, diags, DiagFormat::kSarif, {});
}

std::string EmptyLog() {
  SourceManager sm;
  return RenderDiagnostics(sm, {}, DiagFormat::kSarif, {});
}

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: sarif_samples OUT_DIR\n";
    return 2;
  }
  fs::path out = argv[1];
  std::error_code ec;
  fs::create_directories(out / "valid", ec);
  fs::create_directories(out / "invalid", ec);
  std::string representative = RepresentativeLog();
  if (!Write(out / "valid" / "representative.sarif", representative) ||
      !Write(out / "valid" / "empty.sarif", EmptyLog())) {
    return 1;
  }
  const std::vector<std::pair<std::string, std::function<void(Json&)>>>
      breakages = {
          {"missing_version", [](Json& j) { j.erase("version"); }},
          {"wrong_version", [](Json& j) { j["version"] = "2.0.0"; }},
          {"bad_level",
           [](Json& j) { j["runs"][0]["results"][0]["level"] = "fatal"; }},
          {"line_zero",
           [](Json& j) {
             j["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
              ["region"]["startLine"] = 0;
           }},
          {"message_without_text",
           [](Json& j) {
             j["runs"][0]["results"][0]["message"].erase("text");
           }},
          {"missing_driver_name",
           [](Json& j) { j["runs"][0]["tool"]["driver"].erase("name"); }},
          {"wrong_rule_index",
           [](Json& j) { j["runs"][0]["results"][0]["ruleIndex"] = 0; }},
      };
  for (const auto& [name, breakage] : breakages) {
    Json log = Json::parse(representative);
    breakage(log);
    if (!Write(out / "invalid" / (name + ".sarif"), log.dump(2))) return 1;
  }
  return 0;
}

}  // namespace
}  // namespace signoff

int main(int argc, char** argv) { return signoff::Main(argc, argv); }
