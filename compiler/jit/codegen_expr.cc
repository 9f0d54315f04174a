// Expressions: constants, request access, logic, comparison and checked
// arithmetic, each mirroring compiler/interp/expression.cc.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/interp/interpreter.h"
#include "compiler/jit/codegen.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Intrinsics.h"
#include "stdlib/absl_compat.h"

namespace signoff::jit::internal {
namespace {

// Deeper expression trees make Compile fail (the caller falls back to the
// interpreter), keeping code generation's recursion within any thread's
// stack. The parser limits expression depth to 1000; `and`/`or` chains of
// any length are emitted without recursion.
constexpr int kMaxDepth = 1500;

}  // namespace

Value Codegen::Emit(ir::NodeId id) {
  if (id >= policy_.nodes.size()) return MissingNode(id);
  if (++depth_ > kMaxDepth) {
    if (status_.ok()) {
      status_ = absl::ResourceExhaustedError(
          "jit: expression nesting too deep to compile");
    }
    --depth_;
    return Internal("expression too deep");
  }
  Value value = EmitOp(id, policy_.nodes[id]);
  --depth_;
  return value;
}

Value Codegen::EmitOp(ir::NodeId id, const ir::Node& node) {
  auto arg = [&](size_t i) -> ir::NodeId {
    return i < node.args.size() ? node.args[i] : ir::kNoNode;
  };
  switch (node.op) {
    case ir::Op::kConstBool:
      return Bool(b_.getInt1(node.imm != 0));
    case ir::Op::kConstInt:
    case ir::Op::kConstDuration:
      return Int(b_.getInt64(node.imm));
    case ir::Op::kConstString:
      return EmitConstString(node);
    case ir::Op::kConstListString:
      return EmitConstStringList(node);
    case ir::Op::kConstListInt: {
      if (node.ref >= policy_.int_lists.size()) {
        return Internal("bad int list");
      }
      const std::vector<int64_t>& list = policy_.int_lists[node.ref];
      return {Kind::kListInt, ConstPtr(list.data()), b_.getInt64(list.size())};
    }
    case ir::Op::kAction: {
      uint64_t at = offsets::kRequestAction;
      return {Kind::kString, LoadAt(ptr_, request_, at + offsets::kStringData),
              LoadAt(i64_, request_, at + offsets::kStringSize),
              LoadAt(i64_, request_, at + offsets::kStringId)};
    }
    case ir::Op::kSlot:
      return EmitSlot(node);
    case ir::Op::kPresent: {
      // Evaluate binds `present` for every slot of the policy.
      if (node.ref >= policy_.slots.size()) return Bool(b_.getInt1(false));
      return Bool(IsTrue(
          LoadAt(i64_, slots_,
                 node.ref * offsets::kSlotSize + offsets::kSlotPresent)));
    }
    case ir::Op::kAnd:
    case ir::Op::kOr:
      return EmitLogic(id);
    case ir::Op::kNot: {
      Value operand = EmitBool(arg(0));
      if (operand.dead()) return operand;
      return Bool(b_.CreateNot(operand.a));
    }
    case ir::Op::kEq:
    case ir::Op::kNe:
    case ir::Op::kLt:
    case ir::Op::kLe:
    case ir::Op::kGt:
    case ir::Op::kGe:
      return EmitCompare(node);
    case ir::Op::kAdd:
    case ir::Op::kSub:
    case ir::Op::kMul:
    case ir::Op::kNeg:
      return EmitArithmetic(node);
    case ir::Op::kInList:
      return EmitInList(node);
    case ir::Op::kInRange:
      return EmitInRange(node);
    case ir::Op::kInGroup:
      return EmitInGroup(node);
    case ir::Op::kLike:
    case ir::Op::kMatches:
      return EmitLikeOrMatches(node);
    case ir::Op::kIndex:
      return EmitIndex(node);
    case ir::Op::kCall:
      return EmitCall(node);
  }
  return Internal("unknown operation");
}

Value Codegen::MissingNode(ir::NodeId id) {
  return Internal(absl::StrCat("node ", id, " does not exist"));
}

Value Codegen::Take(Value value, Kind kind, const char* what) {
  if (value.dead() || value.kind == kind) return value;
  return Internal(absl::StrCat(what, " has the wrong runtime type"));
}

Value Codegen::EmitBool(ir::NodeId id) {
  return Take(Emit(id), Kind::kBool, "a boolean operand");
}

Value Codegen::EmitInt(ir::NodeId id) {
  return Take(Emit(id), Kind::kInt, "an integer operand");
}

Value Codegen::EmitString(ir::NodeId id) {
  return Take(Emit(id), Kind::kString, "a string operand");
}

Value Codegen::EmitSlot(const ir::Node& node) {
  // Evaluate hands native code only requests with one value per slot of
  // the policy, each of its slot type's kind.
  if (node.ref >= policy_.slots.size()) return Internal("bad slot");
  uint64_t at = node.ref * offsets::kSlotSize + offsets::kSlotPayload;
  switch (Kind kind = KindOf(policy_.slots[node.ref].type)) {
    case Kind::kBool:
      return Bool(IsTrue(LoadAt(i64_, slots_, at)));
    case Kind::kInt:
      return Int(LoadAt(i64_, slots_, at));
    case Kind::kString:
      return {kind, LoadAt(ptr_, slots_, at + offsets::kStringData),
              LoadAt(i64_, slots_, at + offsets::kStringSize),
              LoadAt(i64_, slots_, at + offsets::kStringId)};
    case Kind::kIp:
      return {kind, b_.CreateConstInBoundsGEP1_64(i8_, slots_, at)};
    case Kind::kListString:
    case Kind::kListInt:
    case Kind::kMap:
      return {kind, LoadAt(ptr_, slots_, at + offsets::kListData),
              LoadAt(i64_, slots_, at + offsets::kListSize)};
    case Kind::kDead:
      break;
  }
  return Internal("bad slot");
}

// `a or b or c` nests on the left: Or(Or(a, b), c). The chain is flattened
// into operands evaluated in order, stopping at the first that decides,
// which is what the nested short-circuits do.
Value Codegen::EmitLogic(ir::NodeId id) {
  const ir::Op op = policy_.nodes[id].op;
  const bool is_or = op == ir::Op::kOr;
  std::vector<ir::NodeId> operands;  // right operands, innermost last
  ir::NodeId left = id;
  while (left < policy_.nodes.size() && policy_.nodes[left].op == op) {
    const ir::Node& n = policy_.nodes[left];
    operands.push_back(n.args.size() > 1 ? n.args[1] : ir::kNoNode);
    left = n.args.empty() ? ir::kNoNode : n.args[0];
  }
  operands.push_back(left);
  auto* done = llvm::BasicBlock::Create(context_, is_or ? "or" : "and");
  std::vector<std::pair<llvm::Value*, llvm::BasicBlock*>> results;
  for (size_t i = operands.size(); i-- > 0;) {
    Value value = EmitBool(operands[i]);
    if (value.dead()) break;
    if (i == 0) {
      results.emplace_back(value.a, b_.GetInsertBlock());
      b_.CreateBr(done);
      break;
    }
    auto* next = llvm::BasicBlock::Create(context_, "rhs", function_);
    results.emplace_back(b_.getInt1(is_or), b_.GetInsertBlock());
    if (is_or) {
      b_.CreateCondBr(value.a, done, next);
    } else {
      b_.CreateCondBr(value.a, next, done);
    }
    b_.SetInsertPoint(next);
  }
  if (results.empty()) {  // the first operand always fails
    delete done;
    return Value{};
  }
  bool falls_through = b_.GetInsertBlock()->getTerminator() == nullptr;
  if (falls_through) {
    // The last operand failed unconditionally: this block is unreachable.
    b_.CreateUnreachable();
  }
  done->insertInto(function_);
  b_.SetInsertPoint(done);
  llvm::PHINode* phi = b_.CreatePHI(i1_, static_cast<unsigned>(results.size()));
  for (auto& [value, block] : results) phi->addIncoming(value, block);
  return Bool(phi);
}

Value Codegen::EmitCompare(const ir::Node& node) {
  if (node.args.empty()) {
    return Internal(absl::StrCat("`", AsAbsl(ir::OpName(node.op)),
                                 "` is missing operand 0"));
  }
  if (node.args[0] >= policy_.nodes.size()) {
    return MissingNode(node.args[0]);
  }
  const Type type = policy_.nodes[node.args[0]].type;
  Value left = Emit(node.args[0]);
  if (left.dead()) return left;
  Value right = Emit(node.args.size() > 1 ? node.args[1] : ir::kNoNode);
  if (right.dead()) return right;
  if (left.kind != right.kind) {
    return Internal("comparison of values of different types");
  }
  llvm::CmpInst::Predicate predicate = llvm::CmpInst::ICMP_EQ;
  switch (node.op) {
    case ir::Op::kNe:
      predicate = llvm::CmpInst::ICMP_NE;
      break;
    case ir::Op::kLt:
      predicate = llvm::CmpInst::ICMP_SLT;
      break;
    case ir::Op::kLe:
      predicate = llvm::CmpInst::ICMP_SLE;
      break;
    case ir::Op::kGt:
      predicate = llvm::CmpInst::ICMP_SGT;
      break;
    case ir::Op::kGe:
      predicate = llvm::CmpInst::ICMP_SGE;
      break;
    default:
      break;
  }
  switch (type) {
    case Type::kInt:
    case Type::kDuration:
    case Type::kTime:
    case Type::kString:
      // (The interpreter would throw on a value of another kind.)
      if (left.kind != (type == Type::kString ? Kind::kString : Kind::kInt)) {
        return Internal("comparison of values of different types");
      }
      if (left.kind == Kind::kInt) {
        return Bool(b_.CreateICmp(predicate, left.a, right.a));
      }
      if (node.op == ir::Op::kEq || node.op == ir::Op::kNe) {
        llvm::Value* equal = StringsEqual(left, right);
        return Bool(node.op == ir::Op::kEq ? equal : b_.CreateNot(equal));
      }
      return Bool(b_.CreateICmp(
          predicate,
          CallHelper(Helper::kStrCompare, {left.a, left.b, right.a, right.b}),
          b_.getInt64(0)));
    default:
      if (node.op == ir::Op::kEq) return Bool(ValuesEqual(left, right));
      if (node.op == ir::Op::kNe) {
        return Bool(b_.CreateNot(ValuesEqual(left, right)));
      }
      return Internal(absl::StrCat("values of type ", AsAbsl(TypeName(type)),
                                   " are not ordered"));
  }
}

Value Codegen::EmitArithmetic(const ir::Node& node) {
  Value a = EmitInt(node.args.empty() ? ir::kNoNode : node.args[0]);
  if (a.dead()) return a;
  llvm::Intrinsic::ID intrinsic = llvm::Intrinsic::smul_with_overflow;
  llvm::Value* lhs = a.a;
  llvm::Value* rhs = nullptr;
  if (node.op == ir::Op::kNeg) {
    intrinsic = llvm::Intrinsic::ssub_with_overflow;
    lhs = b_.getInt64(0);
    rhs = a.a;
  } else {
    Value b = EmitInt(node.args.size() > 1 ? node.args[1] : ir::kNoNode);
    if (b.dead()) return b;
    rhs = b.a;
    if (node.op == ir::Op::kAdd)
      intrinsic = llvm::Intrinsic::sadd_with_overflow;
    if (node.op == ir::Op::kSub)
      intrinsic = llvm::Intrinsic::ssub_with_overflow;
  }
  llvm::Value* result =
      b_.CreateBinaryIntrinsic(intrinsic, lhs, rhs, nullptr, "checked");
  FailIf(b_.CreateExtractValue(result, 1), interp::OverflowMessage(node.op));
  return Int(b_.CreateExtractValue(result, 0));
}

}  // namespace signoff::jit::internal
