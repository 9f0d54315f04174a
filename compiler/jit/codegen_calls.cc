// String literals, globs and regexes, map lookup and the built-in functions
// (stdlib/builtins.def), mirroring compiler/interp/expression.cc and
// builtin_call.cc. Built-ins are calls into stdlib through the helpers of
// runtime_calls.h, with precompiled objects as constant pointers.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/jit/codegen.h"
#include "llvm/IR/Constants.h"

namespace signoff::jit::internal {

Value Codegen::EmitConstString(const ir::Node& node) {
  if (node.ref >= policy_.strings.size()) return Internal("bad string");
  const std::string& s = policy_.strings[node.ref];
  return {Kind::kString, ConstPtr(s.data()), b_.getInt64(s.size()),
          b_.getInt64(interner_.IdOfString(node.ref))};
}

Value Codegen::EmitConstStringList(const ir::Node& node) {
  if (node.ref >= policy_.string_lists.size()) {
    return Internal("bad string list");
  }
  const std::vector<uint32_t>& indexes = policy_.string_lists[node.ref];
  auto list = std::make_unique<FlatString[]>(indexes.size());
  for (size_t i = 0; i < indexes.size(); ++i) {
    if (indexes[i] >= policy_.strings.size()) return Internal("bad string");
    const std::string& s = policy_.strings[indexes[i]];
    list[i] = {s.data(), static_cast<int64_t>(s.size()),
               interner_.IdOfString(indexes[i])};
  }
  pool_.string_lists.push_back(std::move(list));
  return {Kind::kListString, ConstPtr(pool_.string_lists.back().get()),
          b_.getInt64(indexes.size())};
}

Value Codegen::EmitLikeOrMatches(const ir::Node& node) {
  const void* object = nullptr;
  if (node.op == ir::Op::kLike) {
    if (node.ref >= policy_.globs.size() || !policy_.globs[node.ref]) {
      return Internal("bad glob");
    }
    object = policy_.globs[node.ref].get();
  } else {
    if (node.ref >= policy_.regexes.size() || !policy_.regexes[node.ref]) {
      return Internal("bad regex");
    }
    object = policy_.regexes[node.ref].get();
  }
  Value s = EmitString(node.args.empty() ? ir::kNoNode : node.args[0]);
  if (s.dead()) return s;
  Helper helper = node.op == ir::Op::kLike ? Helper::kLike : Helper::kMatches;
  return Bool(IsTrue(CallHelper(helper, {ConstPtr(object), s.a, s.b})));
}

Value Codegen::EmitIndex(const ir::Node& node) {
  auto arg = [&](size_t i) -> ir::NodeId {
    return i < node.args.size() ? node.args[i] : ir::kNoNode;
  };
  Value map = Take(Emit(arg(0)), Kind::kMap, "a map operand");
  if (map.dead()) return map;
  Value key = EmitString(arg(1));
  if (key.dead()) return key;
  return StringResult(Helper::kMapGet, {map.a, map.b, key.a, key.b,
                                        b_.getInt64(interner_.Find(""))});
}

Value Codegen::EmitCall(const ir::Node& node) {
  if (node.imm < 0 ||
      static_cast<size_t>(node.imm) >= stdlib::AllBuiltins().size()) {
    return Internal(absl::StrCat("unknown builtin ", node.imm));
  }
  const auto builtin = static_cast<stdlib::Builtin>(node.imm);
  auto arg = [&](size_t i) -> ir::NodeId {
    return i < node.args.size() ? node.args[i] : ir::kNoNode;
  };
  switch (builtin) {
    case stdlib::Builtin::kStartsWith:
    case stdlib::Builtin::kEndsWith:
    case stdlib::Builtin::kContains: {
      Value s = EmitString(arg(0));
      if (s.dead()) return s;
      Value t = EmitString(arg(1));
      if (t.dead()) return t;
      Helper helper =
          builtin == stdlib::Builtin::kStartsWith ? Helper::kStartsWith
          : builtin == stdlib::Builtin::kEndsWith ? Helper::kEndsWith
                                                  : Helper::kContains;
      return Bool(IsTrue(CallHelper(helper, {s.a, s.b, t.a, t.b})));
    }
    case stdlib::Builtin::kLower:
    case stdlib::Builtin::kUpper: {
      Value s = EmitString(arg(0));
      if (s.dead()) return s;
      llvm::Value* runtime = LoadAt(ptr_, request_, offsets::kRequestRuntime);
      return StringResult(
          builtin == stdlib::Builtin::kLower ? Helper::kLower : Helper::kUpper,
          {ConstPtr(&interner_), runtime, s.a, s.b});
    }
    case stdlib::Builtin::kLenString: {
      Value s = EmitString(arg(0));
      if (s.dead()) return s;
      return Int(CallHelper(Helper::kCodePoints, {s.a, s.b}));
    }
    case stdlib::Builtin::kLenListString:
    case stdlib::Builtin::kLenListInt: {
      Value list = Emit(arg(0));
      if (list.dead()) return list;
      if (list.kind == Kind::kListString || list.kind == Kind::kListInt) {
        return Int(list.b);
      }
      return Internal("`len` of a value that is not a list");
    }
    case stdlib::Builtin::kHasKey: {
      Value map = Emit(arg(0));
      if (map.dead()) return map;
      if (map.kind != Kind::kMap) return Internal("`has` of a non-map");
      Value key = EmitString(arg(1));
      if (key.dead()) return key;
      return Bool(
          IsTrue(CallHelper(Helper::kMapHas, {map.a, map.b, key.a, key.b})));
    }
    case stdlib::Builtin::kHour:
    case stdlib::Builtin::kWeekday: {
      if (node.ref >= policy_.timezones.size() ||
          !policy_.timezones[node.ref]) {
        return Internal("bad time zone");
      }
      Value t = EmitInt(arg(0));
      if (t.dead()) return t;
      return Int(CallHelper(
          builtin == stdlib::Builtin::kHour ? Helper::kHour : Helper::kWeekday,
          {ConstPtr(policy_.timezones[node.ref].get()), t.a}));
    }
    case stdlib::Builtin::kInCidr: {
      if (node.ref >= policy_.cidrs.size() || !policy_.cidrs[node.ref]) {
        return Internal("bad CIDR block");
      }
      Value ip = Emit(arg(0));
      if (ip.dead()) return ip;
      if (ip.kind != Kind::kIp) return Internal("`in_cidr` of a non-ip");
      return Bool(IsTrue(CallHelper(
          Helper::kInCidr, {ConstPtr(policy_.cidrs[node.ref].get()), ip.a})));
    }
  }
  return Internal("unknown builtin");
}

Value Codegen::StringResult(Helper helper, llvm::ArrayRef<llvm::Value*> args) {
  llvm::AllocaInst* out = EntryAlloca(sizeof(FlatString));
  std::vector<llvm::Value*> all(args.begin(), args.end());
  all.push_back(out);
  CallHelper(helper, all);
  return {Kind::kString, LoadAt(ptr_, out, offsets::kStringData),
          LoadAt(i64_, out, offsets::kStringSize),
          LoadAt(i64_, out, offsets::kStringId)};
}

// Interned ids are exact (abi.h): when either string has one, the ids
// decide; only two strings without ids compare bytes.
llvm::Value* Codegen::StringsEqual(const Value& a, const Value& b) {
  auto literal = [](llvm::Value* id) {
    auto* constant = llvm::dyn_cast<llvm::ConstantInt>(id);
    return constant != nullptr && !constant->isNegative();
  };
  llvm::Value* same_id = b_.CreateICmpEQ(a.c, b.c);
  if (literal(a.c) || literal(b.c)) return same_id;
  llvm::BasicBlock* from = b_.GetInsertBlock();
  auto* bytes = llvm::BasicBlock::Create(context_, "bytes", function_);
  auto* done = llvm::BasicBlock::Create(context_, "str_eq", function_);
  llvm::Value* neither =
      b_.CreateICmpSLT(b_.CreateAnd(a.c, b.c), b_.getInt64(0));
  b_.CreateCondBr(neither, bytes, done);
  b_.SetInsertPoint(bytes);
  llvm::Value* equal =
      IsTrue(CallHelper(Helper::kStrEqual, {a.a, a.b, b.a, b.b}));
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  llvm::PHINode* phi = b_.CreatePHI(i1_, 2);
  phi->addIncoming(same_id, from);
  phi->addIncoming(equal, bytes);
  return phi;
}

llvm::Value* Codegen::ValuesEqual(const Value& a, const Value& b) {
  switch (a.kind) {
    case Kind::kBool:
    case Kind::kInt:
      return b_.CreateICmpEQ(a.a, b.a);
    case Kind::kString:
      return StringsEqual(a, b);
    case Kind::kIp:
      return IsTrue(CallHelper(Helper::kIpEqual, {a.a, b.a}));
    case Kind::kListString:
      return IsTrue(CallHelper(Helper::kStrListEqual, {a.a, a.b, b.a, b.b}));
    case Kind::kListInt:
      return IsTrue(CallHelper(Helper::kIntListEqual, {a.a, a.b, b.a, b.b}));
    case Kind::kMap:
      return IsTrue(CallHelper(Helper::kMapEqual, {a.a, a.b, b.a, b.b}));
    case Kind::kDead:
      break;
  }
  return b_.getInt1(false);
}

}  // namespace signoff::jit::internal
