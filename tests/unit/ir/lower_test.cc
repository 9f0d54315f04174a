// Lowering: slots, pooled literals, applicability, rules, digest, Dump.
#include "compiler/ir/lower.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/check/check_test_util.h"

namespace signoff::ir {
namespace {

using check::testing::Checked;
using check::testing::CheckFiles;
using check::testing::CheckSource;
using check::testing::NoErrors;

struct Lowered {
  std::unique_ptr<Checked> checked;
  Policy policy;
};

Lowered LowerFiles(
    const std::vector<std::pair<std::string, std::string>>& files) {
  Lowered out;
  out.checked = CheckFiles(files);
  EXPECT_TRUE(NoErrors(*out.checked));
  auto policy =
      Lower(out.checked->sources, out.checked->files, out.checked->model);
  EXPECT_TRUE(policy.ok()) << policy.status();
  if (policy.ok()) out.policy = *std::move(policy);
  return out;
}

Lowered LowerSource(const std::string& text) {
  return LowerFiles({{"policy.signoff", text}});
}

const Node& At(const Policy& p, NodeId id) { return p.nodes.at(id); }

std::vector<std::string> StringList(const Policy& p, uint32_t ref) {
  std::vector<std::string> out;
  for (uint32_t s : p.string_lists.at(ref)) out.push_back(p.strings.at(s));
  return out;
}

TEST(Lower, ExampleSet) {
  Lowered l = LowerSource(check::testing::ExampleSet());
  const Policy& p = l.policy;

  // Slots in first-use order.
  std::vector<std::string> slots;
  for (const Slot& s : p.slots) {
    slots.push_back(std::string(SlotSourceName(s.source)) + "." + s.field +
                    ":" + std::string(TypeName(s.type)));
  }
  EXPECT_EQ(slots, (std::vector<std::string>{
                       "params.classification:string", "params.rows:int",
                       "requester.id:string", "approver.team:string",
                       "requester.team:string", "params.dataset:string",
                       "params.destination:string"}));
  EXPECT_EQ(p.FindSlot(SlotSource::kParams, "rows"), 1);
  EXPECT_EQ(p.FindSlot(SlotSource::kContext, "time"), -1);

  // Action fields bound to their slots.
  ASSERT_EQ(p.actions.size(), 1u);
  EXPECT_EQ(p.FindAction("data.export"), 0);
  EXPECT_EQ(p.FindAction("data.import"), -1);
  const ActionSchema& export_action = p.actions[0];
  ASSERT_EQ(export_action.fields.size(), 5u);
  EXPECT_EQ(export_action.fields[0].name, "dataset");
  EXPECT_EQ(export_action.fields[0].slot, 5);
  EXPECT_EQ(export_action.fields[1].slot, 1);
  EXPECT_EQ(export_action.fields[2].slot, 6);
  EXPECT_EQ(export_action.fields[3].slot, 0);
  EXPECT_EQ(export_action.fields[4].slot, -1);
  EXPECT_TRUE(export_action.fields[4].optional);

  // Groups and channels copied.
  ASSERT_EQ(p.groups.size(), 5u);
  EXPECT_EQ(p.groups[3].name, "reviewers");
  EXPECT_EQ(p.groups[3].members, (std::vector<std::string>{
                                     "alice", "bob", "carol", "sam", "sasha"}));
  EXPECT_EQ(p.groups[2].directories,
            std::vector<std::string>{"oncall-primary"});
  ASSERT_EQ(p.channels.size(), 3u);
  EXPECT_EQ(p.channels[1].kind, "teams");
  EXPECT_EQ(p.channels[1].target, "security/reviews");

  ASSERT_EQ(p.rules.size(), 3u);
  const Rule& ce = p.rules[0];
  EXPECT_EQ(ce.name, "confidential_exports");
  EXPECT_EQ(ce.effect, Effect::kRequire);
  ASSERT_EQ(ce.patterns.size(), 1u);
  EXPECT_EQ(ce.patterns[0].text, "data.export");
  EXPECT_TRUE(ce.reads_params);
  EXPECT_EQ(ce.applies, std::vector<bool>{true});
  ASSERT_EQ(ce.conditions.size(), 2u);
  EXPECT_FALSE(ce.conditions[0].negated);
  EXPECT_TRUE(ce.conditions[1].negated);
  EXPECT_EQ(ce.conditions[1].text, "requester.id in data_owners");
  EXPECT_EQ(ce.conditions[0].text,
            "params.classification in [\"confidential\", \"restricted\"] and "
            "params.rows > 10_000");

  // when: And(InList(Slot, ConstListString), Gt(Slot, ConstInt)).
  const Node& when = At(p, ce.conditions[0].expr);
  EXPECT_EQ(when.op, Op::kAnd);
  EXPECT_EQ(when.type, Type::kBool);
  const Node& in = At(p, when.args[0]);
  EXPECT_EQ(in.op, Op::kInList);
  EXPECT_EQ(At(p, in.args[0]).op, Op::kSlot);
  EXPECT_EQ(At(p, in.args[0]).ref, 0u);
  const Node& list = At(p, in.args[1]);
  EXPECT_EQ(list.op, Op::kConstListString);
  EXPECT_EQ(StringList(p, list.ref),
            (std::vector<std::string>{"confidential", "restricted"}));
  const Node& gt = At(p, when.args[1]);
  EXPECT_EQ(gt.op, Op::kGt);
  EXPECT_EQ(At(p, gt.args[1]).op, Op::kConstInt);
  EXPECT_EQ(At(p, gt.args[1]).imm, 10000);

  // unless: InGroup(requester.id, data_owners).
  const Node& unless = At(p, ce.conditions[1].expr);
  EXPECT_EQ(unless.op, Op::kInGroup);
  EXPECT_EQ(unless.ref, 4u);

  ASSERT_EQ(ce.requirements.size(), 2u);
  EXPECT_EQ(ce.requirements[0].count, 2);
  EXPECT_EQ(ce.requirements[0].group, 0);
  EXPECT_EQ(ce.requirements[0].where, kNoNode);
  EXPECT_EQ(ce.requirements[0].where_text, "");
  EXPECT_EQ(ce.requirements[1].group, 1);
  EXPECT_EQ(ce.requirements[1].where_text, "approver.team != requester.team");
  const Node& where = At(p, ce.requirements[1].where);
  EXPECT_EQ(where.op, Op::kNe);
  EXPECT_EQ(p.slots[At(p, where.args[0]).ref].source, SlotSource::kApprover);
  EXPECT_EQ(ce.veto, 1);
  EXPECT_EQ(ce.expire_seconds, 1800);
  EXPECT_EQ(ce.grant_seconds, 900);
  EXPECT_EQ(ce.channels, (std::vector<int>{0, 1}));
  ASSERT_TRUE(ce.has_message);
  ASSERT_EQ(ce.message.size(), 7u);
  EXPECT_NE(ce.message[0].expr, kNoNode);
  EXPECT_EQ(ce.message[1].literal, " exports ");
  EXPECT_EQ(ce.message[1].expr, kNoNode);
  EXPECT_EQ(At(p, ce.message[2].expr).type, Type::kInt);

  const Rule& ro = p.rules[1];
  EXPECT_EQ(ro.effect, Effect::kAllow);
  EXPECT_FALSE(ro.reads_params);
  EXPECT_EQ(ro.applies, std::vector<bool>{false});
  EXPECT_TRUE(ro.patterns[0].Matches("db.read"));

  const Rule& np = p.rules[2];
  EXPECT_EQ(np.effect, Effect::kDeny);
  EXPECT_EQ(np.deny_reason, "exports to public buckets are forbidden");
  const Node& like = At(p, np.conditions[0].expr);
  EXPECT_EQ(like.op, Op::kLike);
  ASSERT_EQ(p.globs.size(), 1u);
  EXPECT_EQ(p.globs[like.ref]->pattern(), "s3://public-*");

  EXPECT_EQ(p.default_rule.name, "default");
  EXPECT_EQ(p.default_rule.effect, Effect::kDeny);
  EXPECT_EQ(p.default_rule.deny_reason, "no rule covers this action");
  EXPECT_TRUE(p.default_rule.patterns.empty());
  EXPECT_EQ(p.default_rule.applies, std::vector<bool>{true});

  EXPECT_EQ(p.digest.rfind("sha256:", 0), 0u);
  EXPECT_EQ(p.digest.size(), 7u + 64u);
}

TEST(Lower, ImplicitDefault) {
  Lowered l = LowerSource("rule r { on x allow }\n");
  EXPECT_EQ(l.policy.default_rule.name, "default");
  EXPECT_EQ(l.policy.default_rule.effect, Effect::kDeny);
  EXPECT_EQ(l.policy.default_rule.deny_reason, "");
}

constexpr char kAction[] =
    "action a.b { n: int  s: string  tags: list<string>  m: "
    "map<string,string>  o: string?  d: duration }\n";

const Node& WhenNode(const Lowered& l) {
  return l.policy.nodes.at(l.policy.rules.at(0).conditions.at(0).expr);
}

Lowered LowerWhen(const std::string& cond) {
  return LowerSource(std::string(kAction) + "rule r { on a.b when " + cond +
                     " deny }\n");
}

TEST(Lower, InLists) {
  {
    Lowered l = LowerWhen("params.n in [3, -1, 3]");
    const Node& n = WhenNode(l);
    EXPECT_EQ(n.op, Op::kInList);
    const Node& list = l.policy.nodes[n.args[1]];
    EXPECT_EQ(list.op, Op::kConstListInt);
    EXPECT_EQ(l.policy.int_lists[list.ref], (std::vector<int64_t>{3, -1, 3}));
  }
  {
    // Not all literals: an Or-chain of Eq.
    Lowered l = LowerWhen("params.n in [1, params.n, 2]");
    const Node& n = WhenNode(l);
    EXPECT_EQ(n.op, Op::kOr);
    const Node& inner = l.policy.nodes[n.args[0]];
    EXPECT_EQ(inner.op, Op::kOr);
    EXPECT_EQ(l.policy.nodes[inner.args[0]].op, Op::kEq);
    EXPECT_EQ(l.policy.nodes[inner.args[1]].op, Op::kEq);
    const Node& last = l.policy.nodes[n.args[1]];
    EXPECT_EQ(last.op, Op::kEq);
    EXPECT_EQ(l.policy.nodes[last.args[1]].imm, 2);
  }
  {
    Lowered l = LowerWhen("params.d in [1h, 2h]");
    EXPECT_EQ(WhenNode(l).op, Op::kOr);
  }
  {
    Lowered l = LowerWhen("params.s in []");
    EXPECT_EQ(WhenNode(l).op, Op::kConstBool);
    EXPECT_EQ(WhenNode(l).imm, 0);
  }
  {
    Lowered l = LowerWhen("\"x\" in params.tags");
    const Node& n = WhenNode(l);
    EXPECT_EQ(n.op, Op::kInList);
    EXPECT_EQ(l.policy.nodes[n.args[1]].op, Op::kSlot);
    EXPECT_EQ(l.policy.nodes[n.args[1]].type, Type::kListString);
  }
  {
    Lowered l = LowerWhen("params.n in 1..(2 + 3)");
    const Node& n = WhenNode(l);
    EXPECT_EQ(n.op, Op::kInRange);
    ASSERT_EQ(n.args.size(), 3u);
    EXPECT_EQ(l.policy.nodes[n.args[2]].op, Op::kAdd);
  }
}

TEST(Lower, StringsAndListsArePooled) {
  Lowered l = LowerWhen(
      "params.s in [\"a\", \"b\"] and params.s in [\"a\", \"b\"] and "
      "params.s == \"a\"");
  const Policy& p = l.policy;
  EXPECT_EQ(p.string_lists.size(), 1u);
  EXPECT_EQ(p.strings, (std::vector<std::string>{"a", "b"}));
}

TEST(Lower, CallsAndPrecompiledLiterals) {
  Lowered l = LowerSource(
      std::string(kAction) +
      "rule r {\n"
      "  on a.b\n"
      "  when hour(context.time, \"UTC\") in 9..17\n"
      "  when weekday(context.time, \"UTC\") < 6\n"
      "  when in_cidr(context.ip, \"10.0.0.0/8\")\n"
      "  when has(params.o) and has(params.m, \"k\")\n"
      "  when params.s matches \"[a-z]+\" and len(params.tags) > 0\n"
      "  when params.m[\"k\"] == lower(params.s)\n"
      "  deny\n"
      "}\n");
  const Policy& p = l.policy;
  const Rule& r = p.rules[0];
  ASSERT_EQ(r.conditions.size(), 6u);
  const Node& hour = p.nodes[p.nodes[r.conditions[0].expr].args[0]];
  EXPECT_EQ(hour.op, Op::kCall);
  EXPECT_EQ(hour.imm, static_cast<int64_t>(stdlib::Builtin::kHour));
  EXPECT_EQ(hour.type, Type::kInt);
  EXPECT_EQ(hour.args.size(), 2u);
  EXPECT_EQ(hour.ref, 0u);
  ASSERT_EQ(p.timezones.size(), 1u);  // "UTC" shared
  EXPECT_EQ(p.timezones[0]->name(), "UTC");
  const Node& cidr = p.nodes[r.conditions[2].expr];
  EXPECT_EQ(cidr.imm, static_cast<int64_t>(stdlib::Builtin::kInCidr));
  ASSERT_EQ(p.cidrs.size(), 1u);
  const Node& has = p.nodes[r.conditions[3].expr];
  const Node& present = p.nodes[has.args[0]];
  EXPECT_EQ(present.op, Op::kPresent);
  EXPECT_EQ(p.slots[present.ref].field, "o");
  const Node& has_key = p.nodes[has.args[1]];
  EXPECT_EQ(has_key.op, Op::kCall);
  EXPECT_EQ(has_key.imm, static_cast<int64_t>(stdlib::Builtin::kHasKey));
  const Node& matches = p.nodes[p.nodes[r.conditions[4].expr].args[0]];
  EXPECT_EQ(matches.op, Op::kMatches);
  ASSERT_EQ(p.regexes.size(), 1u);
  EXPECT_EQ(p.regexes[0]->pattern(), "[a-z]+");
  const Node& len =
      p.nodes[p.nodes[p.nodes[r.conditions[4].expr].args[1]].args[0]];
  EXPECT_EQ(len.imm, static_cast<int64_t>(stdlib::Builtin::kLenListString));
  const Node& eq = p.nodes[r.conditions[5].expr];
  EXPECT_EQ(p.nodes[eq.args[0]].op, Op::kIndex);
  EXPECT_EQ(p.nodes[eq.args[1]].op, Op::kCall);
  // The field bound to the optional slot.
  EXPECT_EQ(p.actions[0].fields[4].slot, static_cast<int>(present.ref));
}

TEST(Lower, ApplicabilityTable) {
  Lowered l = LowerSource(
      "action data.export { rows: int }\n"
      "action data.delete { name: string }\n"
      "action iam.grant { rows: string }\n"
      "rule big { on data.* when params.rows > 10 deny }\n"
      "rule any { on ** deny \"x\" }\n");
  const Policy& p = l.policy;
  EXPECT_EQ(p.rules[0].applies, (std::vector<bool>{true, false, false}));
  EXPECT_EQ(p.rules[1].applies, (std::vector<bool>{true, true, true}));
  // Different types of one field name get separate slots; each action field
  // binds to the one of its type.
  EXPECT_EQ(p.actions[0].fields[0].slot, 0);
  EXPECT_EQ(p.actions[2].fields[0].slot, -1);
}

TEST(Lower, RequireDetailsAndDefaultBlock) {
  Lowered l = LowerSource(
      "group sre = [\"a\", \"b\", \"c\"]\n"
      "group oncall = directory(\"oncall\")\n"
      "channel room = slack(\"#r\")\n"
      "channel pager = webhook(\"p\")\n"
      "rule r {\n"
      "  on x\n"
      "  require 1 of [\"z\"] where approver.mfa\n"
      "  escalate after 10m to oncall notify pager, room\n"
      "  expire 1h\n"
      "  notify room\n"
      "}\n"
      "default { require 1 of sre  expire 2h  notify pager }\n");
  const Policy& p = l.policy;
  ASSERT_EQ(p.groups.size(), 3u);
  EXPECT_EQ(p.groups[2].members, std::vector<std::string>{"z"});
  const Rule& r = p.rules[0];
  EXPECT_EQ(r.requirements[0].group, 2);
  EXPECT_EQ(r.requirements[0].where_text, "approver.mfa");
  ASSERT_EQ(r.escalations.size(), 1u);
  EXPECT_EQ(r.escalations[0].after_seconds, 600);
  EXPECT_EQ(r.escalations[0].group, 1);
  EXPECT_EQ(r.escalations[0].channels, (std::vector<int>{1, 0}));
  EXPECT_FALSE(r.veto.has_value());
  EXPECT_FALSE(r.grant_seconds.has_value());
  EXPECT_FALSE(r.has_message);
  const Rule& d = p.default_rule;
  EXPECT_EQ(d.effect, Effect::kRequire);
  EXPECT_EQ(d.requirements[0].group, 0);
  EXPECT_EQ(d.expire_seconds, 7200);
  EXPECT_EQ(d.channels, std::vector<int>{1});
}

TEST(Lower, DigestCoversPolicyFilesOnly) {
  const std::string policy = "rule r { on x allow }\n";
  const std::string tests =
      "test \"t\" { input { action: \"x\" } expect allow }\n";
  Lowered a = LowerFiles({{"p.signoff", policy}});
  Lowered b = LowerFiles({{"p.signoff", policy}, {"p_test.signoff", tests}});
  Lowered c = LowerFiles({{"q.signoff", policy}});
  Lowered d = LowerFiles({{"p.signoff", policy + "# changed\n"}});
  EXPECT_EQ(a.policy.digest, b.policy.digest);
  EXPECT_NE(a.policy.digest, c.policy.digest);
  EXPECT_NE(a.policy.digest, d.policy.digest);
  // sha256("p.signoff\0rule r { on x allow }\n\0")
  EXPECT_EQ(a.policy.digest.size(), 71u);
}

TEST(Lower, Dump) {
  Lowered l = LowerSource(check::testing::ExampleSet());
  std::string dump = Dump(l.policy);
  for (const char* part : {
           "policy sha256:",
           "  $1:params.rows: int\n",
           "rule confidential_exports on data.export\n",
           "(InList $0:params.classification [\"confidential\", "
           "\"restricted\"])",
           "  unless (InGroup $2:requester.id @data_owners)",
           "  require 1 of @security where (Ne $3:approver.team "
           "$4:requester.team)",
           "  expire 30m\n",
           "(Like $6:params.destination \"s3://public-*\")",
           "rule default\n  effect deny \"no rule covers this action\"",
       }) {
    EXPECT_NE(dump.find(part), std::string::npos) << part << "\nin:\n" << dump;
  }
}

}  // namespace
}  // namespace signoff::ir
