// Names of IR enums and the small lookups of ir::Policy.
#include "compiler/ir/ir.h"

#include "compiler/check/semantic.h"

namespace signoff::ir {

std::string_view OpName(Op op) {
  switch (op) {
#define SIGNOFF_OP(name, description) \
  case Op::k##name:                   \
    return #name;
#include "compiler/ir/ir_ops.def"
  }
  return "?";
}

std::string_view SlotSourceName(SlotSource source) {
  switch (source) {
    case SlotSource::kParams:
      return "params";
    case SlotSource::kRequester:
      return "requester";
    case SlotSource::kContext:
      return "context";
    case SlotSource::kApprover:
      return "approver";
  }
  return "?";
}

std::string_view EffectName(Effect effect) {
  switch (effect) {
    case Effect::kAllow:
      return "allow";
    case Effect::kDeny:
      return "deny";
    case Effect::kRequire:
      return "require";
  }
  return "?";
}

bool Pattern::Matches(std::string_view action) const {
  return check::PatternMatches(segments, action);
}

int Policy::FindAction(std::string_view name) const {
  for (size_t i = 0; i < actions.size(); ++i) {
    if (actions[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int Policy::FindSlot(SlotSource source, std::string_view field) const {
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].source == source && slots[i].field == field) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace signoff::ir
