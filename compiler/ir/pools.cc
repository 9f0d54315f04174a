// The literal pools and slots of a Policy under construction: each distinct
// value is stored once; precompiled objects (globs, regexes, CIDR blocks,
// time zones) are compiled here.
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "compiler/ir/lower_internal.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::ir::internal {

uint32_t PolicyBuilder::InternString(std::string_view value) {
  auto it = strings_.find(value);
  if (it != strings_.end()) return it->second;
  uint32_t index = static_cast<uint32_t>(policy_.strings.size());
  policy_.strings.emplace_back(value);
  strings_.emplace(std::string(value), index);
  return index;
}

uint32_t PolicyBuilder::InternStringList(std::vector<uint32_t> list) {
  auto [it, inserted] = string_lists_.try_emplace(
      list, static_cast<uint32_t>(policy_.string_lists.size()));
  if (inserted) policy_.string_lists.push_back(std::move(list));
  return it->second;
}

uint32_t PolicyBuilder::InternIntList(std::vector<int64_t> list) {
  auto [it, inserted] = int_lists_.try_emplace(
      list, static_cast<uint32_t>(policy_.int_lists.size()));
  if (inserted) policy_.int_lists.push_back(std::move(list));
  return it->second;
}

uint32_t PolicyBuilder::InternGlob(const std::string& pattern) {
  auto it = globs_.find(pattern);
  if (it != globs_.end()) return it->second;
  auto glob = stdlib::Glob::Compile(pattern);
  if (!glob.ok()) {
    Fail("glob \"" + pattern +
         "\": " + std::string(AsStd(glob.status().message())));
    return 0;
  }
  uint32_t index = static_cast<uint32_t>(policy_.globs.size());
  policy_.globs.push_back(
      std::make_shared<const stdlib::Glob>(*std::move(glob)));
  globs_.emplace(pattern, index);
  return index;
}

uint32_t PolicyBuilder::InternRegex(const std::string& pattern) {
  auto it = regexes_.find(pattern);
  if (it != regexes_.end()) return it->second;
  auto regex = stdlib::Regex::Compile(pattern);
  if (!regex.ok()) {
    Fail("regex \"" + pattern +
         "\": " + std::string(AsStd(regex.status().message())));
    return 0;
  }
  uint32_t index = static_cast<uint32_t>(policy_.regexes.size());
  policy_.regexes.push_back(*std::move(regex));
  regexes_.emplace(pattern, index);
  return index;
}

uint32_t PolicyBuilder::InternCidr(const std::string& text) {
  auto it = cidrs_.find(text);
  if (it != cidrs_.end()) return it->second;
  auto cidr = stdlib::Cidr::Parse(text);
  if (!cidr.ok()) {
    Fail("CIDR \"" + text +
         "\": " + std::string(AsStd(cidr.status().message())));
    return 0;
  }
  uint32_t index = static_cast<uint32_t>(policy_.cidrs.size());
  policy_.cidrs.push_back(
      std::make_shared<const stdlib::Cidr>(*std::move(cidr)));
  cidrs_.emplace(text, index);
  return index;
}

uint32_t PolicyBuilder::InternTimeZone(const std::string& name) {
  auto it = timezones_.find(name);
  if (it != timezones_.end()) return it->second;
  auto zone = stdlib::TimeZone::Load(name);
  if (!zone.ok()) {
    Fail("time zone \"" + name +
         "\": " + std::string(AsStd(zone.status().message())));
    return 0;
  }
  uint32_t index = static_cast<uint32_t>(policy_.timezones.size());
  policy_.timezones.push_back(
      std::make_shared<const stdlib::TimeZone>(*std::move(zone)));
  timezones_.emplace(name, index);
  return index;
}

uint32_t PolicyBuilder::SlotFor(SlotSource source, const std::string& field,
                                Type type) {
  auto key = std::make_tuple(source, field, type);
  auto it = slots_.find(key);
  if (it != slots_.end()) return it->second;
  uint32_t index = static_cast<uint32_t>(policy_.slots.size());
  policy_.slots.push_back(Slot{source, field, type});
  slots_.emplace(std::move(key), index);
  return index;
}

}  // namespace signoff::ir::internal
