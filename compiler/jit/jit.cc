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

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/fixed_array.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "compiler/jit/abi.h"
#include "compiler/jit/codegen.h"
#include "compiler/jit/flat_request.h"
#include "compiler/jit/lljit_host.h"
#include "compiler/jit/runtime_calls.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "stdlib/absl_compat.h"

namespace signoff::jit {

using internal::RuleResult;

class CompiledPolicy::Impl {
 public:
  explicit Impl(const ir::Policy& policy)
      : interner(policy),
        slot_indexes(internal::SlotValueIndexes(policy)),
        generic_rules(internal::GenericRules(policy)) {
    for (size_t a = 0; a < policy.actions.size(); ++a) {
      declared.try_emplace(AsAbsl(policy.actions[a].name), a);
    }
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
  std::vector<uint8_t> slot_indexes;
  std::vector<uint32_t> generic_rules;
  absl::flat_hash_map<absl::string_view, size_t> declared;
  internal::ConstantPool pool;
  std::vector<std::string> errors;
  std::string llvm_ir;
  // Declared last, destroyed first: the code goes before what it points to.
  std::unique_ptr<internal::NativeCode> code;
};

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
  const int64_t count = code->entry()(flat.native(), results.data());

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

bool Available() { return internal::HostStatus().ok(); }

absl::StatusOr<std::unique_ptr<CompiledPolicy>> CompiledPolicy::Compile(
    std::shared_ptr<const ir::Policy> policy, const JitOptions& options) {
  if (policy == nullptr) return absl::InvalidArgumentError("jit: no policy");
  if (absl::Status host = internal::HostStatus(); !host.ok()) return host;
  auto impl = std::make_unique<Impl>(*policy);
  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = std::make_unique<llvm::Module>("signoff_policy", *context);
  const std::string entry = internal::UniqueEntryName();
  {
    internal::Codegen codegen(*policy, impl->interner, impl->pool, *module);
    if (absl::Status status = codegen.Run(entry); !status.ok()) return status;
    impl->errors = codegen.errors();
  }
  absl::StatusOr<std::unique_ptr<internal::NativeCode>> code =
      internal::LoadModule(std::move(context), std::move(module), entry,
                           options.opt_level,
                           options.keep_llvm_ir ? &impl->llvm_ir : nullptr);
  if (!code.ok()) return code.status();
  impl->code = *std::move(code);
  return std::unique_ptr<CompiledPolicy>(
      new CompiledPolicy(std::move(policy), std::move(impl)));
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

const std::string& CompiledPolicy::llvm_ir() const { return impl_->llvm_ir; }

bool CompiledPolicy::RunsNatively(const eval::BoundRequest& request) const {
  return !request.valid() || impl_->Route(*policy_, request).has_value();
}

}  // namespace signoff::jit
