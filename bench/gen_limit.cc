// signoff_gen_limit OUT.cc: writes the hand-written-style C++ decision
// function for the 1,000-rule workload (see limit.h).
//
// The emitted code is what an engineer would write by hand for this policy:
// one `case` per action, the deny rules first (any one returns deny), then
// the approval rules, then the allow rules, then the default; every
// condition a direct comparison on a typed field; static groups as chains of
// ==; globs as starts_with/ends_with; CIDR blocks as mask compares; the two
// regexes precompiled once with RE2.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "bench/limit.h"
#include "bench/workload.h"

namespace signoff::bench {
namespace {

std::string CxxString(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

// The NativeRequest member for a params field.
std::string Member(int field) {
  switch (field) {
    case kResource:
      return "r.resource";
    case kEnvironment:
      return "r.environment";
    case kClassification:
      return "r.classification";
    case kDestination:
      return "r.destination";
    case kRows:
      return "r.rows";
    case kAmount:
      return "r.amount";
    case kDestructive:
      return "r.destructive";
    case kTags:
      return "r.tags";
    case kRegion:
      return "r.region";
    case kVersion:
      return "r.version";
    case kReplicas:
      return "r.replicas";
    case kReason:
      return "r.has_reason";
    default:
      return "r.ticket";  // kRegex on context.ticket (field -1)
  }
}

std::string AnyOf(const std::string& lhs,
                  const std::vector<std::string>& values) {
  std::string out = values.size() > 1 ? "(" : "";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += " || ";
    out += lhs + " == " + CxxString(values[i]);
  }
  return out + (values.size() > 1 ? ")" : "");
}

std::string Expr(const Workload& w, const Cond& c) {
  switch (c.kind) {
    case CondKind::kIntCmp:
      return Member(c.field) + " " + c.op + " " + std::to_string(c.imm);
    case CondKind::kStrEq:
      return Member(c.field) + " " + c.op + " " + CxxString(c.s[0]);
    case CondKind::kStrIn:
    case CondKind::kScope:
      return AnyOf(Member(c.field), c.s);
    case CondKind::kLike: {
      GlobParts g = SplitGlob(c.s[0]);
      std::string m = Member(c.field);
      if (g.infix)
        return m + ".find(" + CxxString(g.prefix) +
               ") != std::string_view::npos";
      if (g.suffix.empty())
        return m + ".starts_with(" + CxxString(g.prefix) + ")";
      if (g.prefix.empty())
        return m + ".ends_with(" + CxxString(g.suffix) + ")";
      return "(" + m +
             ".size() >= " + std::to_string(g.prefix.size() + g.suffix.size()) +
             " && " + m + ".starts_with(" + CxxString(g.prefix) + ") && " + m +
             ".ends_with(" + CxxString(g.suffix) + "))";
    }
    case CondKind::kBool:
      return "r.destructive";
    case CondKind::kListHas:
      return "Contains(r.tags, " + CxxString(c.s[0]) + ")";
    case CondKind::kRegex:
      return c.field >= 0 ? "RE2::FullMatch(Piece(r.version), kVersionRe)"
                          : "RE2::FullMatch(Piece(r.ticket), kTicketRe)";
    case CondKind::kHas:
      return "r.has_reason";
    case CondKind::kGroup:
      return "In_" + w.groups[static_cast<size_t>(c.group)].name + "(r.id)";
    case CondKind::kKind:
      return "r.kind == " + CxxString(c.s[0]);
    case CondKind::kTeam:
      return "r.team == " + CxxString(c.s[0]);
    case CondKind::kReqGroups:
      return "Contains(r.groups, " + CxxString(c.s[0]) + ")";
    case CondKind::kHour:
      return "(hour >= " + std::to_string(c.imm) +
             " && hour <= " + std::to_string(c.imm2) + ")";
    case CondKind::kCidr: {
      const CidrBlock& b = FindCidr(c.s[0]);
      char buf[64];
      std::snprintf(buf, sizeof buf, "(r.ipv4 & 0x%08xu) == 0x%08xu", b.mask,
                    b.network);
      return buf;
    }
    case CondKind::kTicket:
      return "!r.ticket.empty()";
  }
  return "true";
}

std::string RuleTest(const Workload& w, const RuleDef& rule) {
  std::string out;
  for (size_t i = 0; i < rule.conds.size(); ++i) {
    const Cond& c = rule.conds[i];
    if (i > 0) out += " &&\n          ";
    out += c.unless ? "!(" + Expr(w, c) + ")" : Expr(w, c);
  }
  return out.empty() ? "true" : out;
}

bool UsesHour(const RuleDef& rule) {
  for (const Cond& c : rule.conds) {
    if (c.kind == CondKind::kHour) return true;
  }
  return false;
}

std::string EmitLimit(const Workload& w) {
  std::string out;
  out +=
      "// Generated at build time by signoff_gen_limit (bench/gen_limit.cc)\n"
      "// from the " +
      std::to_string(w.num_rules) +
      "-rule benchmark workload. Do not edit; not committed.\n"
      "#include <algorithm>\n#include <string_view>\n#include <vector>\n\n"
      "#include \"bench/limit.h\"\n#include \"re2/re2.h\"\n\n"
      "namespace signoff::bench {\nnamespace {\n\n"
      "bool Contains(const std::vector<std::string_view>& list, "
      "std::string_view s) {\n"
      "  return std::find(list.begin(), list.end(), s) != list.end();\n}\n\n"
      "re2::StringPiece Piece(std::string_view s) { return {s.data(), "
      "s.size()}; }\n\n"
      "const RE2 kVersionRe(\"v[0-9]+[.][0-9]+[.][0-9]+\");\n"
      "const RE2 kTicketRe(\"INC-[0-9]{4,6}\");\n\n";
  for (const GroupDef& g : w.groups) {
    out += "bool In_" + g.name + "(std::string_view id) {\n  return " +
           AnyOf("id", g.members) + ";\n}\n\n";
  }
  out +=
      "}  // namespace\n\n"
      "Classification DecideLimit1000(const NativeRequest& r) {\n"
      "  switch (r.action) {\n";
  for (int a = 0; a < static_cast<int>(w.actions.size()); ++a) {
    std::vector<const RuleDef*> by_effect[3];
    bool hour = false;
    for (const RuleDef& rule : w.rules) {
      for (int x : rule.actions) {
        if (x != a) continue;
        by_effect[static_cast<int>(rule.effect)].push_back(&rule);
        hour = hour || UsesHour(rule);
      }
    }
    out += "    case " + std::to_string(a) + ": {  // " +
           w.actions[static_cast<size_t>(a)].name + "\n";
    if (hour) {
      out +=
          "      const int64_t day = (r.time % 86400 + 86400) % 86400;\n"
          "      const int64_t hour = day / 3600;\n";
    }
    struct Group {
      Effect effect;
      const char* result;
    };
    for (Group g : {Group{Effect::kDeny, "kDeny"},
                    Group{Effect::kRequire, "kRequireApproval"},
                    Group{Effect::kAllow, "kAllow"}}) {
      for (const RuleDef* rule : by_effect[static_cast<int>(g.effect)]) {
        out += "      if (" + RuleTest(w, *rule) +
               ")\n        return Classification::" + g.result + ";  // " +
               rule->name + "\n";
      }
    }
    out += "      return Classification::kDeny;  // default\n    }\n";
  }
  out +=
      "  }\n  return Classification::kDeny;  // undeclared action\n}\n\n"
      "}  // namespace signoff::bench\n";
  return out;
}

}  // namespace
}  // namespace signoff::bench

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: signoff_gen_limit OUT.cc\n";
    return 2;
  }
  namespace sb = signoff::bench;
  std::string text = sb::EmitLimit(sb::Generate(sb::kLimitRules));
  std::ofstream out(argv[1], std::ios::binary);
  out << text;
  if (!out) {
    std::cerr << "signoff_gen_limit: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
