// Every IR op, evaluated over hand-built IR.
#include "compiler/interp/expression.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"
#include "tests/testing/ir_builder.h"

namespace signoff::interp {
namespace {

using eval::Value;
using ir::NodeId;
using ir::Op;

class ExpressionTest : public testing::IrBuilderTest {
 protected:
  absl::StatusOr<Value> Eval(NodeId id) {
    internal::ExpressionEvaluator evaluator(policy_, request_, options_);
    return evaluator.Eval(id);
  }
  bool True(NodeId id) {
    absl::StatusOr<Value> value = Eval(id);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() && std::get<bool>(*value);
  }
  int64_t IntOf(NodeId id) {
    absl::StatusOr<Value> value = Eval(id);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() ? std::get<int64_t>(*value) : -999;
  }
  std::string StringOf(NodeId id) {
    absl::StatusOr<Value> value = Eval(id);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() ? std::get<std::string>(*value) : "<error>";
  }
  std::string ErrorOf(NodeId id) {
    absl::StatusOr<Value> value = Eval(id);
    EXPECT_FALSE(value.ok());
    return value.ok() ? "" : std::string(value.status().message());
  }
  EvalOptions options_;
};

TEST_F(ExpressionTest, ConstantsActionSlotsPresence) {
  EXPECT_TRUE(True(Bool(true)));
  EXPECT_FALSE(True(Bool(false)));
  EXPECT_EQ(IntOf(Int(-7)), -7);
  EXPECT_EQ(IntOf(Dur(5400)), 5400);
  EXPECT_EQ(StringOf(Str("x")), "x");
  EXPECT_EQ(std::get<eval::StringList>(*Eval(StrList({"a", "b"}))),
            (eval::StringList{"a", "b"}));
  EXPECT_EQ(std::get<eval::IntList>(*Eval(IntList({1, 2}))),
            (eval::IntList{1, 2}));
  EXPECT_EQ(StringOf(Node(Op::kAction, Type::kString)), "data.export");
  NodeId rows = Slot(Type::kInt, Value(int64_t{42}));
  EXPECT_EQ(IntOf(rows), 42);
  Slot(Type::kString, Value(std::string()), /*present=*/false);
  EXPECT_TRUE(True(Node(Op::kPresent, Type::kBool, {}, 0, 0)));
  EXPECT_FALSE(True(Node(Op::kPresent, Type::kBool, {}, 0, 1)));
}

TEST_F(ExpressionTest, LogicShortCircuitsPastErrors) {
  EXPECT_FALSE(True(Node(Op::kAnd, Type::kBool, {Bool(false), Overflow()})));
  EXPECT_TRUE(True(Node(Op::kOr, Type::kBool, {Bool(true), Overflow()})));
  EXPECT_EQ(ErrorOf(Node(Op::kAnd, Type::kBool,
                         {Bool(true), Cmp(Op::kGt, Overflow(), Int(0))})),
            "integer overflow in `*`");
  EXPECT_EQ(ErrorOf(Node(Op::kOr, Type::kBool,
                         {Cmp(Op::kGt, Overflow(), Int(0)), Bool(true)})),
            "integer overflow in `*`");
  EXPECT_TRUE(True(Node(Op::kAnd, Type::kBool, {Bool(true), Bool(true)})));
  EXPECT_FALSE(True(Node(Op::kOr, Type::kBool, {Bool(false), Bool(false)})));
  EXPECT_TRUE(True(Node(Op::kNot, Type::kBool, {Bool(false)})));
}

TEST_F(ExpressionTest, OrderedComparisons) {
  struct Case {
    Op op;
    bool lt, eq, gt;  // results for 1 op 2, 2 op 2, 3 op 2
  };
  for (Case c :
       {Case{Op::kEq, false, true, false}, Case{Op::kNe, true, false, true},
        Case{Op::kLt, true, false, false}, Case{Op::kLe, true, true, false},
        Case{Op::kGt, false, false, true}, Case{Op::kGe, false, true, true}}) {
    EXPECT_EQ(True(Cmp(c.op, Int(1), Int(2))), c.lt);
    EXPECT_EQ(True(Cmp(c.op, Int(2), Int(2))), c.eq);
    EXPECT_EQ(True(Cmp(c.op, Int(3), Int(2))), c.gt);
    EXPECT_EQ(True(Cmp(c.op, Dur(60), Dur(120))), c.lt);
    EXPECT_EQ(True(Cmp(c.op, Str("b"), Str("b"))), c.eq);
    EXPECT_EQ(True(Cmp(c.op, Str("c"), Str("b"))), c.gt);
  }
  NodeId t = Slot(Type::kTime, Value(int64_t{100}));
  EXPECT_TRUE(True(Cmp(Op::kLt, t, Slot(Type::kTime, Value(int64_t{101})))));
  // Strings compare by bytes: "Z" < "a" < "é" (0xC3 ...).
  EXPECT_TRUE(True(Cmp(Op::kLt, Str("Z"), Str("a"))));
  EXPECT_TRUE(True(Cmp(Op::kLt, Str("z"), Str("\xc3\xa9"))));
  EXPECT_TRUE(True(Cmp(Op::kLt, Str(""), Str("a"))));
  EXPECT_TRUE(True(Cmp(Op::kLt, Int(kMin), Int(kMax))));
}

TEST_F(ExpressionTest, EqualityOfOtherTypes) {
  EXPECT_TRUE(True(Cmp(Op::kEq, Bool(true), Bool(true))));
  EXPECT_TRUE(True(Cmp(Op::kNe, Bool(true), Bool(false))));
  auto ip = [&](const char* text) {
    return Slot(Type::kIp, Value(*stdlib::IpAddress::Parse(text)));
  };
  EXPECT_TRUE(True(Cmp(Op::kEq, ip("10.0.0.1"), ip("10.0.0.1"))));
  EXPECT_TRUE(True(Cmp(Op::kNe, ip("10.0.0.1"), ip("::ffff:10.0.0.1"))));
  EXPECT_TRUE(True(Cmp(Op::kEq, ip("2001:db8::1"), ip("2001:DB8:0::1"))));
  EXPECT_FALSE(ErrorOf(Cmp(Op::kLt, ip("10.0.0.1"), ip("10.0.0.2"))).empty());
  NodeId groups = Slot(Type::kListString, Value(eval::StringList{"a", "b"}));
  EXPECT_TRUE(True(Cmp(Op::kEq, groups, StrList({"a", "b"}))));
  EXPECT_TRUE(True(Cmp(Op::kNe, groups, StrList({"b", "a"}))));
  EXPECT_TRUE(True(Cmp(Op::kNe, groups, StrList({"a"}))));
  EXPECT_TRUE(True(Cmp(Op::kEq, IntList({1, 2}), IntList({1, 2}))));
}

TEST_F(ExpressionTest, CheckedArithmetic) {
  EXPECT_EQ(IntOf(Node(Op::kAdd, Type::kInt, {Int(2), Int(3)})), 5);
  EXPECT_EQ(IntOf(Node(Op::kSub, Type::kInt, {Int(2), Int(3)})), -1);
  EXPECT_EQ(IntOf(Node(Op::kMul, Type::kInt, {Int(-4), Int(3)})), -12);
  EXPECT_EQ(IntOf(Node(Op::kNeg, Type::kInt, {Int(5)})), -5);
  EXPECT_EQ(IntOf(Node(Op::kAdd, Type::kDuration, {Dur(3600), Dur(1800)})),
            5400);
  EXPECT_EQ(IntOf(Node(Op::kAdd, Type::kInt, {Int(kMax - 1), Int(1)})), kMax);
  EXPECT_EQ(ErrorOf(Node(Op::kAdd, Type::kInt, {Int(kMax), Int(1)})),
            "integer overflow in `+`");
  EXPECT_EQ(ErrorOf(Node(Op::kSub, Type::kInt, {Int(kMin), Int(1)})),
            "integer overflow in `-`");
  EXPECT_EQ(ErrorOf(Node(Op::kMul, Type::kInt, {Int(kMin), Int(-1)})),
            "integer overflow in `*`");
  EXPECT_EQ(ErrorOf(Node(Op::kNeg, Type::kInt, {Int(kMin)})),
            "integer overflow in `unary -`");
  EXPECT_EQ(ErrorOf(Node(Op::kAdd, Type::kDuration, {Dur(kMax), Dur(1)})),
            "integer overflow in `+`");
  // An error inside an operand propagates.
  EXPECT_EQ(ErrorOf(Node(Op::kAdd, Type::kInt, {Int(1), Overflow()})),
            "integer overflow in `*`");
}

TEST_F(ExpressionTest, Membership) {
  NodeId in_list =
      Node(Op::kInList, Type::kBool,
           {Str("confidential"), StrList({"restricted", "confidential"})});
  EXPECT_TRUE(True(in_list));
  EXPECT_FALSE(
      True(Node(Op::kInList, Type::kBool, {Str("public"), StrList({"a"})})));
  EXPECT_FALSE(True(Node(Op::kInList, Type::kBool, {Str("a"), StrList({})})));
  EXPECT_TRUE(
      True(Node(Op::kInList, Type::kBool, {Int(3), IntList({1, 2, 3})})));
  EXPECT_FALSE(True(Node(Op::kInList, Type::kBool, {Int(4), IntList({1})})));
  NodeId groups =
      Slot(Type::kListString, Value(eval::StringList{"sre", "ops"}));
  EXPECT_TRUE(True(Node(Op::kInList, Type::kBool, {Str("ops"), groups})));
  EXPECT_FALSE(True(Node(Op::kInList, Type::kBool, {Str("dev"), groups})));
  NodeId sizes = Slot(Type::kListInt, Value(eval::IntList{7}));
  EXPECT_TRUE(True(Node(Op::kInList, Type::kBool, {Int(7), sizes})));

  auto range = [&](int64_t v) {
    return True(Node(Op::kInRange, Type::kBool, {Int(v), Int(9), Int(17)}));
  };
  EXPECT_FALSE(range(8));
  EXPECT_TRUE(range(9));
  EXPECT_TRUE(range(17));
  EXPECT_FALSE(range(18));
}

TEST_F(ExpressionTest, GroupMembershipStaticAndDirectory) {
  policy_.groups.push_back({"sre", {"alice", "bob"}, {}});
  policy_.groups.push_back({"oncall", {"carol"}, {"oncall-primary"}});
  auto in = [&](const char* id, uint32_t group) {
    return True(Node(Op::kInGroup, Type::kBool, {Str(id)}, 0, group));
  };
  EXPECT_TRUE(in("alice", 0));
  EXPECT_FALSE(in("mallory", 0));
  EXPECT_FALSE(in("", 0));
  EXPECT_TRUE(in("carol", 1));
  EXPECT_FALSE(in("dave", 1));  // no directory: directory groups are empty
  std::vector<std::string> asked;
  options_.directory_member = [&](std::string_view group, std::string_view id) {
    asked.push_back(std::string(group) + "/" + std::string(id));
    return group == "oncall-primary" && id == "dave";
  };
  EXPECT_TRUE(in("dave", 1));
  EXPECT_FALSE(in("erin", 1));
  EXPECT_FALSE(in("dave", 0));  // static group: the directory is not asked
  EXPECT_EQ(asked, (std::vector<std::string>{"oncall-primary/dave",
                                             "oncall-primary/erin"}));
}

TEST_F(ExpressionTest, StringOps) {
  policy_.globs.push_back(
      std::make_shared<stdlib::Glob>(*stdlib::Glob::Compile("s3://public-*")));
  policy_.regexes.push_back(*stdlib::Regex::Compile("prod-[0-9]+"));
  EXPECT_TRUE(
      True(Node(Op::kLike, Type::kBool, {Str("s3://public-logs")}, 0, 0)));
  EXPECT_FALSE(True(Node(Op::kLike, Type::kBool, {Str("s3://x")}, 0, 0)));
  EXPECT_TRUE(True(Node(Op::kMatches, Type::kBool, {Str("prod-12")}, 0, 0)));
  EXPECT_FALSE(True(Node(Op::kMatches, Type::kBool, {Str("prod-12a")}, 0, 0)));
  NodeId attrs = Slot(Type::kMapStringString,
                      Value(eval::StringMap{{"env", "prod"}, {"team", "x"}}));
  EXPECT_EQ(StringOf(Node(Op::kIndex, Type::kString, {attrs, Str("env")})),
            "prod");
  EXPECT_EQ(StringOf(Node(Op::kIndex, Type::kString, {attrs, Str("nope")})),
            "");
}

TEST_F(ExpressionTest, StringBuiltins) {
  using B = stdlib::Builtin;
  EXPECT_TRUE(
      True(Call(B::kStartsWith, Type::kBool, {Str("prod-db"), Str("prod")})));
  EXPECT_FALSE(
      True(Call(B::kStartsWith, Type::kBool, {Str("db"), Str("prod")})));
  EXPECT_TRUE(
      True(Call(B::kEndsWith, Type::kBool, {Str("a.csv"), Str(".csv")})));
  EXPECT_TRUE(
      True(Call(B::kContains, Type::kBool, {Str("a-db-b"), Str("db")})));
  EXPECT_FALSE(True(Call(B::kContains, Type::kBool, {Str("a"), Str("db")})));
  EXPECT_EQ(StringOf(Call(B::kLower, Type::kString, {Str("ProD")})), "prod");
  EXPECT_EQ(StringOf(Call(B::kUpper, Type::kString, {Str("ProD")})), "PROD");
  EXPECT_EQ(IntOf(Call(B::kLenString, Type::kInt, {Str("caf\xc3\xa9")})), 4);
  EXPECT_EQ(IntOf(Call(B::kLenListString, Type::kInt, {StrList({"a", "b"})})),
            2);
  EXPECT_EQ(IntOf(Call(B::kLenListInt, Type::kInt, {IntList({})})), 0);
  NodeId attrs = Slot(Type::kMapStringString,
                      Value(eval::StringMap{{"empty", ""}, {"env", "prod"}}));
  EXPECT_TRUE(True(Call(B::kHasKey, Type::kBool, {attrs, Str("env")})));
  EXPECT_TRUE(True(Call(B::kHasKey, Type::kBool, {attrs, Str("empty")})));
  EXPECT_FALSE(True(Call(B::kHasKey, Type::kBool, {attrs, Str("team")})));
}

TEST_F(ExpressionTest, TimeAndIpBuiltins) {
  using B = stdlib::Builtin;
  policy_.timezones.push_back(std::make_shared<stdlib::TimeZone>(
      *stdlib::TimeZone::Load("Europe/Berlin")));
  NodeId summer =
      Slot(Type::kTime,
           Value(*stdlib::ParseRfc3339("2026-07-19T08:30:00Z")));  // Sunday
  NodeId zone = Str("Europe/Berlin");
  EXPECT_EQ(IntOf(Call(B::kHour, Type::kInt, {summer, zone}, 0)), 10);
  EXPECT_EQ(IntOf(Call(B::kWeekday, Type::kInt, {summer, zone}, 0)), 7);

  policy_.cidrs.push_back(
      std::make_shared<stdlib::Cidr>(*stdlib::Cidr::Parse("10.0.0.0/8")));
  NodeId block = Str("10.0.0.0/8");
  auto in_cidr = [&](Value ip) {
    return True(Call(B::kInCidr, Type::kBool, {Slot(Type::kIp, ip), block}, 0));
  };
  EXPECT_TRUE(in_cidr(Value(*stdlib::IpAddress::Parse("10.1.2.3"))));
  EXPECT_FALSE(in_cidr(Value(*stdlib::IpAddress::Parse("11.1.2.3"))));
  EXPECT_FALSE(in_cidr(Value(*stdlib::IpAddress::Parse("::ffff:10.1.2.3"))));
  EXPECT_FALSE(in_cidr(Value(stdlib::IpAddress{})));  // absent ip
}

TEST_F(ExpressionTest, MalformedIrIsAnErrorNotACrash) {
  EXPECT_FALSE(Eval(12345).ok());
  EXPECT_FALSE(Eval(Node(Op::kConstString, Type::kString, {}, 0, 99)).ok());
  EXPECT_FALSE(Eval(Node(Op::kSlot, Type::kInt, {}, 0, 99)).ok());
  EXPECT_FALSE(Eval(Node(Op::kAnd, Type::kBool, {})).ok());
  EXPECT_FALSE(Eval(Node(Op::kAnd, Type::kBool, {Int(1), Bool(true)})).ok());
  EXPECT_FALSE(Eval(Node(Op::kLike, Type::kBool, {Str("x")}, 0, 5)).ok());
  EXPECT_FALSE(Eval(Node(Op::kCall, Type::kBool, {}, 200)).ok());
  EXPECT_FALSE(Eval(Node(Op::kInGroup, Type::kBool, {Str("a")}, 0, 9)).ok());
}

}  // namespace
}  // namespace signoff::interp
