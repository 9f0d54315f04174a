// Native slots (compiler/jit/abi.h) as text, for tests that compare what
// two binders produced: equal texts iff native code reads equal slots.
// Shared by tests/unit/jit and tests/diff.
#ifndef SIGNOFF_TESTS_TESTING_NATIVE_SLOTS_H_
#define SIGNOFF_TESTS_TESTING_NATIVE_SLOTS_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/ir/ir.h"
#include "compiler/jit/abi.h"
#include "stdlib/absl_compat.h"

namespace signoff::testing {

// The bytes (non-printable ones escaped) and the interned id.
inline std::string QuoteFlat(const jit::internal::FlatString& s) {
  std::string out = "\"";
  for (int64_t i = 0; i < s.size; ++i) {
    unsigned char c = static_cast<unsigned char>(s.data[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  absl::StrAppend(&out, "\"#", s.id);
  return out;
}

// One slot of static type `type`.
inline std::string DescribeSlot(const jit::internal::NativeSlot& slot,
                                Type type) {
  using jit::internal::FlatMapEntry;
  using jit::internal::FlatString;
  std::string out = absl::StrCat("present=", slot.present, " ");
  switch (type) {
    case Type::kString:
      absl::StrAppend(&out, QuoteFlat(slot.s));
      break;
    case Type::kListString: {
      const auto* items = static_cast<const FlatString*>(slot.list.data);
      out += "[";
      for (int64_t i = 0; i < slot.list.size; ++i) {
        absl::StrAppend(&out, i ? ", " : "", QuoteFlat(items[i]));
      }
      out += "]";
      break;
    }
    case Type::kListInt: {
      const auto* items = static_cast<const int64_t*>(slot.list.data);
      out += "[";
      for (int64_t i = 0; i < slot.list.size; ++i) {
        absl::StrAppend(&out, i ? ", " : "", items[i]);
      }
      out += "]";
      break;
    }
    case Type::kMapStringString: {
      const auto* entries = static_cast<const FlatMapEntry*>(slot.list.data);
      out += "{";
      for (int64_t i = 0; i < slot.list.size; ++i) {
        absl::StrAppend(&out, i ? ", " : "", QuoteFlat(entries[i].key), ": ",
                        QuoteFlat(entries[i].value));
      }
      out += "}";
      break;
    }
    case Type::kIp:
      for (unsigned char byte : slot.ip) {
        absl::StrAppendFormat(&out, "%02x", byte);
      }
      break;
    default:
      absl::StrAppend(&out, slot.i);
      break;
  }
  return out;
}

// Every slot of `policy`, one line each, named by source and field.
inline std::string DescribeSlots(const ir::Policy& policy,
                                 const jit::internal::NativeSlot* slots) {
  std::string out;
  for (size_t i = 0; i < policy.slots.size(); ++i) {
    absl::StrAppend(&out, i, " ",
                    AsAbsl(ir::SlotSourceName(policy.slots[i].source)), ".",
                    policy.slots[i].field, ": ",
                    DescribeSlot(slots[i], policy.slots[i].type), "\n");
  }
  return out;
}

}  // namespace signoff::testing

#endif  // SIGNOFF_TESTS_TESTING_NATIVE_SLOTS_H_
