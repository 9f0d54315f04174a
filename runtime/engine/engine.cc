#include "runtime/engine/engine.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "compiler/diag/render.h"
#include "compiler/eval/request.h"
#include "stdlib/absl_compat.h"

#ifdef SIGNOFF_HAVE_JIT
#include "compiler/jit/jit.h"
#endif

namespace signoff {
namespace {

// Whether the JIT can be used, and if not, why.
bool JitUsable(std::string* why_not) {
#ifdef SIGNOFF_HAVE_JIT
  if (jit::Available()) return true;
  *why_not = "the JIT is not available on this machine";
  return false;
#else
  *why_not = "this build of signoff has no JIT";
  return false;
#endif
}

// An empty set would deny everything by default: far more likely a wrong
// path than an intent, and a reload must not take that silently.
absl::Status CheckNotEmpty(const driver::Compilation& c) {
  if (c.ok() && c.files.size() == c.library_files.size()) {
    return absl::InvalidArgumentError("no `.signoff` files in the policy set");
  }
  return absl::OkStatus();
}

// Generations are unique in the process, across engines, so a scratch that
// moves to another engine (even one at the address of a destroyed one)
// never mistakes its snapshot for the current one.
uint64_t NextGeneration() {
  static std::atomic<uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

bool HasIoError(const driver::Compilation& c) {
  for (const Diagnostic& d : c.diags.all()) {
    if (d.kind == DiagKind::kIoError) return true;
  }
  return false;
}

}  // namespace

std::string_view BackendName(Backend backend) {
  return backend == Backend::kJit ? "jit" : "interp";
}

// --- DecisionScratch --------------------------------------------------------

struct DecisionScratch::Impl {
  // The snapshot last used through Engine::Classify, the engine and
  // generation it came from.
  std::shared_ptr<const PolicySnapshot> snapshot;
  uint64_t generation = 0;  // 0: none (generations start at 1)
#ifdef SIGNOFF_HAVE_JIT
  jit::FastScratch fast;
#endif
  std::vector<uint32_t> rules;  // the verdict's, on the full path
};

DecisionScratch::DecisionScratch() : impl_(std::make_unique<Impl>()) {}
DecisionScratch::~DecisionScratch() = default;

// --- PolicySnapshot ---------------------------------------------------------

absl::StatusOr<eval::Verdict> PolicySnapshot::Classify(
    std::string_view json, DecisionScratch& scratch) const {
  DecisionScratch::Impl& s = *scratch.impl_;
#ifdef SIGNOFF_HAVE_JIT
  if (jit_ != nullptr) {
    eval::Verdict verdict;
    if (jit_->DecideFast(json, s.fast, verdict, eval_options_) ==
        jit::FastResult::kDecided) {
      return verdict;
    }
  }
#endif
  absl::StatusOr<eval::Decision> decision = Decide(json, false);
  if (!decision.ok()) return decision.status();
  return eval::VerdictOf(*policy_, *decision, s.rules);
}

absl::StatusOr<eval::Decision> PolicySnapshot::Decide(std::string_view json,
                                                      bool explain) const {
  absl::StatusOr<eval::BoundRequest> request = eval::BindJson(*policy_, json);
  if (!request.ok()) return request.status();
  return Decide(*request, explain);
}

eval::Decision PolicySnapshot::Decide(const eval::BoundRequest& request,
                                      bool explain) const {
  eval::Outcome outcome;
#ifdef SIGNOFF_HAVE_JIT
  if (jit_ != nullptr) {
    outcome = jit_->Evaluate(request, eval_options_);
  } else {
    outcome = interp::Evaluate(*policy_, request, eval_options_);
  }
#else
  outcome = interp::Evaluate(*policy_, request, eval_options_);
#endif
  return eval::Combine(*policy_, request, outcome, defaults_, explain,
                       &compilation_->sources);
}

std::string PolicySnapshot::RenderedWarnings() const {
  if (compilation_->diags.all().empty()) return "";
  return RenderDiagnostics(compilation_->sources, compilation_->diags.all(),
                           DiagFormat::kText, {});
}

// --- Engine -----------------------------------------------------------------

std::unique_ptr<Engine> Engine::Create(EngineOptions options) {
  return std::unique_ptr<Engine>(new Engine(std::move(options)));
}

Engine::Engine(EngineOptions options)
    : options_(std::move(options)),
      initial_backend_(options_.backend),
      generation_(NextGeneration()) {
  if (initial_backend_ == Backend::kJit &&
      !JitUsable(&initial_fallback_reason_)) {
    initial_backend_ = Backend::kInterpreter;
  }
}

absl::Status Engine::LoadFiles(const std::vector<std::string>& paths) {
  if (paths.empty()) {
    return absl::InvalidArgumentError("no policy paths given");
  }
  std::lock_guard<std::mutex> lock(load_mu_);
  absl::StatusOr<std::unique_ptr<driver::Compilation>> c =
      driver::CompilePaths(paths, driver::LoadOptions());
  if (!c.ok()) return c.status();
  if (!(*c)->ok() && HasIoError(**c)) {
    return absl::NotFoundError(RenderDiagnostics(
        (*c)->sources, (*c)->diags.all(), DiagFormat::kText, {}));
  }
  if (absl::Status s = CheckNotEmpty(**c); !s.ok()) return s;
  return Install(*std::move(c));
}

absl::Status Engine::LoadSources(
    std::vector<std::pair<std::string, std::string>> sources) {
  std::lock_guard<std::mutex> lock(load_mu_);
  absl::StatusOr<std::unique_ptr<driver::Compilation>> c =
      driver::CompileSources(std::move(sources), driver::LoadOptions());
  if (!c.ok()) return c.status();
  if (absl::Status s = CheckNotEmpty(**c); !s.ok()) return s;
  return Install(*std::move(c));
}

absl::Status Engine::Load(std::unique_ptr<driver::Compilation> compilation) {
  if (compilation == nullptr) {
    return absl::InvalidArgumentError("no compilation given");
  }
  std::lock_guard<std::mutex> lock(load_mu_);
  return Install(std::move(compilation));
}

// Called with load_mu_ held, so loads take effect in the order they run.
absl::Status Engine::Install(std::unique_ptr<driver::Compilation> c) {
  if (!c->ok()) {
    return absl::InvalidArgumentError(
        RenderDiagnostics(c->sources, c->diags.all(), DiagFormat::kText, {}));
  }

  auto snapshot = std::shared_ptr<PolicySnapshot>(new PolicySnapshot());
  std::shared_ptr<const driver::Compilation> owner = std::move(c);
  snapshot->compilation_ = owner;
  snapshot->policy_ =
      std::shared_ptr<const ir::Policy>(owner, &owner->policy.value());
  snapshot->defaults_ = options_.defaults;
  snapshot->eval_options_.directory_member = options_.directory_member;
  snapshot->backend_ = Backend::kInterpreter;

  if (options_.backend == Backend::kJit) {
    std::string why_not;
    if (!JitUsable(&why_not)) {
      if (!options_.jit_fallback) {
        return absl::FailedPreconditionError(why_not);
      }
      snapshot->fallback_reason_ = why_not;
    } else {
#ifdef SIGNOFF_HAVE_JIT
      jit::JitOptions jit_options;
      jit_options.tiered =
          options_.jit_tiering == EngineOptions::JitTiering::kTiered;
      jit_options.tier =
          options_.jit_tiering == EngineOptions::JitTiering::kQuickOnly
              ? jit::JitTier::kQuick
              : jit::JitTier::kOptimized;
      absl::StatusOr<std::unique_ptr<jit::CompiledPolicy>> compiled =
          jit::CompiledPolicy::Compile(snapshot->policy_, jit_options);
      if (compiled.ok()) {
        snapshot->jit_ = *std::move(compiled);
        snapshot->backend_ = Backend::kJit;
      } else if (!options_.jit_fallback) {
        return compiled.status();
      } else {
        // Any JIT failure falls back: the interpreter decides identically,
        // only slower, and refusing a good policy set would be worse.
        snapshot->fallback_reason_ =
            absl::StrCat("the JIT could not compile this policy set (",
                         compiled.status().ToString(), ")");
      }
#endif
    }
  }

  std::shared_ptr<const PolicySnapshot> old = std::move(snapshot);
  {
    std::unique_lock<std::shared_mutex> lock(current_mu_);
    current_.swap(old);
  }
  generation_.store(NextGeneration(), std::memory_order_release);
  // The old set (and its native code) is freed here, outside the lock, or
  // later by the last decision still using it.
  return absl::OkStatus();
}

std::shared_ptr<const PolicySnapshot> Engine::snapshot() const {
  std::shared_lock<std::shared_mutex> lock(current_mu_);
  return current_;
}

absl::StatusOr<eval::Decision> Engine::Decide(std::string_view json,
                                              bool explain) const {
  std::shared_ptr<const PolicySnapshot> s = snapshot();
  if (s == nullptr) {
    return absl::FailedPreconditionError("no policy set is loaded");
  }
  return s->Decide(json, explain);
}

absl::StatusOr<eval::Verdict> Engine::Classify(std::string_view json,
                                               DecisionScratch& scratch) const {
  DecisionScratch::Impl& s = *scratch.impl_;
  const uint64_t generation = generation_.load(std::memory_order_acquire);
  if (s.generation != generation || s.snapshot == nullptr) {
    // The set changed (or first use): take the lock once to pick it up.
    s.snapshot = snapshot();
    s.generation = generation;
    if (s.snapshot == nullptr) {
      return absl::FailedPreconditionError("no policy set is loaded");
    }
  }
  return s.snapshot->Classify(json, scratch);
}

absl::StatusOr<eval::Decision> Engine::Decide(const Request& request,
                                              bool explain) const {
  return Decide(std::string_view(request.json()), explain);
}

absl::StatusOr<eval::Decision> Engine::Decide(const RequestBuilder& request,
                                              bool explain) const {
  absl::StatusOr<Request> built = request.Build();
  if (!built.ok()) return built.status();
  return Decide(*built, explain);
}

Backend Engine::backend() const {
  std::shared_ptr<const PolicySnapshot> s = snapshot();
  return s == nullptr ? initial_backend_ : s->backend();
}

std::string Engine::fallback_reason() const {
  std::shared_ptr<const PolicySnapshot> s = snapshot();
  return s == nullptr ? initial_fallback_reason_ : s->fallback_reason();
}

}  // namespace signoff
