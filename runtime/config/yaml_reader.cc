#include "runtime/config/yaml_reader.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::config {
namespace {

std::string_view TypeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "undefined";
  }
}

}  // namespace

absl::Status YamlReader::Error(const YAML::Node& node, std::string_view key,
                               std::string_view what) const {
  std::string where = absl::StrCat(origin_, ":", node.Mark().line + 1, ":",
                                   node.Mark().column + 1, ": ");
  if (key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, AsAbsl(what)));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(where, "`", AsAbsl(key), "` ", AsAbsl(what)));
}

absl::Status YamlReader::String(const YAML::Node& node, std::string_view key,
                                std::string& out) const {
  if (!node.IsScalar()) {
    return Error(
        node, key,
        absl::StrCat("must be a string, not ", AsAbsl(TypeName(node))));
  }
  out = node.Scalar();
  if (out.empty()) return Error(node, key, "must not be empty");
  return absl::OkStatus();
}

absl::Status YamlReader::Int(const YAML::Node& node, std::string_view key,
                             int64_t min, int64_t max, int64_t& out) const {
  int64_t value = 0;
  if (!node.IsScalar() || !absl::SimpleAtoi(node.Scalar(), &value)) {
    return Error(
        node, key,
        absl::StrCat("must be an integer, not ",
                     node.IsScalar() ? absl::StrCat("`", node.Scalar(), "`")
                                     : std::string(TypeName(node))));
  }
  if (value < min || value > max) {
    return Error(
        node, key,
        absl::StrCat("must be between ", min, " and ", max, ", not ", value));
  }
  out = value;
  return absl::OkStatus();
}

absl::Status YamlReader::Duration(const YAML::Node& node, std::string_view key,
                                  bool allow_zero, int64_t& out) const {
  std::string text;
  if (absl::Status s = String(node, key, text); !s.ok()) return s;
  absl::StatusOr<int64_t> seconds = stdlib::ParseDuration(text);
  if (!seconds.ok()) {
    return Error(node, key,
                 absl::StrCat("`", text, "` is not a duration (",
                              seconds.status().message(),
                              "; write e.g. 30s, 5m, 1h30m)"));
  }
  if (*seconds < 0 || (*seconds == 0 && !allow_zero)) {
    return Error(node, key, "must be a positive duration");
  }
  out = *seconds;
  return absl::OkStatus();
}

absl::Status YamlReader::StringList(const YAML::Node& node,
                                    std::string_view key,
                                    std::vector<std::string>& out) const {
  if (!node.IsSequence()) {
    return Error(node, key,
                 absl::StrCat("must be a list, not ", AsAbsl(TypeName(node))));
  }
  for (const YAML::Node& item : node) {
    std::string text;
    if (absl::Status s = String(item, key, text); !s.ok()) return s;
    out.push_back(std::move(text));
  }
  return absl::OkStatus();
}

absl::Status YamlReader::ForEachKey(
    const YAML::Node& node, std::string_view key,
    std::initializer_list<std::string_view> allowed,
    const std::function<absl::Status(const std::string&, const YAML::Node&)>&
        each) const {
  return ForEachKey(node, key, std::vector<std::string_view>(allowed), each);
}

absl::Status YamlReader::ForEachKey(
    const YAML::Node& node, std::string_view key,
    const std::vector<std::string_view>& allowed,
    const std::function<absl::Status(const std::string&, const YAML::Node&)>&
        each) const {
  if (!node.IsMap()) {
    return Error(node, key,
                 absl::StrCat(key.empty() ? "the file must be a mapping"
                                          : "must be a mapping",
                              ", not ", AsAbsl(TypeName(node))));
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) {
      return Error(entry.first, key, "has a key that is not a string");
    }
    const std::string name = entry.first.Scalar();
    std::string dotted =
        key.empty() ? name : absl::StrCat(AsAbsl(key), ".", name);
    if (!allowed.empty() &&
        std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      return Error(entry.first, dotted,
                   absl::StrCat("is not a known key (expected one of ",
                                absl::StrJoin(names, ", "), ")"));
    }
    if (!seen.insert(name).second) {
      return Error(entry.first, dotted, "is given twice");
    }
    if (absl::Status s = each(name, entry.second); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace signoff::config
