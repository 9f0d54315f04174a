// The public embedding API: load a policy set, decide requests, reload.
//
//   std::unique_ptr<signoff::Engine> engine = signoff::Engine::Create();
//   if (absl::Status s = engine->LoadFiles({"policies/"}); !s.ok()) ...
//   absl::StatusOr<signoff::eval::Decision> d = engine->Decide(json_text);
//   std::string out = signoff::eval::DecisionToJson(*d, false, false);
//
// An Engine serves one compiled policy set at a time, a PolicySnapshot.
// Loading compiles a new snapshot completely (parse, check, lower, JIT)
// before it replaces the old one in a single atomic swap, so decisions never
// see a half-loaded set, and a set with errors never replaces a good one.
//
// Back ends: the JIT (compiler/jit) by default, the reference interpreter
// (compiler/interp) on request. When the JIT is not in this build, cannot run
// on this machine, or fails to compile a set, the engine falls back to the
// interpreter for that set and says why in fallback_reason(). Both back ends
// decide identically (the differential suite checks it); the JIT is faster.
//
// Errors: absl::Status for everything; nothing throws across this API
// (std::bad_alloc aside). Problems with a request (schema, types, unknown
// keys) are not errors: they are a `deny` decision listing them in `errors`
// (LANGUAGE.md §5.1). Only text that is not JSON at all is InvalidArgument.
//
// Thread safety: Decide, snapshot, backend and fallback_reason are const and
// safe from any number of threads, concurrently with Load* (which are
// serialized among themselves). Decide reads the current snapshot once, so
// each decision uses exactly one policy set. Destroying the Engine while
// another thread uses it is undefined; a snapshot obtained from it stays
// valid on its own.
#ifndef SIGNOFF_RUNTIME_ENGINE_ENGINE_H_
#define SIGNOFF_RUNTIME_ENGINE_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "compiler/driver/driver.h"
#include "compiler/eval/decision.h"
#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"
#include "runtime/engine/request_builder.h"

namespace signoff {

namespace jit {
class CompiledPolicy;
}  // namespace jit

class Engine;
class PolicySnapshot;

// Reusable per-thread state for Classify: the JIT's fast-path scratch (JSON
// parser, bound slots, rule results), the verdict's rule storage, and the
// snapshot last used. Not thread-safe: one per thread. With it, Classify
// makes no heap allocation and takes no lock once warmed up (a reload makes
// the next call pick up the new set). It keeps the snapshot it last used
// alive until its next use or its destruction.
class DecisionScratch {
 public:
  DecisionScratch();
  ~DecisionScratch();
  DecisionScratch(const DecisionScratch&) = delete;
  DecisionScratch& operator=(const DecisionScratch&) = delete;

  struct Impl;

 private:
  friend class Engine;
  friend class PolicySnapshot;
  std::unique_ptr<Impl> impl_;
};

enum class Backend { kJit, kInterpreter };
// "jit" or "interp" (the names `signoff eval --engine` takes).
std::string_view BackendName(Backend backend);

struct EngineOptions {
  // The back end to use when it can; see fallback_reason().
  Backend backend = Backend::kJit;
  // When false, a set the JIT cannot compile is refused (the status of the
  // JIT's failure) instead of being served by the interpreter. An engine
  // created with kJit in a build or on a machine without a JIT then fails
  // every load with FailedPrecondition. For benchmarks and tests.
  bool jit_fallback = true;
  // How the JIT compiles a set. Tiered (the default): the set decides with
  // quickly compiled code as soon as that is loaded, and optimised code
  // replaces it from a background thread (destroying the set waits for
  // that thread). kQuickOnly suits one-shot tools that decide a few
  // requests and exit; kOptimizedOnly waits for the best code before the
  // load returns.
  enum class JitTiering { kTiered, kQuickOnly, kOptimizedOnly };
  JitTiering jit_tiering = JitTiering::kTiered;
  // Lifetimes and veto count for clauses a rule leaves out (LANGUAGE.md §5.4).
  eval::Defaults defaults;
  // Membership of identity `id` in the runtime directory's group `group`
  // (`group g = directory("group")`, LANGUAGE.md §5.6). Unset: directory
  // groups have no members. Called from the deciding thread, possibly from
  // many threads at once: it must be thread-safe, and must not call back
  // into the engine's Load*.
  std::function<bool(std::string_view group, std::string_view id)>
      directory_member;
};

// One compiled policy set with the back end that decides it. Immutable after
// construction; every method is const and thread-safe. Keeps alive what its
// decisions point into (sources for explain locations, the IR the JIT's code
// reads).
class PolicySnapshot {
 public:
  // Decides one request given as LANGUAGE.md §6 JSON. InvalidArgument when
  // `json` is not JSON; any other problem is a `deny` with `errors`.
  absl::StatusOr<eval::Decision> Decide(std::string_view json,
                                        bool explain = false) const;
  // Decides a bound request (eval::BindJson against policy()).
  eval::Decision Decide(const eval::BoundRequest& request,
                        bool explain = false) const;

  // The verdict of the decision Decide(json) would give (kind, deciding
  // rules, default, invalid request), without its texts. On the JIT it runs
  // the fast path (simdjson binding into native slots, native evaluation;
  // no allocation); requests the fast path leaves (invalid ones, verdicts
  // that need a message rendered) take the full path, with the same
  // result. `verdict.rules` points into `scratch`. InvalidArgument when
  // `json` is not JSON.
  absl::StatusOr<eval::Verdict> Classify(std::string_view json,
                                         DecisionScratch& scratch) const;

