// Zero values and message rendering of runtime values.
#include "compiler/eval/value.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "stdlib/builtins.h"

namespace signoff::eval {
namespace {

int64_t AsInt(const Value& value) {
  const int64_t* i = std::get_if<int64_t>(&value);
  return i ? *i : 0;
}

}  // namespace

Value ZeroValue(Type type) {
  switch (type) {
    case Type::kBool:
      return false;
    case Type::kInt:
    case Type::kDuration:
    case Type::kTime:
      return int64_t{0};
    case Type::kString:
      return std::string();
    case Type::kIp:
      return stdlib::IpAddress{};
    case Type::kListString:
      return StringList{};
    case Type::kListInt:
      return IntList{};
    case Type::kMapStringString:
      return StringMap{};
    case Type::kError:
    case Type::kGroup:
    case Type::kRange:
      break;
  }
  return false;
}

std::string ValueToString(const Value& value, Type type) {
  switch (type) {
    case Type::kBool: {
      const bool* b = std::get_if<bool>(&value);
      return b && *b ? "true" : "false";
    }
    case Type::kInt:
      return absl::StrCat(AsInt(value));
    case Type::kDuration:
      return stdlib::FormatDuration(AsInt(value));
    case Type::kTime:
      return stdlib::FormatRfc3339(AsInt(value));
    case Type::kString: {
      const std::string* s = std::get_if<std::string>(&value);
      return s ? *s : std::string();
    }
    case Type::kIp: {
      const stdlib::IpAddress* ip = std::get_if<stdlib::IpAddress>(&value);
      return ip ? ip->ToString() : std::string();
    }
    case Type::kListString: {
      std::string out = "[";
      if (const StringList* list = std::get_if<StringList>(&value)) {
        for (size_t i = 0; i < list->size(); ++i) {
          if (i > 0) out += ", ";
          out += stdlib::QuoteString((*list)[i]);
        }
      }
      return out + "]";
    }
    case Type::kListInt: {
      std::string out = "[";
      if (const IntList* list = std::get_if<IntList>(&value)) {
        for (size_t i = 0; i < list->size(); ++i) {
          absl::StrAppend(&out, i > 0 ? ", " : "", (*list)[i]);
        }
      }
      return out + "]";
    }
    case Type::kMapStringString: {
      std::string out = "{";
      if (const StringMap* map = std::get_if<StringMap>(&value)) {
        for (size_t i = 0; i < map->size(); ++i) {
          if (i > 0) out += ", ";
          out += stdlib::QuoteString((*map)[i].first);
          out += ": ";
          out += stdlib::QuoteString((*map)[i].second);
        }
      }
      return out + "}";
    }
    case Type::kError:
    case Type::kGroup:
    case Type::kRange:
      break;
  }
  return "";
}

const std::string& MapGet(const StringMap& map, std::string_view key) {
  static const std::string* const kEmpty = new std::string();
  auto it =
      std::lower_bound(map.begin(), map.end(), key,
                       [](const std::pair<std::string, std::string>& entry,
                          std::string_view k) { return entry.first < k; });
  if (it != map.end() && it->first == key) return it->second;
  return *kEmpty;
}

}  // namespace signoff::eval
