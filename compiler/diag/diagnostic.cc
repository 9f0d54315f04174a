#include "compiler/diag/diagnostic.h"

#include <algorithm>

namespace signoff {
namespace {

struct KindInfo {
  std::string_view name;
  Severity severity;
  std::string_view description;
};

constexpr KindInfo kKinds[] = {
#define SIGNOFF_DIAG(kind, severity, description) \
  {#kind, Severity::k##severity, description},
#include "compiler/diag/diagnostic_kinds.def"
};

}  // namespace

std::string_view DiagKindName(DiagKind kind) {
  return kKinds[static_cast<int>(kind)].name;
}
Severity DiagKindSeverity(DiagKind kind) {
  return kKinds[static_cast<int>(kind)].severity;
}
std::string_view DiagKindDescription(DiagKind kind) {
  return kKinds[static_cast<int>(kind)].description;
}

std::string_view SeverityName(Severity severity) {
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

const std::vector<DiagKind>& AllDiagKinds() {
  static const std::vector<DiagKind>* kAll = [] {
    auto* all = new std::vector<DiagKind>();
    for (size_t i = 0; i < std::size(kKinds); ++i) {
      all->push_back(static_cast<DiagKind>(i));
    }
    return all;
  }();
  return *kAll;
}

Diagnostic& DiagnosticBag::Report(DiagKind kind, SourceSpan span,
                                  std::string message, std::string help) {
  diags_.push_back(Diagnostic{kind,
                              DiagKindSeverity(kind),
                              span,
                              std::move(message),
                              std::move(help),
                              {}});
  return diags_.back();
}

bool DiagnosticBag::has_errors() const { return error_count() > 0; }

size_t DiagnosticBag::error_count() const {
  return std::count_if(diags_.begin(), diags_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kError;
  });
}

size_t DiagnosticBag::warning_count() const {
  return std::count_if(diags_.begin(), diags_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kWarning;
  });
}

void DiagnosticBag::Sort() {
  std::stable_sort(diags_.begin(), diags_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.span.file != b.span.file) {
                       return a.span.file < b.span.file;
                     }
                     return a.span.begin < b.span.begin;
                   });
}

void DiagnosticBag::Append(const DiagnosticBag& other) {
  diags_.insert(diags_.end(), other.diags_.begin(), other.diags_.end());
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string ClosestMatch(std::string_view name,
                         const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 0;
  // Allow roughly one edit per three characters, at least one.
  size_t limit = std::max<size_t>(1, (name.size() + 2) / 3);
  for (const std::string& candidate : candidates) {
    if (candidate == name) continue;
    size_t d = EditDistance(name, candidate);
    if (d <= limit && (best.empty() || d < best_distance ||
                       (d == best_distance && candidate < best))) {
      best = candidate;
      best_distance = d;
    }
  }
  if (!best.empty()) return best;
  // No close spelling: a candidate that the name extends or abbreviates
  // (`sre_team` for `sre`), when the shared part is substantial.
  for (const std::string& candidate : candidates) {
    std::string_view shorter =
        candidate.size() < name.size() ? candidate : name;
    std::string_view longer = candidate.size() < name.size() ? name : candidate;
    if (shorter.size() >= 3 && longer.substr(0, shorter.size()) == shorter &&
        (longer[shorter.size()] == '_' || longer[shorter.size()] == '.' ||
         longer[shorter.size()] == '-')) {
      if (best.empty() || candidate.size() > best.size()) best = candidate;
    }
  }
  return best;
}

}  // namespace signoff
