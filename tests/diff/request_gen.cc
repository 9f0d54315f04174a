// Random JSON requests: see request_gen.h.
#include "tests/diff/request_gen.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "stdlib/builtins.h"

namespace signoff::difftest {
namespace {

using json = nlohmann::ordered_json;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

const std::vector<std::string>& ExtraStrings() {
  static const auto* pool = new std::vector<std::string>{
      "",
      " ",
      "x",
      "human",
      "agent",
      "service",
      "sre",
      "data",
      "\xc3\xa9",      // é (precomposed)
      "e\xcc\x81",     // e + combining acute
      "\xe2\x80\x8b",  // zero-width space
      "\xef\xbb\xbf"
      "bom",                                           // BOM inside a string
      "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",  // ZWJ sequence
      "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d",              // Hebrew (RTL)
      "I\xcc\x87",                                     // dotted I
      "\xc3\x9f",  // ß (upper is not ASCII)
      std::string("\0", 1),
      std::string("a\0b", 3),
      "\x7f",
      "\x1b[31m",
      "\\",
      "\"",
      "{requester.id}",
      "%d",
      "s3://public-x",
      "data.export",
      "*",
      "?",
  };
  return *pool;
}

const std::vector<std::string>& ExtraIps() {
  static const auto* pool = new std::vector<std::string>{
      "127.0.0.1", "0.0.0.0",     "255.255.255.255",    "::",
      "::1",       "2001:db8::1", "::ffff:192.168.1.1", "fe80::1",
      "1.2.3.4",   "10.0.0.1",    "2001:DB8::1",        "0:0:0:0:0:0:0:1",
  };
  return *pool;
}

const std::vector<std::string>& KindPool() {
  static const auto* pool = new std::vector<std::string>{
      "human",
      "agent",
      "service",
  };
  return *pool;
}

class RequestGenerator {
 public:
  RequestGenerator(const PolicySpec& spec, uint64_t seed)
      : rng_(seed), spec_(spec), visible_(spec.VisibleActions()) {
    for (const ActionSpec& action : visible_) {
      for (const RuleSpec& rule : spec.rules) {
        bool matched = false;
        for (const std::string& pattern : rule.patterns) {
          matched = matched || PatternMatches(pattern, action.name);
        }
        if (matched) {
          covered_.push_back(&action);
          break;
        }
      }
    }
  }

  std::string Run() {
    json root = json::object();
    const ActionSpec* action = nullptr;
    int action_form = static_cast<int>(rng_.Below(100));
    if (action_form < 50 && !covered_.empty()) {
      // A declared action some rule matches.
      action = covered_[rng_.Below(covered_.size())];
      root["action"] = action->name;
    } else if (action_form < 65 && !visible_.empty()) {
      action = &visible_[rng_.Below(visible_.size())];
      root["action"] = action->name;
    } else if (action_form < 88 && !spec_.hints.action_names.empty()) {
      std::string name = rng_.Pick(spec_.hints.action_names);
      root["action"] = name;
      action = Find(name);
    } else if (action_form < 97) {
      std::string name = RandomActionName();
      root["action"] = name;
      action = Find(name);
    } else {
      root["action"] = InvalidAction();
      if (root["action"].is_null()) root.erase("action");
    }

    if (action != nullptr) {
      if (!rng_.Percent(1)) root["params"] = Params(*action);
    } else if (rng_.Percent(70)) {
      root["params"] = UndeclaredParams();
    }
    if (rng_.Percent(1))
      root["params"] = rng_.Percent(50) ? json::array() : json("x");
    if (!rng_.Percent(10)) root["requester"] = Requester();
    if (!rng_.Percent(10)) root["context"] = Context();
    if (rng_.Percent(1)) root["extra"] = true;

    // Key order varies: the binder must not care.
    json ordered = root;
    if (rng_.Percent(30)) {
      ordered = json::object();
      std::vector<std::string> keys;
      for (auto it = root.begin(); it != root.end(); ++it) {
        keys.push_back(it.key());
      }
      for (size_t i = keys.size(); i-- > 0;) ordered[keys[i]] = root[keys[i]];
    }
    if (rng_.Percent(1)) {
      // Not an object at all.
      ordered = rng_.Percent(50) ? json::array({ordered}) : json("request");
    }
    bool ascii = rng_.Percent(20);
    int indent = rng_.Percent(20) ? 2 : -1;
    std::string text = ordered.dump(indent, ' ', ascii);
    for (const auto& [placeholder, raw] : raws_) {
      std::string quoted = json(placeholder).dump(-1, ' ', ascii);
      size_t at = text.find(quoted);
      if (at != std::string::npos) text.replace(at, quoted.size(), raw);
    }
    if (rng_.Percent(1) && text.size() > 2 && text[0] == '{') {
      // A key given twice: the request is invalid.
      text.insert(1, "\"action\": \"dup.licate\", ");
    }
    return text;
  }

