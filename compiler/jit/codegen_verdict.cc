// The verdict entry (abi.h): per declared action, the rules that can be
// candidates, with rules whose first condition is a string slot against
// literals indexed by a switch on the slot's interned id.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/jit/codegen.h"
#include "compiler/jit/flat_request.h"
#include "llvm/IR/Function.h"

namespace signoff::jit::internal {
namespace {

// A first condition of the form `SLOT == "lit"`, `"lit" == SLOT` or
// `SLOT in ["a", "b"]` on a string slot: it holds exactly when the slot's
// interned id is one of the literals' ids.
struct IndexKey {
  int slot = -1;
  std::vector<uint32_t> strings;  // indexes into Policy::strings
};

std::optional<IndexKey> FirstConditionKey(const ir::Policy& policy,
                                          const ir::Rule& rule) {
  if (rule.conditions.empty() || rule.conditions[0].negated) {
    return std::nullopt;
  }
  auto node = [&](ir::NodeId id) -> const ir::Node* {
    return id < policy.nodes.size() ? &policy.nodes[id] : nullptr;
  };
  const ir::Node* root = node(rule.conditions[0].expr);
  if (root == nullptr || root->args.size() != 2) return std::nullopt;
  const ir::Node* a = node(root->args[0]);
  const ir::Node* b = node(root->args[1]);
  if (a == nullptr || b == nullptr) return std::nullopt;
  auto is_string_slot = [&](const ir::Node* n) {
    return n->op == ir::Op::kSlot && n->type == Type::kString &&
           n->ref < policy.slots.size();
  };
  IndexKey key;
  if (root->op == ir::Op::kEq) {
    if (b->op == ir::Op::kConstString && is_string_slot(a)) std::swap(a, b);
    if (a->op != ir::Op::kConstString || !is_string_slot(b) ||
        a->ref >= policy.strings.size()) {
      return std::nullopt;
    }
    key.slot = static_cast<int>(b->ref);
    key.strings.push_back(a->ref);
    return key;
  }
  if (root->op == ir::Op::kInList && is_string_slot(a) &&
      b->op == ir::Op::kConstListString &&
      b->ref < policy.string_lists.size()) {
    key.slot = static_cast<int>(a->ref);
    for (uint32_t s : policy.string_lists[b->ref]) {
      if (s >= policy.strings.size()) return std::nullopt;
      key.strings.push_back(s);
    }
    return key;
  }
  return std::nullopt;
}

}  // namespace

void Codegen::EmitVerdictRule(size_t rule, llvm::Function* function,
                              llvm::Value* out, llvm::AllocaInst* count) {
  llvm::Value* packed = b_.CreateCall(function, {request_});
  llvm::Value* status = b_.CreateTrunc(packed, i32_);
  auto* keep = llvm::BasicBlock::Create(context_, "keep", function_);
  auto* next = llvm::BasicBlock::Create(context_, "next", function_);
  b_.CreateCondBr(b_.CreateICmpUGE(status, b_.getInt32(kStatusCandidate)), keep,
                  next);
  b_.SetInsertPoint(keep);
  llvm::Value* n = b_.CreateLoad(i64_, count);
  EmitStore(out, n, rule, packed);
  b_.CreateStore(b_.CreateAdd(n, b_.getInt64(1)), count);
  b_.CreateBr(next);
  b_.SetInsertPoint(next);
}

llvm::Function* Codegen::EmitVerdictAction(
    size_t action, const std::vector<size_t>& matched,
    const std::vector<llvm::Function*>& rules) {
  // Rules that apply, split into those keyed on a string slot and the rest;
  // the slot keying the most rules becomes the index.
  std::vector<size_t> applying;
  std::map<int, int> keyed_per_slot;
  std::vector<std::optional<IndexKey>> keys(policy_.rules.size());
  for (size_t r : matched) {
    if (!AppliesTo(policy_.rules[r], action)) continue;  // never a candidate
    applying.push_back(r);
    keys[r] = FirstConditionKey(policy_, policy_.rules[r]);
    if (keys[r]) ++keyed_per_slot[keys[r]->slot];
  }
  int index_slot = -1;
  int best = 1;  // an index pays off from two rules on
  for (const auto& [slot, n] : keyed_per_slot) {
    if (n > best) {
      best = n;
      index_slot = slot;
    }
  }
  std::vector<size_t> plain;
  std::map<int64_t, std::vector<size_t>> buckets;  // literal id -> rules
  for (size_t r : applying) {
    if (index_slot < 0 || !keys[r] || keys[r]->slot != index_slot) {
      plain.push_back(r);
      continue;
    }
    for (uint32_t s : keys[r]->strings) {
      std::vector<size_t>& bucket = buckets[interner_.IdOfString(s)];
      if (bucket.empty() || bucket.back() != r) bucket.push_back(r);
    }
  }

  auto* type = llvm::FunctionType::get(i64_, {ptr_, ptr_}, false);
  auto* function = llvm::Function::Create(
      type, llvm::Function::InternalLinkage,
      "verdict_" + policy_.actions[action].name, module_);
  function->addFnAttr(llvm::Attribute::NoInline);
  BeginFunction(function);
  llvm::Value* out = function->getArg(1);
  llvm::AllocaInst* count = EntryAlloca(8);
  b_.CreateStore(b_.getInt64(0), count);
  for (size_t r : plain) EmitVerdictRule(r, rules[r], out, count);
  if (!buckets.empty()) {
    llvm::Value* slot = b_.CreateConstInBoundsGEP1_64(
        i8_, slots_, static_cast<uint64_t>(index_slot) * offsets::kSlotSize);
    llvm::Value* id =
        LoadAt(i64_, slot, offsets::kSlotPayload + offsets::kStringId);
    auto* done = llvm::BasicBlock::Create(context_, "done", function);
    llvm::SwitchInst* on_id =
        b_.CreateSwitch(id, done, static_cast<unsigned>(buckets.size()));
    for (const auto& [literal, bucket] : buckets) {
      auto* block = llvm::BasicBlock::Create(context_, "literal", function);
      on_id->addCase(b_.getInt64(literal), block);
      b_.SetInsertPoint(block);
      for (size_t r : bucket) EmitVerdictRule(r, rules[r], out, count);
      b_.CreateBr(done);
    }
    b_.SetInsertPoint(done);
  }
  b_.CreateRet(b_.CreateLoad(i64_, count));
  EndFunction();
  return function;
}

void Codegen::EmitVerdictEntry(const std::string& entry_name,
                               const std::vector<llvm::Function*>& rules,
                               llvm::Function* generic) {
  auto* type = llvm::FunctionType::get(i64_, {ptr_, ptr_}, false);
  auto* entry = llvm::Function::Create(type, llvm::Function::ExternalLinkage,
                                       entry_name, module_);
  std::vector<std::pair<size_t, llvm::Function*>> cases;
  for (size_t a = 0; a < policy_.actions.size(); ++a) {
    if (rules_of_action_[a].empty()) continue;
    cases.emplace_back(a, EmitVerdictAction(a, rules_of_action_[a], rules));
  }
  EmitDispatch(entry, cases, generic);  // generic: every matching rule
}

}  // namespace signoff::jit::internal
