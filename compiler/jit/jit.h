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
// Thread safety: a CompiledPolicy is immutable after Compile (but for the
// atomic switch from quick to optimised code); Evaluate and the fast path
// are const and safe from any number of threads. Compile and destruction
// may run on any thread; destruction waits for a background optimisation
// still running. The directory hook of EvalOptions is called from the
// evaluating thread, in the interpreter's order for conditions (messages
// are rendered after all conditions).
#ifndef SIGNOFF_COMPILER_JIT_JIT_H_
#define SIGNOFF_COMPILER_JIT_JIT_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "compiler/eval/decision.h"
#include "compiler/eval/request.h"
#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"

namespace signoff::jit {

// Tiered compilation: a set becomes callable as soon as quick code is
// loaded (tier 1: a short pipeline and LLVM's fast instruction selector,
// about a fifth of the compile time), and optimised code (tier 2: the
// default pipeline at opt_level and the full code generator) replaces it
// from a background thread when ready. Both tiers decide identically (the
// differential suite runs each); only speed differs.
enum class JitTier { kQuick, kOptimized };

struct JitOptions {
  int opt_level = 2;  // LLVM -O level of the optimised tier
  // True: compile the quick tier, return, and optimise in the background.
  // False: compile only `tier`, before returning.
  bool tiered = true;
  JitTier tier = JitTier::kOptimized;  // when !tiered
  // Keep the LLVM IR (CompiledPolicy::llvm_ir()) of the last tier compiled,
  // for tests and debugging.
  bool keep_llvm_ir = false;
};

// Whether the JIT can run here (native target initialised). When false,
// callers fall back to the interpreter.
bool Available();

// Reusable state of the fast path (CompiledPolicy::DecideFast): the parser,
// the bound slots, rule results and verdict storage. One per thread: a
// scratch is not thread-safe, but any number of scratches may be used with
// one CompiledPolicy at once, and one scratch with several policies in
// turn. After it has grown to the largest request seen, the fast path makes
// no heap allocation (lower()/upper() results aside).
class FastScratch {
 public:
  FastScratch();
  ~FastScratch();
  FastScratch(const FastScratch&) = delete;
  FastScratch& operator=(const FastScratch&) = delete;

  struct Impl;

 private:
  friend class CompiledPolicy;
  std::unique_ptr<Impl> impl_;
};

enum class FastResult {
  kDecided,  // the verdict is set
  // The fast path leaves this request to the full one (eval::BindJson,
  // Evaluate, eval::Combine), which gives the same verdict: invalid
  // requests (their errors need the reference binder's texts), text that
  // is not JSON, forms the fast binder does not take, and any request with
  // a `require` candidate whose message interpolates expressions (rendering
  // can fail, which makes that rule an error: a deny and a deciding rule).
  kSlowPath,
};

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

  // The fast path: binds `json` straight into native slots (simdjson) and
  // classifies the decision from the native rule results, allocating
  // nothing. `verdict.rules` points into `scratch`. `options` as for
  // Evaluate (the directory hook).
  FastResult DecideFast(std::string_view json, FastScratch& scratch,
                        eval::Verdict& verdict,
                        const interp::EvalOptions& options = {}) const;
  // DecideFast in two steps, for callers deciding one bound request many
  // times (benchmarks of native evaluation alone): BindFast binds `json` into
  // `scratch`; DecideBound decides what the last successful BindFast of
  // this policy bound there.
  FastResult BindFast(std::string_view json, FastScratch& scratch) const;
  FastResult DecideBound(FastScratch& scratch, eval::Verdict& verdict,
                         const interp::EvalOptions& options = {}) const;

  const ir::Policy& policy() const { return *policy_; }
  // Whether Evaluate runs native code for `request`. False for requests
  // BindJson never makes (a slot missing or of another type, an action id
  // that disagrees with the action name): the interpreter decides those.
  bool RunsNatively(const eval::BoundRequest& request) const;
  // The tier whose code decides now.
  JitTier tier() const;
  // Blocks until the background optimisation of a tiered compile has
  // finished (its code in use, or its failure recorded; the quick code then
  // stays) and returns its status. OK at once when not tiered.
  absl::Status WaitForOptimizedCode() const;
  // The LLVM IR of the last tier compiled when keep_llvm_ir was set (after
  // WaitForOptimizedCode for a tiered compile's optimised IR); else empty.
  std::string llvm_ir() const;

  class Impl;

 private:
  CompiledPolicy(std::shared_ptr<const ir::Policy> policy,
                 std::unique_ptr<Impl> impl);
  std::shared_ptr<const ir::Policy> policy_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace signoff::jit

#endif  // SIGNOFF_COMPILER_JIT_JIT_H_
