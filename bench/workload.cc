// The benchmark workload generator (see workload.h).
#include "bench/workload.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace signoff::bench {
namespace {

// --- deterministic randomness (SplitMix64)
// ------------------------------------

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  int Below(int n) {
    return static_cast<int>(Next() % static_cast<uint64_t>(n));
  }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo +
           static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(int percent) { return Below(100) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Below(static_cast<int>(v.size())))];
  }
  // An index by weight.
  int Weighted(const std::vector<int>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int x = Below(total);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return static_cast<int>(i);
      x -= weights[i];
    }
    return static_cast<int>(weights.size()) - 1;
  }

 private:
  uint64_t state_;
};

const std::vector<std::string> kDomains = {
    "data",  "iam",      "db",     "infra", "secret",
    "model", "payments", "deploy", "repo",  "k8s"};
const std::vector<std::string> kVerbs = {"read",  "write",  "export", "delete",
                                         "grant", "revoke", "apply",  "rotate",
                                         "scale", "migrate"};
const std::vector<std::vector<std::string>> kNouns = {
    {"customers", "orders", "events"}, {"roles", "keys", "users"},
    {"billing", "ledger", "accounts"}, {"network", "edge", "batch"},
    {"stripe", "github", "pager"},     {"support", "ranker", "vision"},
    {"payouts", "refunds", "cards"},   {"web", "api", "worker"},
    {"core", "infra", "docs"},         {"prod", "gpu", "ingress"}};

const FieldInfo kFields[kNumFields] = {
    {"resource", FieldType::kString, false},
    {"environment", FieldType::kString, false},
    {"classification", FieldType::kString, false},
    {"destination", FieldType::kString, false},
    {"rows", FieldType::kInt, false},
    {"amount", FieldType::kInt, false},
    {"destructive", FieldType::kBool, false},
    {"tags", FieldType::kStringList, false},
    {"region", FieldType::kString, false},
    {"version", FieldType::kString, false},
    {"replicas", FieldType::kInt, false},
    {"reason", FieldType::kString, true},
};

const std::vector<std::string> kEnvironments = {"dev", "staging", "prod"};
const std::vector<std::string> kClassifications = {
    "public", "internal", "confidential", "restricted"};
const std::vector<std::string> kRegions = {
    "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1"};
const std::vector<std::string> kTagPool = {
    "pii", "finance", "hr", "internal", "customer", "legal", "ml"};
const std::vector<std::string> kDestinationGlobs = {
    "s3://public-*", "https://*", "*.example.com/in", "*warehouse*"};
const std::vector<std::string> kCidrs = {"10.0.0.0/8", "192.168.0.0/16",
                                         "10.20.0.0/16"};
const std::vector<std::string> kTeams = {"sre",     "data",     "security",
                                         "finance", "platform", "ml"};
const std::vector<std::string> kRequesterGroups = {"eng", "oncall", "admins",
                                                   "contractors", "data-eng"};
const std::vector<std::string> kKinds = {"human", "agent", "service"};

// Organisation-wide rules are few, whatever the size of the set.
constexpr int kMaxCrossRules = 10;

const std::vector<CidrBlock> kCidrBlocks = {
    {"10.0.0.0/8", 0x0a000000u, 0xff000000u},
    {"192.168.0.0/16", 0xc0a80000u, 0xffff0000u},
    {"10.20.0.0/16", 0x0a140000u, 0xffff0000u},
};

// The regexes, RE2 and ECMAScript alike (no escapes, full match).
constexpr std::string_view kVersionRegex = "v[0-9]+[.][0-9]+[.][0-9]+";
constexpr std::string_view kTicketRegex = "INC-[0-9]{4,6}";

struct Identity {
  std::string id, kind, team, on_behalf_of;
};
const std::vector<Identity> kIdentities = {
    {"alice", "human", "sre", ""},
    {"bob", "human", "sre", ""},
    {"carol", "human", "sre", ""},
    {"dana", "human", "data", ""},
    {"erin", "human", "data", ""},
    {"frank", "human", "finance", ""},
    {"grace", "human", "finance", ""},
    {"heidi", "human", "finance", ""},
    {"ivan", "human", "platform", ""},
    {"judy", "human", "platform", ""},
    {"sam", "human", "security", ""},
    {"sasha", "human", "security", ""},
    {"trent", "human", "security", ""},
    {"mallory", "human", "data", ""},
    {"agent:etl", "agent", "data", "dana"},
    {"agent:deployer", "agent", "platform", "ivan"},
    {"agent:copilot", "agent", "ml", "erin"},
    {"agent:billing", "agent", "finance", "frank"},
    {"svc:ci", "service", "platform", ""},
    {"svc:cron", "service", "sre", ""},
};

