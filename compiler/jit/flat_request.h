// An eval::BoundRequest flattened into the native layout of abi.h (private
// to compiler/jit/). A stopgap until a binder writes the flat layout
// directly: list<string> elements and map entries are copied into two
// arrays; strings are interned by hash lookup; list<int> data is shared.
#ifndef SIGNOFF_COMPILER_JIT_FLAT_REQUEST_H_
#define SIGNOFF_COMPILER_JIT_FLAT_REQUEST_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "compiler/eval/request.h"
#include "compiler/ir/ir.h"
#include "compiler/jit/abi.h"
#include "compiler/jit/runtime_calls.h"

namespace signoff::jit::internal {

// Whether one of `rule`'s patterns matches `action` (as the interpreter
// decides it).
bool AnyPatternMatches(const ir::Rule& rule, std::string_view action);

// interp's Applies() for a declared action id: the rule's patterns match
// the action and its schema has every params field the rule reads.
bool AppliesTo(const ir::Rule& rule, size_t action);

// The rules the generic route runs: those with a pattern that can match an
// undeclared action (a wildcard, or a literal name no action declares).
std::vector<uint32_t> GenericRules(const ir::Policy& policy);

// The gates of abi.h for an undeclared `action`: for each rule of
// `generic_rules`, whether it matches and applies (§5.2: rules that read
// params do not apply to an undeclared action). `gates` has one entry per
// rule of `policy`; entries of other rules are left as they are.
void ComputeGates(const ir::Policy& policy,
                  const std::vector<uint32_t>& generic_rules,
                  std::string_view action, uint8_t* gates);

// The eval::Value alternative (variant index) each slot of `policy` holds:
// the one of eval::ZeroValue(slot type).
std::vector<uint8_t> SlotValueIndexes(const ir::Policy& policy);

// Whether native code can take `request`: one value per slot, each of the
// slot's alternative, and no more presence flags than slots. BindJson's
// requests always fit; others are evaluated by the interpreter.
bool Fits(const std::vector<uint8_t>& slot_indexes,
          const eval::BoundRequest& request);

class FlatRequest {
 public:
  // `request` must fit; it and `runtime` must outlive this object. `route`
  // is the declared action id, or -1 for an undeclared action, whose gates
  // are then computed for `generic_rules`.
  FlatRequest(const ir::Policy& policy, const Interner& interner,
              const eval::BoundRequest& request, RuntimeContext* runtime,
              int route, const std::vector<uint32_t>& generic_rules);
  FlatRequest(const FlatRequest&) = delete;
  FlatRequest& operator=(const FlatRequest&) = delete;

  const NativeRequest* native() const { return &native_; }

 private:
  absl::InlinedVector<NativeSlot, 32> slots_;
  std::vector<FlatString> list_strings_;
  std::vector<FlatMapEntry> map_entries_;
  absl::InlinedVector<uint8_t, 64> gates_;
  NativeRequest native_;
};

}  // namespace signoff::jit::internal

#endif  // SIGNOFF_COMPILER_JIT_FLAT_REQUEST_H_
