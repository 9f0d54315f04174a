// The module's functions: one per rule (its conditions in order) and the
// entry function, which dispatches on the declared action id (abi.h).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/jit/codegen.h"
#include "compiler/jit/flat_request.h"
#include "llvm/IR/Attributes.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/Support/ModRef.h"

namespace signoff::jit::internal {
Kind KindOf(Type type) {
  switch (type) {
    case Type::kInt:
    case Type::kDuration:
    case Type::kTime:
      return Kind::kInt;
    case Type::kString:
      return Kind::kString;
    case Type::kIp:
      return Kind::kIp;
    case Type::kListString:
      return Kind::kListString;
    case Type::kListInt:
      return Kind::kListInt;
    case Type::kMapStringString:
      return Kind::kMap;
    case Type::kBool:
    case Type::kError:
    case Type::kGroup:
    case Type::kRange:
      break;
  }
  return Kind::kBool;
}

Codegen::Codegen(const ir::Policy& policy, const Interner& interner,
                 ConstantPool& pool, llvm::Module& module)
    : policy_(policy),
      interner_(interner),
      pool_(pool),
      module_(module),
      context_(module.getContext()),
      b_(module.getContext()),
      i1_(b_.getInt1Ty()),
      i8_(b_.getInt8Ty()),
      i32_(b_.getInt32Ty()),
      i64_(b_.getInt64Ty()),
      ptr_(b_.getPtrTy()) {
  for (const HelperInfo& helper : AllHelpers()) {
    std::string_view signature = helper.signature;  // "r(args)"
    llvm::Type* result = signature[0] == 'v' ? b_.getVoidTy() : i64_;
    std::vector<llvm::Type*> params;
    for (char c : signature.substr(2, signature.size() - 3)) {
      params.push_back(c == 'p' ? static_cast<llvm::Type*>(ptr_) : i64_);
    }
    llvm::FunctionCallee callee = module_.getOrInsertFunction(
        helper.name, llvm::FunctionType::get(result, params, false));
    auto* function = llvm::cast<llvm::Function>(callee.getCallee());
    if (helper.pure) {
      function->setMemoryEffects(llvm::MemoryEffects::readOnly());
      function->setDoesNotThrow();
      function->addFnAttr(llvm::Attribute::WillReturn);
    }
    helpers_.push_back(callee);
  }
}

absl::Status Codegen::Run(const std::string& entry_name) {
  // Both entries dispatch to the same per-action rule lists.
  rules_of_action_.assign(policy_.actions.size(), {});
  for (size_t a = 0; a < policy_.actions.size(); ++a) {
    for (size_t r = 0; r < policy_.rules.size(); ++r) {
      if (AnyPatternMatches(policy_.rules[r], policy_.actions[a].name)) {
        rules_of_action_[a].push_back(r);
      }
    }
  }
  std::vector<llvm::Function*> rules;
  for (size_t i = 0; i < policy_.rules.size(); ++i) {
    rules.push_back(EmitRule(i));
    if (!status_.ok()) return status_;
  }
  EmitEntry(entry_name, rules);
  return status_;
}

llvm::Function* Codegen::EmitRule(size_t index) {
  const ir::Rule& rule = policy_.rules[index];
  auto* type = llvm::FunctionType::get(i64_, {ptr_}, false);
  auto* function =
      llvm::Function::Create(type, llvm::Function::InternalLinkage,
                             absl::StrCat("rule_", index), module_);
  BeginFunction(function);
  for (size_t i = 0; i < rule.conditions.size(); ++i) {
    const ir::Condition& condition = rule.conditions[i];
    Value value = EmitBool(condition.expr);
    if (value.dead()) break;  // the condition always fails with an error
    llvm::Value* holds = condition.negated ? b_.CreateNot(value.a) : value.a;
    auto* failed = llvm::BasicBlock::Create(context_, "failed", function_);
    auto* next = llvm::BasicBlock::Create(context_, "next", function_);
    b_.CreateCondBr(holds, next, failed);
    b_.SetInsertPoint(failed);
    b_.CreateRet(Pack(kStatusConditionFailed, static_cast<uint32_t>(i)));
    b_.SetInsertPoint(next);
  }
  b_.CreateRet(Pack(kStatusCandidate, 0));
  EndFunction();
  return function;
}

void Codegen::EmitStore(llvm::Value* out, llvm::Value* n, size_t rule,
                        llvm::Value* packed) {
  llvm::Value* record = b_.CreateInBoundsGEP(
      i8_, out, b_.CreateMul(n, b_.getInt64(offsets::kResultSize)));
  auto at = [&](uint64_t offset) {
    return b_.CreateConstInBoundsGEP1_64(i8_, record, offset);
  };
  b_.CreateStore(b_.getInt32(static_cast<uint32_t>(rule)),
                 at(offsets::kResultRule));
  b_.CreateStore(b_.CreateTrunc(packed, i32_), at(offsets::kResultStatus));
  b_.CreateStore(b_.CreateTrunc(b_.CreateLShr(packed, 32), i32_),
                 at(offsets::kResultDetail));
}

// The entry is a jump table: each declared action's case and the generic
// path are functions of their own (kept out of line, so that compile time
// stays linear in the policy's size), reached by a tail call.
void Codegen::EmitEntry(const std::string& entry_name,
                        const std::vector<llvm::Function*>& rules) {
  auto* type = llvm::FunctionType::get(i64_, {ptr_, ptr_}, false);
  auto make = [&](const std::string& name, bool external) {
    auto* function =
        llvm::Function::Create(type,
                               external ? llvm::Function::ExternalLinkage
                                        : llvm::Function::InternalLinkage,
                               name, module_);
    if (!external) function->addFnAttr(llvm::Attribute::NoInline);
    return function;
  };
  auto* entry = make(entry_name, true);
  std::vector<std::pair<size_t, llvm::Function*>> cases;
  for (size_t a = 0; a < policy_.actions.size(); ++a) {
    const std::string& action = policy_.actions[a].name;
    const std::vector<size_t>& matched = rules_of_action_[a];
    if (matched.empty()) continue;
    // A declared action: exactly the rules whose patterns match it, decided
    // now; each either applies (evaluate) or reads params it lacks.
    llvm::Function* function = make("action_" + action, false);
    BeginFunction(function);
    llvm::Value* out = function->getArg(1);
    for (size_t n = 0; n < matched.size(); ++n) {
      size_t r = matched[n];
      llvm::Value* packed =
          AppliesTo(policy_.rules[r], a)
              ? static_cast<llvm::Value*>(b_.CreateCall(rules[r], {request_}))
              : Pack(kStatusNotApplicable, 0);
      EmitStore(out, b_.getInt64(n), r, packed);
    }
    b_.CreateRet(b_.getInt64(matched.size()));
    EndFunction();
    cases.emplace_back(a, function);
  }
  llvm::Function* generic = EmitGeneric(make("generic", false), rules);
  EmitVerdictEntry(entry_name + std::string(kVerdictSuffix), rules, generic);

  EmitDispatch(entry, cases, generic);
}

// The body of an entry: a switch on the route to the declared actions'
// functions, -1 to `generic`, by tail calls; no results for a declared
// action no rule matches.
void Codegen::EmitDispatch(
    llvm::Function* entry,
    const std::vector<std::pair<size_t, llvm::Function*>>& cases,
    llvm::Function* generic) {
  BeginFunction(entry);
  auto forward = [&](llvm::Function* to) {
    llvm::CallInst* call =
        b_.CreateCall(to, {entry->getArg(0), entry->getArg(1)});
    call->setTailCall();
    b_.CreateRet(call);
  };
  llvm::Value* route = LoadAt(i64_, request_, offsets::kRequestRoute);
  auto* declared = llvm::BasicBlock::Create(context_, "declared", entry);
  auto* undeclared = llvm::BasicBlock::Create(context_, "generic", entry);
  auto* none = llvm::BasicBlock::Create(context_, "none", entry);
  b_.CreateCondBr(b_.CreateICmpSLT(route, b_.getInt64(0)), undeclared,
                  declared);
  b_.SetInsertPoint(undeclared);
  forward(generic);
  b_.SetInsertPoint(declared);
  llvm::SwitchInst* dispatch =
      b_.CreateSwitch(route, none, static_cast<unsigned>(cases.size()));
  for (const auto& [action, function] : cases) {
    auto* block = llvm::BasicBlock::Create(context_, "case", entry);
    dispatch->addCase(b_.getInt64(action), block);
    b_.SetInsertPoint(block);
    forward(function);
  }
  b_.SetInsertPoint(none);
  b_.CreateRet(b_.getInt64(0));
  EndFunction();
}

// An undeclared action: only rules that can match one, gated by C++'s
// pattern matching; see abi.h.
llvm::Function* Codegen::EmitGeneric(
    llvm::Function* function, const std::vector<llvm::Function*>& rules) {
  BeginFunction(function);
  llvm::Value* out = function->getArg(1);
  llvm::Value* gates = LoadAt(ptr_, request_, offsets::kRequestGates);
  llvm::AllocaInst* count = EntryAlloca(8);
  b_.CreateStore(b_.getInt64(0), count);
  for (uint32_t r : GenericRules(policy_)) {
    llvm::Value* gate = LoadAt(i8_, gates, r);
    auto* skip = llvm::BasicBlock::Create(context_, "next", function);
    auto* not_applicable = llvm::BasicBlock::Create(context_, "na", function);
    auto* evaluate = llvm::BasicBlock::Create(context_, "eval", function);
    llvm::SwitchInst* on_gate = b_.CreateSwitch(gate, skip, 2);
    on_gate->addCase(b_.getInt8(kGateNotApplicable), not_applicable);
    on_gate->addCase(b_.getInt8(kGateEvaluate), evaluate);
    for (bool applies : {false, true}) {
      b_.SetInsertPoint(applies ? evaluate : not_applicable);
      llvm::Value* packed = Pack(kStatusNotApplicable, 0);
      if (applies) {
        // The slow path shares the rule functions rather than inlining
        // them a second time (compile time).
        llvm::CallInst* call = b_.CreateCall(rules[r], {request_});
        call->setIsNoInline();
        packed = call;
      }
      llvm::Value* n = b_.CreateLoad(i64_, count);
      EmitStore(out, n, r, packed);
      b_.CreateStore(b_.CreateAdd(n, b_.getInt64(1)), count);
      b_.CreateBr(skip);
    }
    b_.SetInsertPoint(skip);
  }
  b_.CreateRet(b_.CreateLoad(i64_, count));
  EndFunction();
  return function;
}

void Codegen::BeginFunction(llvm::Function* function) {
  function_ = function;
  function->addFnAttr(
      llvm::Attribute::getWithUWTableKind(context_, llvm::UWTableKind::Async));
  b_.SetInsertPoint(llvm::BasicBlock::Create(context_, "entry", function));
  request_ = function->getArg(0);
  slots_ = LoadAt(ptr_, request_, offsets::kRequestSlots);
  depth_ = 0;
}

void Codegen::EndFunction() {
  // Blocks after an unconditional error have no predecessors.
  for (llvm::BasicBlock& block : *function_) {
    if (block.getTerminator() == nullptr) {
      b_.SetInsertPoint(&block);
      b_.CreateUnreachable();
    }
  }
  function_ = nullptr;
}

llvm::Value* Codegen::Pack(int32_t status, uint32_t detail) {
  return b_.getInt64((static_cast<uint64_t>(detail) << 32) |
                     static_cast<uint32_t>(status));
}

Value Codegen::Fail(const std::string& text) {
  auto [it, inserted] =
      error_ids_.try_emplace(text, static_cast<uint32_t>(errors_.size()));
  if (inserted) errors_.push_back(text);
  b_.CreateRet(Pack(kStatusError, it->second));
  b_.SetInsertPoint(llvm::BasicBlock::Create(context_, "dead", function_));
  return Value{};
}

Value Codegen::Internal(const std::string& what) {
  return Fail("internal error: " + what);
}

void Codegen::FailIf(llvm::Value* condition, const std::string& text) {
  auto* error = llvm::BasicBlock::Create(context_, "error", function_);
  auto* ok = llvm::BasicBlock::Create(context_, "ok", function_);
  b_.CreateCondBr(condition, error, ok);
  b_.SetInsertPoint(error);
  Fail(text);
  b_.SetInsertPoint(ok);
}

llvm::Value* Codegen::CallHelper(Helper helper,
                                 llvm::ArrayRef<llvm::Value*> args) {
  return b_.CreateCall(helpers_[static_cast<size_t>(helper)], args);
}

llvm::Value* Codegen::ConstPtr(const void* pointer) {
  return llvm::ConstantExpr::getIntToPtr(
      b_.getInt64(reinterpret_cast<uint64_t>(pointer)), ptr_);
}

llvm::Value* Codegen::LoadAt(llvm::Type* type, llvm::Value* base,
                             uint64_t offset) {
  return b_.CreateLoad(type, b_.CreateConstInBoundsGEP1_64(i8_, base, offset));
}

llvm::AllocaInst* Codegen::EntryAlloca(uint64_t bytes) {
  llvm::BasicBlock& entry = function_->getEntryBlock();
  llvm::IRBuilder<> at(&entry, entry.getFirstInsertionPt());
  llvm::AllocaInst* slot =
      at.CreateAlloca(llvm::ArrayType::get(i8_, bytes), nullptr);
  slot->setAlignment(llvm::Align(8));
  return slot;
}

llvm::Value* Codegen::IsTrue(llvm::Value* i64) {
  return b_.CreateICmpNE(i64, b_.getInt64(0));
}

}  // namespace signoff::jit::internal
