// Every IR op and built-in, compiled over hand-built IR: each check is a
// rule whose one condition is the expression under test. All checks of a
// test compile into one module (twice: the action declared, and not); every
// outcome is compared with the interpreter's.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"
#include "compiler/jit/jit.h"
#include "tests/testing/ir_builder.h"
#include "tests/unit/jit/jit_test_util.h"

namespace signoff::jit {
namespace {

using eval::RuleStatus;
using eval::Value;
using ir::NodeId;
using ir::Op;
using testing::CompileOrDie;
using testing::EvaluateBoth;
using testing::Share;

class JitExpressionTest : public ::signoff::testing::IrBuilderTest {
 protected:
  NodeId Eq(NodeId a, NodeId b) { return Cmp(Op::kEq, a, b); }

  // Checks, verified together by Verify() (or at the end of the test).
  struct Check {
    NodeId condition;
    RuleStatus status;
    std::string error;
    int line;
  };
  void ExpectTrue(NodeId c, int line = __builtin_LINE()) {
    checks_.push_back({c, RuleStatus::kCandidate, "", line});
  }
  void ExpectFalse(NodeId c, int line = __builtin_LINE()) {
    checks_.push_back({c, RuleStatus::kConditionFailed, "", line});
  }
  void ExpectError(NodeId c, std::string error, int line = __builtin_LINE()) {
    checks_.push_back({c, RuleStatus::kError, std::move(error), line});
  }
  void ExpectInt(NodeId e, int64_t v, int line = __builtin_LINE()) {
    ExpectTrue(Eq(e, Int(v)), line);
  }
  void ExpectString(NodeId e, std::string v, int line = __builtin_LINE()) {
    ExpectTrue(Eq(e, Str(std::move(v))), line);
  }

  void Verify() {
    verified_ = true;
    for (const Check& check : checks_) {
      ir::Rule rule;
      rule.name = "line" + std::to_string(check.line);
      rule.patterns.push_back({{"data", "export"}, "data.export"});
      rule.conditions.push_back({check.condition, false, "", {}});
      rule.effect = ir::Effect::kAllow;
      policy_.rules.push_back(std::move(rule));
    }
    // The same rules on a declared action (its own function) and on an
    // undeclared one (the generic route).
    for (bool declared : {true, false}) {
      SCOPED_TRACE(declared ? "declared action" : "undeclared action");
      ir::Policy policy = policy_;
      if (declared) policy.actions.push_back({"data.export", {}, {}});
      request_.action_id = declared ? 0 : -1;
      JitOptions jit_options;
      jit_options.keep_llvm_ir = getenv("SIGNOFF_JIT_DUMP") != nullptr;
      std::unique_ptr<CompiledPolicy> compiled =
          CompileOrDie(Share(std::move(policy)), jit_options);
      ASSERT_NE(compiled, nullptr);
      if (jit_options.keep_llvm_ir) std::cerr << compiled->llvm_ir();
      EXPECT_TRUE(compiled->RunsNatively(request_));
      eval::Outcome outcome = EvaluateBoth(*compiled, request_, options_);
      ASSERT_EQ(outcome.rules.size(), checks_.size());
      for (size_t i = 0; i < checks_.size(); ++i) {
        const Check& check = checks_[i];
        const eval::RuleOutcome& rule = outcome.rules[i];
        EXPECT_EQ(static_cast<int>(rule.status), static_cast<int>(check.status))
            << "check at line " << check.line << ": " << rule.error;
        EXPECT_EQ(rule.error, check.error) << "check at line " << check.line;
      }
    }
  }
  void TearDown() override {
    if (!verified_ && !checks_.empty()) Verify();
  }

