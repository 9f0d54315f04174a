// Random well-typed policy sets: see policy_gen.h.
#include "tests/diff/policy_gen.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::difftest {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// --- literal pools -----------------------------------------------------------

// Strings compared against: plain words, case variants, unicode (multi-byte,
// astral), whitespace and characters that need escaping, glob and regex
// metacharacters, an embedded NUL.
const std::vector<std::string>& StringPool() {
  static const auto* pool = new std::vector<std::string>{
      "",
      "a",
      "prod",
      "Prod",
      "PROD",
      "prod-eu",
      "staging",
      "dev",
      "data",
      "customers",
      "s3://public-bucket/x",
      "s3://warehouse/q4",
      "alice",
      "agent:etl",
      "sre",
      "confidential",
      "\xc3\xa5lborg",             // ålborg
      "\xc3\x84rger",              // Ärger
      "\xe6\x97\xa5\xe6\x9c\xac",  // 日本
      "\xf0\x9f\x98\x80",          // 😀
      "\xf0\x9f\x98\x80x\xf0\x9f\x98\x80",
      "a b",
      "tab\tsep",
      "line\nbreak",
      "quote\"d",
      "back\\slash",
      "x*y?",
      "{brace}",
      "%s%n",
      std::string("nul\0byte", 8),
      "data.export",
      "10.0.0.1",
      "1h30m",
  };
  return *pool;
}

const std::vector<std::string>& IdentityPool() {
  static const auto* pool = new std::vector<std::string>{
      "alice",
      "bob",
      "carol",
      "agent:etl",
      "",
      "Alice",
      "alice ",
      "\xc3\xa5sa",  // åsa
      "\xf0\x9f\x98\x80",
      "svc/deploy",
      "dana",
  };
  return *pool;
}

const std::vector<std::string>& DirectoryNames() {
  static const auto* pool = new std::vector<std::string>{
      "oncall",
      "leads",
      "ops-primary",
      "\xc3\xbc"
      "ber",
      "",
  };
  return *pool;
}

const std::vector<std::string>& MapKeyPool() {
  static const auto* pool = new std::vector<std::string>{
      "team", "env", "", "level", "\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87", "a.b",
  };
  return *pool;
}

const std::vector<int64_t>& IntPool() {
  static const auto* pool = new std::vector<int64_t>{
      0,
      1,
      2,
      3,
      5,
      7,
      9,
      10,
      17,
      23,
      24,
      100,
      1000,
      10000,
      86400,
      1000000,
      2147483647,
      2147483648,
      3037000499,  // floor(sqrt(INT64_MAX))
      3037000500,
      4294967296,
      4611686018427387904,  // 2^62
      9223372036854775806,
      kInt64Max,
  };
  return *pool;
}

// Duration literals (policy syntax, also valid JSON duration text).
const std::vector<std::string>& DurationPool() {
  static const auto* pool = new std::vector<std::string>{
      "0s",
      "1s",
      "30s",
      "59s",
      "1m",
      "30m",
      "1h",
      "90m",
      "1h30m",
      "1d",
      "7d",
      "1d2h3m4s",
      "24h",
      "3600s",
      "1_000s",
      "106751991167300d",  // near INT64_MAX seconds
      "9223372036854775807s",
  };
  return *pool;
}

const std::vector<std::string>& TimePool() {
  static const auto* pool = new std::vector<std::string>{
      "2026-11-21T03:00:00Z",      "2026-11-21T03:00:00+05:30",
      "2026-11-21T23:59:59-12:00",
      "2026-03-29T00:59:59Z",  // Europe/Berlin DST starts at 01:00Z
      "2026-03-29T01:00:00Z",
      "2026-11-01T05:59:59Z",  // America/New_York DST ends at 06:00Z
      "2026-11-01T06:00:00Z",
      "2026-04-05T15:00:00Z",  // Australia/Lord_Howe half-hour DST
      "1970-01-01T00:00:00Z",      "1969-12-31T23:59:59Z",
      "0001-01-01T00:00:00Z",      "9999-12-31T23:59:59Z",
      "2026-11-21T03:00:00.999Z",  "2026-11-21T03:00:00.5+01:00",
      "2016-12-31T23:59:60Z",  // a leap second
      "2026-11-23T00:00:00Z",  // a Monday
      "2026-11-22T23:59:59Z",  // a Sunday
  };
  return *pool;
}

const std::vector<std::string>& ZonePool() {
  static const auto* pool = new std::vector<std::string>{
      "UTC",
      "Europe/Berlin",
      "America/New_York",
      "Asia/Kolkata",
      "Australia/Lord_Howe",
      "Pacific/Chatham",
      "America/St_Johns",
      "Pacific/Kiritimati",
  };
  return *pool;
}

struct CidrCase {
  std::string block;
  std::vector<std::string> inside;
  std::vector<std::string> outside;
};

const std::vector<CidrCase>& CidrPool() {
  static const auto* pool = new std::vector<CidrCase>{
      {"10.0.0.0/8",
       {"10.0.0.0", "10.255.255.255", "10.1.2.3"},
       {"11.0.0.0", "9.255.255.255", "::ffff:10.0.0.1"}},
      {"192.168.1.0/24", {"192.168.1.0", "192.168.1.255"}, {"192.168.2.0"}},
      {"0.0.0.0/0", {"0.0.0.0", "255.255.255.255"}, {"::"}},
      {"10.1.2.3/32", {"10.1.2.3"}, {"10.1.2.4"}},
      {"::/0", {"::", "2001:db8::1"}, {"1.2.3.4"}},
      {"2001:db8::/32",
       {"2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"},
       {"2001:db9::", "2001:db7:ffff::"}},
      {"fe80::/10", {"fe80::1", "febf::1"}, {"fec0::1"}},
      {"::ffff:0:0/96", {"::ffff:10.0.0.1"}, {"10.0.0.1"}},
      {"::1/128", {"::1"}, {"::2", "127.0.0.1"}},
  };
  return *pool;
}

struct RegexCase {
  std::string pattern;  // RE2 syntax, unescaped
  std::vector<std::string> samples;
};