 private:
  const ActionSpec* Find(const std::string& name) const {
    for (const ActionSpec& action : visible_) {
      if (action.name == name) return &action;
    }
    return nullptr;
  }

  // A JSON value spliced into the text as is (numbers nlohmann would
  // rewrite).
  json Raw(std::string text) {
    std::string placeholder = absl::StrCat("\x01raw", raws_.size(), "\x01");
    raws_.emplace_back(placeholder, std::move(text));
    return placeholder;
  }

  std::string RandomActionName() {
    static const std::vector<std::string> kSegments = {
        "data", "export", "x", "read", "iam", "role", "in", "allow", "_", "Z9"};
    int segments = static_cast<int>(rng_.Between(1, 4));
    std::string name;
    for (int i = 0; i < segments; ++i) {
      if (i > 0) name += ".";
      name += rng_.Pick(kSegments);
    }
    return name;
  }

  json InvalidAction() {
    switch (rng_.Below(9)) {
      case 0:
        return "";
      case 1:
        return "data..export";
      case 2:
        return "1abc";
      case 3:
        return ".x";
      case 4:
        return "x.";
      case 5:
        return 42;
      case 6:
        return "d\xc3\xa4t\xc3\xa4";
      case 7:
        return "data.export ";
      default:
        return nullptr;  // missing
    }
  }

  std::string String() {
    int form = static_cast<int>(rng_.Below(100));
    if (form < 45 && !spec_.hints.strings.empty()) {
      return rng_.Pick(spec_.hints.strings);
    }
    if (form < 60) return rng_.Pick(spec_.hints.identities);
    if (form < 80) return rng_.Pick(ExtraStrings());
    if (form < 90 && !spec_.hints.strings.empty()) {
      // A neighbour of a literal: a character more or less, other case.
      std::string s = rng_.Pick(spec_.hints.strings);
      switch (rng_.Below(4)) {
        case 0:
          return s + "x";
        case 1: {
          // Without its last code point.
          size_t last = 0;
          for (size_t i = 0; i < s.size(); i += stdlib::CodePointSize(s, i)) {
            last = i;
          }
          return s.substr(0, last);
        }
        case 2:
          return std::string(stdlib::Upper(s));
        default:
          return "x" + s;
      }
    }
    if (form < 92) {
      std::string s;
      int n = static_cast<int>(rng_.Between(64, 300));
      std::string unit = rng_.Percent(50) ? "a" : "\xf0\x9f\x98\x80";
      for (int i = 0; i < n; ++i) s += unit;
      return s;
    }
    return RandomString();
  }