  interp::EvalOptions options_;
  std::vector<Check> checks_;
  bool verified_ = false;
};

TEST_F(JitExpressionTest, ConstantsActionSlotsPresence) {
  ExpectTrue(Bool(true));
  ExpectFalse(Bool(false));
  ExpectInt(Int(-7), -7);
  ExpectTrue(Eq(Dur(5400), Dur(5400)));
  ExpectString(Str("x"), "x");
  ExpectTrue(Eq(StrList({"a", "b"}), StrList({"a", "b"})));
  ExpectTrue(Eq(IntList({1, 2}), IntList({1, 2})));
  ExpectString(Node(Op::kAction, Type::kString), "data.export");
  ExpectFalse(Eq(Node(Op::kAction, Type::kString), Str("data.exports")));
  NodeId rows = Slot(Type::kInt, Value(int64_t{42}));
  ExpectInt(rows, 42);
  NodeId note = Slot(Type::kString, Value(std::string()), false);
  ExpectTrue(Node(Op::kPresent, Type::kBool, {}, 0, 0));
  ExpectFalse(Node(Op::kPresent, Type::kBool, {}, 0, 1));
  ExpectFalse(Node(Op::kPresent, Type::kBool, {}, 0, 99));  // no such slot
  ExpectString(note, "");
  NodeId flag = Slot(Type::kBool, Value(true));
  ExpectTrue(flag);
  ExpectTrue(Eq(flag, Bool(true)));
  NodeId at = Slot(Type::kTime, Value(int64_t{1700000000}));
  ExpectTrue(Cmp(Op::kGt, at, Node(Op::kConstInt, Type::kTime, {}, 1)));
}

TEST_F(JitExpressionTest, LogicShortCircuitsPastErrors) {
  ExpectFalse(Node(Op::kAnd, Type::kBool, {Bool(false), Overflow()}));
  ExpectTrue(Node(Op::kOr, Type::kBool, {Bool(true), Overflow()}));
  ExpectError(Node(Op::kAnd, Type::kBool,
                   {Bool(true), Cmp(Op::kGt, Overflow(), Int(0))}),
              "integer overflow in `*`");
  ExpectError(Node(Op::kOr, Type::kBool,
                   {Cmp(Op::kGt, Overflow(), Int(0)), Bool(true)}),
              "integer overflow in `*`");
  ExpectTrue(Node(Op::kAnd, Type::kBool, {Bool(true), Bool(true)}));
  ExpectFalse(Node(Op::kOr, Type::kBool, {Bool(false), Bool(false)}));
  ExpectTrue(Node(Op::kNot, Type::kBool, {Bool(false)}));
  // Chains, with the slot values unknown to the optimiser.
  NodeId t = Slot(Type::kBool, Value(true));
  NodeId f = Slot(Type::kBool, Value(false));
  NodeId bad = Cmp(Op::kGt, Overflow(), Int(0));
  auto Or = [&](NodeId a, NodeId b) {
    return Node(Op::kOr, Type::kBool, {a, b});
  };
  auto And = [&](NodeId a, NodeId b) {
    return Node(Op::kAnd, Type::kBool, {a, b});
  };
  ExpectTrue(Or(Or(Or(f, f), t), bad));
  ExpectError(Or(Or(Or(f, f), f), bad), "integer overflow in `*`");
  ExpectFalse(And(And(And(t, t), f), bad));
  ExpectError(And(And(t, bad), f), "integer overflow in `*`");
  ExpectTrue(Or(And(t, f), And(t, t)));
  ExpectTrue(Or(f, Or(f, t)));
  ExpectFalse(And(t, And(t, f)));
  ExpectTrue(Node(Op::kNot, Type::kBool, {And(f, bad)}));
  // A long chain: `x in [a, b, ...]` with non-literal elements lowers to one.
  NodeId chain = f;
  for (int i = 0; i < 5000; ++i) chain = Or(chain, f);
  ExpectTrue(Or(chain, t));
  ExpectFalse(chain);
}

TEST_F(JitExpressionTest, OrderedComparisons) {
  struct Case {
    Op op;
    bool lt, eq, gt;  // results for 1 op 2, 2 op 2, 3 op 2
  };
  auto expect = [&](NodeId n, bool value, int line) {
    if (value) {
      ExpectTrue(n, line);
    } else {
      ExpectFalse(n, line);
    }
  };
  NodeId two = Slot(Type::kInt, Value(int64_t{2}));
  NodeId b = Slot(Type::kString, Value(std::string("b")));
  for (Case c :
       {Case{Op::kEq, false, true, false}, Case{Op::kNe, true, false, true},
        Case{Op::kLt, true, false, false}, Case{Op::kLe, true, true, false},
        Case{Op::kGt, false, false, true}, Case{Op::kGe, false, true, true}}) {
    int line = static_cast<int>(c.op) * 100;
    expect(Cmp(c.op, Int(1), two), c.lt, line + 1);
    expect(Cmp(c.op, Int(2), two), c.eq, line + 2);
    expect(Cmp(c.op, Int(3), two), c.gt, line + 3);
    expect(Cmp(c.op, Dur(60), Dur(120)), c.lt, line + 4);
    expect(Cmp(c.op, Str("b"), b), c.eq, line + 5);
    expect(Cmp(c.op, Str("c"), b), c.gt, line + 6);
    expect(Cmp(c.op, Str("a"), b), c.lt, line + 7);
    expect(Cmp(c.op, Str("ba"), b), c.gt, line + 8);
  }
  NodeId t = Slot(Type::kTime, Value(int64_t{100}));
  ExpectTrue(Cmp(Op::kLt, t, Slot(Type::kTime, Value(int64_t{101}))));
  // Strings compare by bytes: "Z" < "a" < "é" (0xC3 ...).
  ExpectTrue(Cmp(Op::kLt, Str("Z"), Str("a")));
  ExpectTrue(Cmp(Op::kLt, Str("z"), Str("\xc3\xa9")));
  ExpectTrue(Cmp(Op::kLt, Str(""), Str("a")));
  ExpectTrue(Cmp(Op::kLt, Int(kMin), Int(kMax)));
  // Strings that equal no literal compare by bytes; with literals by id.
  NodeId x1 = Slot(Type::kString, Value(std::string("unlisted")));
  NodeId x2 = Slot(Type::kString, Value(std::string("unlisted")));
  NodeId y = Slot(Type::kString, Value(std::string("unlisted too")));
  ExpectTrue(Eq(x1, x2));
  ExpectFalse(Eq(x1, y));
  ExpectTrue(Cmp(Op::kNe, x1, y));
  ExpectTrue(Cmp(Op::kLt, x1, y));
  NodeId lit = Slot(Type::kString, Value(std::string("b")));
  ExpectTrue(Eq(lit, b));
  ExpectFalse(Eq(lit, x1));
  // A duplicate literal in the pool has the same id.
  ExpectTrue(Eq(Str("dup"), Str("dup")));
}

TEST_F(JitExpressionTest, EqualityOfOtherTypes) {
  ExpectTrue(Cmp(Op::kEq, Bool(true), Bool(true)));
  ExpectTrue(Cmp(Op::kNe, Bool(true), Bool(false)));
  auto ip = [&](const char* text) {
    return Slot(Type::kIp, Value(*stdlib::IpAddress::Parse(text)));
  };
  ExpectTrue(Cmp(Op::kEq, ip("10.0.0.1"), ip("10.0.0.1")));
  ExpectTrue(Cmp(Op::kNe, ip("10.0.0.1"), ip("::ffff:10.0.0.1")));
  ExpectTrue(Cmp(Op::kEq, ip("2001:db8::1"), ip("2001:DB8:0::1")));
  ExpectTrue(Cmp(Op::kEq, Slot(Type::kIp, Value(stdlib::IpAddress{})),
                 Slot(Type::kIp, Value(stdlib::IpAddress{}))));
  ExpectError(Cmp(Op::kLt, ip("10.0.0.1"), ip("10.0.0.2")),
              "internal error: values of type ip are not ordered");
  NodeId groups = Slot(Type::kListString, Value(eval::StringList{"a", "b"}));
  ExpectTrue(Cmp(Op::kEq, groups, StrList({"a", "b"})));
  ExpectTrue(Cmp(Op::kNe, groups, StrList({"b", "a"})));
  ExpectTrue(Cmp(Op::kNe, groups, StrList({"a"})));
  ExpectTrue(Cmp(Op::kEq, IntList({1, 2}), IntList({1, 2})));
  ExpectTrue(Cmp(Op::kNe, IntList({1, 2}), IntList({1, 3})));
  NodeId attrs =
      Slot(Type::kMapStringString, Value(eval::StringMap{{"env", "prod"}}));
  NodeId same =
      Slot(Type::kMapStringString, Value(eval::StringMap{{"env", "prod"}}));
  NodeId other =
      Slot(Type::kMapStringString, Value(eval::StringMap{{"env", "dev"}}));
  ExpectTrue(Cmp(Op::kEq, attrs, same));
  ExpectTrue(Cmp(Op::kNe, attrs, other));
  ExpectError(Cmp(Op::kGe, groups, groups),
              "internal error: values of type list<string> are not ordered");
}

TEST_F(JitExpressionTest, CheckedArithmetic) {
  ExpectInt(Node(Op::kAdd, Type::kInt, {Int(2), Int(3)}), 5);
  ExpectInt(Node(Op::kSub, Type::kInt, {Int(2), Int(3)}), -1);
  ExpectInt(Node(Op::kMul, Type::kInt, {Int(-4), Int(3)}), -12);
  ExpectInt(Node(Op::kNeg, Type::kInt, {Int(5)}), -5);
  ExpectTrue(
      Eq(Node(Op::kAdd, Type::kDuration, {Dur(3600), Dur(1800)}), Dur(5400)));
  ExpectInt(Node(Op::kAdd, Type::kInt, {Int(kMax - 1), Int(1)}), kMax);
  ExpectError(Node(Op::kGt, Type::kBool,
                   {Node(Op::kAdd, Type::kInt, {Int(kMax), Int(1)}), Int(0)}),
              "integer overflow in `+`");
  // Through slots, so nothing folds at compile time.
  NodeId max = Slot(Type::kInt, Value(kMax));
  NodeId min = Slot(Type::kInt, Value(kMin));
  NodeId one = Slot(Type::kInt, Value(int64_t{1}));
  NodeId minus_one = Slot(Type::kInt, Value(int64_t{-1}));
  auto gt0 = [&](NodeId e) { return Cmp(Op::kGt, e, Int(0)); };
  ExpectError(gt0(Node(Op::kAdd, Type::kInt, {max, one})),
              "integer overflow in `+`");
  ExpectError(gt0(Node(Op::kSub, Type::kInt, {min, one})),
              "integer overflow in `-`");
  ExpectError(gt0(Node(Op::kMul, Type::kInt, {min, minus_one})),
              "integer overflow in `*`");
  ExpectError(gt0(Node(Op::kNeg, Type::kInt, {min})),
              "integer overflow in `unary -`");
  ExpectError(gt0(Node(Op::kAdd, Type::kDuration,
                       {Slot(Type::kDuration, Value(kMax)), Dur(1)})),
              "integer overflow in `+`");
  ExpectInt(Node(Op::kSub, Type::kInt, {max, max}), 0);
  ExpectInt(Node(Op::kNeg, Type::kInt, {max}), -kMax);
  ExpectInt(Node(Op::kMul, Type::kInt, {max, one}), kMax);
  // An error inside an operand propagates.
  ExpectError(gt0(Node(Op::kAdd, Type::kInt, {Int(1), Overflow()})),
              "integer overflow in `*`");
  // The left operand's error comes first.
  ExpectError(gt0(Node(Op::kAdd, Type::kInt,
                       {Node(Op::kNeg, Type::kInt, {min}),
                        Node(Op::kAdd, Type::kInt, {max, one})})),
              "integer overflow in `unary -`");
}

TEST_F(JitExpressionTest, Membership) {
  ExpectTrue(
      Node(Op::kInList, Type::kBool,
           {Str("confidential"), StrList({"restricted", "confidential"})}));
  ExpectFalse(Node(Op::kInList, Type::kBool, {Str("public"), StrList({"a"})}));
  ExpectFalse(Node(Op::kInList, Type::kBool, {Str("a"), StrList({})}));
  ExpectTrue(Node(Op::kInList, Type::kBool, {Int(3), IntList({1, 2, 3})}));
  ExpectFalse(Node(Op::kInList, Type::kBool, {Int(4), IntList({1})}));
  NodeId classification = Slot(Type::kString, Value(std::string("restricted")));
  NodeId unlisted = Slot(Type::kString, Value(std::string("nope")));
  ExpectTrue(Node(Op::kInList, Type::kBool,
                  {classification, StrList({"confidential", "restricted"})}));
  ExpectFalse(Node(Op::kInList, Type::kBool,
                   {unlisted, StrList({"confidential", "restricted"})}));
  NodeId groups =
      Slot(Type::kListString, Value(eval::StringList{"sre", "ops", "zz9"}));
  ExpectTrue(Node(Op::kInList, Type::kBool, {Str("ops"), groups}));
  ExpectFalse(Node(Op::kInList, Type::kBool, {Str("dev"), groups}));
  NodeId zz9 = Slot(Type::kString, Value(std::string("zz9")));
  ExpectTrue(Node(Op::kInList, Type::kBool, {zz9, groups}));
  ExpectFalse(Node(Op::kInList, Type::kBool, {unlisted, groups}));
  NodeId sizes = Slot(Type::kListInt, Value(eval::IntList{7, 9}));
  ExpectTrue(Node(Op::kInList, Type::kBool, {Int(7), sizes}));
  ExpectFalse(Node(Op::kInList, Type::kBool, {Int(8), sizes}));
  NodeId seven = Slot(Type::kInt, Value(int64_t{7}));
  ExpectTrue(Node(Op::kInList, Type::kBool, {seven, IntList({1, 7, 7})}));
  ExpectFalse(Node(Op::kInList, Type::kBool,
                   {seven, Slot(Type::kListInt, Value(eval::IntList{}))}));

  NodeId v = Slot(Type::kInt, Value(int64_t{0}));
  for (int64_t value : {8, 9, 17, 18}) {
    NodeId n = Slot(Type::kInt, Value(value));
    NodeId range = Node(Op::kInRange, Type::kBool, {n, Int(9), Int(17)});
    if (value == 9 || value == 17) {
      ExpectTrue(range);
    } else {
      ExpectFalse(range);
    }
  }
  ExpectError(Node(Op::kInRange, Type::kBool, {v, Overflow(), Int(1)}),
              "integer overflow in `*`");
}

TEST_F(JitExpressionTest, GroupMembershipStaticAndDirectory) {
  policy_.groups.push_back({"sre", {"alice", "bob"}, {}});
  policy_.groups.push_back({"oncall", {"carol"}, {"oncall-primary"}});
  policy_.groups.push_back({"both", {}, {"a", "b"}});
  auto in = [&](const char* id, uint32_t group) {
    return Node(Op::kInGroup, Type::kBool,
                {Slot(Type::kString, Value(std::string(id)))}, 0, group);
  };
  ExpectTrue(in("alice", 0));
  ExpectFalse(in("mallory", 0));
  ExpectFalse(in("", 0));
  ExpectTrue(in("carol", 1));
  ExpectTrue(in("dave", 1));  // from the directory
  ExpectFalse(in("erin", 1));
  ExpectFalse(in("dave", 0));  // static group: the directory is not asked
  ExpectFalse(in("", 1));      // nobody, not asked
  ExpectTrue(in("dave", 2));   // second directory
  ExpectTrue(Node(Op::kInGroup, Type::kBool, {Str("bob")}, 0, 0));
  std::vector<std::string> asked;
  options_.directory_member = [&](std::string_view group, std::string_view id) {
    asked.push_back(std::string(group) + "/" + std::string(id));
    return (group == "oncall-primary" || group == "b") && id == "dave";
  };
  Verify();
  // Each evaluation (interpreter, JIT; two routes) asks the same questions
  // in the same order.
  std::vector<std::string> once = {"oncall-primary/dave", "oncall-primary/erin",
                                   "a/dave", "b/dave"};
  std::vector<std::string> expected;
  for (int i = 0; i < 4; ++i) {
    expected.insert(expected.end(), once.begin(), once.end());
  }
  EXPECT_EQ(asked, expected);
}

TEST_F(JitExpressionTest, DirectoryGroupsWithoutADirectoryAreEmpty) {
  policy_.groups.push_back({"oncall", {"carol"}, {"oncall-primary"}});
  auto in = [&](const char* id) {
    return Node(Op::kInGroup, Type::kBool,
                {Slot(Type::kString, Value(std::string(id)))}, 0, 0);
  };
  ExpectTrue(in("carol"));
  ExpectFalse(in("dave"));
}

TEST_F(JitExpressionTest, StringOps) {
  policy_.globs.push_back(
      std::make_shared<stdlib::Glob>(*stdlib::Glob::Compile("s3://public-*")));
  policy_.regexes.push_back(*stdlib::Regex::Compile("prod-[0-9]+"));
  ExpectTrue(Node(Op::kLike, Type::kBool, {Str("s3://public-logs")}, 0, 0));
  ExpectFalse(Node(Op::kLike, Type::kBool, {Str("s3://x")}, 0, 0));
  ExpectTrue(Node(Op::kMatches, Type::kBool, {Str("prod-12")}, 0, 0));
  ExpectFalse(Node(Op::kMatches, Type::kBool, {Str("prod-12a")}, 0, 0));
  NodeId dest = Slot(Type::kString, Value(std::string("s3://public-é")));
  ExpectTrue(Node(Op::kLike, Type::kBool, {dest}, 0, 0));
  NodeId attrs = Slot(Type::kMapStringString,
                      Value(eval::StringMap{{"env", "prod"}, {"team", "x"}}));
  ExpectString(Node(Op::kIndex, Type::kString, {attrs, Str("env")}), "prod");
  ExpectString(Node(Op::kIndex, Type::kString, {attrs, Str("nope")}), "");
  ExpectString(Node(Op::kIndex, Type::kString, {attrs, Str("team")}), "x");
  NodeId key = Slot(Type::kString, Value(std::string("team")));
  ExpectTrue(Eq(Node(Op::kIndex, Type::kString, {attrs, key}), Str("x")));
  // A looked-up value that equals no literal, compared with another.
  NodeId tags = Slot(Type::kMapStringString,
                     Value(eval::StringMap{{"a", "same"}, {"b", "same"}}));
  ExpectTrue(Eq(Node(Op::kIndex, Type::kString, {tags, Str("a")}),
                Node(Op::kIndex, Type::kString, {tags, Str("b")})));
}

TEST_F(JitExpressionTest, StringBuiltins) {
  using B = stdlib::Builtin;
  ExpectTrue(Call(B::kStartsWith, Type::kBool, {Str("prod-db"), Str("prod")}));
  ExpectFalse(Call(B::kStartsWith, Type::kBool, {Str("db"), Str("prod")}));
  ExpectTrue(Call(B::kEndsWith, Type::kBool, {Str("a.csv"), Str(".csv")}));
  ExpectTrue(Call(B::kContains, Type::kBool, {Str("a-db-b"), Str("db")}));
  ExpectFalse(Call(B::kContains, Type::kBool, {Str("a"), Str("db")}));
  ExpectString(Call(B::kLower, Type::kString, {Str("ProD")}), "prod");
  ExpectString(Call(B::kUpper, Type::kString, {Str("ProD")}), "PROD");
  NodeId mixed = Slot(Type::kString, Value(std::string("MiXeD-Ünï")));
  ExpectString(Call(B::kLower, Type::kString, {mixed}), "mixed-Ünï");
  ExpectTrue(Eq(Call(B::kUpper, Type::kString, {mixed}),
                Call(B::kUpper, Type::kString,
                     {Call(B::kLower, Type::kString, {mixed})})));
  // lower() of a slot that becomes a literal: compared by interned id.
  NodeId env = Slot(Type::kString, Value(std::string("PROD")));
  ExpectTrue(Node(
      Op::kInList, Type::kBool,
      {Call(B::kLower, Type::kString, {env}), StrList({"prod", "staging"})}));
  ExpectInt(Call(B::kLenString, Type::kInt, {Str("caf\xc3\xa9")}), 4);
  ExpectInt(Call(B::kLenListString, Type::kInt, {StrList({"a", "b"})}), 2);
  ExpectInt(Call(B::kLenListInt, Type::kInt, {IntList({})}), 0);
  ExpectInt(Call(B::kLenListInt, Type::kInt,
                 {Slot(Type::kListInt, Value(eval::IntList{1, 2, 3}))}),
            3);
  NodeId attrs = Slot(Type::kMapStringString,
                      Value(eval::StringMap{{"empty", ""}, {"env", "prod"}}));
  ExpectTrue(Call(B::kHasKey, Type::kBool, {attrs, Str("env")}));
  ExpectTrue(Call(B::kHasKey, Type::kBool, {attrs, Str("empty")}));
  ExpectFalse(Call(B::kHasKey, Type::kBool, {attrs, Str("team")}));
}

TEST_F(JitExpressionTest, TimeAndIpBuiltins) {
  using B = stdlib::Builtin;
  policy_.timezones.push_back(std::make_shared<stdlib::TimeZone>(
      *stdlib::TimeZone::Load("Europe/Berlin")));
  NodeId summer =
      Slot(Type::kTime,
           Value(*stdlib::ParseRfc3339("2026-07-19T08:30:00Z")));  // Sunday
  NodeId zone = Str("Europe/Berlin");
  ExpectInt(Call(B::kHour, Type::kInt, {summer, zone}, 0), 10);
  ExpectInt(Call(B::kWeekday, Type::kInt, {summer, zone}, 0), 7);
  NodeId winter =
      Slot(Type::kTime, Value(*stdlib::ParseRfc3339("2026-01-15T01:30:00Z")));
  ExpectInt(Call(B::kHour, Type::kInt, {winter, zone}, 0), 2);
  ExpectInt(Call(B::kWeekday, Type::kInt, {winter, zone}, 0), 4);

  policy_.cidrs.push_back(
      std::make_shared<stdlib::Cidr>(*stdlib::Cidr::Parse("10.0.0.0/8")));
  policy_.cidrs.push_back(
      std::make_shared<stdlib::Cidr>(*stdlib::Cidr::Parse("2001:db8::/32")));
  NodeId block = Str("10.0.0.0/8");
  auto in_cidr = [&](Value ip, uint32_t cidr = 0) {
    return Call(B::kInCidr, Type::kBool, {Slot(Type::kIp, ip), block}, cidr);
  };
  ExpectTrue(in_cidr(Value(*stdlib::IpAddress::Parse("10.1.2.3"))));
  ExpectFalse(in_cidr(Value(*stdlib::IpAddress::Parse("11.1.2.3"))));
  ExpectFalse(in_cidr(Value(*stdlib::IpAddress::Parse("::ffff:10.1.2.3"))));
  ExpectFalse(in_cidr(Value(stdlib::IpAddress{})));  // absent ip
  ExpectTrue(in_cidr(Value(*stdlib::IpAddress::Parse("2001:db8::7")), 1));
  ExpectFalse(in_cidr(Value(*stdlib::IpAddress::Parse("2001:db9::7")), 1));
}

// Malformed IR never comes from ir::Lower; the JIT still gives the
// interpreter's error (the fixture compares the texts), never a crash.
TEST_F(JitExpressionTest, MalformedIrIsAnErrorNotACrash) {
  ExpectError(12345, "internal error: node 12345 does not exist");
  ExpectError(Eq(Node(Op::kConstString, Type::kString, {}, 0, 99), Str("")),
              "internal error: bad string");
  ExpectError(Eq(Node(Op::kSlot, Type::kInt, {}, 0, 99), Int(0)),
              "internal error: bad slot");
  ExpectError(Node(Op::kAnd, Type::kBool, {}),
              "internal error: node 4294967295 does not exist");
  ExpectError(Node(Op::kAnd, Type::kBool, {Int(1), Bool(true)}),
              "internal error: a boolean operand has the wrong runtime type");
  ExpectError(Node(Op::kOr, Type::kBool, {Bool(false)}),
              "internal error: node 4294967295 does not exist");
  ExpectTrue(Node(Op::kOr, Type::kBool, {Bool(true)}));  // never reaches it
  ExpectError(Node(Op::kLike, Type::kBool, {Str("x")}, 0, 5),
              "internal error: bad glob");
  ExpectError(Node(Op::kMatches, Type::kBool, {Str("x")}, 0, 5),
              "internal error: bad regex");
  ExpectError(Node(Op::kCall, Type::kBool, {}, 200),
              "internal error: unknown builtin 200");
  ExpectError(Node(Op::kInGroup, Type::kBool, {Str("a")}, 0, 9),
              "internal error: bad group");
  ExpectError(Int(1),
              "internal error: a boolean operand has the wrong runtime type");
  ExpectError(Cmp(Op::kEq, Int(1), Str("1")),
              "internal error: comparison of values of different types");
  ExpectError(Node(Op::kEq, Type::kBool, {}),
              "internal error: `Eq` is missing operand 0");
  ExpectError(Node(Op::kInList, Type::kBool, {Int(1)}),
              "internal error: `InList` is missing operand 1");
  ExpectError(Node(Op::kInList, Type::kBool, {Int(1), StrList({"a"})}),
              "internal error: `in` of a non-string in strings");
  ExpectError(Node(Op::kInList, Type::kBool, {Str("a"), IntList({1})}),
              "internal error: `in` of a non-integer in integers");
  ExpectError(Node(Op::kInList, Type::kBool, {Str("a"), Str("b")}),
              "internal error: `in` of a value that is not a list");
  ExpectError(Node(Op::kInList, Type::kBool,
                   {Str("a"),
                    Node(Op::kConstListString, Type::kListString, {}, 0, 77)}),
              "internal error: bad string list");
  ExpectError(
      Eq(Node(Op::kConstListInt, Type::kListInt, {}, 0, 77), IntList({})),
      "internal error: bad int list");
  ExpectError(
      Eq(Node(Op::kIndex, Type::kString, {Str("m"), Str("k")}), Str("")),
      "internal error: a map operand has the wrong runtime type");
  using B = stdlib::Builtin;
  ExpectError(Eq(Call(B::kLenListInt, Type::kInt, {Str("x")}), Int(1)),
              "internal error: `len` of a value that is not a list");
  ExpectError(Call(B::kHasKey, Type::kBool, {Str("x"), Str("k")}),
              "internal error: `has` of a non-map");
  ExpectError(Eq(Call(B::kHour, Type::kInt, {Int(0), Str("z")}, 3), Int(0)),
              "internal error: bad time zone");
  ExpectError(Call(B::kInCidr, Type::kBool, {Str("x"), Str("c")}, 3),
              "internal error: bad CIDR block");
  ExpectError(Eq(Call(B::kLower, Type::kString, {Int(1)}), Str("")),
              "internal error: a string operand has the wrong runtime type");
  ExpectError(Node(Op::kNot, Type::kBool, {Str("x")}),
              "internal error: a boolean operand has the wrong runtime type");
  ExpectError(Eq(Node(Op::kNeg, Type::kInt, {Str("x")}), Int(0)),
              "internal error: an integer operand has the wrong runtime type");
  ExpectError(Node(static_cast<Op>(200), Type::kBool),
              "internal error: unknown operation");
}

}  // namespace
}  // namespace signoff::jit
