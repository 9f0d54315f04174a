// The checker: name resolution, static types, structure and lints.
//
// Takes every parsed file of a policy set (files sorted by path; imported
// stdlib modules are ordinary files in the list), annotates the AST in place
// (types, name references, group indexes) and returns the semantic model.
// Problems go to `diags`; when it reports an error, the model must not be
// lowered.
#ifndef SIGNOFF_COMPILER_CHECK_CHECKER_H_
#define SIGNOFF_COMPILER_CHECK_CHECKER_H_

#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/semantic.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace signoff::check {

struct CheckOptions {
  // Files whose declarations are exempt from "unused" lints (stdlib modules).
  std::vector<FileId> library_files;
};

SemanticModel Check(const SourceManager& sources, std::vector<ast::File>& files,
                    const CheckOptions& options, DiagnosticBag& diags);

}  // namespace signoff::check

#endif  // SIGNOFF_COMPILER_CHECK_CHECKER_H_
