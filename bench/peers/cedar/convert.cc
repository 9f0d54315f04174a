// signoff_cedar_convert OUTDIR [N...]: the benchmark workload (bench/
// workload.h) expressed in Cedar, one OUTDIR/workload_N.json per rule count
// (default 10 100 1000 10000) plus the policies as readable text in
// OUTDIR/policies_N.cedar. Each request carries the classification the
// Signoff interpreter gives it, which run.js checks Cedar against.
//
// The mapping (README.md beside this file has the reasoning):
//   rule ... allow           -> permit, policy id "allow:NAME"
//   rule ... deny            -> forbid, policy id "deny:NAME"
//   rule ... require N of G  -> permit, policy id "require:NAME"; an `allow`
//                               whose determining policies include a
//                               "require:" one is classified
//                               require_approval (Cedar has no approvals)
//   default deny             -> Cedar's implicit deny
//   on a.b / a.* / *.b / **  -> action == / action in [...] / any action
//   when / unless            -> when { } / unless { }, one clause each
//   requester                -> principal User::"id" with attrs kind, team,
//                               groups, on_behalf_of; static groups are its
//                               parents, so `requester.id in sre` is
//                               `principal in Group::"sre"`
//   params.resource          -> resource Resource::"name"
//   other params             -> context.params.F
//   context.time / ip        -> datetime / ip extension values
//   hour(t, "UTC") in a..b   -> t.toTime() >= duration("ah") && < ("b+1"h)
//   in_cidr(ip, "c")         -> ip.isInRange(ip("c"))
//   s like "g"               -> s like "g"   (globs use only `*`)
//   s matches "re"           -> context.derived.re_F, a boolean the
//                               caller computes per request (Cedar has no
//                               regexes); run.js times that work too
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "bench/workload.h"
#include "compiler/driver/driver.h"
#include "compiler/interp/interpreter.h"
#include "nlohmann/json.hpp"

namespace signoff::bench {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

std::string Str(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

std::string SetOf(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i > 0 ? ", " : "") + Str(items[i]);
  }
  return out + "]";
}

std::string Param(int field) {
  return "context.params." +
         std::string(GetField(static_cast<Field>(field)).name);
}

std::string CedarCond(const Workload& w, const Cond& c) {
  switch (c.kind) {
    case CondKind::kIntCmp:
      return Param(c.field) + " " + c.op + " " + std::to_string(c.imm);
    case CondKind::kStrEq:
      return Param(c.field) + " " + c.op + " " + Str(c.s[0]);
    case CondKind::kStrIn:
      return SetOf(c.s) + ".contains(" + Param(c.field) + ")";
    case CondKind::kLike:
      return (c.field == kResource ? std::string("context.params.resource")
                                   : Param(c.field)) +
             " like " + Str(c.s[0]);
    case CondKind::kScope: {
      if (c.s.size() == 1) return "resource == Resource::" + Str(c.s[0]);
      std::string out = "resource in [";
      for (size_t i = 0; i < c.s.size(); ++i) {
        out += (i > 0 ? ", " : "") + std::string("Resource::") + Str(c.s[i]);
      }
      return out + "]";
    }
    case CondKind::kBool:
      return Param(kDestructive);
    case CondKind::kListHas:
      return Param(kTags) + ".contains(" + Str(c.s[0]) + ")";
    case CondKind::kRegex:
      return c.field >= 0 ? "context.derived.re_version"
                          : "context.derived.re_ticket";
    case CondKind::kHas:
      return "context.params has reason";
    case CondKind::kGroup:
      return "principal in Group::" +
             Str(w.groups[static_cast<size_t>(c.group)].name);
    case CondKind::kKind:
      return "principal.kind == " + Str(c.s[0]);
    case CondKind::kTeam:
      return "principal.team == " + Str(c.s[0]);
    case CondKind::kReqGroups:
      return "principal.groups.contains(" + Str(c.s[0]) + ")";
    case CondKind::kHour:
      return "context.time.toTime() >= duration(\"" + std::to_string(c.imm) +
             "h\") && context.time.toTime() < duration(\"" +
             std::to_string(c.imm2 + 1) + "h\")";
    case CondKind::kCidr:
      return "context.ip.isInRange(ip(" + Str(c.s[0]) + "))";
    case CondKind::kTicket:
      return "context.ticket != \"\"";
  }
  return "true";
}

std::string PolicyId(const RuleDef& r) {
  switch (r.effect) {
    case Effect::kAllow:
      return "allow:" + r.name;
    case Effect::kDeny:
      return "deny:" + r.name;
    case Effect::kRequire:
      return "require:" + r.name;
  }
  return r.name;
}