// "Safe" regexes: every one compiles with RE2; samples match some and miss
// others.
const std::vector<RegexCase>& RegexPool() {
  static const auto* pool = new std::vector<RegexCase>{
      {"[a-z]+", {"abc", "ABC", ""}},
      {"prod-[0-9]{1,3}", {"prod-1", "prod-1234", "prod-"}},
      {"(dev|staging|prod)", {"staging", "production"}},
      {".*secret.*", {"my-secret-x", "secre"}},
      {"\\d+", {"123", "12a", "\xd9\xa3"}},  // Arabic-Indic three
      {"[^/]*", {"a/b", "ab"}},
      {"(?i)prod", {"PROD", "pRoD", "prods"}},
      {"\\p{L}+", {"\xc3\xa5lborg", "a1"}},
      {"a|b|", {"a", "", "ab"}},
      {".", {"\xf0\x9f\x98\x80", "ab", "\n"}},
      {"x*", {"", "xxx", "xy"}},
      {"", {"", "a"}},
      {"[[:alpha:]]+", {"abc", "\xc3\xa5"}},
      {"\xf0\x9f\x98\x80+", {"\xf0\x9f\x98\x80\xf0\x9f\x98\x80", "x"}},
      {"\\Q*.*\\E", {"*.*", "a.b"}},
      {".{0,3}", {"abc", "abcd", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80"}},
      {"(?s).+", {"line\nbreak", ""}},
      {"^abc$", {"abc", "abcd"}},
      {"\\w+@\\w+\\.com", {"me@x.com", "me@x.org"}},
      {"[\\x{0}-\\x{1F}]+", {std::string("\0", 1), "\t", "a"}},
  };
  return *pool;
}

// Action-name segments: ordinary words, reserved words (allowed as
// segments), digits after the first character, underscores.
const std::vector<std::string>& SegmentPool() {
  static const auto* pool = new std::vector<std::string>{
      "data",   "export", "iam",  "role",  "grant",   "db", "migrate",
      "deploy", "prod",   "read", "write", "svc",     "in", "allow",
      "v2",     "_x",     "A",    "ops",   "restart",
  };
  return *pool;
}

// --- helpers -----------------------------------------------------------------

std::string IntText(int64_t value, Rng& rng) {
  if (value == kInt64Min) return "(-9223372036854775807 - 1)";
  std::string digits = absl::StrCat(value < 0 ? -value : value);
  if (digits.size() > 3 && rng.Percent(30)) {
    // Underscore separators every three digits from the right.
    std::string grouped;
    int count = 0;
    for (size_t i = digits.size(); i-- > 0;) {
      grouped.insert(grouped.begin(), digits[i]);
      if (++count % 3 == 0 && i > 0) grouped.insert(grouped.begin(), '_');
    }
    digits = grouped;
  }
  return value < 0 ? "-" + digits : digits;
}

// Decodes one UTF-8 code point at s[i]; returns its size.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t size = stdlib::CodePointSize(s, i);
  if (size == 1) {
    *cp = c;
  } else if (size == 2) {
    *cp = ((c & 0x1f) << 6) | (byte(i + 1) & 0x3f);
  } else if (size == 3) {
    *cp =
        ((c & 0x0f) << 12) | ((byte(i + 1) & 0x3f) << 6) | (byte(i + 2) & 0x3f);
  } else {
    *cp = ((c & 0x07) << 18) | ((byte(i + 1) & 0x3f) << 12) |
          ((byte(i + 2) & 0x3f) << 6) | (byte(i + 3) & 0x3f);
  }
  return size;
}

bool SegmentsMatch(const std::vector<std::string>& segments,
                   std::string_view action) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dot = action.find('.', start);
    parts.push_back(action.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i] == "**") return parts.size() > i;  // one or more
    if (i >= parts.size()) return false;
    if (segments[i] != "*" && segments[i] != parts[i]) return false;
  }
  return parts.size() == segments.size();
}

