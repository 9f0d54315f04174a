// Evaluation of IR expression trees (ir_ops.def), except built-in calls
// (builtin_call.cc).
#include "compiler/interp/expression.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "stdlib/absl_compat.h"

namespace signoff::interp::internal {
namespace {

using eval::Value;

absl::Status Internal(std::string_view what) {
  return absl::InternalError(absl::StrCat("internal error: ", AsAbsl(what)));
}

template <typename T>
absl::StatusOr<T> Take(absl::StatusOr<Value> value, std::string_view what) {
  if (!value.ok()) return value.status();
  if (T* t = std::get_if<T>(&*value)) return std::move(*t);
  return Internal(absl::StrCat(AsAbsl(what), " has the wrong runtime type"));
}

template <typename T>
bool Ordered(ir::Op op, const T& a, const T& b) {
  switch (op) {
    case ir::Op::kEq:
      return a == b;
    case ir::Op::kNe:
      return a != b;
    case ir::Op::kLt:
      return a < b;
    case ir::Op::kLe:
      return a <= b;
    case ir::Op::kGt:
      return a > b;
    default:  // kGe
      return a >= b;
  }
}

}  // namespace

absl::StatusOr<const ir::Node*> ExpressionEvaluator::GetNode(
    ir::NodeId id) const {
  if (id >= policy_.nodes.size()) {
    return Internal(absl::StrCat("node ", id, " does not exist"));
  }
  return &policy_.nodes[id];
}

absl::StatusOr<const ir::Node*> ExpressionEvaluator::Arg(const ir::Node& node,
                                                         size_t i) const {
  if (i >= node.args.size()) {
    return Internal(absl::StrCat("`", AsAbsl(ir::OpName(node.op)),
                                 "` is missing operand ", i));
  }
  return GetNode(node.args[i]);
}

absl::StatusOr<bool> ExpressionEvaluator::EvalBool(ir::NodeId id) const {
  return Take<bool>(Eval(id), "a boolean operand");
}

absl::StatusOr<int64_t> ExpressionEvaluator::EvalInt(ir::NodeId id) const {
  return Take<int64_t>(Eval(id), "an integer operand");
}

absl::StatusOr<std::string> ExpressionEvaluator::EvalString(
    ir::NodeId id) const {
  return Take<std::string>(Eval(id), "a string operand");
}

absl::StatusOr<Value> ExpressionEvaluator::Eval(ir::NodeId id) const {
  absl::StatusOr<const ir::Node*> found = GetNode(id);
  if (!found.ok()) return found.status();
  const ir::Node& node = **found;
  auto arg = [&](size_t i) -> ir::NodeId {
    return i < node.args.size() ? node.args[i] : ir::kNoNode;
  };
  switch (node.op) {
    case ir::Op::kConstBool:
      return Value(node.imm != 0);
    case ir::Op::kConstInt:
    case ir::Op::kConstDuration:
      return Value(node.imm);
    case ir::Op::kConstString:
      if (node.ref >= policy_.strings.size()) return Internal("bad string");
      return Value(policy_.strings[node.ref]);
    case ir::Op::kConstListString: {
      if (node.ref >= policy_.string_lists.size()) {
        return Internal("bad string list");
      }
      eval::StringList list;
      for (uint32_t s : policy_.string_lists[node.ref]) {
        if (s >= policy_.strings.size()) return Internal("bad string");
        list.push_back(policy_.strings[s]);
      }
      return Value(std::move(list));
    }
    case ir::Op::kConstListInt:
      if (node.ref >= policy_.int_lists.size()) {
        return Internal("bad int list");
      }
      return Value(policy_.int_lists[node.ref]);
    case ir::Op::kAction:
      return Value(request_.action);
    case ir::Op::kSlot:
      if (node.ref >= request_.slots.size()) return Internal("bad slot");
      return request_.slots[node.ref];
    case ir::Op::kPresent:
      return Value(node.ref < request_.present.size() &&
                   request_.present[node.ref]);
    case ir::Op::kAnd:
    case ir::Op::kOr: {
      absl::StatusOr<bool> left = EvalBool(arg(0));
      if (!left.ok()) return left.status();
      // Short-circuit: the right side is not evaluated (so cannot fail)
      // when the left side decides.
      if (*left == (node.op == ir::Op::kOr)) return Value(*left);
      absl::StatusOr<bool> right = EvalBool(arg(1));
      if (!right.ok()) return right.status();
      return Value(*right);
    }
    case ir::Op::kNot: {
      absl::StatusOr<bool> operand = EvalBool(arg(0));
      if (!operand.ok()) return operand.status();
      return Value(!*operand);
    }
    case ir::Op::kEq:
    case ir::Op::kNe:
    case ir::Op::kLt:
    case ir::Op::kLe:
    case ir::Op::kGt:
    case ir::Op::kGe: {
      absl::StatusOr<bool> result = Compare(node);
      if (!result.ok()) return result.status();
      return Value(*result);
    }
    case ir::Op::kAdd:
    case ir::Op::kSub:
    case ir::Op::kMul:
    case ir::Op::kNeg: {
      absl::StatusOr<int64_t> result = Arithmetic(node);
      if (!result.ok()) return result.status();
      return Value(*result);
    }
    case ir::Op::kInList: {
      absl::StatusOr<bool> result = InList(node);
      if (!result.ok()) return result.status();
      return Value(*result);
    }
    case ir::Op::kInRange: {
      absl::StatusOr<int64_t> value = EvalInt(arg(0));
      if (!value.ok()) return value.status();
      absl::StatusOr<int64_t> low = EvalInt(arg(1));
      if (!low.ok()) return low.status();
      absl::StatusOr<int64_t> high = EvalInt(arg(2));
      if (!high.ok()) return high.status();
      return Value(*low <= *value && *value <= *high);
    }
    case ir::Op::kInGroup: {
      absl::StatusOr<bool> result = InGroup(node);
      if (!result.ok()) return result.status();
      return Value(*result);
    }
    case ir::Op::kLike: {
      if (node.ref >= policy_.globs.size() || !policy_.globs[node.ref]) {
        return Internal("bad glob");
      }
      absl::StatusOr<std::string> s = EvalString(arg(0));
      if (!s.ok()) return s.status();
      return Value(policy_.globs[node.ref]->Matches(*s));
    }
    case ir::Op::kMatches: {
      if (node.ref >= policy_.regexes.size() || !policy_.regexes[node.ref]) {
        return Internal("bad regex");
      }
      absl::StatusOr<std::string> s = EvalString(arg(0));
      if (!s.ok()) return s.status();
      return Value(policy_.regexes[node.ref]->FullMatch(*s));
    }
    case ir::Op::kIndex: {
      absl::StatusOr<eval::StringMap> map =
          Take<eval::StringMap>(Eval(arg(0)), "a map operand");
      if (!map.ok()) return map.status();
      absl::StatusOr<std::string> key = EvalString(arg(1));
      if (!key.ok()) return key.status();
      return Value(eval::MapGet(*map, *key));
    }
    case ir::Op::kCall:
      return Call(node);
  }
  return Internal("unknown operation");
}

absl::StatusOr<bool> ExpressionEvaluator::Compare(const ir::Node& node) const {
  absl::StatusOr<const ir::Node*> left_node = Arg(node, 0);
  if (!left_node.ok()) return left_node.status();
  absl::StatusOr<Value> left = Eval(node.args[0]);
  if (!left.ok()) return left.status();
  absl::StatusOr<Value> right =
      Eval(node.args.size() > 1 ? node.args[1] : ir::kNoNode);
  if (!right.ok()) return right.status();
  if (left->index() != right->index()) {
    return Internal("comparison of values of different types");
  }
  switch ((*left_node)->type) {
    case Type::kInt:
    case Type::kDuration:
    case Type::kTime:
      return Ordered(node.op, std::get<int64_t>(*left),
                     std::get<int64_t>(*right));
    case Type::kString:
      // std::string compares as unsigned bytes: byte-wise order.
      return Ordered(node.op, std::get<std::string>(*left),
                     std::get<std::string>(*right));
    default:
      if (node.op == ir::Op::kEq) return *left == *right;
      if (node.op == ir::Op::kNe) return *left != *right;
      return Internal(absl::StrCat("values of type ",
                                   AsAbsl(TypeName((*left_node)->type)),
                                   " are not ordered"));
  }
}

absl::StatusOr<int64_t> ExpressionEvaluator::Arithmetic(
    const ir::Node& node) const {
  absl::StatusOr<int64_t> a =
      EvalInt(node.args.empty() ? ir::kNoNode : node.args[0]);
  if (!a.ok()) return a.status();
  int64_t result = 0;
  bool overflow = false;
  if (node.op == ir::Op::kNeg) {
    overflow = __builtin_sub_overflow(int64_t{0}, *a, &result);
  } else {
    absl::StatusOr<int64_t> b =
        EvalInt(node.args.size() > 1 ? node.args[1] : ir::kNoNode);
    if (!b.ok()) return b.status();
    switch (node.op) {
      case ir::Op::kAdd:
        overflow = __builtin_add_overflow(*a, *b, &result);
        break;
      case ir::Op::kSub:
        overflow = __builtin_sub_overflow(*a, *b, &result);
        break;
      default:  // kMul
        overflow = __builtin_mul_overflow(*a, *b, &result);
        break;
    }
  }
  if (overflow) return absl::OutOfRangeError(OverflowMessage(node.op));
  return result;
}

absl::StatusOr<bool> ExpressionEvaluator::InList(const ir::Node& node) const {
  absl::StatusOr<const ir::Node*> list_node = Arg(node, 1);
  if (!list_node.ok()) return list_node.status();
  absl::StatusOr<Value> needle = Eval(node.args[0]);
  if (!needle.ok()) return needle.status();
  // A literal list is searched in place rather than copied.
  if ((*list_node)->op == ir::Op::kConstListString &&
      (*list_node)->ref < policy_.string_lists.size()) {
    const std::string* s = std::get_if<std::string>(&*needle);
    if (s == nullptr) return Internal("`in` of a non-string in strings");
    for (uint32_t index : policy_.string_lists[(*list_node)->ref]) {
      if (index < policy_.strings.size() && policy_.strings[index] == *s) {
        return true;
      }
    }
    return false;
  }
  absl::StatusOr<Value> list = Eval(node.args[1]);
  if (!list.ok()) return list.status();
  if (const auto* strings = std::get_if<eval::StringList>(&*list)) {
    const std::string* s = std::get_if<std::string>(&*needle);
    if (s == nullptr) return Internal("`in` of a non-string in strings");
    return std::find(strings->begin(), strings->end(), *s) != strings->end();
  }
  if (const auto* ints = std::get_if<eval::IntList>(&*list)) {
    const int64_t* i = std::get_if<int64_t>(&*needle);
    if (i == nullptr) return Internal("`in` of a non-integer in integers");
    return std::find(ints->begin(), ints->end(), *i) != ints->end();
  }
  return Internal("`in` of a value that is not a list");
}

absl::StatusOr<bool> ExpressionEvaluator::InGroup(const ir::Node& node) const {
  if (node.ref >= policy_.groups.size()) return Internal("bad group");
  absl::StatusOr<std::string> id =
      EvalString(node.args.empty() ? ir::kNoNode : node.args[0]);
  if (!id.ok()) return id.status();
  const ir::Group& group = policy_.groups[node.ref];
  if (std::find(group.members.begin(), group.members.end(), *id) !=
      group.members.end()) {
    return true;
  }
  // An empty identity is nobody, in the directory too.
  if (!options_.directory_member || id->empty()) return false;
  for (const std::string& directory : group.directories) {
    if (options_.directory_member(directory, *id)) return true;
  }
  return false;
}

}  // namespace signoff::interp::internal

namespace signoff::interp {

std::string OverflowMessage(ir::Op op) {
  std::string_view symbol;
  switch (op) {
    case ir::Op::kNeg:
      symbol = "unary -";
      break;
    case ir::Op::kAdd:
      symbol = "+";
      break;
    case ir::Op::kSub:
      symbol = "-";
      break;
    default:  // kMul
      symbol = "*";
      break;
  }
  return absl::StrCat("integer overflow in `", AsAbsl(symbol), "`");
}

}  // namespace signoff::interp
