// The JIT as the "other" back end: see jit_backend.h.
#include "tests/diff/jit_backend.h"

#include <memory>
#include <utility>

#ifdef SIGNOFF_HAVE_JIT
#include "compiler/jit/jit.h"
#endif

namespace signoff::difftest {

std::optional<Backend> JitBackend(std::string* why, int opt_level) {
#ifdef SIGNOFF_HAVE_JIT
  if (!jit::Available()) {
    *why = "jit::Available() is false on this machine";
    return std::nullopt;
  }
  Backend backend;
  backend.name = opt_level < 0 ? std::string("JIT quick tier")
                               : "JIT -O" + std::to_string(opt_level);
  backend.prepare = [opt_level](std::shared_ptr<const ir::Policy> policy)
      -> absl::StatusOr<BackendInstance> {
    // One tier alone, so each shard knows which code generator it checks.
    jit::JitOptions options;
    options.tiered = false;
    options.tier =
        opt_level < 0 ? jit::JitTier::kQuick : jit::JitTier::kOptimized;
    options.opt_level = opt_level < 0 ? 2 : opt_level;
    absl::StatusOr<std::unique_ptr<jit::CompiledPolicy>> compiled =
        jit::CompiledPolicy::Compile(policy, options);
    if (!compiled.ok()) return compiled.status();
    std::shared_ptr<const jit::CompiledPolicy> code = std::move(*compiled);
    BackendInstance instance;
    // The same binder as the reference: only evaluation differs.
    instance.bind =
        [policy](std::string_view json) -> absl::StatusOr<eval::BoundRequest> {
      return eval::BindJson(*policy, json);
    };
    instance.evaluate = [code](const eval::BoundRequest& request,
                               const interp::EvalOptions& options) {
      return code->Evaluate(request, options);
    };
    return instance;
  };
  return backend;
#else
  (void)opt_level;
  *why = "built without the JIT (no signoff_jit CMake target)";
  return std::nullopt;
#endif
}

}  // namespace signoff::difftest