std::vector<std::string> SplitDots(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = text.find('.', start);
    parts.emplace_back(text.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

// A typed value expression: its text, and whether it needs parentheses as
// an operand.
struct Val {
  std::string text;
  bool compound = false;
};

std::string Operand(const Val& v) {
  return v.compound ? "(" + v.text + ")" : v.text;
}

// Escapes expression text for a `{...}` interpolation inside a message
// string: escapes are decoded before the expression is parsed.
std::string EscapeForMessage(std::string_view expr) {
  std::string out;
  for (char c : expr) {
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// --- the generator -----------------------------------------------------------

struct Scope {
  std::vector<FieldSpec> params;  // optional: optional in some matched action
  bool where = false;
};

class Generator {
 public:
  Generator(uint64_t seed, const GenOptions& options)
      : rng_(seed), options_(options) {
    spec_.seed = seed;
  }

  PolicySpec Run() {
    spec_.file_count = rng_.Percent(60) ? 1 : rng_.Percent(60) ? 2 : 3;
    spec_.import_std = rng_.Percent(25);
    GenActions();
    GenGroups();
    GenChannels();
    // Rarely a policy with only a default, or with many rules.
    int rules = rng_.Percent(2) ? 0
                : rng_.Percent(3)
                    ? static_cast<int>(rng_.Between(20, 40))
                    : static_cast<int>(rng_.Between(1, options_.max_rules));
    for (int i = 0; i < rules; ++i) spec_.rules.push_back(GenRule(i));
    GenDefault();
    for (const std::string& id : IdentityPool()) {
      spec_.hints.identities.push_back(id);
    }
    Dedupe();
    return std::move(spec_);
  }

 private:
  int File() { return static_cast<int>(rng_.Below(spec_.file_count)); }

  // --- declarations ----------------------------------------------------------

  std::string ActionName() {
    int segments = static_cast<int>(rng_.Between(1, 3));
    std::string name;
    for (int i = 0; i < segments; ++i) {
      if (i > 0) name += ".";
      name += rng_.Pick(SegmentPool());
    }
    return name;
  }

  void GenActions() {
    std::set<std::string> names;
    int count = static_cast<int>(rng_.Between(1, options_.max_actions));
    for (int i = 0; i < count; ++i) {
      ActionSpec action;
      if (spec_.import_std && rng_.Percent(25)) {
        // Redeclare a std/actions name: the policy's schema wins.
        action.name = rng_.Pick(StdActions()).name;
      } else {
        action.name = ActionName();
      }
      if (!names.insert(action.name).second) continue;
      std::vector<FieldSpec> pool = FieldPool();
      int fields = static_cast<int>(rng_.Between(rng_.Percent(5) ? 0 : 1, 6));
      for (int f = 0; f < fields && !pool.empty(); ++f) {
        size_t pick = rng_.Below(pool.size());
        FieldSpec field = pool[pick];
        pool.erase(pool.begin() + static_cast<ptrdiff_t>(pick));
        field.optional = rng_.Percent(35);
        action.fields.push_back(field);
      }
      action.file = File();
      spec_.actions.push_back(std::move(action));
    }
  }

  std::string MemberList() {
    std::vector<std::string> members;
    int count = static_cast<int>(rng_.Between(0, 4));
    for (int i = 0; i < count; ++i) {
      members.push_back(SignoffString(rng_.Pick(IdentityPool()), &rng_));
    }
    return "[" + absl::StrJoin(members, ", ") + "]";
  }

  std::string DirectoryCall() {
    return "directory(" + SignoffString(rng_.Pick(DirectoryNames()), &rng_) +
           ")";
  }

  void GenGroups() {
    int count = static_cast<int>(rng_.Between(1, 5));
    for (int i = 0; i < count; ++i) {
      GroupSpec group;
      group.name = absl::StrCat("grp", i);
      int kind = static_cast<int>(rng_.Below(10));
      if (kind < 5 || i == 0) {
        group.definition = MemberList();
      } else if (kind < 7) {
        group.definition = DirectoryCall();
      } else {
        // A union of earlier groups, member lists and directories.
        std::vector<std::string> terms;
        int terms_count = static_cast<int>(rng_.Between(2, 3));
        for (int t = 0; t < terms_count; ++t) {
          int term = static_cast<int>(rng_.Below(4));
          if (term < 2) {
            terms.push_back(spec_.groups[rng_.Below(spec_.groups.size())].name);
          } else if (term == 2) {
            terms.push_back(MemberList());
          } else {
            terms.push_back(DirectoryCall());
          }
        }
        group.definition = absl::StrJoin(terms, " | ");
      }
      group.file = File();
      spec_.groups.push_back(std::move(group));
    }
  }

  void GenChannels() {
    static const std::vector<std::string> kKinds = {"slack", "teams",
                                                    "webhook"};
    int count = static_cast<int>(rng_.Between(0, 3));
    for (int i = 0; i < count; ++i) {
      ChannelSpec channel;
      channel.name = absl::StrCat("chan", i);
      channel.kind = rng_.Pick(kKinds);
      channel.target = SignoffString(
          absl::StrCat(rng_.Percent(50) ? "#room-" : "team/", i), &rng_);
      channel.file = File();
      spec_.channels.push_back(std::move(channel));
    }
  }

  // --- rules -----------------------------------------------------------------

  // Patterns around an anchor action name (declared, or not).
  std::string PatternNear(const std::string& name) {
    std::vector<std::string> segments = SplitDots(name);
    int form = static_cast<int>(rng_.Below(10));
    if (form < 4) return name;
    if (form < 6) {
      segments[rng_.Below(segments.size())] = "*";
    } else if (form < 8) {
      size_t keep = rng_.Below(segments.size());
      if (rng_.Percent(50)) ++keep;
      keep = std::min(keep, segments.size());
      segments.resize(keep);
      segments.push_back("**");
    } else if (form == 8) {
      return rng_.Percent(70) ? "**" : "*";
    } else {
      segments.resize(1);
      segments.push_back("*");
    }
    return absl::StrJoin(segments, ".");
  }

  // Undeclared action names a pattern matches, for requests.
  void HintActionsFor(const std::string& pattern) {
    for (int k = 0; k < 2; ++k) {
      std::vector<std::string> parts;
      for (const std::string& segment : SplitDots(pattern)) {
        if (segment == "*") {
          parts.push_back(rng_.Pick(SegmentPool()));
        } else if (segment == "**") {
          int extra = static_cast<int>(rng_.Between(1, 2));
          for (int e = 0; e < extra; ++e) {
            parts.push_back(rng_.Pick(SegmentPool()));
          }
        } else {
          parts.push_back(segment);
        }
      }
      spec_.hints.action_names.push_back(absl::StrJoin(parts, "."));
    }
  }

  RuleSpec GenRule(int index) {
    RuleSpec rule;
    rule.name = absl::StrCat("rule", index);
    rule.file = File();
    std::vector<ActionSpec> visible = spec_.VisibleActions();
    int patterns = rng_.Percent(70) ? 1 : rng_.Percent(60) ? 2 : 3;
    for (int p = 0; p < patterns; ++p) {
      std::string anchor = !visible.empty() && rng_.Percent(85)
                               ? rng_.Pick(visible).name
                               : ActionName();
      std::string pattern = PatternNear(anchor);
      if (std::find(rule.patterns.begin(), rule.patterns.end(), pattern) !=
          rule.patterns.end()) {
        continue;
      }
      rule.patterns.push_back(pattern);
      HintActionsFor(pattern);
    }

    // The params this rule may read: fields of every declared action its
    // patterns match (one type per name, see FieldPool()).
    Scope scope;
    std::map<std::string, FieldSpec> fields;
    for (const ActionSpec& action : visible) {
      bool matched = false;
      for (const std::string& pattern : rule.patterns) {
        matched = matched || PatternMatches(pattern, action.name);
      }
      if (!matched) continue;
      for (const FieldSpec& field : action.fields) {
        auto [it, inserted] = fields.emplace(field.name, field);
        if (!inserted && field.optional) it->second.optional = true;
      }
    }
    for (auto& [name, field] : fields) scope.params.push_back(field);

    int conditions = static_cast<int>(rng_.Below(10));
    conditions = conditions < 2   ? 0
                 : conditions < 6 ? 1
                 : conditions < 8 ? 2
                                  : 3;
    for (int c = 0; c < conditions; ++c) {
      ConditionSpec condition;
      condition.unless = rng_.Percent(30);
      if (rng_.Percent(3)) {
        condition.expr = Chain(scope);
      } else {
        condition.expr = GenBool(scope, static_cast<int>(rng_.Between(0, 3)));
      }
      rule.conditions.push_back(std::move(condition));
    }

    int effect = static_cast<int>(rng_.Below(10));
    if (effect < 3) {
      rule.effect = EffectKind::kAllow;
    } else if (effect < 6) {
      rule.effect = EffectKind::kDeny;
      if (rng_.Percent(60)) rule.deny_reason = SignoffString(Text(), &rng_);
    } else {
      GenApproval(rule, scope);
    }
    return rule;
  }

  std::string GroupUse() {
    int kind = static_cast<int>(rng_.Below(20));
    if (kind < 14) return spec_.groups[rng_.Below(spec_.groups.size())].name;
    if (kind < 17 && spec_.groups.size() > 1) {
      return spec_.groups[0].name + " | " +
             spec_.groups[1 + rng_.Below(spec_.groups.size() - 1)].name;
    }
    if (kind < 19) return MemberList();
    return DirectoryCall();
  }

  std::string DurationLiteral() {
    const std::string& text = rng_.Pick(DurationPool());
    spec_.hints.durations.push_back(text);
    return text;
  }

  // `require` lines and approval clauses (rules and the default block).
  void GenApproval(RuleSpec& rule, const Scope& scope) {
    rule.effect = EffectKind::kRequire;
    int requirements = static_cast<int>(rng_.Between(1, 3));
    for (int r = 0; r < requirements; ++r) {
      if (r > 0 && rng_.Percent(15)) {
        // An identical group and `where`: merged, keeping the larger count.
        RequirementSpec again = rule.requirements.back();
        again.count = rng_.Between(1, 4);
        rule.requirements.push_back(std::move(again));
        continue;
      }
      RequirementSpec requirement;
      requirement.count = rng_.Percent(90) ? rng_.Between(1, 3) : 7;
      requirement.group = GroupUse();
      if (rng_.Percent(35)) {
        Scope where = scope;
        where.where = true;
        requirement.where =
            GenBool(where, static_cast<int>(rng_.Between(0, 2)));
      }
      rule.requirements.push_back(std::move(requirement));
    }
    if (rng_.Percent(30)) rule.veto = rng_.Between(1, 3);
    if (rng_.Percent(50)) rule.expire = DurationLiteral();
    if (rng_.Percent(40)) rule.grant = DurationLiteral();
    if (!spec_.channels.empty() && rng_.Percent(50)) {
      std::set<std::string> names;
      int count = static_cast<int>(rng_.Between(1, 2));
      for (int c = 0; c < count; ++c) {
        names.insert(spec_.channels[rng_.Below(spec_.channels.size())].name);
      }
      rule.notify.assign(names.begin(), names.end());
    }
    if (rng_.Percent(55)) rule.message = GenMessage(scope);
    if (rng_.Percent(15)) {
      EscalationSpec escalation;
      escalation.after = DurationLiteral();
      // `escalate after 0s` is an error (EscalationZeroDelay); mapping it
      // keeps the random stream, so seeds generate the same policies.
      if (escalation.after == "0s") escalation.after = "1s";
      escalation.group = GroupUse();
      if (!spec_.channels.empty() && rng_.Percent(50)) {
        escalation.channels.push_back(
            spec_.channels[rng_.Below(spec_.channels.size())].name);
      }
      rule.escalations.push_back(std::move(escalation));
    }
  }

  std::vector<MessagePart> GenMessage(const Scope& scope) {
    static const std::vector<Type> kTypes = {Type::kString,
                                             Type::kString,
                                             Type::kInt,
                                             Type::kInt,
                                             Type::kBool,
                                             Type::kDuration,
                                             Type::kTime,
                                             Type::kIp,
                                             Type::kListString,
                                             Type::kListInt,
                                             Type::kMapStringString};
    std::vector<MessagePart> parts;
    int count = rng_.Percent(5) ? static_cast<int>(rng_.Between(5, 14))
                                : static_cast<int>(rng_.Between(1, 4));
    for (int i = 0; i < count; ++i) {
      MessagePart part;
      if (rng_.Percent(45)) {
        part.literal = Text();
      } else {
        Type type = rng_.Pick(kTypes);
        int depth = static_cast<int>(rng_.Below(3));
        part.expr = GenValue(type, scope, depth).text;
      }
      parts.push_back(std::move(part));
    }
    return parts;
  }

  void GenDefault() {
    int kind = static_cast<int>(rng_.Below(20));
    if (kind < 8) return;  // none: deny "no rule covers this action"
    RuleSpec rule;
    rule.name = "default";
    rule.file = File();
    if (kind < 11) {
      rule.effect = EffectKind::kAllow;
    } else if (kind < 15) {
      rule.effect = EffectKind::kDeny;
      if (kind >= 12) rule.deny_reason = SignoffString(Text(), &rng_);
    } else {
      GenApproval(rule, Scope{});
    }
    spec_.default_rule = std::move(rule);
  }

  // Free text for messages and deny reasons.
  std::string Text() {
    std::string text = rng_.Pick(StringPool());
    if (rng_.Percent(30)) text += " " + rng_.Pick(StringPool());
    return text;
  }

  // --- expressions -----------------------------------------------------------

  // A long `and`/`or` chain (left-deep, as the parser builds it): one
  // operator for long chains, mixed (parenthesised) for shorter ones, under
  // the nesting limit of 64 brackets.
  BoolExpr Chain(const Scope& scope) {
    bool mixed = rng_.Percent(40);
    int atoms =
        static_cast<int>(mixed ? rng_.Between(5, 20) : rng_.Between(20, 60));
    BoolExpr::Kind kind =
        rng_.Percent(50) ? BoolExpr::Kind::kAnd : BoolExpr::Kind::kOr;
    BoolExpr chain = BoolExpr::Atom(GenAtom(scope, 1));
    for (int i = 1; i < atoms; ++i) {
      BoolExpr node;
      node.kind = kind;
      if (mixed && rng_.Percent(50)) {
        node.kind = kind == BoolExpr::Kind::kAnd ? BoolExpr::Kind::kOr
                                                 : BoolExpr::Kind::kAnd;
      }
      node.children.push_back(std::move(chain));
      node.children.push_back(BoolExpr::Atom(GenAtom(scope, 1)));
      chain = std::move(node);
    }
    return chain;
  }

  BoolExpr GenBool(const Scope& scope, int depth) {
    if (depth > 0 && rng_.Percent(45)) {
      int kind = static_cast<int>(rng_.Below(5));
      BoolExpr node;
      if (kind == 4) {
        node.kind = BoolExpr::Kind::kNot;
        node.children.push_back(GenBool(scope, depth - 1));
        return node;
      }
      node.kind = kind < 2 ? BoolExpr::Kind::kAnd : BoolExpr::Kind::kOr;
      node.children.push_back(GenBool(scope, depth - 1));
      node.children.push_back(GenBool(scope, depth - 1));
      return node;
    }
    return BoolExpr::Atom(GenAtom(scope, 2));
  }

  // Params fields of `type` in scope.
  std::vector<const FieldSpec*> Params(const Scope& scope, Type type) {
    std::vector<const FieldSpec*> out;
    for (const FieldSpec& field : scope.params) {
      if (field.type == type) out.push_back(&field);
    }
    return out;
  }

  // Readable fields of `type`: params, requester, context, approver.
  std::vector<std::string> Fields(const Scope& scope, Type type) {
    std::vector<std::string> out;
    for (const FieldSpec* field : Params(scope, type)) {
      out.push_back("params." + field->name);
    }
    switch (type) {
      case Type::kString:
        out.insert(out.end(), {"requester.id", "requester.kind",
                               "requester.team", "requester.on_behalf_of",
                               "context.justification", "context.ticket"});
        if (scope.where)
          out.insert(out.end(), {"approver.id", "approver.team"});
        break;
      case Type::kListString:
        out.push_back("requester.groups");
        if (scope.where) out.push_back("approver.groups");
        break;
      case Type::kMapStringString:
        out.insert(out.end(), {"requester.attrs", "context.attrs"});
        if (scope.where) out.push_back("approver.attrs");
        break;
      case Type::kTime:
        out.push_back("context.time");
        break;
      case Type::kIp:
        out.push_back("context.ip");
        break;
      case Type::kBool:
        if (scope.where) out.push_back("approver.mfa");
        break;
      default:
        break;
    }
    return out;
  }

  std::string StringLiteral() {
    std::string value;
    int kind = static_cast<int>(rng_.Below(10));
    if (kind < 6) {
      value = rng_.Pick(StringPool());
    } else if (kind < 8) {
      value = rng_.Pick(IdentityPool());
    } else if (!spec_.hints.action_names.empty() && kind == 8) {
      value = rng_.Pick(spec_.hints.action_names);
    } else {
      value = rng_.Pick(MapKeyPool());
    }
    spec_.hints.strings.push_back(value);
    return SignoffString(value, &rng_);
  }

  int64_t IntValue() {
    int64_t value =
        rng_.Percent(70) ? rng_.Pick(IntPool()) : rng_.Between(-50, 50);
    if (rng_.Percent(15) && value != kInt64Min) value = -value;
    if (rng_.Percent(3)) value = kInt64Min;
    for (int64_t delta : {-1, 0, 1}) {
      int64_t hinted;
      if (!__builtin_add_overflow(value, delta, &hinted)) {
        spec_.hints.ints.push_back(hinted);
      }
    }
    return value;
  }

  Val IntLiteral() {
    int64_t value = IntValue();
    return Val{IntText(value, rng_), value == kInt64Min};
  }

  Val Literal(Type type) {
    switch (type) {
      case Type::kString:
        return Val{StringLiteral()};
      case Type::kInt:
        return IntLiteral();
      case Type::kBool:
        return Val{rng_.Percent(50) ? "true" : "false"};
      case Type::kDuration:
        return Val{DurationLiteral()};
      case Type::kListString: {
        std::vector<std::string> items;
        int count = static_cast<int>(rng_.Between(1, 3));
        for (int i = 0; i < count; ++i) items.push_back(StringLiteral());
        return Val{"[" + absl::StrJoin(items, ", ") + "]"};
      }
      case Type::kListInt: {
        std::vector<std::string> items;
        int count = static_cast<int>(rng_.Between(1, 3));
        for (int i = 0; i < count; ++i) {
          int64_t value = IntValue();
          if (value == kInt64Min) value = -1;  // not writable as a literal
          items.push_back(IntText(value, rng_));
        }
        return Val{"[" + absl::StrJoin(items, ", ") + "]"};
      }
      default:
        return Val{};  // no literal syntax (time, ip, map)
    }
  }

  static bool HasLiteral(Type type) {
    return type == Type::kString || type == Type::kInt || type == Type::kBool ||
           type == Type::kDuration || type == Type::kListString ||
           type == Type::kListInt;
  }

  Val FieldRead(const Scope& scope, Type type) {
    std::vector<std::string> fields = Fields(scope, type);
    if (fields.empty()) return HasLiteral(type) ? Literal(type) : Val{};
    return Val{rng_.Pick(fields)};
  }

  // A value expression of `type`. Time, ip and map values always have a
  // field to read (context.time, context.ip, requester.attrs).
  Val GenValue(Type type, const Scope& scope, int depth) {
    int choice = static_cast<int>(rng_.Below(10));
    bool compound = depth > 0 && choice >= 6;
    if (!compound) {
      if (HasLiteral(type) && (choice < 3 || Fields(scope, type).empty())) {
        return Literal(type);
      }
      return FieldRead(scope, type);
    }
    switch (type) {
      case Type::kString: {
        int form = static_cast<int>(rng_.Below(4));
        if (form == 0) return Val{"action"};
        if (form == 1) {
          Val map = GenValue(Type::kMapStringString, scope, 0);
          Val key = GenValue(Type::kString, scope, depth - 1);
          return Val{Operand(map) + "[" + key.text + "]"};
        }
        std::string function = rng_.Percent(50) ? "lower" : "upper";
        Val arg = GenValue(Type::kString, scope, depth - 1);
        return Val{function + "(" + arg.text + ")"};
      }
      case Type::kInt: {
        int form = static_cast<int>(rng_.Below(6));
        if (form == 0) {
          static const std::vector<Type> kLenTypes = {
              Type::kString, Type::kListString, Type::kListInt};
          Type arg_type = rng_.Pick(kLenTypes);
          Val arg = GenValue(arg_type, scope, depth - 1);
          return Val{"len(" + arg.text + ")"};
        }
        if (form == 1) return TimeCall(scope);
        if (form == 2) {
          Val operand = GenValue(Type::kInt, scope, depth - 1);
          return Val{"-" + Operand(operand), true};
        }
        return Arithmetic(Type::kInt, scope, depth);
      }
      case Type::kDuration:
        if (rng_.Percent(20)) {
          Val operand = GenValue(Type::kDuration, scope, depth - 1);
          return Val{"-" + Operand(operand), true};
        }
        return Arithmetic(Type::kDuration, scope, depth);
      case Type::kBool:
        return Val{GenBool(scope, depth - 1).Render(), true};
      default:
        return FieldRead(scope, type);
    }
  }

  // `hour(t, "Zone")` or `weekday(t, "Zone")`.
  Val TimeCall(const Scope& scope) {
    std::string function = rng_.Percent(50) ? "hour" : "weekday";
    Val time = GenValue(Type::kTime, scope, 0);
    std::string zone = SignoffString(rng_.Pick(ZonePool()), &rng_);
    return Val{function + "(" + time.text + ", " + zone + ")"};
  }

  Val Arithmetic(Type type, const Scope& scope, int depth) {
    static const std::vector<std::string> kIntOps = {"+", "-", "*"};
    static const std::vector<std::string> kDurationOps = {"+", "-"};
    std::string op = rng_.Pick(type == Type::kInt ? kIntOps : kDurationOps);
    Val left = GenValue(type, scope, depth - 1);
    Val right = GenValue(type, scope, depth - 1);
    return Val{Operand(left) + " " + op + " " + Operand(right), true};
  }

  std::string Glob(std::string* sample) {
    *sample = rng_.Pick(StringPool());
    std::string pattern;
    for (size_t i = 0; i < sample->size();) {
      uint32_t cp;
      size_t size = DecodeUtf8(*sample, i, &cp);
      int r = static_cast<int>(rng_.Below(100));
      if (r < 12) {
        pattern += "?";
      } else if (r < 20) {
        pattern += "*";
      } else {
        pattern += sample->substr(i, size);
      }
      i += size;
    }
    if (rng_.Percent(30)) pattern = "*" + pattern;
    if (rng_.Percent(30)) pattern += "*";
    return pattern;
  }

  // A regex that fully matches `sample` literally (RE2 QuoteMeta-like).
  static std::string QuoteRegex(std::string_view sample) {
    std::string out;
    for (char c : sample) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u == 0) {
        out += "\\x00";
      } else if (u >= 0x80 || (c >= 'a' && c <= 'z') ||
                 (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
        out.push_back(c);
      } else {
        out.push_back('\\');
        out.push_back(c);
      }
    }
    return out;
  }

  Val StringOperand(const Scope& scope, int depth) {
    // Mostly fields, so requests decide the outcome.
    if (rng_.Percent(75)) return FieldRead(scope, Type::kString);
    return GenValue(Type::kString, scope, depth);
  }

  // `left OP right` with both operands of `type`.
  std::string Comparison(Type type, const std::vector<std::string>& ops,
                         const Scope& scope, int depth) {
    // Mostly a field on the left, so the request decides.
    Val left = rng_.Percent(65) ? FieldRead(scope, type)
                                : GenValue(type, scope, depth);
    std::string op = rng_.Pick(ops);
    Val right = GenValue(type, scope, depth);
    return Operand(left) + " " + op + " " + Operand(right);
  }

  std::string InListAtom(const Scope& scope, int depth) {
    // Literal elements (a constant list), other values (lowered to `==`
    // chains), or the empty list.
    static const std::vector<Type> kElement = {Type::kString, Type::kInt,
                                               Type::kBool,   Type::kDuration,
                                               Type::kTime,   Type::kIp};
    int form = static_cast<int>(rng_.Below(10));
    Type type = form < 6 ? (rng_.Percent(50) ? Type::kString : Type::kInt)
                         : rng_.Pick(kElement);
    std::string needle = Operand(GenValue(type, scope, depth));
    if (form == 9) return needle + " in []";
    std::vector<std::string> items;
    // Rarely a big constant list (with repeats), which a back end may
    // search differently.
    int count = form < 6 && rng_.Percent(5)
                    ? static_cast<int>(rng_.Between(30, 200))
                    : static_cast<int>(rng_.Between(1, 4));
    for (int i = 0; i < count; ++i) {
      items.push_back(form < 6 ? Literal(type).text
                               : Operand(GenValue(type, scope, depth > 0)));
    }
    return needle + " in [" + absl::StrJoin(items, ", ") + "]";
  }

  std::string RangeAtom(const Scope& scope, int depth) {
    std::string low;
    std::string high;
    if (rng_.Percent(50)) {
      int64_t a = rng_.Between(-5, 30);
      int64_t b = a + rng_.Between(-1, 20);
      low = IntText(a, rng_);
      high = IntText(b, rng_);
      for (int64_t v : {a - 1, a, b, b + 1}) spec_.hints.ints.push_back(v);
    } else {
      // Bounds that may overflow too: which error is reported depends on
      // the order of evaluation (value, low, high).
      int bound_depth = rng_.Percent(30) ? 1 : 0;
      low = Operand(GenValue(Type::kInt, scope, bound_depth));
      high = Operand(GenValue(Type::kInt, scope, bound_depth));
    }
    Val needle = GenValue(Type::kInt, scope, depth);
    return Operand(needle) + " in " + low + ".." + high;
  }

  std::string GroupAtom(const Scope& scope, int depth) {
    std::string needle;
    if (rng_.Percent(50)) {
      needle = scope.where && rng_.Percent(60) ? "approver.id" : "requester.id";
    } else {
      needle = Operand(StringOperand(scope, depth));
    }
    return needle + " in " + spec_.groups[rng_.Below(spec_.groups.size())].name;
  }

  std::string ListFieldAtom(const Scope& scope, int depth) {
    if (!Params(scope, Type::kListInt).empty() && rng_.Percent(40)) {
      Val needle = GenValue(Type::kInt, scope, depth);
      return Operand(needle) + " in " + FieldRead(scope, Type::kListInt).text;
    }
    Val needle = StringOperand(scope, depth);
    return Operand(needle) + " in " + FieldRead(scope, Type::kListString).text;
  }

  std::string LikeAtom(const Scope& scope, int depth) {
    std::string sample;
    std::string glob = Glob(&sample);
    spec_.hints.strings.push_back(sample);
    Val subject = StringOperand(scope, depth);
    return Operand(subject) + " like " + SignoffString(glob, &rng_);
  }

  std::string MatchesAtom(const Scope& scope, int depth) {
    std::string pattern;
    if (rng_.Percent(70)) {
      const RegexCase& regex = rng_.Pick(RegexPool());
      pattern = regex.pattern;
      for (const std::string& s : regex.samples) {
        spec_.hints.strings.push_back(s);
      }
    } else {
      std::string sample = rng_.Pick(StringPool());
      spec_.hints.strings.push_back(sample);
      pattern = QuoteRegex(sample);
    }
    Val subject = StringOperand(scope, depth);
    return Operand(subject) + " matches " + SignoffString(pattern, &rng_);
  }

  std::string HasAtom(const Scope& scope, int depth) {
    std::vector<const FieldSpec*> optional;
    for (const FieldSpec& field : scope.params) {
      if (field.optional) optional.push_back(&field);
    }
    if (!optional.empty() && rng_.Percent(60)) {
      return "has(params." + rng_.Pick(optional)->name + ")";
    }
    Val map = GenValue(Type::kMapStringString, scope, 0);
    std::string key;
    if (rng_.Percent(70)) {
      key = SignoffString(rng_.Pick(MapKeyPool()), &rng_);
    } else {
      key = GenValue(Type::kString, scope, depth).text;
    }
    return "has(" + map.text + ", " + key + ")";
  }

  std::string StringFunctionAtom(const Scope& scope, int depth) {
    static const std::vector<std::string> kFunctions = {
        "starts_with", "ends_with", "contains"};
    std::string function = rng_.Pick(kFunctions);
    Val subject = StringOperand(scope, depth);
    Val part = GenValue(Type::kString, scope, depth);
    return function + "(" + subject.text + ", " + part.text + ")";
  }

  std::string CidrAtom(const Scope& scope) {
    const CidrCase& cidr = rng_.Pick(CidrPool());
    for (const std::string& ip : cidr.inside) spec_.hints.ips.push_back(ip);
    for (const std::string& ip : cidr.outside) spec_.hints.ips.push_back(ip);
    Val ip = GenValue(Type::kIp, scope, 0);
    return "in_cidr(" + ip.text + ", " + SignoffString(cidr.block, &rng_) + ")";
  }

  std::string BoolValueAtom(const Scope& scope, int depth) {
    // A bool value: a field, a literal, or an equality of bools.
    static const std::vector<std::string> kEqOps = {"==", "!="};
    Val value = FieldRead(scope, Type::kBool);
    if (!rng_.Percent(30)) return value.text;
    std::string op = rng_.Pick(kEqOps);
    Val other = GenValue(Type::kBool, scope, depth);
    return Operand(value) + " " + op + " " + Operand(other);
  }

  std::string TimeRangeAtom(const Scope& scope) {
    Val call = TimeCall(scope);
    bool hour = call.text[0] == 'h';
    int64_t low = hour ? rng_.Between(0, 23) : rng_.Between(1, 7);
    int64_t high = low + rng_.Between(0, 6);
    std::string low_text = IntText(low, rng_);
    std::string high_text = IntText(high, rng_);
    return call.text + " in " + low_text + ".." + high_text;
  }

  std::string OverflowAtom(const Scope& scope, int depth) {
    // Arithmetic that can overflow, compared with a value.
    static const std::vector<std::string> kOrdOps = {"<",  "<=", ">",
                                                     ">=", "==", "!="};
    Type type = rng_.Percent(75) ? Type::kInt : Type::kDuration;
    int arithmetic_depth = rng_.Percent(5) ? 6 : std::max(depth, 1);
    Val sum = Arithmetic(type, scope, arithmetic_depth);
    std::string op = rng_.Pick(kOrdOps);
    Val other = GenValue(type, scope, 0);
    return Operand(sum) + " " + op + " " + Operand(other);
  }

  std::string GenAtom(const Scope& scope, int depth) {
    static const std::vector<Type> kEquatable = {
        Type::kInt,  Type::kString, Type::kBool,       Type::kDuration,
        Type::kTime, Type::kIp,     Type::kListString, Type::kListInt,
        Type::kInt,  Type::kString};
    static const std::vector<Type> kOrdered = {Type::kInt, Type::kDuration,
                                               Type::kTime, Type::kString};
    static const std::vector<std::string> kEqOps = {"==", "!="};
    static const std::vector<std::string> kOrdOps = {"<",  "<=", ">",
                                                     ">=", "==", "!="};
    int vdepth = static_cast<int>(rng_.Below(depth + 1));
    switch (rng_.Below(17)) {
      case 0:
      case 1: {
        Type type = rng_.Pick(kEquatable);
        return Comparison(type, kEqOps, scope, vdepth);
      }
      case 2:
      case 3: {
        Type type = rng_.Pick(kOrdered);
        return Comparison(type, kOrdOps, scope, vdepth);
      }
      case 4:
        return InListAtom(scope, vdepth);
      case 5:
        return RangeAtom(scope, vdepth);
      case 6:
        return GroupAtom(scope, vdepth);
      case 7:
        return ListFieldAtom(scope, vdepth);
      case 8:
        return LikeAtom(scope, vdepth);
      case 9:
        return MatchesAtom(scope, vdepth);
      case 10:
      case 11:
        return HasAtom(scope, vdepth);
      case 12:
        return StringFunctionAtom(scope, vdepth);
      case 13:
        return CidrAtom(scope);
      case 14:
        return BoolValueAtom(scope, vdepth);
      case 15:
        return TimeRangeAtom(scope);
      default:
        return OverflowAtom(scope, vdepth);
    }
  }

  void Dedupe() {
    auto unique = [](auto& v) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
    };
    unique(spec_.hints.strings);
    unique(spec_.hints.ints);
    unique(spec_.hints.durations);
    unique(spec_.hints.ips);
    unique(spec_.hints.identities);
    unique(spec_.hints.action_names);
    for (const std::string& t : TimePool()) spec_.hints.times.push_back(t);
    for (const std::string& k : MapKeyPool()) spec_.hints.map_keys.push_back(k);
  }

  Rng rng_;
  GenOptions options_;
  PolicySpec spec_;
};

// --- rendering ---------------------------------------------------------------

std::string RenderMessage(const std::vector<MessagePart>& parts) {
  std::string out = "\"";
  for (const MessagePart& part : parts) {
    if (!part.expr.empty()) {
      out += "{" + EscapeForMessage(part.expr) + "}";
      continue;
    }
    for (size_t i = 0; i < part.literal.size();) {
      uint32_t cp;
      size_t size = DecodeUtf8(part.literal, i, &cp);
      char c = part.literal[i];
      if (c == '{') {
        out += (i % 2 == 0) ? "{{" : "\\u{7B}";
      } else if (c == '}') {
        out += "}}";
      } else if (c == '"' || c == '\\') {
        out += std::string("\\") + c;
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (cp < 0x20) {
        out += absl::StrCat("\\u{", absl::Hex(cp), "}");
      } else {
        out += part.literal.substr(i, size);
      }
      i += size;
    }
  }
  return out + "\"";
}

void RenderBody(const RuleSpec& rule, std::string& out) {
  const std::string indent = "  ";
  for (const ConditionSpec& condition : rule.conditions) {
    absl::StrAppend(&out, indent, condition.unless ? "unless " : "when ",
                    condition.expr.Render(), "\n");
  }
  switch (rule.effect) {
    case EffectKind::kAllow:
      absl::StrAppend(&out, indent, "allow\n");
      break;
    case EffectKind::kDeny:
      absl::StrAppend(&out, indent, "deny",
                      rule.deny_reason ? " " + *rule.deny_reason : "", "\n");
      break;
    case EffectKind::kRequire:
      for (const RequirementSpec& requirement : rule.requirements) {
        absl::StrAppend(&out, indent, "require ", requirement.count, " of ",
                        requirement.group);
        if (requirement.where) {
          absl::StrAppend(&out, " where ", requirement.where->Render());
        }
        out += "\n";
      }
      break;
  }
  if (rule.veto) absl::StrAppend(&out, indent, "veto ", *rule.veto, "\n");
  if (rule.expire) absl::StrAppend(&out, indent, "expire ", *rule.expire, "\n");
  if (rule.grant) absl::StrAppend(&out, indent, "grant ", *rule.grant, "\n");
  if (!rule.notify.empty()) {
    absl::StrAppend(&out, indent, "notify ", absl::StrJoin(rule.notify, ", "),
                    "\n");
  }
  if (rule.message) {
    absl::StrAppend(&out, indent, "message ", RenderMessage(*rule.message),
                    "\n");
  }
  for (const EscalationSpec& escalation : rule.escalations) {
    absl::StrAppend(&out, indent, "escalate after ", escalation.after, " to ",
                    escalation.group);
    if (!escalation.channels.empty()) {
      absl::StrAppend(&out, " notify ",
                      absl::StrJoin(escalation.channels, ", "));
    }
    out += "\n";
  }
}

const char* const kFileNames[] = {"policy.signoff", "b/rules.signoff",
                                  "a_more.signoff"};

}  // namespace

uint64_t MixSeed(uint64_t seed, uint64_t index) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

bool PatternMatches(std::string_view pattern, std::string_view action) {
  return SegmentsMatch(SplitDots(pattern), action);
}

BoolExpr BoolExpr::Atom(std::string text) {
  BoolExpr e;
  e.atom = std::move(text);
  return e;
}

std::string BoolExpr::Render() const {
  switch (kind) {
    case Kind::kAtom:
      return atom;
    case Kind::kNot: {
      const BoolExpr& child = children[0];
      return child.kind == Kind::kAtom || child.kind == Kind::kNot
                 ? "not " + child.Render()
                 : "not (" + child.Render() + ")";
    }
    case Kind::kAnd:
    case Kind::kOr: {
      std::string out;
      for (size_t i = 0; i < children.size(); ++i) {
        const BoolExpr& child = children[i];
        if (i > 0) out += kind == Kind::kAnd ? " and " : " or ";
        // `and` binds tighter than `or`; parenthesise the other kind, and
        // a right operand of the same kind (to keep the tree's shape).
        bool parens = (child.kind == Kind::kAnd || child.kind == Kind::kOr) &&
                      (child.kind != kind || i > 0);
        out += parens ? "(" + child.Render() + ")" : child.Render();
      }
      return out;
    }
  }
  return atom;
}

int BoolExpr::Size() const {
  int size = 1;
  for (const BoolExpr& child : children) size += child.Size();
  return size;
}

std::string SignoffString(std::string_view text, Rng* rng) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    uint32_t cp;
    size_t size = DecodeUtf8(text, i, &cp);
    char c = text[i];
    if (c == '"' || c == '\\') {
      out += std::string("\\") + c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp == 0x7f) {
      out += absl::StrCat("\\u{", absl::Hex(cp), "}");
    } else if (cp >= 0x80 && rng != nullptr && rng->Percent(30)) {
      out += absl::StrCat("\\u{", absl::Hex(cp, absl::kZeroPad4), "}");
    } else {
      out += text.substr(i, size);
    }
    i += size;
  }
  return out + "\"";
}

