// The driver: from paths to a compiled policy set.
//
// Collects `.signoff` files under the given paths (directories recursively,
// sorted by path), resolves `import "std/..."` against the embedded stdlib,
// parses, checks and lowers. `*_test.signoff` files are included only when
// asked for (signoff test).
#ifndef SIGNOFF_COMPILER_DRIVER_DRIVER_H_
#define SIGNOFF_COMPILER_DRIVER_DRIVER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/ast/ast.h"
#include "compiler/check/semantic.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"
#include "compiler/source/source.h"

namespace signoff::driver {

struct LoadOptions {
  bool include_tests = false;  // read *_test.signoff files too
};

// One compilation. Owns the sources and ASTs the model and IR point into.
struct Compilation {
  SourceManager sources;
  std::vector<ast::File> files;  // sorted by path; stdlib modules last
  std::vector<FileId> library_files;
  check::SemanticModel model;
  DiagnosticBag diags;
  std::optional<ir::Policy> policy;  // set when there were no errors

  bool ok() const { return policy.has_value(); }
};

// Reads, parses, checks and (when error-free) lowers. A Status error only
// for machine failures; unreadable or missing paths are IoError diagnostics.
absl::StatusOr<std::unique_ptr<Compilation>> CompilePaths(
    const std::vector<std::string>& paths, const LoadOptions& options);

// The same for in-memory sources: {path, text} pairs.
absl::StatusOr<std::unique_ptr<Compilation>> CompileSources(
    std::vector<std::pair<std::string, std::string>> sources,
    const LoadOptions& options);

// Expands paths into the sorted list of `.signoff` files they name
// (directories recursively; `*_test.signoff` only with include_tests, or
// when named explicitly). Missing paths become IoError diagnostics.
std::vector<std::string> CollectFiles(const std::vector<std::string>& paths,
                                      const LoadOptions& options,
                                      DiagnosticBag& diags);

// Reads a policy file (at most a little over the parser's size limit, so the
// parser can report FileTooLarge).
absl::StatusOr<std::string> ReadSourceFile(const std::string& path);

// The embedded stdlib module text for "std/actions", or nullopt.
std::optional<std::string_view> StdlibModule(std::string_view name);
std::vector<std::string> StdlibModuleNames();

}  // namespace signoff::driver

#endif  // SIGNOFF_COMPILER_DRIVER_DRIVER_H_
