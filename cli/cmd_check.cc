// `signoff check PATH... [--format text|json|sarif|github] [--deny-warnings]`
#include <cstdio>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli.h"
#include "compiler/diag/render.h"
#include "compiler/driver/driver.h"
#include "stdlib/absl_compat.h"

namespace signoff::cli {

std::optional<DiagFormat> ParseDiagFormat(std::string_view name) {
  if (name == "text") return DiagFormat::kText;
  if (name == "json") return DiagFormat::kJson;
  if (name == "sarif") return DiagFormat::kSarif;
  if (name == "github") return DiagFormat::kGithub;
  return std::nullopt;
}

int RunCheck(const std::vector<std::string>& argv) {
  absl::StatusOr<Args> args =
      Args::Parse(argv, {.flags = {"deny-warnings"}, .options = {"format"}});
  if (!args.ok()) {
    PrintError(AsStd(args.status().message()));
    return kExitUsage;
  }
  std::optional<DiagFormat> format =
      ParseDiagFormat(args->Get("format").value_or("text"));
  if (!format) {
    PrintError("`--format` must be text, json, sarif or github");
    return kExitUsage;
  }
  if (args->positional().empty()) {
    PrintError("`signoff check` needs at least one file or directory");
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<driver::Compilation>> compilation =
      driver::CompilePaths(args->positional(), {});
  if (!compilation.ok()) {
    PrintError(AsStd(compilation.status().message()));
    return kExitUsage;
  }
  const driver::Compilation& c = **compilation;
  RenderOptions options;
  options.color = *format == DiagFormat::kText && UseColor(stdout);
  std::string rendered =
      RenderDiagnostics(c.sources, c.diags.all(), *format, options);
  std::fwrite(rendered.data(), 1, rendered.size(), stdout);
  std::fflush(stdout);  // keep the summary after the diagnostics on a TTY

  size_t errors = c.diags.error_count();
  size_t warnings = c.diags.warning_count();
  bool failed = errors > 0 || (warnings > 0 && args->Has("deny-warnings"));
  if (*format == DiagFormat::kText) {
    size_t files = c.sources.size() - c.library_files.size();
    std::cerr << absl::StrCat(
        files, files == 1 ? " file" : " files", " checked: ", errors,
        errors == 1 ? " error, " : " errors, ", warnings,
        warnings == 1 ? " warning" : " warnings",
        warnings > 0 && args->Has("deny-warnings") ? " (warnings denied)" : "",
        "\n");
  }
  // I/O problems (missing paths) are usage errors, not policy errors.
  for (const Diagnostic& d : c.diags.all()) {
    if (d.kind == DiagKind::kIoError) return kExitUsage;
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace signoff::cli
