// Diagnostics: problems found in the user's policy.
//
// Problems in the policy are collected as Diagnostic values in a
// DiagnosticBag and returned with a phase's result; they are never
// absl::Status errors. Failures of the machine (I/O, LLVM) are absl::Status.
//
// Message style: lowercase start, no final period, code in backticks.
// `help` is a separate sentence in the same style ("did you mean `sre`?").
#ifndef SIGNOFF_COMPILER_DIAG_DIAGNOSTIC_H_
#define SIGNOFF_COMPILER_DIAG_DIAGNOSTIC_H_

#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source.h"

namespace signoff {

enum class Severity { kError, kWarning, kNote };

enum class DiagKind {
#define SIGNOFF_DIAG(kind, severity, description) k##kind,
#include "compiler/diag/diagnostic_kinds.def"
};

// The stable name of a kind ("UnknownName").
std::string_view DiagKindName(DiagKind kind);
Severity DiagKindSeverity(DiagKind kind);
std::string_view DiagKindDescription(DiagKind kind);
std::string_view SeverityName(Severity severity);  // "error", "warning", "note"
// Every kind, in registration order (for SARIF rule tables).
const std::vector<DiagKind>& AllDiagKinds();

struct Diagnostic {
  DiagKind kind;
  Severity severity;  // the kind's, unless promoted by --deny-warnings
  SourceSpan span;
  std::string message;
  std::string help;  // may be empty

  struct Note {
    SourceSpan span;
    std::string message;
  };
  std::vector<Note> notes;  // e.g. "first declared here"
};

// Collects diagnostics from every phase of one compilation.
class DiagnosticBag {
 public:
  Diagnostic& Report(DiagKind kind, SourceSpan span, std::string message,
                     std::string help = "");

  const std::vector<Diagnostic>& all() const { return diags_; }
  std::vector<Diagnostic>& mutable_all() { return diags_; }
  bool has_errors() const;
  size_t error_count() const;
  size_t warning_count() const;
  // Stable order for output: by file, then offset, then insertion order.
  void Sort();
  void Append(const DiagnosticBag& other);

 private:
  std::vector<Diagnostic> diags_;
};

// "did you mean `x`?" support: the candidate closest to `name` by edit
// distance, or "" when none is close enough to be a plausible typo.
std::string ClosestMatch(std::string_view name,
                         const std::vector<std::string>& candidates);

}  // namespace signoff

#endif  // SIGNOFF_COMPILER_DIAG_DIAGNOSTIC_H_
