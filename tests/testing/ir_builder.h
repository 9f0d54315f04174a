// A test fixture base that builds IR by hand: nodes, pooled literals and
// request slots, for the expression tests of the interpreter and the JIT
// (which must agree on exactly these trees).
#ifndef SIGNOFF_TESTS_TESTING_IR_BUILDER_H_
#define SIGNOFF_TESTS_TESTING_IR_BUILDER_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "compiler/eval/request.h"
#include "compiler/eval/value.h"
#include "compiler/ir/ir.h"
#include "stdlib/builtins.h"

namespace signoff::testing {

class IrBuilderTest : public ::testing::Test {
 protected:
  using NodeId = ir::NodeId;
  using Op = ir::Op;
  static constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  static constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

  NodeId Node(Op op, Type type, std::vector<NodeId> args = {}, int64_t imm = 0,
              uint32_t ref = 0) {
    policy_.nodes.push_back({op, type, imm, ref, std::move(args), {}});
    return static_cast<NodeId>(policy_.nodes.size() - 1);
  }
  NodeId Bool(bool b) { return Node(Op::kConstBool, Type::kBool, {}, b); }
  NodeId Int(int64_t i) { return Node(Op::kConstInt, Type::kInt, {}, i); }
  NodeId Dur(int64_t s) {
    return Node(Op::kConstDuration, Type::kDuration, {}, s);
  }
  uint32_t Intern(std::string s) {
    policy_.strings.push_back(std::move(s));
    return static_cast<uint32_t>(policy_.strings.size() - 1);
  }
  NodeId Str(std::string s) {
    return Node(Op::kConstString, Type::kString, {}, 0, Intern(std::move(s)));
  }
  NodeId StrList(std::vector<std::string> items) {
    std::vector<uint32_t> indexes;
    for (std::string& item : items) indexes.push_back(Intern(std::move(item)));
    policy_.string_lists.push_back(std::move(indexes));
    return Node(Op::kConstListString, Type::kListString, {}, 0,
                static_cast<uint32_t>(policy_.string_lists.size() - 1));
  }
  NodeId IntList(std::vector<int64_t> items) {
    policy_.int_lists.push_back(std::move(items));
    return Node(Op::kConstListInt, Type::kListInt, {}, 0,
                static_cast<uint32_t>(policy_.int_lists.size() - 1));
  }
  // A slot holding `value`, read by a Slot node.
  NodeId Slot(Type type, eval::Value value, bool present = true) {
    policy_.slots.push_back({ir::SlotSource::kParams,
                             "f" + std::to_string(policy_.slots.size()), type});
    request_.slots.push_back(std::move(value));
    request_.present.push_back(present);
    return Node(Op::kSlot, type, {}, 0,
                static_cast<uint32_t>(policy_.slots.size() - 1));
  }
  NodeId Call(stdlib::Builtin builtin, Type type, std::vector<NodeId> args,
              uint32_t ref = 0) {
    return Node(Op::kCall, type, std::move(args), static_cast<int64_t>(builtin),
                ref);
  }
  NodeId Overflow() { return Node(Op::kMul, Type::kInt, {Int(kMax), Int(2)}); }
  NodeId Cmp(Op op, NodeId a, NodeId b) {
    return Node(op, Type::kBool, {a, b});
  }

  ir::Policy policy_;
  eval::BoundRequest request_{"data.export", 0, {}, {}, {}};
};

}  // namespace signoff::testing

#endif  // SIGNOFF_TESTS_TESTING_IR_BUILDER_H_