  std::string RandomString() {
    static const std::vector<std::string> kPieces = {"a",
                                                     "Z",
                                                     "0",
                                                     "-",
                                                     ".",
                                                     ":",
                                                     "/",
                                                     "*",
                                                     " ",
                                                     "\xc3\xa5",
                                                     "\xe6\x97\xa5",
                                                     "\xf0\x9f\x98\x80",
                                                     "\n",
                                                     "\t",
                                                     "\"",
                                                     "\\"};
    std::string s;
    int n = static_cast<int>(rng_.Between(0, 12));
    for (int i = 0; i < n; ++i) s += rng_.Pick(kPieces);
    return s;
  }

  json Int() {
    int form = static_cast<int>(rng_.Below(100));
    if (form < 40 && !spec_.hints.ints.empty()) {
      return rng_.Pick(spec_.hints.ints);
    }
    if (form < 55) {
      static const std::vector<int64_t> kExtremes = {0,
                                                     1,
                                                     -1,
                                                     kInt64Max,
                                                     kInt64Min,
                                                     kInt64Max - 1,
                                                     kInt64Min + 1,
                                                     4611686018427387904,
                                                     -4611686018427387904,
                                                     3037000499,
                                                     -3037000500};
      return rng_.Pick(kExtremes);
    }
    if (form < 85) return rng_.Between(-100, 100000);
    return static_cast<int64_t>(rng_.Next());
  }

  std::string Duration() {
    int form = static_cast<int>(rng_.Below(10));
    if (form < 5 && !spec_.hints.durations.empty()) {
      // The literal, or a second either side of it.
      std::string text = rng_.Pick(spec_.hints.durations);
      auto seconds = stdlib::ParseDuration(text);
      int delta = static_cast<int>(rng_.Between(-1, 1));
      int64_t shifted;
      if (seconds.ok() && delta != 0 &&
          !__builtin_add_overflow(*seconds, delta, &shifted) && shifted >= 0) {
        return stdlib::FormatDuration(shifted);
      }
      return text;
    }
    if (form < 8) {
      return stdlib::FormatDuration(rng_.Between(0, 90 * 86400));
    }
    static const std::vector<std::string> kEdge = {"0s",
                                                   "9223372036854775807s",
                                                   "106751991167300d",
                                                   "106751991167300d15h",
                                                   "1_000s",
                                                   "1d1s",
                                                   "0d0h0m0s"};
    return rng_.Pick(kEdge);
  }

  std::string Time() {
    static const std::vector<std::string> kExtreme = {
        "292277026596-12-04T15:30:07Z",
        "10000-01-01T00:00:00Z",
        "2026-11-21T03:00:00.999999999+23:59",
        "2026-11-21T03:00:00-23:59",
        "2026-11-21t03:00:00z",
        "2026-02-29T00:00:00Z"};
    if (rng_.Percent(3)) return rng_.Pick(kExtreme);
    if (rng_.Percent(70)) return rng_.Pick(spec_.hints.times);
    int64_t seconds = rng_.Between(-62135596800LL, 253402300799LL);
    return stdlib::FormatRfc3339(seconds);
  }

  std::string Ip() {
    if (!spec_.hints.ips.empty() && rng_.Percent(65)) {
      return rng_.Pick(spec_.hints.ips);
    }
    if (rng_.Percent(50)) return rng_.Pick(ExtraIps());
    uint64_t octets[4];
    for (uint64_t& octet : octets) octet = rng_.Below(256);
    return absl::StrFormat("%d.%d.%d.%d", octets[0], octets[1], octets[2],
                           octets[3]);
  }

