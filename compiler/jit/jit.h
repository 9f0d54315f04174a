// The native back end: IR lowered to LLVM IR and compiled with ORC LLJIT.
//
// One process-wide LLJIT instance; each CompiledPolicy owns a
// ResourceTracker, so destroying it unloads its code. The generated code
// must decide exactly what the reference interpreter decides
// (compiler/interp), which the differential suite (tests/diff) checks.
//
// How (details in compiler/jit/abi.h and jit.cc): one module per policy,
// optimised at JitOptions::opt_level (O2 by default); one function per
// declared action holding exactly the rules whose patterns match it, reached
// by a switch on the action id; undeclared actions run the rules that can
// match them, gated by pattern matching in C++. Strings carry interned ids,
// so `==` and `in` against literals and static group membership are integer
// compares; regex, glob, CIDR and time built-ins call stdlib with the
// policy's precompiled objects; arithmetic is checked. Conditions run
// natively and report evaluation errors as ids of the interpreter's texts;
// the messages of `require` candidates and of the default are rendered by
// the interpreter's renderer (interp::RenderMessage) after the native call.
// Requests not shaped by BindJson for this policy are decided by the
// interpreter (RunsNatively() tells). Compile fails with a Status on an LLVM
// failure or an expression nested deeper than the parser allows; callers
// then keep the interpreter.
//
// Thread safety: a CompiledPolicy is immutable after Compile; Evaluate is
// const and safe from any number of threads. Compile and destruction may
// run on any thread. The directory hook of EvalOptions is called from the
// evaluating thread, in the interpreter's order for conditions (messages
// are rendered after all conditions).
#ifndef SIGNOFF_COMPILER_JIT_JIT_H_
#define SIGNOFF_COMPILER_JIT_JIT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "compiler/eval/decision.h"
#include "compiler/eval/request.h"
#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"

namespace signoff::jit {

struct JitOptions {
  int opt_level = 2;  // LLVM -O level for the generated module
  // Keep the optimised module's LLVM assembly (CompiledPolicy::llvm_ir()),
  // for tests and debugging.
  bool keep_llvm_ir = false;
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
  // Whether Evaluate runs native code for `request`. False for requests
  // BindJson never makes (a slot missing or of another type, an action id
  // that disagrees with the action name): the interpreter decides those.
  bool RunsNatively(const eval::BoundRequest& request) const;
  // The optimised LLVM IR when compiled with keep_llvm_ir; else empty.
  const std::string& llvm_ir() const;

  class Impl;

 private:
  CompiledPolicy(std::shared_ptr<const ir::Policy> policy,
                 std::unique_ptr<Impl> impl);
  std::shared_ptr<const ir::Policy> policy_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace signoff::jit

#endif  // SIGNOFF_COMPILER_JIT_JIT_H_
