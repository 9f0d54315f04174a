// Strict, exception-free reading of yaml-cpp nodes for configuration files:
// typed scalars, lists and mappings with their unknown and duplicate keys,
// each problem an InvalidArgument "ORIGIN:LINE:COL: `KEY`: what".
//
// yaml-cpp reports problems by throwing; these helpers check a node's type
// before converting it, so only YAML::Load can throw (callers catch
// YAML::Exception around it, as ParseConfig does).
//
// Thread safety: a YamlReader is immutable; its methods are const.
#ifndef SIGNOFF_RUNTIME_CONFIG_YAML_READER_H_
#define SIGNOFF_RUNTIME_CONFIG_YAML_READER_H_

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace signoff::config {

class YamlReader {
 public:
  explicit YamlReader(std::string_view origin) : origin_(origin) {}

  // "ORIGIN:LINE:COL: `KEY`: WHAT" at `node` (without the key part when
  // `key` is empty).
  absl::Status Error(const YAML::Node& node, std::string_view key,
                     std::string_view what) const;

  // A scalar that is not empty.
  absl::Status String(const YAML::Node& node, std::string_view key,
                      std::string& out) const;
  // A decimal integer in [min, max].
  absl::Status Int(const YAML::Node& node, std::string_view key, int64_t min,
                   int64_t max, int64_t& out) const;
  // A duration literal ("90s", "1h30m"; stdlib::ParseDuration), in seconds;
  // "0s" only when `allow_zero`.
  absl::Status Duration(const YAML::Node& node, std::string_view key,
                        bool allow_zero, int64_t& out) const;
  // A sequence of non-empty scalars (appended to `out`).
  absl::Status StringList(const YAML::Node& node, std::string_view key,
                          std::vector<std::string>& out) const;

  // Calls `each(key, value)` for the entries of mapping `node` in file
  // order. `key` names the mapping in messages ("" for the root). Refuses a
  // node that is not a mapping, non-scalar keys, keys given twice, and keys
  // not in `allowed` (any key when `allowed` is empty). Stops at the first
  // error, `each`'s included.
  absl::Status ForEachKey(
      const YAML::Node& node, std::string_view key,
      std::initializer_list<std::string_view> allowed,
      const std::function<absl::Status(const std::string& key,
                                       const YAML::Node& value)>& each) const;
  absl::Status ForEachKey(
      const YAML::Node& node, std::string_view key,
      const std::vector<std::string_view>& allowed,
      const std::function<absl::Status(const std::string& key,
                                       const YAML::Node& value)>& each) const;

 private:
  std::string origin_;
};

}  // namespace signoff::config

#endif  // SIGNOFF_RUNTIME_CONFIG_YAML_READER_H_