  // A value of `type`, valid for it.
  json Valid(Type type) {
    switch (type) {
      case Type::kString:
        return String();
      case Type::kInt:
        return Int();
      case Type::kBool:
        return rng_.Percent(50);
      case Type::kDuration:
        return Duration();
      case Type::kTime:
        return Time();
      case Type::kIp:
        return Ip();
      case Type::kListString: {
        json list = json::array();
        int n = static_cast<int>(rng_.Percent(3) ? rng_.Between(20, 100)
                                                 : rng_.Between(0, 4));
        for (int i = 0; i < n; ++i) {
          list.push_back(rng_.Percent(50) ? rng_.Pick(spec_.hints.identities)
                                          : String());
        }
        return list;
      }
      case Type::kListInt: {
        json list = json::array();
        int n = static_cast<int>(rng_.Percent(3) ? rng_.Between(20, 100)
                                                 : rng_.Between(0, 4));
        for (int i = 0; i < n; ++i) list.push_back(Int());
        return list;
      }
      case Type::kMapStringString: {
        json map = json::object();
        int n = static_cast<int>(rng_.Percent(3) ? rng_.Between(10, 40)
                                                 : rng_.Between(0, 3));
        for (int i = 0; i < n; ++i) {
          std::string key =
              rng_.Percent(80) ? rng_.Pick(spec_.hints.map_keys) : String();
          map[key] = String();
        }
        return map;
      }
      default:
        return nullptr;
    }
  }

  // A value that is not of `type` (or not valid for it).
  json Invalid(Type type) {
    switch (rng_.Below(12)) {
      case 0:
        return nullptr;
      case 1:
        return Raw("1.5");
      case 2:
        return Raw("9223372036854775808");
      case 3:
        return Raw("-9223372036854775809");
      case 4:
        return Raw("1e3");
      case 5:
        return type == Type::kString ? json(7) : json("7");
      case 6:
        return json::array({1, "a"});
      case 7:
        return json::object({{"k", 1}});
      case 8:
        return type == Type::kDuration ? json("5mins")
               : type == Type::kTime   ? json("2026-13-01T00:00:00Z")
               : type == Type::kIp     ? json("999.1.1.1")
                                       : json(true);
      case 9:
        return Raw("18446744073709551616");
      case 10:
        return Raw("-0");
      default:
        return type == Type::kBool ? json("true") : json(false);
    }
  }

  // Valid, except for `invalid_percent` in 100.
  json Value(Type type, int invalid_percent = 1) {
    if (rng_.Percent(invalid_percent)) return Invalid(type);
    return Valid(type);
  }

  json Params(const ActionSpec& action) {
    json params = json::object();
    for (const FieldSpec& field : action.fields) {
      bool present = field.optional ? rng_.Percent(55) : !rng_.Percent(1);
      if (present) params[field.name] = Value(field.type, 2);
    }
    if (rng_.Percent(3)) {
      const FieldSpec& extra = rng_.Pick(FieldPool());
      if (!params.contains(extra.name)) params[extra.name] = Valid(extra.type);
    }
    return params;
  }

  json UndeclaredParams() {
    json params = json::object();
    int n = static_cast<int>(rng_.Between(0, 3));
    for (int i = 0; i < n; ++i) {
      const FieldSpec& field = rng_.Pick(FieldPool());
      params[field.name] = rng_.Percent(80) ? Valid(field.type) : nullptr;
    }
    return params;
  }

  json Requester() {
    json requester = json::object();
    if (rng_.Percent(75)) {
      requester["id"] = rng_.Percent(70)
                            ? json(rng_.Pick(spec_.hints.identities))
                            : Value(Type::kString);
    }
    if (rng_.Percent(50)) {
      requester["kind"] =
          rng_.Percent(98) ? json(rng_.Pick(KindPool()))
                           : (rng_.Percent(50) ? json("robot") : json("Human"));
    }
    if (rng_.Percent(50)) requester["team"] = Value(Type::kString);
    if (rng_.Percent(40)) requester["groups"] = Value(Type::kListString);
    if (rng_.Percent(30)) {
      requester["on_behalf_of"] = rng_.Pick(spec_.hints.identities);
    }
    if (rng_.Percent(35)) requester["attrs"] = Value(Type::kMapStringString);
    if (rng_.Percent(1)) requester["mfa"] = true;  // not a requester field
    if (rng_.Percent(1)) return json("alice");
    return requester;
  }

