// Membership: `in` literal lists (a switch on interned ids or values), list
// fields, ranges, and groups (static members by id, then the directory),
// mirroring compiler/interp/expression.cc.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/jit/codegen.h"
#include "llvm/IR/Constants.h"
#include "stdlib/absl_compat.h"

namespace signoff::jit::internal {
Value Codegen::EmitInList(const ir::Node& node) {
  if (node.args.size() < 2) {
    return Internal(absl::StrCat("`", AsAbsl(ir::OpName(node.op)),
                                 "` is missing operand 1"));
  }
  if (node.args[1] >= policy_.nodes.size()) {
    return MissingNode(node.args[1]);
  }
  const ir::Node& list_node = policy_.nodes[node.args[1]];
  Value needle = Emit(node.args[0]);
  if (needle.dead()) return needle;
  // A literal list of strings: a switch on the needle's interned id.
  if (list_node.op == ir::Op::kConstListString &&
      list_node.ref < policy_.string_lists.size()) {
    if (needle.kind != Kind::kString) {
      return Internal("`in` of a non-string in strings");
    }
    std::vector<int64_t> ids;
    for (uint32_t index : policy_.string_lists[list_node.ref]) {
      if (index < policy_.strings.size()) {
        ids.push_back(interner_.IdOfString(index));
      }
    }
    return Bool(OneOf(needle.c, ids));
  }
  Value list = Emit(node.args[1]);
  if (list.dead()) return list;
  if (list.kind == Kind::kListString) {
    if (needle.kind != Kind::kString) {
      return Internal("`in` of a non-string in strings");
    }
    return Bool(
        IsTrue(CallHelper(Helper::kStrListContains,
                          {list.a, list.b, needle.a, needle.b, needle.c})));
  }
  if (list.kind == Kind::kListInt) {
    if (needle.kind != Kind::kInt) {
      return Internal("`in` of a non-integer in integers");
    }
    if (list_node.op == ir::Op::kConstListInt) {  // valid: it was emitted
      return Bool(OneOf(needle.a, policy_.int_lists[list_node.ref]));
    }
    return Bool(IsTrue(
        CallHelper(Helper::kIntListContains, {list.a, list.b, needle.a})));
  }
  return Internal("`in` of a value that is not a list");
}

Value Codegen::EmitInRange(const ir::Node& node) {
  auto arg = [&](size_t i) -> ir::NodeId {
    return i < node.args.size() ? node.args[i] : ir::kNoNode;
  };
  Value value = EmitInt(arg(0));
  if (value.dead()) return value;
  Value low = EmitInt(arg(1));
  if (low.dead()) return low;
  Value high = EmitInt(arg(2));
  if (high.dead()) return high;
  return Bool(b_.CreateAnd(b_.CreateICmpSLE(low.a, value.a),
                           b_.CreateICmpSLE(value.a, high.a)));
}

Value Codegen::EmitInGroup(const ir::Node& node) {
  if (node.ref >= policy_.groups.size()) return Internal("bad group");
  Value id = EmitString(node.args.empty() ? ir::kNoNode : node.args[0]);
  if (id.dead()) return id;
  const ir::Group& group = policy_.groups[node.ref];
  std::vector<int64_t> members;
  for (const std::string& member : group.members) {
    members.push_back(interner_.Find(member));
  }
  llvm::Value* member = OneOf(id.c, members);
  if (group.directories.empty()) return Bool(member);
  // Not a static member: ask the directory (through EvalOptions).
  llvm::BasicBlock* from = b_.GetInsertBlock();
  auto* ask = llvm::BasicBlock::Create(context_, "directory", function_);
  auto* done = llvm::BasicBlock::Create(context_, "in_group", function_);
  b_.CreateCondBr(member, done, ask);
  b_.SetInsertPoint(ask);
  llvm::Value* runtime = LoadAt(ptr_, request_, offsets::kRequestRuntime);
  llvm::Value* listed = IsTrue(CallHelper(
      Helper::kInDirectory, {runtime, ConstPtr(&group), id.a, id.b}));
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  llvm::PHINode* phi = b_.CreatePHI(i1_, 2);
  phi->addIncoming(b_.getInt1(true), from);
  phi->addIncoming(listed, ask);
  return Bool(phi);
}

llvm::Value* Codegen::OneOf(llvm::Value* key,
                            const std::vector<int64_t>& values) {
  if (values.empty()) return b_.getInt1(false);
  std::vector<int64_t> distinct = values;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  llvm::BasicBlock* from = b_.GetInsertBlock();
  auto* found = llvm::BasicBlock::Create(context_, "found", function_);
  auto* done = llvm::BasicBlock::Create(context_, "one_of", function_);
  llvm::SwitchInst* cases =
      b_.CreateSwitch(key, done, static_cast<unsigned>(distinct.size()));
  for (int64_t v : distinct) cases->addCase(b_.getInt64(v), found);
  b_.SetInsertPoint(found);
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  llvm::PHINode* phi = b_.CreatePHI(i1_, 2);
  phi->addIncoming(b_.getInt1(false), from);
  phi->addIncoming(b_.getInt1(true), found);
  return phi;
}

}  // namespace signoff::jit::internal