std::string PolicyText(const Workload& w, const RuleDef& r) {
  std::string out = r.effect == Effect::kDeny ? "forbid (\n" : "permit (\n";
  out += "  principal,\n";
  if (r.actions.size() == w.actions.size()) {
    out += "  action,\n";
  } else if (r.actions.size() == 1) {
    out += "  action == Action::" +
           Str(w.actions[static_cast<size_t>(r.actions[0])].name) + ",\n";
  } else {
    out += "  action in [";
    for (size_t i = 0; i < r.actions.size(); ++i) {
      out += (i > 0 ? ", " : "") + std::string("Action::") +
             Str(w.actions[static_cast<size_t>(r.actions[i])].name);
    }
    out += "],\n";
  }
  out += "  resource\n)";
  for (const Cond& c : r.conds) {
    out += std::string(c.unless ? "\nunless { " : "\nwhen { ") +
           CedarCond(w, c) + " }";
  }
  return out + ";";
}

json Uid(std::string_view type, std::string_view id) {
  return json{{"type", type}, {"id", id}};
}

json Extn(std::string_view fn, std::string_view arg) {
  return json{{"__extn", {{"fn", fn}, {"arg", arg}}}};
}

json Call(const Workload& w, const RequestDef& r) {
  const ActionDef& a = w.actions[static_cast<size_t>(r.action)];
  json params = json::object();
  for (Field f : a.fields) {
    const FieldInfo& info = GetField(f);
    std::string name(info.name);
    switch (info.type) {
      case FieldType::kString:
        if (f == kReason && !r.has_reason) break;
        params[name] = r.str[f];
        break;
      case FieldType::kInt:
        params[name] = r.num[f];
        break;
      case FieldType::kBool:
        params[name] = r.flag;
        break;
      case FieldType::kStringList:
        params[name] = r.tags;
        break;
    }
  }
  json parents = json::array();
  for (const GroupDef& g : w.groups) {
    for (const std::string& m : g.members) {
      if (m == r.id) parents.push_back(Uid("Group", g.name));
    }
  }
  json principal = {{"uid", Uid("User", r.id)},
                    {"attrs",
                     {{"kind", r.kind},
                      {"team", r.team},
                      {"groups", r.groups},
                      {"on_behalf_of", r.on_behalf_of}}},
                    {"parents", parents}};
  return json{{"principal", Uid("User", r.id)},
              {"action", Uid("Action", a.name)},
              {"resource", Uid("Resource", r.str[kResource])},
              {"context",
               {{"params", params},
                {"time", Extn("datetime", r.time_text)},
                {"ip", Extn("ip", r.ip)},
                {"justification", r.justification},
                {"ticket", r.ticket},
                {"derived", json::object()}}},
              {"entities", json::array({principal})}};
}

int Convert(const std::filesystem::path& dir, int rules) {
  Workload w = Generate(rules);
  absl::StatusOr<std::unique_ptr<driver::Compilation>> c =
      driver::CompileSources({{"bench.signoff", ToSignoff(w)}}, {});
  if (!c.ok() || !(*c)->ok()) {
    std::cerr << "signoff_cedar_convert: the " << rules
              << "-rule workload does not compile\n";
    return 1;
  }
  const ir::Policy& policy = *(*c)->policy;

  json policies = json::object();
  std::string text;
  for (const RuleDef& r : w.rules) {
    std::string p = PolicyText(w, r);
    policies[PolicyId(r)] = p;
    text += "// " + PolicyId(r) + "\n" + p + "\n\n";
  }
  json requests = json::array();
  for (const RequestDef& r : w.requests) {
    std::string signoff_json = RequestJson(w, r);
    absl::StatusOr<eval::Decision> d =
        interp::Decide(policy, signoff_json, eval::Defaults{}, false, nullptr);
    if (!d.ok() || !d->errors.empty()) {
      std::cerr << "signoff_cedar_convert: request not decided cleanly: "
                << signoff_json << "\n";
      return 1;
    }
    const ActionDef& a = w.actions[static_cast<size_t>(r.action)];
    requests.push_back(
        {{"call", Call(w, r)},
         {"derive",
          {{"re_version", a.Has(kVersion) ? r.str[kVersion] : std::string()},
           {"re_ticket", r.ticket}}},
         {"expected", eval::DecisionKindName(d->kind)},
         {"signoff", signoff_json}});
  }
  json out = {{"rules", rules},
              {"regexes",
               {{"re_version", "v[0-9]+[.][0-9]+[.][0-9]+"},
                {"re_ticket", "INC-[0-9]{4,6}"}}},
              {"policies", policies},
              {"requests", requests}};
  std::ofstream(dir / ("workload_" + std::to_string(rules) + ".json"))
      << out.dump();
  std::ofstream(dir / ("policies_" + std::to_string(rules) + ".cedar")) << text;
  return 0;
}

}  // namespace
}  // namespace signoff::bench

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: signoff_cedar_convert OUTDIR [RULES...]\n";
    return 2;
  }
  std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  std::vector<int> counts;
  for (int i = 2; i < argc; ++i) counts.push_back(std::stoi(argv[i]));
  if (counts.empty()) counts = {10, 100, 1000, 10000};
  for (int n : counts) {
    if (int rc = signoff::bench::Convert(dir, n); rc != 0) return rc;
  }
  return 0;
}
