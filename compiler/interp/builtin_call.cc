// Evaluation of built-in function calls (stdlib/builtins.def).
#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "compiler/interp/expression.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::interp::internal {
namespace {

using eval::Value;

absl::Status Internal(std::string_view what) {
  return absl::InternalError(absl::StrCat("internal error: ", AsAbsl(what)));
}

}  // namespace

absl::StatusOr<Value> ExpressionEvaluator::Call(const ir::Node& node) const {
  if (node.imm < 0 ||
      static_cast<size_t>(node.imm) >= stdlib::AllBuiltins().size()) {
    return Internal(absl::StrCat("unknown builtin ", node.imm));
  }
  const auto builtin = static_cast<stdlib::Builtin>(node.imm);
  auto arg = [&](size_t i) -> ir::NodeId {
    return i < node.args.size() ? node.args[i] : ir::kNoNode;
  };
  switch (builtin) {
    case stdlib::Builtin::kStartsWith:
    case stdlib::Builtin::kEndsWith:
    case stdlib::Builtin::kContains: {
      absl::StatusOr<std::string> s = EvalString(arg(0));
      if (!s.ok()) return s.status();
      absl::StatusOr<std::string> t = EvalString(arg(1));
      if (!t.ok()) return t.status();
      if (builtin == stdlib::Builtin::kStartsWith) {
        return Value(stdlib::StartsWith(*s, *t));
      }
      if (builtin == stdlib::Builtin::kEndsWith) {
        return Value(stdlib::EndsWith(*s, *t));
      }
      return Value(stdlib::Contains(*s, *t));
    }
    case stdlib::Builtin::kLower:
    case stdlib::Builtin::kUpper: {
      absl::StatusOr<std::string> s = EvalString(arg(0));
      if (!s.ok()) return s.status();
      return Value(builtin == stdlib::Builtin::kLower ? stdlib::Lower(*s)
                                                      : stdlib::Upper(*s));
    }
    case stdlib::Builtin::kLenString: {
      absl::StatusOr<std::string> s = EvalString(arg(0));
      if (!s.ok()) return s.status();
      return Value(stdlib::CodePointLength(*s));
    }
    case stdlib::Builtin::kLenListString:
    case stdlib::Builtin::kLenListInt: {
      absl::StatusOr<Value> list = Eval(arg(0));
      if (!list.ok()) return list.status();
      if (const auto* strings = std::get_if<eval::StringList>(&*list)) {
        return Value(static_cast<int64_t>(strings->size()));
      }
      if (const auto* ints = std::get_if<eval::IntList>(&*list)) {
        return Value(static_cast<int64_t>(ints->size()));
      }
      return Internal("`len` of a value that is not a list");
    }
    case stdlib::Builtin::kHasKey: {
      absl::StatusOr<Value> map = Eval(arg(0));
      if (!map.ok()) return map.status();
      const auto* entries = std::get_if<eval::StringMap>(&*map);
      if (entries == nullptr) return Internal("`has` of a non-map");
      absl::StatusOr<std::string> key = EvalString(arg(1));
      if (!key.ok()) return key.status();
      return Value(std::any_of(entries->begin(), entries->end(),
                               [&](const auto& e) { return e.first == *key; }));
    }
    case stdlib::Builtin::kHour:
    case stdlib::Builtin::kWeekday: {
      if (node.ref >= policy_.timezones.size() ||
          !policy_.timezones[node.ref]) {
        return Internal("bad time zone");
      }
      absl::StatusOr<int64_t> t = EvalInt(arg(0));
      if (!t.ok()) return t.status();
      const stdlib::TimeZone& zone = *policy_.timezones[node.ref];
      return Value(builtin == stdlib::Builtin::kHour ? zone.Hour(*t)
                                                     : zone.Weekday(*t));
    }
    case stdlib::Builtin::kInCidr: {
      if (node.ref >= policy_.cidrs.size() || !policy_.cidrs[node.ref]) {
        return Internal("bad CIDR block");
      }
      absl::StatusOr<Value> ip = Eval(arg(0));
      if (!ip.ok()) return ip.status();
      const auto* address = std::get_if<stdlib::IpAddress>(&*ip);
      if (address == nullptr) return Internal("`in_cidr` of a non-ip");
      // An absent ip is invalid and in no block.
      return Value(policy_.cidrs[node.ref]->Contains(*address));
    }
  }
  return Internal("unknown builtin");
}

}  // namespace signoff::interp::internal
