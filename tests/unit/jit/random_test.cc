// Differential testing on random, well-typed IR: random rules over a fixed
// set of slots of every type, random requests with values chosen to hit
// overflow, literals and non-literals, absent fields; the interpreter and the
// JIT must agree on every outcome and ask the directory the same questions
// in the same order. Deterministic (fixed seeds).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"
#include "compiler/jit/jit.h"
#include "tests/unit/jit/jit_test_util.h"

namespace signoff::jit {
namespace {

using eval::Value;
using ir::NodeId;
using ir::Op;
using B = stdlib::Builtin;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

const std::vector<int64_t> kInts = {
    0,    1,       -1,   2,    3,        7,        17,
    1000, 1 << 20, kMax, kMin, kMax / 2, kMin / 2, int64_t{1} << 32};
const std::vector<std::string> kStrings = {"",
                                           "a",
                                           "prod",
                                           "PROD",
                                           "Prod",
                                           "staging",
                                           "unlisted",
                                           "caf\xc3\xa9",
                                           "s3://public-x",
                                           "prod-12",
                                           "alice",
                                           "dave",
                                           "k",
                                           "v"};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  ir::Policy MakePolicy(int rules) {
    p_.actions.push_back({"a.b", {}, {}});
    p_.actions.push_back({"c.d", {}, {}});
    for (int i = 0; i < 3; ++i) AddSlot(Type::kInt);
    AddSlot(Type::kDuration);
    AddSlot(Type::kTime);
    for (int i = 0; i < 3; ++i) AddSlot(Type::kString);
    AddSlot(Type::kBool);
    AddSlot(Type::kListString);
    AddSlot(Type::kListInt);
    AddSlot(Type::kMapStringString);
    AddSlot(Type::kIp);
    p_.groups.push_back({"sre", {"alice", "bob"}, {}});
    p_.groups.push_back({"oncall", {"carol"}, {"oncall-primary", "backup"}});
    p_.globs.push_back(std::make_shared<stdlib::Glob>(
        *stdlib::Glob::Compile("s3://public-*")));
    p_.globs.push_back(
        std::make_shared<stdlib::Glob>(*stdlib::Glob::Compile("?a*")));
    p_.regexes.push_back(*stdlib::Regex::Compile("prod-[0-9]+"));
    p_.regexes.push_back(*stdlib::Regex::Compile("(?i)prod"));
    p_.timezones.push_back(std::make_shared<stdlib::TimeZone>(
        *stdlib::TimeZone::Load("Europe/Berlin")));
    p_.cidrs.push_back(
        std::make_shared<stdlib::Cidr>(*stdlib::Cidr::Parse("10.0.0.0/8")));
    const std::vector<std::vector<std::string>> patterns = {
        {"a", "b"}, {"*", "b"}, {"**"}, {"c", "*"}, {"x", "**"}};
    for (int r = 0; r < rules; ++r) {
      ir::Rule rule;
      rule.name = "r" + std::to_string(r);
      const std::vector<std::string>& segments =
          patterns[Pick(patterns.size())];
      std::string text;
      for (const std::string& s : segments)
        text += (text.empty() ? "" : ".") + s;
      rule.patterns.push_back({segments, text});
      rule.reads_params = Pick(4) == 0;
      rule.applies = {Pick(2) == 0, Pick(2) == 0};
      int conditions = static_cast<int>(Pick(4));
      for (int c = 0; c < conditions; ++c) {
        rule.conditions.push_back({GenBool(4), Pick(3) == 0, "", {}});
      }
      rule.effect = ir::Effect::kAllow;
      p_.rules.push_back(std::move(rule));
    }
    return p_;
  }