const std::vector<ActionSpec>& StdActions() {
  static const auto* actions = new std::vector<ActionSpec>{
      {"data.export",
       {{"dataset", Type::kString, false},
        {"rows", Type::kInt, false},
        {"destination", Type::kString, false},
        {"classification", Type::kString, false},
        {"note", Type::kString, true}}},
      {"iam.role.grant",
       {{"principal", Type::kString, false},
        {"role", Type::kString, false},
        {"scope", Type::kString, false},
        {"duration", Type::kDuration, true}}},
      {"iam.role.revoke",
       {{"principal", Type::kString, false},
        {"role", Type::kString, false},
        {"scope", Type::kString, false}}},
      {"db.migrate",
       {{"database", Type::kString, false},
        {"migration", Type::kString, false},
        {"environment", Type::kString, false},
        {"destructive", Type::kBool, false}}},
      {"infra.apply",
       {{"workspace", Type::kString, false},
        {"environment", Type::kString, false},
        {"resources_changed", Type::kInt, false},
        {"destroys", Type::kInt, false}}},
      {"secret.read",
       {{"path", Type::kString, false}, {"environment", Type::kString, false}}},
      {"model.deploy",
       {{"model", Type::kString, false},
        {"version", Type::kString, false},
        {"environment", Type::kString, false},
        {"eval_score", Type::kInt, true}}},
  };
  return *actions;
}