const std::vector<std::string> kJustifications = {
    "quarterly revenue report requested by finance leadership for the board",
    "incident follow-up: restore service after the failed deploy last night",
    "scheduled maintenance window agreed with the owning team in advance",
    "customer escalation, support needs a fresh copy to reproduce the bug",
    "automated nightly job run by the pipeline as configured in the repo",
};
const std::vector<std::string> kReasons = {"routine maintenance",
                                           "audit request", "migration step 3"};

// --- conditions -------------------------------------------------------------

Cond NewCond(CondKind kind) {
  Cond c;
  c.kind = kind;
  return c;
}

Cond MakeParamsCond(Rng& rng, const ActionDef& action, bool broad) {
  // Candidate kinds with weights, given the action's fields.
  std::vector<std::pair<CondKind, int>> kinds = {{CondKind::kStrEq, 6},
                                                 {CondKind::kStrIn, 3}};
  if (action.Has(kRows) || action.Has(kAmount) || action.Has(kReplicas)) {
    kinds.push_back({CondKind::kIntCmp, 6});
  }
  if (action.Has(kDestination)) kinds.push_back({CondKind::kLike, 3});
  if (broad) kinds.push_back({CondKind::kLike, 1});  // resource glob
  if (action.Has(kDestructive)) kinds.push_back({CondKind::kBool, 4});
  if (action.Has(kTags)) kinds.push_back({CondKind::kListHas, 3});
  if (action.Has(kVersion)) kinds.push_back({CondKind::kRegex, 1});
  if (action.Has(kReason)) kinds.push_back({CondKind::kHas, 2});
  std::vector<int> weights;
  for (auto& k : kinds) weights.push_back(k.second);
  Cond c = NewCond(kinds[static_cast<size_t>(rng.Weighted(weights))].first);
  switch (c.kind) {
    case CondKind::kStrEq: {
      std::vector<int> fields = {kEnvironment};
      if (action.Has(kClassification)) fields.push_back(kClassification);
      if (action.Has(kRegion)) fields.push_back(kRegion);
      c.field = rng.Pick(fields);
      const auto& pool = c.field == kEnvironment      ? kEnvironments
                         : c.field == kClassification ? kClassifications
                                                      : kRegions;
      c.op = rng.Chance(80) ? "==" : "!=";
      c.s = {c.field == kEnvironment && rng.Chance(60) ? "prod"
                                                       : rng.Pick(pool)};
      break;
    }
    case CondKind::kStrIn: {
      std::vector<int> fields = {kEnvironment};
      if (action.Has(kClassification)) fields.push_back(kClassification);
      if (action.Has(kRegion)) fields.push_back(kRegion);
      c.field = rng.Pick(fields);
      const auto& pool = c.field == kEnvironment      ? kEnvironments
                         : c.field == kClassification ? kClassifications
                                                      : kRegions;
      int first = rng.Below(static_cast<int>(pool.size()) - 1);
      c.s = {pool[static_cast<size_t>(first)],
             pool[static_cast<size_t>(first) + 1]};
      break;
    }
    case CondKind::kIntCmp: {
      std::vector<int> fields;
      for (int f : {kRows, kAmount, kReplicas}) {
        if (action.Has(static_cast<Field>(f))) fields.push_back(f);
      }
      c.field = rng.Pick(fields);
      static const std::vector<int64_t> rows = {1'000, 10'000, 100'000,
                                                1'000'000};
      static const std::vector<int64_t> amount = {10'000, 100'000, 1'000'000,
                                                  10'000'000};
      static const std::vector<int64_t> replicas = {10, 50, 100};
      c.imm = rng.Pick(c.field == kRows     ? rows
                       : c.field == kAmount ? amount
                                            : replicas);
      static const std::vector<std::string> ops = {">", ">=", "<", "<="};
      c.op = rng.Chance(75) ? rng.Pick(std::vector<std::string>{">", ">="})
                            : rng.Pick(ops);
      break;
    }
    case CondKind::kLike:
      if (action.Has(kDestination) && (!broad || rng.Chance(75))) {
        c.field = kDestination;
        c.s = {rng.Pick(kDestinationGlobs)};
      } else {
        c.field = kResource;
        c.s = {action.resources[static_cast<size_t>(rng.Below(3))]};
        // "data-customers-12" -> "data-customers-*"
        std::string& g = c.s[0];
        g = g.substr(0, g.rfind('-') + 1) + "*";
      }
      break;
    case CondKind::kBool:
      c.field = kDestructive;
      break;
    case CondKind::kListHas:
      c.field = kTags;
      c.s = {rng.Pick(kTagPool)};
      break;
    case CondKind::kRegex:
      c.field = kVersion;
      c.s = {std::string(kVersionRegex)};
      break;
    case CondKind::kHas:
      c.field = kReason;
      c.unless = rng.Chance(50);
      break;
    default:
      break;
  }
  if (!c.unless && c.kind != CondKind::kHas) c.unless = rng.Chance(10);
  return c;
}