  eval::BoundRequest MakeRequest() {
    eval::BoundRequest request;
    const std::vector<std::pair<std::string, int>> actions = {
        {"a.b", 0}, {"c.d", 1}, {"x.b", -1}, {"x.y.z", -1}, {"c.e", -1}};
    const auto& [name, id] = actions[Pick(actions.size())];
    request.action = name;
    request.action_id = id;
    for (const ir::Slot& slot : p_.slots) {
      request.slots.push_back(RandomValue(slot.type));
      request.present.push_back(Pick(4) != 0);
    }
    return request;
  }

 private:
  size_t Pick(size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }

  void AddSlot(Type type) {
    slots_of_[type].push_back(static_cast<uint32_t>(p_.slots.size()));
    p_.slots.push_back(
        {ir::SlotSource::kParams, "f" + std::to_string(p_.slots.size()), type});
  }

  std::string RandomString() {
    if (Pick(5) == 0) return "x" + std::to_string(Pick(3));  // no literal
    return kStrings[Pick(kStrings.size())];
  }

  Value RandomValue(Type type) {
    switch (type) {
      case Type::kInt:
      case Type::kDuration:
      case Type::kTime:
        return Value(kInts[Pick(kInts.size())]);
      case Type::kString:
        return Value(RandomString());
      case Type::kBool:
        return Value(Pick(2) == 0);
      case Type::kListString: {
        eval::StringList list;
        for (size_t i = Pick(4); i > 0; --i) list.push_back(RandomString());
        return Value(list);
      }
      case Type::kListInt: {
        eval::IntList list;
        for (size_t i = Pick(4); i > 0; --i)
          list.push_back(kInts[Pick(kInts.size())]);
        return Value(list);
      }
      case Type::kMapStringString: {
        std::map<std::string, std::string> entries;
        for (size_t i = Pick(4); i > 0; --i)
          entries[RandomString()] = RandomString();
        return Value(eval::StringMap(entries.begin(), entries.end()));
      }
      case Type::kIp: {
        const char* ips[] = {"10.1.2.3", "11.0.0.1", "::1", "::ffff:10.1.2.3"};
        size_t i = Pick(5);
        return i == 4 ? Value(stdlib::IpAddress{})
                      : Value(*stdlib::IpAddress::Parse(ips[i]));
      }
      default:
        return Value(false);
    }
  }

  NodeId Add(Op op, Type type, std::vector<NodeId> args = {}, int64_t imm = 0,
             uint32_t ref = 0) {
    p_.nodes.push_back({op, type, imm, ref, std::move(args), {}});
    return static_cast<NodeId>(p_.nodes.size() - 1);
  }
  uint32_t Intern(const std::string& s) {
    p_.strings.push_back(s);
    return static_cast<uint32_t>(p_.strings.size() - 1);
  }
  NodeId SlotOf(Type type) {
    const std::vector<uint32_t>& slots = slots_of_[type];
    return Add(Op::kSlot, type, {}, 0, slots[Pick(slots.size())]);
  }
  NodeId StrList() {
    std::vector<uint32_t> items;
    for (size_t i = Pick(4); i > 0; --i)
      items.push_back(Intern(kStrings[Pick(kStrings.size())]));
    p_.string_lists.push_back(items);
    return Add(Op::kConstListString, Type::kListString, {}, 0,
               static_cast<uint32_t>(p_.string_lists.size() - 1));
  }
  NodeId IntList() {
    std::vector<int64_t> items;
    for (size_t i = Pick(4); i > 0; --i)
      items.push_back(kInts[Pick(kInts.size())]);
    p_.int_lists.push_back(items);
    return Add(Op::kConstListInt, Type::kListInt, {}, 0,
               static_cast<uint32_t>(p_.int_lists.size() - 1));
  }

