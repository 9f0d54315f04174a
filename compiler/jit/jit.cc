// CompiledPolicy: compile (codegen.h, lljit_host.h) and evaluate.
//
// Design (the files of compiler/jit/):
//   abi.h            flat request layout, entry function, rule results
//   runtime_calls.*  extern "C" helpers (stdlib built-ins over precompiled
//                    objects, string/list/map helpers, directory hook) and
//                    the literal interner
//   codegen*.cc      IR -> LLVM IR: one function per rule, an entry that
//                    switches on the declared action id
//   lljit_host.*     the process-wide LLJIT, O2, ResourceTracker per policy
//   flat_request.*   BoundRequest -> abi.h layout, routing and gates
//
// Evaluate runs the native entry for the conditions of every rule, then, in
// C++, renders the messages of `require` candidates and of the default with
// the interpreter's renderer (only candidates: off the allow/deny path) and
// turns error ids into the interpreter's texts. Requests that are not shaped
// for the policy, or whose action id disagrees with the action name (never
// from BindJson), are evaluated by the interpreter.
#include "compiler/jit/jit.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/fixed_array.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "compiler/jit/abi.h"
#include "compiler/jit/codegen.h"
#include "compiler/jit/flat_request.h"
#include "compiler/jit/json_binder.h"
#include "compiler/jit/lljit_host.h"
#include "compiler/jit/runtime_calls.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MemoryBuffer.h"
#include "stdlib/absl_compat.h"

namespace signoff::jit {

using internal::RuleResult;

class CompiledPolicy::Impl {
 public:
  explicit Impl(const ir::Policy& policy)
      : interner(policy),
        binder(policy, interner),
        slot_indexes(internal::SlotValueIndexes(policy)),
        generic_rules(internal::GenericRules(policy)),
        default_message_may_fail(MessageMayFail(policy.default_rule)) {
    for (size_t a = 0; a < policy.actions.size(); ++a) {
      declared.try_emplace(AsAbsl(policy.actions[a].name), a);
    }
    message_may_fail.reserve(policy.rules.size());
    for (const ir::Rule& rule : policy.rules) {
      message_may_fail.push_back(MessageMayFail(rule));
    }
  }

  // Whether rendering `rule`'s message as a candidate can fail (and so turn
  // a `require` candidate into an error): it interpolates an expression.
  static bool MessageMayFail(const ir::Rule& rule) {
    if (rule.effect != ir::Effect::kRequire || !rule.has_message) return false;
    for (const ir::MessagePart& part : rule.message) {
      if (part.expr != ir::kNoNode) return true;
    }
    return false;
  }

  // The route of abi.h for `request`, or nullopt when native code cannot
  // take it (not shaped for the policy; an action id that disagrees with
  // the action name): the interpreter decides those.
  std::optional<int> Route(const ir::Policy& policy,
                           const eval::BoundRequest& request) const;
  eval::Outcome Evaluate(const ir::Policy& policy,
                         const eval::BoundRequest& request,
                         const interp::EvalOptions& options) const;

  internal::Interner interner;
  internal::JsonBinder binder;  // reads interner
  std::vector<uint8_t> slot_indexes;
  std::vector<uint32_t> generic_rules;
  std::vector<bool> message_may_fail;  // per rule
  bool default_message_may_fail;
  absl::flat_hash_map<absl::string_view, size_t> declared;
  internal::ConstantPool pool;
  std::vector<std::string> errors;

  // The code deciding now: quick code first when tiered, then optimised.
  internal::EntryFunction* entry() const {
    return current.load(std::memory_order_acquire);
  }
  void Install(std::unique_ptr<internal::NativeCode> code, JitTier tier);
  void Optimize(std::unique_ptr<llvm::LLVMContext> context,
                std::unique_ptr<llvm::Module> module, std::string entry_name,
                JitOptions options);

  internal::EntryFunction* verdict_entry() const {
    return current_verdict.load(std::memory_order_acquire);
  }