// A condition on requester or context only (valid for any action).
Cond MakeSubjectCond(Rng& rng, int num_groups) {
  static const std::vector<int> weights = {5, 3, 2, 2, 2, 3, 2, 1};
  Cond c = NewCond(CondKind::kGroup);
  switch (rng.Weighted(weights)) {
    case 0:
      c.kind = CondKind::kGroup;
      c.group = rng.Below(num_groups);
      c.unless = rng.Chance(60);
      break;
    case 1:
      c.kind = CondKind::kKind;
      c.s = {rng.Pick(kKinds)};
      c.unless = rng.Chance(30);
      break;
    case 2:
      c.kind = CondKind::kTeam;
      c.s = {rng.Pick(kTeams)};
      c.unless = rng.Chance(40);
      break;
    case 3:
      c.kind = CondKind::kReqGroups;
      c.s = {rng.Pick(kRequesterGroups)};
      c.unless = rng.Chance(40);
      break;
    case 4: {
      c.kind = CondKind::kHour;
      static const std::vector<std::pair<int, int>> windows = {
          {9, 17}, {0, 6}, {18, 23}};
      auto w = rng.Pick(windows);
      c.imm = w.first;
      c.imm2 = w.second;
      c.unless = rng.Chance(50);
      break;
    }
    case 5:
      c.kind = CondKind::kCidr;
      c.s = {rng.Pick(kCidrs)};
      c.unless = rng.Chance(60);
      break;
    case 6:
      c.kind = CondKind::kTicket;
      c.unless = rng.Chance(50);
      break;
    default:
      c.kind = CondKind::kRegex;
      c.field = -1;  // context.ticket
      c.s = {std::string(kTicketRegex)};
      c.unless = rng.Chance(50);
      break;
  }
  return c;
}

Cond MakeScope(Rng& rng, const ActionDef& action) {
  Cond c = NewCond(CondKind::kScope);
  c.field = kResource;
  int n = 1 + rng.Weighted({50, 35, 15});
  while (static_cast<int>(c.s.size()) < n) {
    const std::string& r = rng.Pick(action.resources);
    if (std::find(c.s.begin(), c.s.end(), r) == c.s.end()) c.s.push_back(r);
  }
  return c;
}

// --- requests
// -----------------------------------------------------------------

// Howard Hinnant's civil_from_days, for RFC 3339 text.
std::string FormatTime(int64_t t) {
  int64_t days = t / 86400, secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), static_cast<long long>(m),
                static_cast<long long>(d), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

int64_t LogUniform(Rng& rng, int min_digits, int max_digits) {
  int64_t v = rng.Between(1, 9);
  for (int d = static_cast<int>(rng.Between(min_digits, max_digits)); d > 0;
       --d) {
    v *= 10;
  }
  return v + rng.Between(0, 9);
}

