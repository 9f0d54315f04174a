#include "compiler/driver/driver.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/check/checker.h"
#include "compiler/ir/lower.h"
#include "compiler/parse/parser.h"
#include "stdlib/absl_compat.h"

namespace signoff::driver {

// Defined in the generated embedded_stdlib.cc (cmake/EmbedStdlib.cmake).
const std::vector<std::pair<std::string_view, std::string_view>>&
EmbeddedStdlib();

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kExtension = ".signoff";
constexpr std::string_view kTestSuffix = "_test.signoff";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

absl::StatusOr<std::string> ReadSourceFile(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (!ec && size > parse::kMaxFileBytes) {
    // Read only enough for the parser to report FileTooLarge.
    size = parse::kMaxFileBytes + 1;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read `", path, "`"));
  std::string text;
  text.resize(ec ? 0 : size);
  if (!ec) {
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<size_t>(in.gcount()));
  } else {
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  return text;
}

std::vector<std::string> CollectFiles(const std::vector<std::string>& paths,
                                      const LoadOptions& options,
                                      DiagnosticBag& diags) {
  std::set<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      diags.Report(DiagKind::kIoError, SourceSpan{},
                   absl::StrCat("no such file or directory `", path, "`"));
      continue;
    }
    if (fs::is_regular_file(status)) {
      // An explicitly named file is always read, test file or not.
      files.insert(path);
      continue;
    }
    if (!fs::is_directory(status)) {
      diags.Report(DiagKind::kIoError, SourceSpan{},
                   absl::StrCat("`", path, "` is not a file or directory"));
      continue;
    }
    fs::recursive_directory_iterator it(
        path, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string file = it->path().generic_string();
      if (!EndsWith(file, kExtension)) continue;
      if (EndsWith(file, kTestSuffix) && !options.include_tests) continue;
      files.insert(file);
    }
    if (ec) {
      diags.Report(
          DiagKind::kIoError, SourceSpan{},
          absl::StrCat("cannot read directory `", path, "`: ", ec.message()));
    }
  }
  return {files.begin(), files.end()};
}

namespace {

// Parses user files, then the stdlib modules they import (transitively).
std::unique_ptr<Compilation> ParseAndCompile(
    std::vector<std::pair<std::string, std::string>> sources,
    std::unique_ptr<Compilation> c) {
  std::sort(sources.begin(), sources.end());
  for (auto& [path, text] : sources) {
    FileId id = c->sources.Add(path, std::move(text));
    c->files.push_back(parse::ParseFile(c->sources, id, c->diags));
  }

  // Resolve imports against the embedded stdlib; each module is read once.
  std::set<std::string> loaded;
  for (size_t i = 0; i < c->files.size(); ++i) {
    std::vector<std::pair<std::string, SourceSpan>> wanted;
    for (const ast::Decl& decl : c->files[i].decls) {
      if (const auto* import = std::get_if<ast::ImportDecl>(&decl)) {
        wanted.emplace_back(import->module.value, import->module.span);
      }
    }
    for (const auto& [module, span] : wanted) {
      std::optional<std::string_view> text = StdlibModule(module);
      if (!text) {
        std::string close = ClosestMatch(module, StdlibModuleNames());
        c->diags.Report(
            DiagKind::kUnknownModule, span,
            absl::StrCat("no module named `", module, "`"),
            close.empty()
                ? absl::StrCat("available modules: ",
                               absl::StrJoin(StdlibModuleNames(), ", "))
                : absl::StrCat("did you mean `", close, "`?"));
        continue;
      }
      if (!loaded.insert(module).second) continue;
      FileId id = c->sources.Add(absl::StrCat("<stdlib>/", module, ".signoff"),
                                 std::string(*text));
      c->library_files.push_back(id);
      c->files.push_back(parse::ParseFile(c->sources, id, c->diags));
    }
  }

  check::CheckOptions check_options;
  check_options.library_files = c->library_files;
  if (!c->diags.has_errors()) {
    c->model = check::Check(c->sources, c->files, check_options, c->diags);
  }
  c->diags.Sort();
  if (c->diags.has_errors()) return c;

  absl::StatusOr<ir::Policy> policy = ir::Lower(c->sources, c->files, c->model);
  if (!policy.ok()) {
    c->diags.Report(DiagKind::kIoError, SourceSpan{},
                    absl::StrCat("internal error while lowering: ",
                                 policy.status().message()));
    return c;
  }
  c->policy = *std::move(policy);
  return c;
}

}  // namespace

std::optional<std::string_view> StdlibModule(std::string_view name) {
  for (const auto& [module, text] : EmbeddedStdlib()) {
    if (module == name) return text;
  }
  return std::nullopt;
}

std::vector<std::string> StdlibModuleNames() {
  std::vector<std::string> names;
  for (const auto& [module, text] : EmbeddedStdlib()) {
    names.emplace_back(module);
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<std::unique_ptr<Compilation>> CompilePaths(
    const std::vector<std::string>& paths, const LoadOptions& options) {
  auto c = std::make_unique<Compilation>();
  std::vector<std::pair<std::string, std::string>> sources;
  for (const std::string& file : CollectFiles(paths, options, c->diags)) {
    absl::StatusOr<std::string> text = ReadSourceFile(file);
    if (!text.ok()) {
      c->diags.Report(DiagKind::kIoError, SourceSpan{},
                      std::string(AsStd(text.status().message())));
      continue;
    }
    sources.emplace_back(file, *std::move(text));
  }
  if (c->diags.has_errors()) return c;
  return ParseAndCompile(std::move(sources), std::move(c));
}

absl::StatusOr<std::unique_ptr<Compilation>> CompileSources(
    std::vector<std::pair<std::string, std::string>> sources,
    const LoadOptions& options) {
  std::vector<std::pair<std::string, std::string>> kept;
  for (auto& source : sources) {
    if (!options.include_tests && EndsWith(source.first, kTestSuffix)) continue;
    kept.push_back(std::move(source));
  }
  return ParseAndCompile(std::move(kept), std::make_unique<Compilation>());
}

}  // namespace signoff::driver