  std::atomic<internal::EntryFunction*> current{nullptr};
  std::atomic<internal::EntryFunction*> current_verdict{nullptr};
  std::atomic<JitTier> current_tier{JitTier::kQuick};
  mutable std::mutex mu;
  mutable std::condition_variable optimized_cv;
  bool optimizing = false;        // guarded by mu
  absl::Status optimized_status;  // guarded by mu
  std::string llvm_ir;            // guarded by mu
  // Every code loaded stays until destruction: a decision may still be
  // running the quick code when the optimised code replaces it.
  std::vector<std::unique_ptr<internal::NativeCode>> code;  // guarded by mu
  // Declared last, joined first (~Impl): the background optimisation, which
  // uses the members above.
  std::thread optimizer;
  std::atomic<bool> cancel{false};  // set on destruction
  ~Impl() {
    cancel.store(true, std::memory_order_relaxed);
    if (optimizer.joinable()) optimizer.join();
  }
};

void CompiledPolicy::Impl::Install(std::unique_ptr<internal::NativeCode> code_,
                                   JitTier tier) {
  std::lock_guard<std::mutex> lock(mu);
  current.store(code_->entry(), std::memory_order_release);
  current_verdict.store(code_->verdict_entry(), std::memory_order_release);
  current_tier.store(tier, std::memory_order_release);
  code.push_back(std::move(code_));
}

// The optimised tier, on the background thread.
void CompiledPolicy::Impl::Optimize(std::unique_ptr<llvm::LLVMContext> context,
                                    std::unique_ptr<llvm::Module> module,
                                    std::string entry_name,
                                    JitOptions options) {
  std::string ir;
  absl::StatusOr<std::unique_ptr<llvm::MemoryBuffer>> object =
      cancel.load(std::memory_order_relaxed)
          ? absl::CancelledError("jit: compile cancelled")
          : internal::CompileToObject(
                *module, {.quick = false, .opt_level = options.opt_level},
                options.keep_llvm_ir ? &ir : nullptr, &cancel);
  module.reset();
  context.reset();
  absl::StatusOr<std::unique_ptr<internal::NativeCode>> loaded =
      object.ok() ? internal::LoadObject(*std::move(object), entry_name)
                  : absl::StatusOr<std::unique_ptr<internal::NativeCode>>(
                        object.status());
  if (loaded.ok()) Install(*std::move(loaded), JitTier::kOptimized);
  std::lock_guard<std::mutex> lock(mu);
  optimized_status = loaded.status();
  if (options.keep_llvm_ir && loaded.ok()) llvm_ir = std::move(ir);
  optimizing = false;
  optimized_cv.notify_all();
}

std::optional<int> CompiledPolicy::Impl::Route(
    const ir::Policy& policy, const eval::BoundRequest& request) const {
  if (!internal::Fits(slot_indexes, request)) return std::nullopt;
  const int id = request.action_id;
  if (id < 0) {
    if (declared.contains(AsAbsl(request.action))) return std::nullopt;
    return -1;
  }
  if (static_cast<size_t>(id) < policy.actions.size() &&
      policy.actions[id].name == request.action) {
    return id;
  }
  return std::nullopt;
}

eval::Outcome CompiledPolicy::Impl::Evaluate(
    const ir::Policy& policy, const eval::BoundRequest& request,
    const interp::EvalOptions& options) const {
  if (!request.valid()) {
    eval::Outcome outcome;
    outcome.rules.resize(policy.rules.size());
    return outcome;
  }
  std::optional<int> route = Route(policy, request);
  if (!route.has_value()) return interp::Evaluate(policy, request, options);
  internal::RuntimeContext runtime{&options, {}};
  internal::FlatRequest flat(policy, interner, request, &runtime, *route,
                             generic_rules);
  absl::FixedArray<RuleResult, 32> results(policy.rules.size());
  const int64_t count = entry()(flat.native(), results.data());

  eval::Outcome outcome;
  outcome.rules.resize(policy.rules.size());
  for (int64_t i = 0; i < count; ++i) {
    const RuleResult& result = results[i];
    eval::RuleOutcome& rule = outcome.rules[result.rule];
    switch (result.status) {
      case internal::kStatusNotApplicable:
        rule.status = eval::RuleStatus::kNotApplicable;
        break;
      case internal::kStatusConditionFailed:
        rule.status = eval::RuleStatus::kConditionFailed;
        rule.failed_condition = result.detail;
        break;
      case internal::kStatusCandidate:
        rule.status = eval::RuleStatus::kCandidate;
        interp::RenderMessage(policy, policy.rules[result.rule], request,
                              options, rule);
        break;
      case internal::kStatusError:
        rule.status = eval::RuleStatus::kError;
        rule.error = errors[result.detail];
        break;
      default:
        break;
    }
  }
  // The default always applies; only a `require` default has a message.
  outcome.default_rule.status = eval::RuleStatus::kCandidate;
  interp::RenderMessage(policy, policy.default_rule, request, options,
                        outcome.default_rule);
  return outcome;
}

struct FastScratch::Impl {
  internal::BindScratch bind;
  // The policy whose BindFast filled `bind`, and the route it computed.
  const CompiledPolicy::Impl* bound_for = nullptr;
  int64_t route = -1;
  std::vector<uint8_t> gates;  // route -1
  std::vector<RuleResult> results;
  std::vector<uint32_t> rules;  // the verdict's
  internal::RuntimeContext runtime{nullptr, {}};
};

FastScratch::FastScratch() : impl_(std::make_unique<Impl>()) {}
FastScratch::~FastScratch() = default;

FastResult CompiledPolicy::BindFast(std::string_view json,
                                    FastScratch& scratch) const {
  FastScratch::Impl& s = *scratch.impl_;
  s.bound_for = nullptr;
  if (impl_->binder.Bind(json, s.bind) !=
      internal::JsonBinder::Result::kBound) {
    return FastResult::kSlowPath;
  }
  s.route = s.bind.action_id();
  if (s.route < 0) {
    s.gates.resize(policy_->rules.size());
    internal::ComputeGates(
        *policy_, impl_->generic_rules,
        std::string_view(s.bind.action().data, s.bind.action().size),
        s.gates.data());
  }
  s.bound_for = impl_.get();
  return FastResult::kDecided;
}

FastResult CompiledPolicy::DecideBound(
    FastScratch& scratch, eval::Verdict& verdict,
    const interp::EvalOptions& options) const {
  FastScratch::Impl& s = *scratch.impl_;
  if (s.bound_for != impl_.get()) return FastResult::kSlowPath;
  const ir::Policy& policy = *policy_;
  s.runtime.options = &options;
  s.runtime.scratch.clear();
  const internal::NativeRequest native{s.bind.slots(), s.bind.action(), s.route,
                                       s.route < 0 ? s.gates.data() : nullptr,
                                       &s.runtime};
  if (s.results.size() < policy.rules.size()) {
    s.results.resize(policy.rules.size());
  }
  const int64_t count = impl_->verdict_entry()(&native, s.results.data());
  // The verdict entry lists only candidates and errors, and indexed rules
  // after the others: back to rule order (a handful of results).
  for (int64_t i = 1; i < count; ++i) {
    for (int64_t j = i; j > 0 && s.results[j].rule < s.results[j - 1].rule;
         --j) {
      std::swap(s.results[j], s.results[j - 1]);
    }
  }

  // §5.4 on the rule results (in rule order): deny overrides, then
  // require, then allow, then the default.
  bool deny = false;
  bool require = false;
  bool allow = false;
  for (int64_t i = 0; i < count; ++i) {
    const RuleResult& result = s.results[i];
    if (result.status == internal::kStatusError) {
      deny = true;
    } else if (result.status == internal::kStatusCandidate) {
      switch (policy.rules[result.rule].effect) {
        case ir::Effect::kDeny:
          deny = true;
          break;
        case ir::Effect::kRequire:
          // Rendering its message may fail, making it an error: a deny,
          // and one of a deny's deciding rules. Only the full path knows.
          if (impl_->message_may_fail[result.rule]) {
            return FastResult::kSlowPath;
          }
          require = true;
          break;
        case ir::Effect::kAllow:
          allow = true;
          break;
      }
    }
  }
  // The deciding effect, and the rules with it (errors count as denies).
  const bool by_default = !deny && !require && !allow;
  if (by_default && impl_->default_message_may_fail) {
    return FastResult::kSlowPath;
  }
  const ir::Effect deciding = by_default ? policy.default_rule.effect
                              : deny     ? ir::Effect::kDeny
                              : require  ? ir::Effect::kRequire
                                         : ir::Effect::kAllow;
  s.rules.clear();
  for (int64_t i = 0; i < count && !by_default; ++i) {
    const RuleResult& result = s.results[i];
    const bool error = result.status == internal::kStatusError;
    if (!error && result.status != internal::kStatusCandidate) continue;
    const ir::Effect effect =
        error ? ir::Effect::kDeny : policy.rules[result.rule].effect;
    if (effect == deciding)
      s.rules.push_back(static_cast<uint32_t>(result.rule));
  }
  verdict = eval::Verdict();
  verdict.kind = deciding == ir::Effect::kAllow ? eval::DecisionKind::kAllow
                 : deciding == ir::Effect::kDeny
                     ? eval::DecisionKind::kDeny
                     : eval::DecisionKind::kRequireApproval;
  verdict.decided_by_default = by_default;
  verdict.rules = s.rules;
  return FastResult::kDecided;
}

FastResult CompiledPolicy::DecideFast(
    std::string_view json, FastScratch& scratch, eval::Verdict& verdict,
    const interp::EvalOptions& options) const {
  if (BindFast(json, scratch) != FastResult::kDecided) {
    return FastResult::kSlowPath;
  }
  return DecideBound(scratch, verdict, options);
}

bool Available() { return internal::HostStatus().ok(); }

namespace {

// A module of `policy`'s code in a context of its own.
struct Generated {
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
};

absl::StatusOr<Generated> Generate(const ir::Policy& policy,
                                   const internal::Interner& interner,
                                   internal::ConstantPool& pool,
                                   const std::string& entry,
                                   std::vector<std::string>* errors) {
  Generated g;
  g.context = std::make_unique<llvm::LLVMContext>();
  g.module = std::make_unique<llvm::Module>("signoff_policy", *g.context);
  internal::Codegen codegen(policy, interner, pool, *g.module);
  if (absl::Status status = codegen.Run(entry); !status.ok()) return status;
  if (errors != nullptr) *errors = codegen.errors();
  return g;
}

}  // namespace

absl::StatusOr<std::unique_ptr<CompiledPolicy>> CompiledPolicy::Compile(
    std::shared_ptr<const ir::Policy> policy, const JitOptions& options) {
  if (policy == nullptr) return absl::InvalidArgumentError("jit: no policy");
  if (absl::Status host = internal::HostStatus(); !host.ok()) return host;
  auto impl = std::make_unique<Impl>(*policy);
  const bool quick_first = options.tiered || options.tier == JitTier::kQuick;
  const std::string entry = internal::UniqueEntryName();
  absl::StatusOr<Generated> first =
      Generate(*policy, impl->interner, impl->pool, entry, &impl->errors);
  if (!first.ok()) return first.status();
  // The optimised tier's module, generated now (codegen is a small part of
  // the time, and the pool must not grow while decisions run), compiled in
  // the background. Entry names differ: both tiers live in one JITDylib.
  std::optional<Generated> second;
  std::string second_entry;
  if (options.tiered) {
    second_entry = internal::UniqueEntryName();
    absl::StatusOr<Generated> g =
        Generate(*policy, impl->interner, impl->pool, second_entry, nullptr);
    if (!g.ok()) return g.status();
    second = *std::move(g);
  }

  std::string ir;
  absl::StatusOr<std::unique_ptr<llvm::MemoryBuffer>> object =
      internal::CompileToObject(
          *first->module,
          {.quick = quick_first, .opt_level = options.opt_level},
          options.keep_llvm_ir ? &ir : nullptr);
  if (!object.ok()) return object.status();
  first->module.reset();
  first->context.reset();
  absl::StatusOr<std::unique_ptr<internal::NativeCode>> code =
      internal::LoadObject(*std::move(object), entry);
  if (!code.ok()) return code.status();
  impl->llvm_ir = std::move(ir);
  impl->Install(*std::move(code),
                quick_first ? JitTier::kQuick : JitTier::kOptimized);

  if (second.has_value()) {
    impl->optimizing = true;
    Impl* raw = impl.get();
    impl->optimizer = std::thread(
        [raw, g = std::move(*second), second_entry, options]() mutable {
          raw->Optimize(std::move(g.context), std::move(g.module), second_entry,
                        options);
        });
  }
  return std::unique_ptr<CompiledPolicy>(
      new CompiledPolicy(std::move(policy), std::move(impl)));
}

JitTier CompiledPolicy::tier() const {
  return impl_->current_tier.load(std::memory_order_acquire);
}

absl::Status CompiledPolicy::WaitForOptimizedCode() const {
  std::unique_lock<std::mutex> lock(impl_->mu);
  impl_->optimized_cv.wait(lock, [this] { return !impl_->optimizing; });
  return impl_->optimized_status;
}

CompiledPolicy::CompiledPolicy(std::shared_ptr<const ir::Policy> policy,
                               std::unique_ptr<Impl> impl)
    : policy_(std::move(policy)), impl_(std::move(impl)) {}

CompiledPolicy::~CompiledPolicy() = default;

eval::Outcome CompiledPolicy::Evaluate(
    const eval::BoundRequest& request,
    const interp::EvalOptions& options) const {
  return impl_->Evaluate(*policy_, request, options);
}

std::string CompiledPolicy::llvm_ir() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->llvm_ir;
}

bool CompiledPolicy::RunsNatively(const eval::BoundRequest& request) const {
  return !request.valid() || impl_->Route(*policy_, request).has_value();
}

}  // namespace signoff::jit