  NodeId GenInt(int depth) {
    size_t choice = Pick(depth <= 0 ? 3 : 11);
    switch (choice) {
      case 0:
        return Add(Op::kConstInt, Type::kInt, {}, kInts[Pick(kInts.size())]);
      case 1:
      case 2:
        return SlotOf(Type::kInt);
      case 3:
        return Add(Op::kAdd, Type::kInt,
                   {GenInt(depth - 1), GenInt(depth - 1)});
      case 4:
        return Add(Op::kSub, Type::kInt,
                   {GenInt(depth - 1), GenInt(depth - 1)});
      case 5:
        return Add(Op::kMul, Type::kInt,
                   {GenInt(depth - 1), GenInt(depth - 1)});
      case 6:
        return Add(Op::kNeg, Type::kInt, {GenInt(depth - 1)});
      case 7:
        return Add(Op::kCall, Type::kInt, {GenString(depth - 1)},
                   static_cast<int64_t>(B::kLenString));
      case 8:
        return Pick(2) ? Add(Op::kCall, Type::kInt,
                             {Pick(2) ? SlotOf(Type::kListString) : StrList()},
                             static_cast<int64_t>(B::kLenListString))
                       : Add(Op::kCall, Type::kInt,
                             {Pick(2) ? SlotOf(Type::kListInt) : IntList()},
                             static_cast<int64_t>(B::kLenListInt));
      case 9:
        return Add(Op::kCall, Type::kInt,
                   {SlotOf(Type::kTime), Add(Op::kConstString, Type::kString,
                                             {}, 0, Intern("Europe/Berlin"))},
                   static_cast<int64_t>(Pick(2) ? B::kHour : B::kWeekday), 0);
      default:
        return SlotOf(Pick(2) ? Type::kDuration : Type::kTime);
    }
  }

  NodeId GenString(int depth) {
    size_t choice = Pick(depth <= 0 ? 4 : 7);
    switch (choice) {
      case 0:
        return Add(Op::kConstString, Type::kString, {}, 0,
                   Intern(kStrings[Pick(kStrings.size())]));
      case 1:
      case 2:
        return SlotOf(Type::kString);
      case 3:
        return Add(Op::kAction, Type::kString);
      case 4:
      case 5:
        return Add(Op::kCall, Type::kString, {GenString(depth - 1)},
                   static_cast<int64_t>(Pick(2) ? B::kLower : B::kUpper));
      default:
        return Add(Op::kIndex, Type::kString,
                   {SlotOf(Type::kMapStringString), GenString(depth - 1)});
    }
  }

  NodeId GenBool(int depth) {
    size_t choice = Pick(depth <= 0 ? 3 : 20);
    const Op comparisons[] = {Op::kEq, Op::kNe, Op::kLt,
                              Op::kLe, Op::kGt, Op::kGe};
    switch (choice) {
      case 0:
        return Add(Op::kConstBool, Type::kBool, {}, Pick(2));
      case 1:
        return SlotOf(Type::kBool);
      case 2:
        return Add(Op::kPresent, Type::kBool, {}, 0,
                   static_cast<uint32_t>(Pick(p_.slots.size())));
      case 3:
      case 4:
        return Add(Op::kAnd, Type::kBool,
                   {GenBool(depth - 1), GenBool(depth - 1)});
      case 5:
      case 6:
        return Add(Op::kOr, Type::kBool,
                   {GenBool(depth - 1), GenBool(depth - 1)});
      case 7:
        return Add(Op::kNot, Type::kBool, {GenBool(depth - 1)});
      case 8:
        return Add(comparisons[Pick(6)], Type::kBool,
                   {GenInt(depth - 1), GenInt(depth - 1)});
      case 9:
        return Add(comparisons[Pick(6)], Type::kBool,
                   {GenString(depth - 1), GenString(depth - 1)});
      case 10:
        return Add(Op::kInList, Type::kBool,
                   {GenString(depth - 1),
                    Pick(2) ? StrList() : SlotOf(Type::kListString)});
      case 11:
        return Add(
            Op::kInList, Type::kBool,
            {GenInt(depth - 1), Pick(2) ? IntList() : SlotOf(Type::kListInt)});
      case 12:
        return Add(Op::kInRange, Type::kBool,
                   {GenInt(depth - 1), GenInt(depth - 1), GenInt(depth - 1)});
      case 13:
        return Add(Op::kInGroup, Type::kBool, {GenString(depth - 1)}, 0,
                   static_cast<uint32_t>(Pick(2)));
      case 14:
        return Add(Pick(2) ? Op::kLike : Op::kMatches, Type::kBool,
                   {GenString(depth - 1)}, 0, static_cast<uint32_t>(Pick(2)));
      case 15: {
        B which =
            std::vector<B>{B::kStartsWith, B::kEndsWith, B::kContains}[Pick(3)];
        return Add(Op::kCall, Type::kBool,
                   {GenString(depth - 1), GenString(depth - 1)},
                   static_cast<int64_t>(which));
      }
      case 16:
        return Add(Op::kCall, Type::kBool,
                   {SlotOf(Type::kMapStringString), GenString(depth - 1)},
                   static_cast<int64_t>(B::kHasKey));
      case 17:
        return Add(Op::kCall, Type::kBool,
                   {SlotOf(Type::kIp), Add(Op::kConstString, Type::kString, {},
                                           0, Intern("10.0.0.0/8"))},
                   static_cast<int64_t>(B::kInCidr), 0);
      case 18: {
        Type type =
            std::vector<Type>{Type::kIp, Type::kListString, Type::kListInt,
                              Type::kMapStringString, Type::kBool}[Pick(5)];
        return Add(Pick(2) ? Op::kEq : Op::kNe, Type::kBool,
                   {SlotOf(type), SlotOf(type)});
      }
      default:
        return Add(comparisons[Pick(6)], Type::kBool,
                   {SlotOf(Type::kDuration),
                    Add(Op::kConstDuration, Type::kDuration, {}, 3600)});
    }
  }