RequestDef MakeRequest(Rng& rng, const Workload& w,
                       const std::vector<int>& ruled_actions) {
  RequestDef r;
  r.action = !ruled_actions.empty() && rng.Chance(85) ? rng.Pick(ruled_actions)
                                                      : rng.Below(kNumActions);
  const ActionDef& a = w.actions[static_cast<size_t>(r.action)];
  r.str[kResource] = rng.Pick(a.resources);
  r.str[kEnvironment] =
      rng.Weighted({30, 25, 45}) == 2 ? "prod" : rng.Pick(kEnvironments);
  r.str[kClassification] = rng.Pick(kClassifications);
  switch (rng.Below(5)) {
    case 0:
      r.str[kDestination] = "s3://warehouse/" + rng.Pick(kNouns[0]);
      break;
    case 1:
      r.str[kDestination] = "s3://public-share/" + rng.Pick(kNouns[0]);
      break;
    case 2:
      r.str[kDestination] = "https://partner.example.com/in";
      break;
    case 3:
      r.str[kDestination] = "gs://analytics/exports";
      break;
    default:
      r.str[kDestination] =
          "sftp://vendor-" + std::to_string(rng.Below(9)) + "/drop";
      break;
  }
  r.num[kRows] = LogUniform(rng, 0, 6);
  r.num[kAmount] = LogUniform(rng, 1, 7);
  r.num[kReplicas] = rng.Between(1, 200);
  r.flag = rng.Chance(30);
  for (const std::string& t : kTagPool) {
    if (rng.Chance(20)) r.tags.push_back(t);
  }
  r.str[kRegion] = rng.Pick(kRegions);
  int v = rng.Below(100);
  r.str[kVersion] = v < 70 ? "v" + std::to_string(rng.Below(4)) + "." +
                                 std::to_string(rng.Below(20)) + "." +
                                 std::to_string(rng.Below(10))
                    : v < 85 ? "v2.0.0-rc" + std::to_string(rng.Below(5))
                             : "3f9a2c" + std::to_string(rng.Below(10));
  r.has_reason = rng.Chance(50);
  if (r.has_reason) r.str[kReason] = rng.Pick(kReasons);

  const Identity& who = rng.Pick(kIdentities);
  r.id = who.id;
  r.kind = who.kind;
  r.team = who.team;
  r.on_behalf_of = who.on_behalf_of;
  for (const std::string& g : kRequesterGroups) {
    if (rng.Chance(25)) r.groups.push_back(g);
  }
  // 2026-01-01T00:00:00Z plus up to a year.
  r.time = 1767225600 + rng.Between(0, 365LL * 86400 - 1);
  r.time_text = FormatTime(r.time);
  int ip = rng.Below(100);
  uint32_t b1, b2, b3, b4;
  if (ip < 65) {
    b1 = 10;
    b2 = rng.Chance(30) ? 20 : static_cast<uint32_t>(rng.Below(256));
  } else if (ip < 85) {
    b1 = 192;
    b2 = 168;
  } else {
    b1 = 203;
    b2 = 0;
  }
  b3 = static_cast<uint32_t>(rng.Below(256));
  b4 = static_cast<uint32_t>(rng.Between(1, 254));
  r.ipv4 = b1 << 24 | b2 << 16 | b3 << 8 | b4;
  r.ip = std::to_string(b1) + "." + std::to_string(b2) + "." +
         std::to_string(b3) + "." + std::to_string(b4);
  r.justification = rng.Pick(kJustifications);
  int t = rng.Below(100);
  r.ticket = t < 55   ? "INC-" + std::to_string(rng.Between(1000, 999999))
             : t < 75 ? "CHG-" + std::to_string(rng.Between(100, 99999))
                      : "";
  return r;
}

// --- rendering helpers
// ----------------------------------------------------------

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '"';
  return out;
}

std::string QuotedList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += Quote(items[i]);
  }
  return out + "]";
}

