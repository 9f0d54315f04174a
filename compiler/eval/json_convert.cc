// Typed conversion of JSON request values, and duplicate-key detection.
#include "compiler/eval/json_convert.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::eval::internal {

std::string_view JsonKind(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "bool";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "int";
    case json::value_t::number_float:
      return "float";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "binary data";
  }
}

void JsonConverter::Error(std::string_view path, std::string_view message) {
  errors_.push_back(absl::StrCat(AsAbsl(path), ": ", AsAbsl(message)));
}

void JsonConverter::TypeError(std::string_view path, std::string_view expected,
                              const json& got) {
  Error(path, absl::StrCat("expected ", AsAbsl(expected), ", got ",
                           AsAbsl(JsonKind(got))));
}

std::optional<Value> JsonConverter::Convert(const json& j, Type type,
                                            const std::string& path) {
  switch (type) {
    case Type::kBool:
      if (const auto* b = j.get_ptr<const json::boolean_t*>()) return *b;
      break;
    case Type::kInt:
      return ConvertInt(j, path);
    case Type::kString:
      if (const auto* s = j.get_ptr<const json::string_t*>()) return *s;
      break;
    case Type::kDuration:
      if (const auto* s = j.get_ptr<const json::string_t*>()) {
        absl::StatusOr<int64_t> seconds = stdlib::ParseDuration(*s);
        if (seconds.ok()) return *seconds;
        Error(path, absl::StrCat("not a duration (as in \"1h30m\"): ",
                                 seconds.status().message()));
        return std::nullopt;
      }
      break;
    case Type::kTime:
      if (const auto* s = j.get_ptr<const json::string_t*>()) {
        if (auto t = stdlib::ParseRfc3339(*s)) return *t;
        Error(path, "not an RFC 3339 time");
        return std::nullopt;
      }
      break;
    case Type::kIp:
      if (const auto* s = j.get_ptr<const json::string_t*>()) {
        if (auto ip = stdlib::IpAddress::Parse(*s)) return *ip;
        Error(path, "not an IP address");
        return std::nullopt;
      }
      break;
    case Type::kListString:
    case Type::kListInt:
      if (j.is_array()) return ConvertList(j, type, path);
      break;
    case Type::kMapStringString:
      if (j.is_object()) return ConvertMap(j, path);
      break;
    case Type::kError:
    case Type::kGroup:
    case Type::kRange:
      Error(path, "field has no request type");
      return std::nullopt;
  }
  TypeError(path, TypeName(type), j);
  return std::nullopt;
}

std::optional<Value> JsonConverter::ConvertInt(const json& j,
                                               const std::string& path) {
  // Unsigned first: nlohmann also hands out its number_integer_t pointer
  // for unsigned values, reinterpreting their bits.
  if (const auto* u = j.get_ptr<const json::number_unsigned_t*>()) {
    if (*u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<int64_t>(*u);
    }
    Error(path, "integer out of the signed 64-bit range");
    return std::nullopt;
  }
  if (const auto* i = j.get_ptr<const json::number_integer_t*>()) {
    return static_cast<int64_t>(*i);
  }
  TypeError(path, "int", j);
  return std::nullopt;
}

std::optional<Value> JsonConverter::ConvertList(const json& j, Type type,
                                                const std::string& path) {
  StringList strings;
  IntList ints;
  bool ok = true;
  for (size_t i = 0; i < j.size(); ++i) {
    std::optional<Value> element = Convert(
        j[i], ElementType(type), absl::StrCat(AsAbsl(path), "[", i, "]"));
    if (!element) {
      ok = false;
    } else if (auto* s = std::get_if<std::string>(&*element)) {
      strings.push_back(std::move(*s));
    } else if (auto* n = std::get_if<int64_t>(&*element)) {
      ints.push_back(*n);
    }
  }
  if (!ok) return std::nullopt;
  if (type == Type::kListInt) return Value(std::move(ints));
  return Value(std::move(strings));
}

std::optional<Value> JsonConverter::ConvertMap(const json& j,
                                               const std::string& path) {
  // nlohmann objects iterate in byte order of their (unique) keys, the
  // order StringMap requires.
  StringMap map;
  bool ok = true;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (const auto* s = it.value().get_ptr<const json::string_t*>()) {
      map.emplace_back(it.key(), *s);
    } else {
      TypeError(absl::StrCat(AsAbsl(path), ".", it.key()), "string",
                it.value());
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return Value(std::move(map));
}

bool DuplicateKeyFinder::OnEvent(json::parse_event_t event,
                                 const json& parsed) {
  switch (event) {
    case json::parse_event_t::object_start:
    case json::parse_event_t::array_start:
      frames_.push_back({event == json::parse_event_t::array_start,
                         frames_.empty() ? "" : last_key_,
                         {},
                         0});
      break;
    case json::parse_event_t::key:
      if (const auto* key = parsed.get_ptr<const json::string_t*>();
          key != nullptr && !frames_.empty()) {
        if (!frames_.back().keys.insert(*key).second) {
          std::string path = Path();
          duplicates_.push_back(absl::StrCat(path, path.empty() ? "" : ".",
                                             *key, ": duplicate key"));
        }
        last_key_ = *key;
      }
      break;
    case json::parse_event_t::object_end:
    case json::parse_event_t::array_end:
      if (!frames_.empty()) frames_.pop_back();
      Advance();
      break;
    case json::parse_event_t::value:
      Advance();
      break;
  }
  return true;
}

// Built only when a duplicate is found: building it for every container
// would make deeply nested input quadratic.
std::string DuplicateKeyFinder::Path() const {
  std::string path;
  for (size_t i = 1; i < frames_.size(); ++i) {
    const Frame& parent = frames_[i - 1];
    if (parent.array) {
      absl::StrAppend(&path, "[", parent.index, "]");
    } else {
      absl::StrAppend(&path, path.empty() ? "" : ".", frames_[i].key);
    }
  }
  return path;
}

void DuplicateKeyFinder::Advance() {
  if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
}

}  // namespace signoff::eval::internal
