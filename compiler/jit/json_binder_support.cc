// The fast binder's per-policy tables, action names and canonical times.
#include "compiler/jit/json_binder_support.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "compiler/ast/entities.h"
#include "compiler/eval/value.h"
#include "stdlib/absl_compat.h"

namespace signoff::jit::internal {
namespace {

// Whether values of the two types are the same eval::Value alternative.
bool SameAlternative(Type a, Type b) {
  return eval::ZeroValue(a).index() == eval::ZeroValue(b).index();
}

void BuildAction(const ir::Policy& policy, const ir::ActionSchema& schema,
                 BinderAction& action) {
  action.bindable = schema.fields.size() <= kMaxBinderActionFields;
  std::vector<int> used;
  for (size_t f = 0; f < schema.fields.size() && action.bindable; ++f) {
    const ir::ActionField& field = schema.fields[f];
    // BindJson stores a field only when its slot exists.
    int slot =
        field.slot >= 0 && static_cast<size_t>(field.slot) < policy.slots.size()
            ? field.slot
            : -1;
    for (const BinderField& other : action.fields) {
      if (other.name == field.name) action.bindable = false;
    }
    if (slot >= 0) {
      // BindJson stores the value whatever the slot's type; a request that
      // then does not fit native code is not the binder's to take.
      if (!SameAlternative(policy.slots[slot].type, field.type) ||
          std::find(used.begin(), used.end(), slot) != used.end()) {
        action.bindable = false;
      }
      used.push_back(slot);
    }
    if (!field.optional) action.required |= uint64_t{1} << f;
    action.fields.push_back({field.name, field.type, slot, field.optional});
  }
}

void BuildEntity(const ir::Policy& policy, Entity entity,
                 std::vector<BinderEntityField>& fields) {
  ir::SlotSource source = entity == Entity::kRequester
                              ? ir::SlotSource::kRequester
                              : ir::SlotSource::kContext;
  for (const EntityField& field : EntityFields(entity)) {
    BinderEntityField entry{
        field.name,
        field.type,
        {},
        entity == Entity::kRequester && field.name == "kind"};
    for (size_t i = 0; i < policy.slots.size(); ++i) {
      const ir::Slot& slot = policy.slots[i];
      if (slot.source == source && slot.field == field.name &&
          SameAlternative(slot.type, field.type)) {
        entry.slots.push_back(static_cast<int>(i));
      }
    }
    fields.push_back(std::move(entry));
  }
}

// Days from 1970-01-01 to the proleptic Gregorian y-m-d (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                    // 0-399
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // 0-365
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // 0-146096
  return era * 146097 + doe - 719468;
}

}  // namespace

void BuildBinderPlan(const ir::Policy& policy, const Interner& interner,
                     BinderPlan& plan) {
  plan.actions.resize(policy.actions.size());
  for (size_t a = 0; a < policy.actions.size(); ++a) {
    plan.action_ids.emplace(AsAbsl(policy.actions[a].name),
                            static_cast<int>(a));
    BuildAction(policy, policy.actions[a], plan.actions[a]);
  }
  BuildEntity(policy, Entity::kRequester, plan.requester);
  BuildEntity(policy, Entity::kContext, plan.context);
  plan.zero.resize(policy.slots.size());
  for (size_t i = 0; i < policy.slots.size(); ++i) {
    NativeSlot& slot = plan.zero[i];
    std::memset(&slot, 0, sizeof(slot));
    if (policy.slots[i].type == Type::kString) slot.s = interner.Flat("");
  }
}

std::optional<int64_t> ParseCanonicalUtcTime(std::string_view text) {
  // "YYYY-MM-DDThh:mm:ssZ": digits everywhere but these positions.
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' ||
      text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    return std::nullopt;
  }
  auto number = [&](size_t at, size_t n, int64_t& out) {
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int64_t year, month, day, hour, minute, second;
  if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) ||
      !number(11, 2, hour) || !number(14, 2, minute) ||
      !number(17, 2, second)) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  if (month < 1 || month > 12 || day < 1 ||
      day > kDays[month - 1] + (month == 2 && leap ? 1 : 0) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;  // stdlib::ParseRfc3339 decides (leap seconds, ...)
  }
  return DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
         second;
}

}  // namespace signoff::jit::internal
