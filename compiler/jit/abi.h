// The binary interface between generated code and C++ (private to
// compiler/jit/). Plain C layouts; the code generator reads them with the
// offsets below, so this file is their single definition.
//
// A request is handed to native code as a NativeRequest over a flat array of
// NativeSlot (one per ir::Policy::slots entry, 32 bytes each):
//
//   slot type                     payload
//   bool, int, duration, time     i: int64 (bool 0/1, times unix seconds)
//   string                        s: FlatString {data, size, id}
//   list<string>, list<int>       list: {FlatString* | int64*, count}
//   map<string,string>            map: {FlatMapEntry*, count}, sorted by key
//   ip                            the bytes of a stdlib::IpAddress
//   every slot                    present: 1 when the field was given
//
// Interned ids: every string value native code sees carries `id`, the index
// of the equal literal in the policy's Interner (policy strings and group
// members), or -1 when it equals no literal. The id is exact, so two strings
// of which one has an id >= 0 are equal iff their ids are; only two strings
// without ids compare bytes. Literal `==`, `in [...]` and static group
// membership are integer compares.
//
// The entry function of a compiled policy:
//
//   int64_t entry(const NativeRequest* request, RuleResult* results);
//
// runs the rules whose patterns match the action and appends one RuleResult
// per such rule, in rule order, to `results` (room for every rule); returns
// how many it wrote. Rules not listed did not match (kNotMatched).
// `route` selects the rules: a declared action id jumps to that action's
// function, which holds exactly the rules whose patterns match the action
// (decided at compile time); -1 (an undeclared action) runs the rules that
// can match an undeclared action (GenericRules) through `gates` (per rule
// kGate*), which C++ computes by pattern matching.
#ifndef SIGNOFF_COMPILER_JIT_ABI_H_
#define SIGNOFF_COMPILER_JIT_ABI_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "stdlib/builtins.h"

namespace signoff::jit::internal {

struct FlatString {
  const char* data;
  int64_t size;
  int64_t id;  // interned literal id, -1 when none
};

struct FlatMapEntry {
  FlatString key;
  FlatString value;
};

struct FlatList {
  const void* data;  // FlatString[] or int64_t[]
  int64_t size;
};

struct NativeSlot {
  union {
    int64_t i;
    FlatString s;
    FlatList list;
    unsigned char ip[24];  // a stdlib::IpAddress, copied bytewise
  };
  int64_t present;
};
static_assert(sizeof(NativeSlot) == 32);
static_assert(std::is_trivially_copyable_v<stdlib::IpAddress> &&
              sizeof(stdlib::IpAddress) <= sizeof(NativeSlot::ip));

// Opaque to native code; passed back to the helpers that need it.
struct RuntimeContext;

struct NativeRequest {
  const NativeSlot* slots;
  FlatString action;
  int64_t route;         // declared action id, or -1: use gates
  const uint8_t* gates;  // route -1: one kGate* per rule
  RuntimeContext* runtime;
};

inline constexpr uint8_t kGateNotMatched = 0;
inline constexpr uint8_t kGateNotApplicable = 1;
inline constexpr uint8_t kGateEvaluate = 2;

// eval::RuleStatus values, as native code writes them.
inline constexpr int32_t kStatusNotMatched = 0;
inline constexpr int32_t kStatusNotApplicable = 1;
inline constexpr int32_t kStatusConditionFailed = 2;
inline constexpr int32_t kStatusCandidate = 3;
inline constexpr int32_t kStatusError = 4;

struct RuleResult {
  int32_t rule;    // index into Policy::rules
  int32_t status;  // kStatus*
  int32_t detail;  // kConditionFailed: condition index; kError: error id
};

// Offsets the code generator uses.
namespace offsets {
inline constexpr uint64_t kStringData = offsetof(FlatString, data);
inline constexpr uint64_t kStringSize = offsetof(FlatString, size);
inline constexpr uint64_t kStringId = offsetof(FlatString, id);
inline constexpr uint64_t kListData = offsetof(FlatList, data);
inline constexpr uint64_t kListSize = offsetof(FlatList, size);
inline constexpr uint64_t kSlotPayload = 0;
inline constexpr uint64_t kSlotPresent = offsetof(NativeSlot, present);
inline constexpr uint64_t kSlotSize = sizeof(NativeSlot);
inline constexpr uint64_t kRequestSlots = offsetof(NativeRequest, slots);
inline constexpr uint64_t kRequestAction = offsetof(NativeRequest, action);
inline constexpr uint64_t kRequestRoute = offsetof(NativeRequest, route);
inline constexpr uint64_t kRequestGates = offsetof(NativeRequest, gates);
inline constexpr uint64_t kRequestRuntime = offsetof(NativeRequest, runtime);
inline constexpr uint64_t kResultRule = offsetof(RuleResult, rule);
inline constexpr uint64_t kResultStatus = offsetof(RuleResult, status);
inline constexpr uint64_t kResultDetail = offsetof(RuleResult, detail);
inline constexpr uint64_t kResultSize = sizeof(RuleResult);
}  // namespace offsets

using EntryFunction = int64_t(const NativeRequest*, RuleResult*);

// The verdict entry, named like the entry plus this suffix, has the same
// signature but writes only the rules that are candidates or errors (what
// a verdict needs), and not necessarily in rule order: in each declared
// action's function, rules whose first condition compares one string slot
// with literals (`params.resource == "x"`, `... in ["x", "y"]`) are reached
// by a switch on that slot's interned id, so rules whose first condition
// fails cost nothing. The caller sorts the few results it gets.
inline constexpr std::string_view kVerdictSuffix = "_verdict";

}  // namespace signoff::jit::internal

#endif  // SIGNOFF_COMPILER_JIT_ABI_H_