std::string SignoffCond(const Workload& w, const Cond& c) {
  std::string f = c.field >= 0 ? "params." + std::string(kFields[c.field].name)
                               : std::string();
  switch (c.kind) {
    case CondKind::kIntCmp:
      return f + " " + c.op + " " + std::to_string(c.imm);
    case CondKind::kStrEq:
      return f + " " + c.op + " " + Quote(c.s[0]);
    case CondKind::kStrIn:
      return f + " in " + QuotedList(c.s);
    case CondKind::kLike:
      return f + " like " + Quote(c.s[0]);
    case CondKind::kScope:
      return c.s.size() == 1 ? f + " == " + Quote(c.s[0])
                             : f + " in " + QuotedList(c.s);
    case CondKind::kBool:
      return f;
    case CondKind::kListHas:
      return Quote(c.s[0]) + " in " + f;
    case CondKind::kRegex:
      return (c.field >= 0 ? f : "context.ticket") + " matches " +
             Quote(c.s[0]);
    case CondKind::kHas:
      return "has(" + f + ")";
    case CondKind::kGroup:
      return "requester.id in " + w.groups[static_cast<size_t>(c.group)].name;
    case CondKind::kKind:
      return "requester.kind == " + Quote(c.s[0]);
    case CondKind::kTeam:
      return "requester.team == " + Quote(c.s[0]);
    case CondKind::kReqGroups:
      return Quote(c.s[0]) + " in requester.groups";
    case CondKind::kHour:
      return "hour(context.time, \"UTC\") in " + std::to_string(c.imm) + ".." +
             std::to_string(c.imm2);
    case CondKind::kCidr:
      return "in_cidr(context.ip, " + Quote(c.s[0]) + ")";
    case CondKind::kTicket:
      return "context.ticket != \"\"";
  }
  return "true";
}

}  // namespace

std::string_view ClassificationName(Classification c) {
  switch (c) {
    case Classification::kAllow:
      return "allow";
    case Classification::kDeny:
      return "deny";
    case Classification::kRequireApproval:
      return "require_approval";
  }
  return "?";
}

const FieldInfo& GetField(Field f) { return kFields[f]; }

bool ActionDef::Has(Field f) const {
  return std::find(fields.begin(), fields.end(), f) != fields.end();
}

const CidrBlock& FindCidr(std::string_view text) {
  for (const CidrBlock& b : kCidrBlocks) {
    if (b.text == text) return b;
  }
  std::abort();
}

GlobParts SplitGlob(std::string_view glob) {
  GlobParts p;
  size_t star = glob.find('*');
  if (glob.size() >= 2 && glob.front() == '*' && glob.back() == '*') {
    p.infix = true;
    p.prefix = std::string(glob.substr(1, glob.size() - 2));
  } else {
    p.prefix = std::string(glob.substr(0, star));
    p.suffix = std::string(glob.substr(star + 1));
  }
  return p;
}

