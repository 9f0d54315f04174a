// The fast request binder (private to compiler/jit/): JSON text straight
// into the native slot layout of abi.h, with simdjson On-Demand.
//
// It binds the requests that matter for speed, the valid ones, and leaves
// everything else to eval::BindJson, the reference binder, which gives the
// exact error texts. The contract, checked by tests/unit/jit and the
// differential suite:
//
//   * kBound only for a request eval::BindJson binds with no errors, and
//     then with the same action, action id, slot values and presence flags
//     (strings byte-equal and interned as Interner::Flat interns them; lists
//     in order; maps sorted by key, as eval::StringMap).
//   * kSlowPath for everything else: invalid requests of every kind, text
//     that is not JSON, and valid forms the binder chooses not to handle
//     (e.g. a non-empty `params` of an undeclared action, which BindJson
//     checks for duplicate keys at any depth).
//
// No heap allocation once a scratch has grown to the largest request seen.
//
// Thread safety: a JsonBinder is immutable after construction and may be
// used from any number of threads, each with its own BindScratch.
#ifndef SIGNOFF_COMPILER_JIT_JSON_BINDER_H_
#define SIGNOFF_COMPILER_JIT_JSON_BINDER_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "compiler/ir/ir.h"
#include "compiler/jit/abi.h"
#include "compiler/jit/runtime_calls.h"

namespace signoff::jit::internal {

// Reusable per-thread state of the binder. What Bind fills is valid until
// the next Bind with this scratch (strings point into its buffers).
class BindScratch {
 public:
  BindScratch();
  ~BindScratch();
  BindScratch(const BindScratch&) = delete;
  BindScratch& operator=(const BindScratch&) = delete;

  // Filled by a kBound Bind: one slot per ir::Policy::slots entry (approver
  // slots zero and absent), the action name and its declared id (-1 when
  // undeclared).
  const NativeSlot* slots() const { return slots_.data(); }
  size_t slot_count() const { return slots_.size(); }
  FlatString action() const { return action_; }
  int action_id() const { return action_id_; }

  class Impl;  // simdjson parser and buffers (json_binder.cc)

 private:
  friend class JsonBinder;
  std::unique_ptr<Impl> impl_;
  std::vector<NativeSlot> slots_;
  FlatString action_{nullptr, 0, -1};
  int action_id_ = -1;
};

class JsonBinder {
 public:
  enum class Result { kBound, kSlowPath };

  // `policy` and `interner` must outlive the binder.
  JsonBinder(const ir::Policy& policy, const Interner& interner);
  ~JsonBinder();
  JsonBinder(const JsonBinder&) = delete;
  JsonBinder& operator=(const JsonBinder&) = delete;

  Result Bind(std::string_view json, BindScratch& scratch) const;

 private:
  struct Plan;  // per action and entity: fields, types, slots (json_binder.cc)
  const ir::Policy& policy_;
  const Interner& interner_;
  std::unique_ptr<const Plan> plan_;
};

}  // namespace signoff::jit::internal

#endif  // SIGNOFF_COMPILER_JIT_JSON_BINDER_H_
