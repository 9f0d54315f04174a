// The GitHub Actions workflow-command renderer: one annotation per line.
//
//   ::error
//   file=p.signoff,line=3,col=16,endLine=3,endColumn=20,title=UnknownName::unknown
//   group `sre2`%0Ahelp: did you mean `sre`?
//
// Warnings print as `::warning`, notes as `::notice`. The message escapes
// `%`, CR and LF; property values additionally escape `:` and `,`. Notes
// follow the help in the message as "path:line:col: note: message".
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "compiler/diag/render_internal.h"
#include "stdlib/absl_compat.h"

namespace signoff::diag_render {
namespace {

std::string Escape(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string_view Command(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "notice";
  }
  return "error";
}

}  // namespace

std::string RenderGithub(const SourceManager& sources,
                         const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const Diagnostic& d : diags) {
    Location loc = Locate(sources, d.span);
    std::string props;
    if (loc.valid) {
      props = absl::StrCat("file=", Escape(loc.path, true),
                           ",line=", loc.begin.line, ",col=", loc.begin.column,
                           ",endLine=", loc.end.line,
                           ",endColumn=", loc.end.column, ",");
    }
    absl::StrAppend(&props, "title=", Escape(DiagKindName(d.kind), true));
    std::string message = d.message;
    if (!d.help.empty()) absl::StrAppend(&message, "\nhelp: ", d.help);
    for (const Diagnostic::Note& note : d.notes) {
      Location at = Locate(sources, note.span);
      std::string where = at.valid ? absl::StrCat(at.path, ":", at.begin.line,
                                                  ":", at.begin.column, ": ")
                                   : "";
      absl::StrAppend(&message, "\n", where, "note: ", note.message);
    }
    absl::StrAppend(&out, "::", AsAbsl(Command(d.severity)), " ", props,
                    "::", Escape(message, false), "\n");
  }
  return out;
}

}  // namespace signoff::diag_render
