// Rendering diagnostics for people and machines.
//
//   text:   path:line:col: error: message [Kind]
//             3 |   require 2 of sre2
//               |                ^~~~
//           help: did you mean `sre`?
//   json:   {"diagnostics": [...], "errors": N, "warnings": N}
//   sarif:  SARIF 2.1.0, accepted by GitHub code scanning
//   github: ::error file=...,line=...,col=...,endLine=...,endColumn=...,
//           title=Kind::message
#ifndef SIGNOFF_COMPILER_DIAG_RENDER_H_
#define SIGNOFF_COMPILER_DIAG_RENDER_H_

#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace signoff {

enum class DiagFormat { kText, kJson, kSarif, kGithub };

struct RenderOptions {
  bool color = false;  // ANSI colours (text only)
};

std::string RenderDiagnostics(const SourceManager& sources,
                              const std::vector<Diagnostic>& diags,
                              DiagFormat format, const RenderOptions& options);

// The first line of the text form without the path:
// "3:10: error: unknown group `sre2` [UnknownName]". Golden tests compare it.
std::string DiagnosticHeadline(const SourceManager& sources,
                               const Diagnostic& diag);

}  // namespace signoff

#endif  // SIGNOFF_COMPILER_DIAG_RENDER_H_