  std::mt19937 rng_;
  ir::Policy p_;
  std::map<Type, std::vector<uint32_t>> slots_of_;
};

TEST(JitRandomTest, RandomPoliciesAndRequestsAgreeWithTheInterpreter) {
  std::map<eval::RuleStatus, int> statuses;  // the tests reach every status
  int directory_calls = 0;
  for (uint32_t seed : {1u, 2u, 3u, 4u, 5u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Generator generator(seed);
    auto policy = testing::Share(generator.MakePolicy(150));
    std::unique_ptr<CompiledPolicy> compiled = testing::CompileOrDie(policy);
    ASSERT_NE(compiled, nullptr);
    std::vector<std::string> asked;
    interp::EvalOptions options;
    options.directory_member = [&](std::string_view group,
                                   std::string_view id) {
      asked.push_back(std::string(group) + "/" + std::string(id));
      return id.size() % 2 == 1;
    };
    int failures = 0;
    for (int i = 0; i < 300 && failures < 3; ++i) {
      eval::BoundRequest request = generator.MakeRequest();
      EXPECT_TRUE(compiled->RunsNatively(request));
      asked.clear();
      std::string expected = testing::Describe(
          *policy, interp::Evaluate(*policy, request, options));
      std::vector<std::string> interp_asked = asked;
      asked.clear();
      eval::Outcome outcome = compiled->Evaluate(request, options);
      for (const eval::RuleOutcome& rule : outcome.rules)
        ++statuses[rule.status];
      directory_calls += static_cast<int>(asked.size());
      std::string actual = testing::Describe(*policy, outcome);
      EXPECT_EQ(actual, expected) << "request " << i;
      EXPECT_EQ(asked, interp_asked) << "request " << i;
      if (actual != expected || asked != interp_asked) ++failures;
    }
  }
  for (auto status :
       {eval::RuleStatus::kNotMatched, eval::RuleStatus::kNotApplicable,
        eval::RuleStatus::kConditionFailed, eval::RuleStatus::kCandidate,
        eval::RuleStatus::kError}) {
    EXPECT_GT(statuses[status], 100) << static_cast<int>(status);
  }
  EXPECT_GT(directory_calls, 100);
}

}  // namespace
}  // namespace signoff::jit