Workload Generate(int num_rules, int num_requests) {
  Workload w;
  w.num_rules = num_rules;
  Rng rng(0x5167'0ff0'0000'0000ull ^ static_cast<uint64_t>(num_rules));

  // Where each rule goes: its action (or -1 for a pattern rule) and its index
  // among that action's rules.
  struct Slot {
    int action;
    int index;
  };
  std::vector<Slot> slots;
  std::vector<int> per_action(kNumActions, 0);
  for (int i = 0; i < num_rules; ++i) {
    if (num_rules >= 100 && i % 50 == 49 && i / 50 < kMaxCrossRules) {
      slots.push_back({-1, 0});
      continue;
    }
    int a = num_rules >= kNumActions ? i % kNumActions
                                     : i * kNumActions / num_rules;
    slots.push_back({a, per_action[static_cast<size_t>(a)]++});
  }

  // Actions and their schemas.
  for (int d = 0; d < 10; ++d) {
    for (int v = 0; v < 10; ++v) {
      ActionDef a;
      a.name = kDomains[static_cast<size_t>(d)] + "." +
               kVerbs[static_cast<size_t>(v)];
      a.fields = {kResource, kEnvironment};
      std::vector<Field> extras;
      while (extras.size() < 3) {
        extras.clear();
        for (int f = kClassification; f < kNumFields; ++f) {
          if (rng.Chance(45)) extras.push_back(static_cast<Field>(f));
        }
      }
      a.fields.insert(a.fields.end(), extras.begin(), extras.end());
      int k = per_action[static_cast<size_t>(d * 10 + v)];
      int pool = std::max(8, k);
      const auto& nouns = kNouns[static_cast<size_t>(d)];
      for (int j = 0; j < pool; ++j) {
        a.resources.push_back(kDomains[static_cast<size_t>(d)] + "-" +
                              nouns[static_cast<size_t>(j) % nouns.size()] +
                              "-" + std::to_string(j));
      }
      w.actions.push_back(std::move(a));
    }
  }

  w.groups = {
      {"sre", {"alice", "bob", "carol"}},
      {"security", {"sam", "sasha", "trent"}},
      {"data_owners", {"dana", "erin"}},
      {"finance", {"frank", "grace", "heidi"}},
      {"platform", {"alice", "ivan", "judy"}},
      {"admins", {"alice", "sam"}},
  };
  const int num_groups = static_cast<int>(w.groups.size());

  for (int i = 0; i < num_rules; ++i) {
    const Slot& slot = slots[static_cast<size_t>(i)];
    RuleDef r;
    std::vector<int> effect_weights;  // allow, deny, require
    if (slot.action < 0) {
      // A cross-action rule: reads only what every action has.
      int shape = rng.Weighted({45, 45, 10});
      if (shape == 0) {
        int d = rng.Below(10);
        r.pattern = kDomains[static_cast<size_t>(d)] + ".*";
        for (int v = 0; v < 10; ++v) r.actions.push_back(d * 10 + v);
      } else if (shape == 1) {
        int v = rng.Below(10);
        r.pattern = "*." + kVerbs[static_cast<size_t>(v)];
        for (int d = 0; d < 10; ++d) r.actions.push_back(d * 10 + v);
      } else {
        r.pattern = "**";
        for (int a = 0; a < kNumActions; ++a) r.actions.push_back(a);
      }
      r.name = "r" + std::to_string(i) + "_cross";
      if (rng.Chance(50)) {
        Cond env = NewCond(CondKind::kStrEq);
        env.field = kEnvironment;
        env.op = "==";
        env.s = {"prod"};
        r.conds.push_back(env);
      }
      int n = 2 + rng.Below(2);
      for (int k = 0; k < n; ++k)
        r.conds.push_back(MakeSubjectCond(rng, num_groups));
      effect_weights = {35, 25, 40};
    } else {
      const ActionDef& a = w.actions[static_cast<size_t>(slot.action)];
      r.pattern = a.name;
      r.actions = {slot.action};
      r.name = "r" + std::to_string(i) + "_" +
               kDomains[static_cast<size_t>(slot.action / 10)] + "_" +
               kVerbs[static_cast<size_t>(slot.action % 10)];
      if (slot.index < 2) {
        // Broad: environment, requester and context.
        int n = 1 + rng.Below(2);
        for (int k = 0; k < n; ++k) {
          r.conds.push_back(rng.Chance(55) ? MakeParamsCond(rng, a, true)
                                           : MakeSubjectCond(rng, num_groups));
        }
        effect_weights = {40, 25, 35};
      } else {
        r.conds.push_back(MakeScope(rng, a));
        int n = rng.Weighted({30, 45, 25});
        for (int k = 0; k < n; ++k) {
          r.conds.push_back(rng.Chance(65) ? MakeParamsCond(rng, a, false)
                                           : MakeSubjectCond(rng, num_groups));
        }
        effect_weights = {55, 15, 30};
      }
    }
    r.effect = static_cast<Effect>(rng.Weighted(effect_weights));
    if (r.effect == Effect::kRequire) {
      r.group = rng.Below(num_groups);
      r.count = w.groups[static_cast<size_t>(r.group)].members.size() >= 3 &&
                        rng.Chance(20)
                    ? 2
                    : 1;
    }
    w.rules.push_back(std::move(r));
  }

  std::vector<int> ruled;
  for (int a = 0; a < kNumActions; ++a) {
    if (per_action[static_cast<size_t>(a)] > 0) ruled.push_back(a);
  }
  Rng req_rng(0x7e57'0000'0000'0000ull ^ static_cast<uint64_t>(num_rules));
  for (int i = 0; i < num_requests; ++i) {
    w.requests.push_back(MakeRequest(req_rng, w, ruled));
  }
  return w;
}

std::string ToSignoff(const Workload& w) {
  std::string out;
  out += "# Generated by bench/workload.cc: " + std::to_string(w.num_rules) +
         " rules over " + std::to_string(w.actions.size()) + " actions.\n\n";
  for (const GroupDef& g : w.groups) {
    out += "group " + g.name + " = " + QuotedList(g.members) + "\n";
  }
  out += "\nchannel approvals = slack(\"#approvals\")\n\n";
  for (const ActionDef& a : w.actions) {
    out += "action " + a.name + " {\n";
    for (Field f : a.fields) {
      const FieldInfo& info = kFields[f];
      static const char* kTypes[] = {"string", "int", "bool", "list<string>"};
      out += "  " + std::string(info.name) + ": " +
             kTypes[static_cast<int>(info.type)] + (info.optional ? "?" : "") +
             "\n";
    }
    out += "}\n\n";
  }
  for (const RuleDef& r : w.rules) {
    out += "rule " + r.name + " {\n  on " + r.pattern + "\n";
    for (const Cond& c : r.conds) {
      out += std::string(c.unless ? "  unless " : "  when ") +
             SignoffCond(w, c) + "\n";
    }
    switch (r.effect) {
      case Effect::kAllow:
        out += "  allow\n";
        break;
      case Effect::kDeny:
        out += "  deny \"" + r.name + " forbids this\"\n";
        break;
      case Effect::kRequire:
        out += "  require " + std::to_string(r.count) + " of " +
               w.groups[static_cast<size_t>(r.group)].name +
               "\n  expire 1h\n  notify approvals\n";
        break;
    }
    out += "}\n\n";
  }
  out += "default deny \"no rule covers this action\"\n";
  return out;
}

std::string RequestJson(const Workload& w, const RequestDef& r) {
  const ActionDef& a = w.actions[static_cast<size_t>(r.action)];
  std::string out = "{\"action\":" + Quote(a.name) + ",\"params\":{";
  bool first = true;
  for (Field f : a.fields) {
    if (f == kReason && !r.has_reason) continue;
    if (!first) out += ",";
    first = false;
    out += Quote(kFields[f].name) + ":";
    switch (kFields[f].type) {
      case FieldType::kString:
        out += Quote(r.str[f]);
        break;
      case FieldType::kInt:
        out += std::to_string(r.num[f]);
        break;
      case FieldType::kBool:
        out += r.flag ? "true" : "false";
        break;
      case FieldType::kStringList: {
        out += "[";
        for (size_t i = 0; i < r.tags.size(); ++i) {
          out += (i > 0 ? "," : "") + Quote(r.tags[i]);
        }
        out += "]";
        break;
      }
    }
  }
  out += "},\"requester\":{\"id\":" + Quote(r.id) +
         ",\"kind\":" + Quote(r.kind) + ",\"team\":" + Quote(r.team) +
         ",\"groups\":[";
  for (size_t i = 0; i < r.groups.size(); ++i) {
    out += (i > 0 ? "," : "") + Quote(r.groups[i]);
  }
  out += "]";
  if (!r.on_behalf_of.empty())
    out += ",\"on_behalf_of\":" + Quote(r.on_behalf_of);
  out += "},\"context\":{\"time\":" + Quote(r.time_text) +
         ",\"ip\":" + Quote(r.ip) +
         ",\"justification\":" + Quote(r.justification);
  if (!r.ticket.empty()) out += ",\"ticket\":" + Quote(r.ticket);
  out += "}}";
  return out;
}

NativeRequest ToNative(const RequestDef& r) {
  NativeRequest n;
  n.action = r.action;
  n.resource = r.str[kResource];
  n.environment = r.str[kEnvironment];
  n.classification = r.str[kClassification];
  n.destination = r.str[kDestination];
  n.region = r.str[kRegion];
  n.version = r.str[kVersion];
  n.rows = r.num[kRows];
  n.amount = r.num[kAmount];
  n.replicas = r.num[kReplicas];
  n.destructive = r.flag;
  n.has_reason = r.has_reason;
  for (const std::string& t : r.tags) n.tags.push_back(t);
  n.id = r.id;
  n.kind = r.kind;
  n.team = r.team;
  for (const std::string& g : r.groups) n.groups.push_back(g);
  n.time = r.time;
  n.ipv4 = r.ipv4;
  n.ticket = r.ticket;
  return n;
}

}  // namespace signoff::bench
