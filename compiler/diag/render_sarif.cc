// The SARIF 2.1.0 renderer, for GitHub code scanning and other SARIF tools.
//
// One run; the tool's rule table lists every diagnostic kind in registration
// order, so `ruleIndex` is the kind's enum value. Regions use code-point
// columns (`columnKind: unicodeCodePoints`) with an exclusive `endColumn`.
// tests/sarif validates this output against the official schema.
#include <string>

#include "compiler/diag/render_internal.h"
#include "nlohmann/json.hpp"

namespace signoff::diag_render {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kSchemaUri[] = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr char kToolUri[] = "https://github.com/signoff/signoff";
constexpr char kToolVersion[] = "0.1.0";

std::string Level(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

Json Rules() {
  Json rules = Json::array();
  for (DiagKind kind : AllDiagKinds()) {
    std::string name(DiagKindName(kind));
    rules.push_back(
        Json{{"id", name},
             {"name", name},
             {"shortDescription",
              Json{{"text", std::string(DiagKindDescription(kind))}}},
             {"defaultConfiguration",
              Json{{"level", Level(DiagKindSeverity(kind))}}}});
  }
  return rules;
}

Json PhysicalLocation(const Location& loc) {
  return Json{{"artifactLocation", Json{{"uri", PathToUri(loc.path)}}},
              {"region", Json{{"startLine", loc.begin.line},
                              {"startColumn", loc.begin.column},
                              {"endLine", loc.end.line},
                              {"endColumn", loc.end.column}}}};
}

Json Result(const SourceManager& sources, const Diagnostic& d) {
  std::string text = d.message;
  if (!d.help.empty()) text += "\nhelp: " + d.help;
  Json result = Json{{"ruleId", std::string(DiagKindName(d.kind))},
                     {"ruleIndex", static_cast<int>(d.kind)},
                     {"level", Level(d.severity)},
                     {"message", Json{{"text", text}}}};
  Location loc = Locate(sources, d.span);
  if (loc.valid) {
    result["locations"] =
        Json::array({Json{{"physicalLocation", PhysicalLocation(loc)}}});
  }
  if (!d.notes.empty()) {
    Json related = Json::array();
    for (size_t i = 0; i < d.notes.size(); ++i) {
      const Diagnostic::Note& note = d.notes[i];
      Json entry = Json{{"id", static_cast<int>(i)}};
      Location at = Locate(sources, note.span);
      if (at.valid) entry["physicalLocation"] = PhysicalLocation(at);
      entry["message"] = Json{{"text", note.message}};
      related.push_back(std::move(entry));
    }
    result["relatedLocations"] = std::move(related);
  }
  return result;
}

}  // namespace

std::string RenderSarif(const SourceManager& sources,
                        const std::vector<Diagnostic>& diags) {
  Json results = Json::array();
  for (const Diagnostic& d : diags) results.push_back(Result(sources, d));
  Json driver = Json{{"name", "signoff"},
                     {"informationUri", kToolUri},
                     {"version", kToolVersion},
                     {"rules", Rules()}};
  Json run = Json{{"tool", Json{{"driver", std::move(driver)}}},
                  {"results", std::move(results)},
                  {"columnKind", "unicodeCodePoints"}};
  Json log = Json{{"$schema", kSchemaUri},
                  {"version", "2.1.0"},
                  {"runs", Json::array({std::move(run)})}};
  return log.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace signoff::diag_render
