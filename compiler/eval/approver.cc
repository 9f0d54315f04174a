// Binding an approver identity to the `approver.*` slots of a request.
#include <algorithm>
#include <utility>

#include "compiler/eval/request.h"
#include "compiler/eval/value.h"

namespace signoff::eval {

void BindApprover(const ir::Policy& policy, const Approver& approver,
                  BoundRequest& request) {
  if (request.slots.size() < policy.slots.size()) {
    request.slots.resize(policy.slots.size());
    request.present.resize(policy.slots.size(), false);
  }
  for (size_t i = 0; i < policy.slots.size(); ++i) {
    const ir::Slot& slot = policy.slots[i];
    if (slot.source != ir::SlotSource::kApprover) continue;
    Value value = ZeroValue(slot.type);
    bool known = true;
    if (slot.field == "id" && slot.type == Type::kString) {
      value = approver.id;
    } else if (slot.field == "team" && slot.type == Type::kString) {
      value = approver.team;
    } else if (slot.field == "groups" && slot.type == Type::kListString) {
      value = approver.groups;
    } else if (slot.field == "attrs" && slot.type == Type::kMapStringString) {
      StringMap attrs = approver.attrs;
      std::sort(attrs.begin(), attrs.end());
      attrs.erase(std::unique(attrs.begin(), attrs.end(),
                              [](const auto& a, const auto& b) {
                                return a.first == b.first;
                              }),
                  attrs.end());
      value = std::move(attrs);
    } else if (slot.field == "mfa" && slot.type == Type::kBool) {
      value = approver.mfa;
    } else {
      known = false;
    }
    request.slots[i] = std::move(value);
    request.present[i] = known;
  }
}

}  // namespace signoff::eval
