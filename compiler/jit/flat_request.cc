// Flattening of bound requests, and the gates of abi.h: for an undeclared
// action, per-rule gates decided here by pattern matching, exactly as the
// interpreter decides them.
#include "compiler/jit/flat_request.h"

#include <cstring>
#include <string>
#include <variant>
#include <vector>

#include "compiler/eval/value.h"

namespace signoff::jit::internal {
bool AnyPatternMatches(const ir::Rule& rule, std::string_view action) {
  for (const ir::Pattern& pattern : rule.patterns) {
    if (pattern.Matches(action)) return true;
  }
  return false;
}

bool AppliesTo(const ir::Rule& rule, size_t action) {
  if (action < rule.applies.size()) return rule.applies[action];
  return !rule.reads_params;
}

std::vector<uint32_t> GenericRules(const ir::Policy& policy) {
  std::vector<uint32_t> rules;
  for (size_t r = 0; r < policy.rules.size(); ++r) {
    bool generic = false;
    for (const ir::Pattern& pattern : policy.rules[r].patterns) {
      bool wildcard = false;
      std::string name;
      for (const std::string& segment : pattern.segments) {
        wildcard = wildcard || segment == "*" || segment == "**";
        name += (name.empty() ? "" : ".") + segment;
      }
      generic = generic || wildcard || policy.FindAction(name) < 0;
    }
    if (generic) rules.push_back(static_cast<uint32_t>(r));
  }
  return rules;
}

void ComputeGates(const ir::Policy& policy,
                  const std::vector<uint32_t>& generic_rules,
                  std::string_view action, uint8_t* gates) {
  for (uint32_t r : generic_rules) {
    const ir::Rule& rule = policy.rules[r];
    if (!AnyPatternMatches(rule, action)) {
      gates[r] = kGateNotMatched;
    } else {
      gates[r] = rule.reads_params ? kGateNotApplicable : kGateEvaluate;
    }
  }
}

std::vector<uint8_t> SlotValueIndexes(const ir::Policy& policy) {
  std::vector<uint8_t> indexes;
  indexes.reserve(policy.slots.size());
  for (const ir::Slot& slot : policy.slots) {
    indexes.push_back(static_cast<uint8_t>(eval::ZeroValue(slot.type).index()));
  }
  return indexes;
}

bool Fits(const std::vector<uint8_t>& slot_indexes,
          const eval::BoundRequest& request) {
  if (request.slots.size() != slot_indexes.size() ||
      request.present.size() > slot_indexes.size()) {
    return false;
  }
  for (size_t i = 0; i < slot_indexes.size(); ++i) {
    if (request.slots[i].index() != slot_indexes[i]) return false;
  }
  return true;
}

FlatRequest::FlatRequest(const ir::Policy& policy, const Interner& interner,
                         const eval::BoundRequest& request,
                         RuntimeContext* runtime, int route,
                         const std::vector<uint32_t>& generic_rules)
    : slots_(request.slots.size()) {
  // Reserve first: slots point into these arrays.
  size_t strings = 0;
  size_t entries = 0;
  for (const eval::Value& value : request.slots) {
    if (const auto* list = std::get_if<eval::StringList>(&value)) {
      strings += list->size();
    } else if (const auto* map = std::get_if<eval::StringMap>(&value)) {
      entries += map->size();
    }
  }
  list_strings_.reserve(strings);
  map_entries_.reserve(entries);

  for (size_t i = 0; i < request.slots.size(); ++i) {
    NativeSlot& slot = slots_[i];
    std::memset(&slot, 0, sizeof(slot));
    slot.present = i < request.present.size() && request.present[i];
    const eval::Value& value = request.slots[i];
    if (const bool* b = std::get_if<bool>(&value)) {
      slot.i = *b;
    } else if (const int64_t* n = std::get_if<int64_t>(&value)) {
      slot.i = *n;
    } else if (const std::string* s = std::get_if<std::string>(&value)) {
      slot.s = interner.Flat(*s);
    } else if (const auto* ip = std::get_if<stdlib::IpAddress>(&value)) {
      std::memcpy(slot.ip, ip, sizeof(*ip));
    } else if (const auto* list = std::get_if<eval::StringList>(&value)) {
      slot.list = {list_strings_.data() + list_strings_.size(),
                   static_cast<int64_t>(list->size())};
      for (const std::string& item : *list) {
        list_strings_.push_back(interner.Flat(item));
      }
    } else if (const auto* ints = std::get_if<eval::IntList>(&value)) {
      slot.list = {ints->data(), static_cast<int64_t>(ints->size())};
    } else if (const auto* map = std::get_if<eval::StringMap>(&value)) {
      slot.list = {map_entries_.data() + map_entries_.size(),
                   static_cast<int64_t>(map->size())};
      for (const auto& [key, item] : *map) {
        map_entries_.push_back({interner.Flat(key), interner.Flat(item)});
      }
    }
  }

  native_.slots = slots_.data();
  native_.action = interner.Flat(request.action);
  native_.runtime = runtime;
  native_.route = route;
  native_.gates = nullptr;
  if (route >= 0) return;
  // An undeclared action: rules that read params do not apply (§5.2).
  gates_.resize(policy.rules.size());
  ComputeGates(policy, generic_rules, request.action, gates_.data());
  native_.gates = gates_.data();
}

}  // namespace signoff::jit::internal