  const driver::Compilation& compilation() const { return *compilation_; }
  const ir::Policy& policy() const { return *policy_; }
  // The same policy, shareable: keeps this set's compilation alive.
  const std::shared_ptr<const ir::Policy>& shared_policy() const {
    return policy_;
  }
  // "sha256:<hex>" over the set's source files: the decisions' `policy`.
  const std::string& digest() const { return policy_->digest; }
  // Warnings the compiler reported for this set, rendered as text ("" when
  // none).
  std::string RenderedWarnings() const;

  // The back end deciding with this snapshot, and why it is not the one
  // asked for ("" when it is).
  Backend backend() const { return backend_; }
  const std::string& fallback_reason() const { return fallback_reason_; }
  // The JIT-compiled policy; null when backend() is kInterpreter.
  const jit::CompiledPolicy* jit_policy() const { return jit_.get(); }

 private:
  friend class Engine;
  PolicySnapshot() = default;

  std::shared_ptr<const driver::Compilation> compilation_;
  std::shared_ptr<const ir::Policy> policy_;  // aliases compilation_
  std::shared_ptr<const jit::CompiledPolicy> jit_;
  Backend backend_ = Backend::kInterpreter;
  std::string fallback_reason_;
  eval::Defaults defaults_;
  interp::EvalOptions eval_options_;
};

class Engine {
 public:
  // An engine with no policy loaded: Decide fails until a Load* succeeds.
  static std::unique_ptr<Engine> Create(EngineOptions options = {});

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Compiles the `.signoff` files under `paths` (directories recursively,
  // `*_test.signoff` excluded, as `signoff check` reads them) and, when the
  // set is error-free, makes it the one Decide uses. Calling it again is a
  // reload. On failure the set being served does not change, and:
  //   InvalidArgument  errors in the policy; the message is the diagnostics
  //                    rendered as text (file:line:col, source line, caret),
  //                    or "no `.signoff` files ..." for a set without files
  //                    (which would deny everything: a wrong path, likely);
  //   NotFound         a path that does not exist or cannot be read (the
  //                    message is the rendered diagnostics);
  //   other            a machine failure, or the JIT's failure when
  //                    jit_fallback is false.
  absl::Status LoadFiles(const std::vector<std::string>& paths);
  // The same from memory: {path, text} pairs (paths name the files in
  // diagnostics and order the rules, LANGUAGE.md §5.5).
  absl::Status LoadSources(
      std::vector<std::pair<std::string, std::string>> sources);
  // Serves an already compiled set (e.g. one the caller compiled to show its
  // diagnostics its own way), even an empty one. InvalidArgument when it has
  // errors.
  absl::Status Load(std::unique_ptr<driver::Compilation> compilation);

  // Decides with the current set. FailedPrecondition when no set was ever
  // loaded; InvalidArgument when `json` is not JSON. The decision's `policy`
  // is the digest of the set that decided it.
  absl::StatusOr<eval::Decision> Decide(std::string_view json,
                                        bool explain = false) const;
  absl::StatusOr<eval::Decision> Decide(const Request& request,
                                        bool explain = false) const;
  // Builds the request (RequestBuilder::Build) and decides it.
  absl::StatusOr<eval::Decision> Decide(const RequestBuilder& request,
                                        bool explain = false) const;

  // PolicySnapshot::Classify with the current set, without a lock or an
  // allocation when the set has not changed since `scratch` last used it.
  absl::StatusOr<eval::Verdict> Classify(std::string_view json,
                                         DecisionScratch& scratch) const;

  // The set being served (null before the first successful load). Holding
  // it pins that set: use it to make several decisions against one version.
  std::shared_ptr<const PolicySnapshot> snapshot() const;

  // The back end in use: the current set's, or before any load the one the
  // engine will try first.
  Backend backend() const;
  // Why backend() is not the one asked for; "" when it is.
  std::string fallback_reason() const;
  const EngineOptions& options() const { return options_; }

 private:
  explicit Engine(EngineOptions options);
  absl::Status Install(std::unique_ptr<driver::Compilation> compilation);

  const EngineOptions options_;
  Backend initial_backend_;
  std::string initial_fallback_reason_;
  // Serializes Load* (compiling included); Decide never takes it.
  std::mutex load_mu_;
  // Guards only the pointer: readers hold it shared for one shared_ptr copy,
  // a load holds it exclusively for one swap. Not std::atomic<shared_ptr>:
  // libstdc++ 12's version releases its spin bit in load() with a relaxed
  // RMW and is invisible to ThreadSanitizer, as is Debian's prebuilt
  // absl::Mutex; a pthread rwlock keeps embedders' TSan builds quiet.
  mutable std::shared_mutex current_mu_;
  std::shared_ptr<const PolicySnapshot> current_;  // guarded by current_mu_
  // A process-unique number set after each swap of current_: lets a
  // DecisionScratch keep its snapshot without taking current_mu_ while the
  // set is unchanged. Declared after options_ and initial_backend_.
  std::atomic<uint64_t> generation_;
};

}  // namespace signoff

#endif  // SIGNOFF_RUNTIME_ENGINE_ENGINE_H_