const std::vector<FieldSpec>& FieldPool() {
  // Names shared with std/actions keep their std types.
  static const auto* pool = new std::vector<FieldSpec>{
      {"dataset", Type::kString},
      {"environment", Type::kString},
      {"note", Type::kString},
      {"rows", Type::kInt},
      {"destroys", Type::kInt},
      {"destructive", Type::kBool},
      {"duration", Type::kDuration},
      {"cost", Type::kInt},
      {"flag", Type::kBool},
      {"ttl", Type::kDuration},
      {"at", Type::kTime},
      {"until", Type::kTime},
      {"src", Type::kIp},
      {"peer", Type::kIp},
      {"tags", Type::kListString},
      {"ids", Type::kListInt},
      {"ports", Type::kListInt},
      {"labels", Type::kMapStringString},
      {"meta", Type::kMapStringString},
      // Reserved words are valid field names.
      {"in", Type::kInt},
      {"action", Type::kString},
      {"default", Type::kBool},
      {"matches", Type::kListString},
  };
  return *pool;
}

std::vector<ActionSpec> PolicySpec::VisibleActions() const {
  std::vector<ActionSpec> visible = actions;
  if (import_std) {
    for (const ActionSpec& std_action : StdActions()) {
      bool redeclared = false;
      for (const ActionSpec& own : actions) {
        redeclared = redeclared || own.name == std_action.name;
      }
      if (!redeclared) visible.push_back(std_action);
    }
  }
  return visible;
}

