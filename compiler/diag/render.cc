// RenderDiagnostics dispatch, the headline and shared location helpers.
#include "compiler/diag/render.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "compiler/diag/render_internal.h"
#include "stdlib/absl_compat.h"

namespace signoff {
namespace diag_render {

Location Locate(const SourceManager& sources, SourceSpan span) {
  Location loc;
  if (!span.valid() || span.file >= sources.size()) return loc;
  loc.valid = true;
  loc.path = sources.file(span.file).path();
  loc.begin = sources.Begin(span);
  loc.end = sources.End(span);
  return loc;
}

std::string PathToUri(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string_view rest = path;
  std::string out;
  if (!rest.empty() && rest.front() == '/') {
    out = "file://";
  } else {
    while (rest.size() > 2 && rest.substr(0, 2) == "./") rest.remove_prefix(2);
  }
  for (unsigned char c : rest) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

}  // namespace diag_render

std::string RenderDiagnostics(const SourceManager& sources,
                              const std::vector<Diagnostic>& diags,
                              DiagFormat format, const RenderOptions& options) {
  switch (format) {
    case DiagFormat::kText:
      return diag_render::RenderText(sources, diags, options);
    case DiagFormat::kJson:
      return diag_render::RenderJson(sources, diags);
    case DiagFormat::kSarif:
      return diag_render::RenderSarif(sources, diags);
    case DiagFormat::kGithub:
      return diag_render::RenderGithub(sources, diags);
  }
  return "";
}

std::string DiagnosticHeadline(const SourceManager& sources,
                               const Diagnostic& diag) {
  diag_render::Location loc = diag_render::Locate(sources, diag.span);
  std::string where =
      loc.valid ? absl::StrCat(loc.begin.line, ":", loc.begin.column, ": ")
                : "";
  return absl::StrCat(where, AsAbsl(SeverityName(diag.severity)), ": ",
                      diag.message, " [", AsAbsl(DiagKindName(diag.kind)), "]");
}

}  // namespace signoff
