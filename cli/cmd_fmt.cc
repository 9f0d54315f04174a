// `signoff fmt [--check|--write|--diff] PATH...`
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli.h"
#include "compiler/diag/render.h"
#include "compiler/driver/driver.h"
#include "compiler/fmt/formatter.h"
#include "compiler/parse/parser.h"
#include "stdlib/absl_compat.h"

namespace signoff::cli {
namespace {

enum class Mode { kPrint, kCheck, kWrite, kDiff };

// Writes via a temporary file and rename, so a crash never truncates.
bool WriteAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".signoff-fmt.tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << text;
    if (!out.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
  return !ec;
}

}  // namespace

int RunFmt(const std::vector<std::string>& argv) {
  absl::StatusOr<Args> args =
      Args::Parse(argv, {.flags = {"check", "write", "diff"}});
  if (!args.ok()) {
    PrintError(AsStd(args.status().message()));
    return kExitUsage;
  }
  int modes = args->Has("check") + args->Has("write") + args->Has("diff");
  if (modes > 1) {
    PrintError("`--check`, `--write` and `--diff` exclude each other");
    return kExitUsage;
  }
  Mode mode = args->Has("check")   ? Mode::kCheck
              : args->Has("write") ? Mode::kWrite
              : args->Has("diff")  ? Mode::kDiff
                                   : Mode::kPrint;
  if (args->positional().empty()) {
    PrintError("`signoff fmt` needs at least one file or directory (or `-`)");
    return kExitUsage;
  }

  SourceManager sources;
  DiagnosticBag diags;
  std::vector<std::string> paths;
  bool from_stdin = false;
  for (const std::string& p : args->positional()) {
    if (p == "-") {
      from_stdin = true;
    } else {
      paths.push_back(p);
    }
  }
  if (from_stdin && mode == Mode::kWrite) {
    PrintError("`--write` cannot rewrite standard input");
    return kExitUsage;
  }
  std::vector<std::string> files =
      driver::CollectFiles(paths, {.include_tests = true}, diags);
  if (from_stdin) files.insert(files.begin(), "-");

  bool io_error = diags.has_errors();
  bool syntax_error = false;
  bool unformatted = false;
  for (const std::string& path : files) {
    absl::StatusOr<std::string> text =
        path == "-" ? ReadInput("-") : driver::ReadSourceFile(path);
    if (!text.ok()) {
      PrintError(AsStd(text.status().message()));
      io_error = true;
      continue;
    }
    FileId id = sources.Add(path == "-" ? "<stdin>" : path, *text);
    DiagnosticBag file_diags;
    ast::File file = parse::ParseFile(sources, id, file_diags);
    if (file_diags.has_errors()) {
      // Never format (and so never lose) text that did not parse.
      std::string rendered =
          RenderDiagnostics(sources, file_diags.all(), DiagFormat::kText,
                            {.color = UseColor(stderr)});
      std::fputs(rendered.c_str(), stderr);
      syntax_error = true;
      continue;
    }
    std::string formatted = fmt::FormatFile(sources, file);
    bool changed = formatted != *text;
    switch (mode) {
      case Mode::kPrint:
        std::fwrite(formatted.data(), 1, formatted.size(), stdout);
        break;
      case Mode::kCheck:
        if (changed) {
          std::printf("%s\n", path.c_str());
          unformatted = true;
        }
        break;
      case Mode::kDiff:
        if (changed) {
          std::string diff = UnifiedDiff(*text, formatted, path + " (original)",
                                         path + " (formatted)");
          std::fwrite(diff.data(), 1, diff.size(), stdout);
          unformatted = true;
        }
        break;
      case Mode::kWrite:
        if (changed) {
          if (!WriteAtomically(path, formatted)) {
            PrintError(absl::StrCat("cannot write `", path, "`"));
            io_error = true;
          } else {
            std::cerr << "formatted " << path << "\n";
          }
        }
        break;
    }
  }
  if (!diags.all().empty()) {
    std::string rendered =
        RenderDiagnostics(sources, diags.all(), DiagFormat::kText, {});
    std::fputs(rendered.c_str(), stderr);
  }
  if (io_error) return kExitUsage;
  if (syntax_error || unformatted) return kExitFailure;
  return kExitOk;
}

}  // namespace signoff::cli