std::vector<std::pair<std::string, std::string>> PolicySpec::Render() const {
  std::vector<std::string> texts(file_count);
  if (import_std) texts[0] += "import \"std/actions\"\n\n";
  for (const GroupSpec& group : groups) {
    absl::StrAppend(&texts[group.file % file_count], "group ", group.name,
                    " = ", group.definition, "\n");
  }
  for (const ChannelSpec& channel : channels) {
    absl::StrAppend(&texts[channel.file % file_count], "channel ", channel.name,
                    " = ", channel.kind, "(", channel.target, ")\n");
  }
  for (const ActionSpec& action : actions) {
    std::string& out = texts[action.file % file_count];
    absl::StrAppend(&out, "\naction ", action.name, " {\n");
    for (size_t i = 0; i < action.fields.size(); ++i) {
      const FieldSpec& field = action.fields[i];
      absl::StrAppend(&out, "  ", field.name, ": ",
                      AsAbsl(TypeName(field.type)), field.optional ? "?" : "",
                      i % 3 == 1 ? "," : "", "\n");
    }
    out += "}\n";
  }
  for (const RuleSpec& rule : rules) {
    std::string& out = texts[rule.file % file_count];
    absl::StrAppend(&out, "\nrule ", rule.name, " {\n  on ",
                    absl::StrJoin(rule.patterns, ", "), "\n");
    RenderBody(rule, out);
    out += "}\n";
  }
  if (default_rule) {
    std::string& out = texts[default_rule->file % file_count];
    switch (default_rule->effect) {
      case EffectKind::kAllow:
        out += "\ndefault allow\n";
        break;
      case EffectKind::kDeny:
        absl::StrAppend(
            &out, "\ndefault deny",
            default_rule->deny_reason ? " " + *default_rule->deny_reason : "",
            "\n");
        break;
      case EffectKind::kRequire:
        out += "\ndefault {\n";
        RenderBody(*default_rule, out);
        out += "}\n";
        break;
    }
  }
  std::vector<std::pair<std::string, std::string>> files;
  for (int i = 0; i < file_count; ++i) {
    files.emplace_back(kFileNames[i], std::move(texts[i]));
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string PolicySpec::RenderForDisplay() const {
  std::string out;
  for (const auto& [path, text] : Render()) {
    absl::StrAppend(&out, "# --- file: ", path, "\n", text);
  }
  return out;
}

PolicySpec GeneratePolicy(uint64_t seed, const GenOptions& options) {
  return Generator(seed, options).Run();
}

}  // namespace signoff::difftest