  json Context() {
    json context = json::object();
    if (rng_.Percent(70)) context["time"] = Value(Type::kTime);
    if (rng_.Percent(60)) context["ip"] = Value(Type::kIp);
    if (rng_.Percent(30)) context["justification"] = Value(Type::kString);
    if (rng_.Percent(25)) context["ticket"] = Value(Type::kString);
    if (rng_.Percent(35)) context["attrs"] = Value(Type::kMapStringString);
    if (rng_.Percent(1)) context["tz"] = "UTC";  // unknown field
    return context;
  }

  Rng rng_;
  const PolicySpec& spec_;
  std::vector<ActionSpec> visible_;
  std::vector<const ActionSpec*> covered_;  // matched by some rule
  std::vector<std::pair<std::string, std::string>> raws_;
};

void AppendEscaped(uint32_t unit, std::string& out) {
  out += absl::StrFormat("\\u%04x", unit);
}

}  // namespace

std::string GenerateRequest(const PolicySpec& spec, uint64_t seed) {
  return RequestGenerator(spec, seed).Run();
}

std::optional<std::string> ReformatJson(std::string_view text) {
  std::string out;
  int depth = 0;
  auto newline = [&] {
    out += "\n";
    out.append(static_cast<size_t>(depth) * 2, ' ');
  };
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '{' || c == '[') {
      out += c;
      ++depth;
      newline();
      ++i;
    } else if (c == '}' || c == ']') {
      --depth;
      newline();
      out += c;
      ++i;
    } else if (c == ',') {
      out += ',';
      newline();
      ++i;
    } else if (c == ':') {
      out += " : ";
      ++i;
    } else if (c == '"') {
      out += '"';
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char s = text[i];
        if (s == '"') {
          closed = true;
          ++i;
          break;
        }
        if (s == '\\') {
          size_t n = i + 1 < text.size() && text[i + 1] == 'u' ? 6 : 2;
          out.append(text.substr(i, n));
          i += n;
        } else if (s == '/') {
          out += "\\/";
          ++i;
        } else if (static_cast<unsigned char>(s) < 0x80) {
          out += s;
          ++i;
        } else {
          size_t size = stdlib::CodePointSize(text, i);
          auto byte = [&](size_t k) {
            return static_cast<uint32_t>(static_cast<unsigned char>(text[k]));
          };
          uint32_t cp = 0;
          if (size == 2) {
            cp = ((byte(i) & 0x1f) << 6) | (byte(i + 1) & 0x3f);
          } else if (size == 3) {
            cp = ((byte(i) & 0x0f) << 12) | ((byte(i + 1) & 0x3f) << 6) |
                 (byte(i + 2) & 0x3f);
          } else if (size == 4) {
            cp = ((byte(i) & 0x07) << 18) | ((byte(i + 1) & 0x3f) << 12) |
                 ((byte(i + 2) & 0x3f) << 6) | (byte(i + 3) & 0x3f);
          } else {
            out += s;  // not UTF-8: keep the byte, the parser will object
            ++i;
            continue;
          }
          if (cp >= 0x10000) {
            cp -= 0x10000;
            AppendEscaped(0xd800 + (cp >> 10), out);
            AppendEscaped(0xdc00 + (cp & 0x3ff), out);
          } else {
            AppendEscaped(cp, out);
          }
          i += size;
        }
      }
      if (!closed) return std::nullopt;
      out += '"';
    } else {
      // A number or literal: copied exactly.
      size_t start = i;
      while (i < text.size() && text[i] != ',' && text[i] != '}' &&
             text[i] != ']' && text[i] != ':' && text[i] != ' ' &&
             text[i] != '\n' && text[i] != '\t' && text[i] != '\r' &&
             text[i] != '"') {
        ++i;
      }
      out.append(text.substr(start, i - start));
    }
  }
  return out;
}

}  // namespace signoff::difftest
