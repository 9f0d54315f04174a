// Private to compiler/diag/render*.cc: one renderer per output format, and
// the location helpers they share.
#ifndef SIGNOFF_COMPILER_DIAG_RENDER_INTERNAL_H_
#define SIGNOFF_COMPILER_DIAG_RENDER_INTERNAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/diag/render.h"
#include "compiler/source/source.h"

namespace signoff::diag_render {

// 1-based line/column of both ends of a span; columns count code points and
// `end` is one past the last character (equal to `begin` for an empty span).
struct Location {
  bool valid = false;
  std::string path;
  LineCol begin;
  LineCol end;
};
Location Locate(const SourceManager& sources, SourceSpan span);

std::string RenderText(const SourceManager& sources,
                       const std::vector<Diagnostic>& diags,
                       const RenderOptions& options);
std::string RenderJson(const SourceManager& sources,
                       const std::vector<Diagnostic>& diags);
std::string RenderSarif(const SourceManager& sources,
                        const std::vector<Diagnostic>& diags);
std::string RenderGithub(const SourceManager& sources,
                         const std::vector<Diagnostic>& diags);

// A relative path as a URI reference (RFC 3986): unreserved characters and
// `/` stay, everything else (spaces, `%`, non-ASCII bytes) is %XX-encoded.
// A leading "./" is dropped; an absolute path becomes a `file://` URI.
std::string PathToUri(const std::string& path);

}  // namespace signoff::diag_render

#endif  // SIGNOFF_COMPILER_DIAG_RENDER_INTERNAL_H_
