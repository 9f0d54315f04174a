// The native back end: IR lowered to LLVM IR and compiled with ORC LLJIT.
//
// One process-wide LLJIT instance; each CompiledPolicy owns a
// ResourceTracker, so destroying it unloads its code. The generated code
// must decide exactly what the reference interpreter decides
// (compiler/interp), which the differential suite (tests/diff) checks.
//
// Thread safety: a CompiledPolicy is immutable after Compile; Evaluate is
// const and safe from any number of threads.
#ifndef SIGNOFF_COMPILER_JIT_JIT_H_
#define SIGNOFF_COMPILER_JIT_JIT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "compiler/eval/decision.h"
#include "compiler/eval/request.h"
#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"

namespace signoff::jit {

struct JitOptions {
  int opt_level = 2;  // LLVM -O level for the generated module
};

// Whether the JIT can run here (native target initialised). When false,
// callers fall back to the interpreter.
bool Available();

class CompiledPolicy {
 public:
  // Compiles `policy`. The policy is shared, not copied: the native code
  // refers to its literal pools and precompiled objects.
  static absl::StatusOr<std::unique_ptr<CompiledPolicy>> Compile(
      std::shared_ptr<const ir::Policy> policy, const JitOptions& options = {});
  ~CompiledPolicy();  // unloads the native code
  CompiledPolicy(const CompiledPolicy&) = delete;
  CompiledPolicy& operator=(const CompiledPolicy&) = delete;

  // The same contract as interp::Evaluate.
  eval::Outcome Evaluate(const eval::BoundRequest& request,
                         const interp::EvalOptions& options = {}) const;

  const ir::Policy& policy() const { return *policy_; }

  class Impl;

 private:
  CompiledPolicy(std::shared_ptr<const ir::Policy> policy,
                 std::unique_ptr<Impl> impl);
  std::shared_ptr<const ir::Policy> policy_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace signoff::jit

#endif  // SIGNOFF_COMPILER_JIT_JIT_H_
