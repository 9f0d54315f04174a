// The JSON renderer: {"diagnostics": [...], "errors": N, "warnings": N}.
//
// Every key is always present; a diagnostic without a location has
// "file": "" and zero line/column numbers. `end_column` is one past the last
// character, as in SARIF.
#include <string>

#include "compiler/diag/render_internal.h"
#include "nlohmann/json.hpp"

namespace signoff::diag_render {

std::string RenderJson(const SourceManager& sources,
                       const std::vector<Diagnostic>& diags) {
  using Json = nlohmann::ordered_json;
  Json list = Json::array();
  int errors = 0;
  int warnings = 0;
  for (const Diagnostic& d : diags) {
    if (d.severity == Severity::kError) ++errors;
    if (d.severity == Severity::kWarning) ++warnings;
    Location loc = Locate(sources, d.span);
    Json notes = Json::array();
    for (const Diagnostic::Note& note : d.notes) {
      Location at = Locate(sources, note.span);
      notes.push_back(Json{{"message", note.message},
                           {"file", at.path},
                           {"line", at.begin.line},
                           {"column", at.begin.column}});
    }
    list.push_back(Json{{"kind", std::string(DiagKindName(d.kind))},
                        {"severity", std::string(SeverityName(d.severity))},
                        {"message", d.message},
                        {"help", d.help},
                        {"file", loc.path},
                        {"line", loc.begin.line},
                        {"column", loc.begin.column},
                        {"end_line", loc.end.line},
                        {"end_column", loc.end.column},
                        {"notes", std::move(notes)}});
  }
  Json root = Json{{"diagnostics", std::move(list)},
                   {"errors", errors},
                   {"warnings", warnings}};
  // Invalid UTF-8 in a message or path is replaced, never thrown on.
  return root.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace signoff::diag_render
