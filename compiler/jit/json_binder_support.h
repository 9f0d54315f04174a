// Support of the fast request binder (json_binder.cc; private to
// compiler/jit/): the per-policy tables it binds with, the action name
// rule, and a fast path for the common spelling of RFC 3339 times.
#ifndef SIGNOFF_COMPILER_JIT_JSON_BINDER_SUPPORT_H_
#define SIGNOFF_COMPILER_JIT_JSON_BINDER_SUPPORT_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "compiler/ast/type.h"
#include "compiler/ir/ir.h"
#include "compiler/jit/abi.h"
#include "compiler/jit/runtime_calls.h"

namespace signoff::jit::internal {

// Declared fields per action the binder's seen-mask can track; actions with
// more always take the slow path.
inline constexpr size_t kMaxBinderActionFields = 64;

// A params field of a declared action.
struct BinderField {
  std::string_view name;  // into the policy
  Type type;
  int slot;  // -1: validated, not stored (no rule reads it)
  bool optional;
};

struct BinderAction {
  std::vector<BinderField> fields;  // declaration order
  uint64_t required = 0;            // bit i: fields[i] is required
  // False: the slow path always (too many fields, duplicate field names, a
  // slot whose value type differs from the field's, two fields on a slot).
  bool bindable = true;
};

// A requester or context field and the slots it fills: those of the same
// source and field name whose value alternative is the field's (the final
// loop of eval::BindJson).
struct BinderEntityField {
  std::string_view name;
  Type type;
  std::vector<int> slots;
  bool is_kind = false;  // requester.kind: "human", "agent" or "service"
};

struct BinderPlan {
  std::vector<BinderAction> actions;  // by declared action id
  // Name to id; the first declaration wins, as ir::Policy::FindAction.
  absl::flat_hash_map<absl::string_view, int> action_ids;
  std::vector<BinderEntityField> requester;  // EntityFields order
  std::vector<BinderEntityField> context;
  // Every slot at its zero value and absent, as FlatRequest flattens
  // eval::ZeroValue (strings "" with the interned id of "").
  std::vector<NativeSlot> zero;
};

// `policy` and `interner` must outlive the plan (names point into them).
void BuildBinderPlan(const ir::Policy& policy, const Interner& interner,
                     BinderPlan& plan);

// Unix seconds of `text` when it is exactly "YYYY-MM-DDThh:mm:ssZ" naming a
// valid UTC civil time (seconds 00-59), computed without allocating; what
// stdlib::ParseRfc3339 gives for it. nullopt for every other text, valid or
// not: those go to stdlib::ParseRfc3339.
std::optional<int64_t> ParseCanonicalUtcTime(std::string_view text);

}  // namespace signoff::jit::internal

#endif  // SIGNOFF_COMPILER_JIT_JSON_BINDER_SUPPORT_H_
