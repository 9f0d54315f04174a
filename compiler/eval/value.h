// Runtime values of request fields, as the reference interpreter sees them.
//
// Durations and times are int64 seconds (a time is unix seconds); the static
// type (from the IR) says which. The zero value of each type is what an
// absent optional field reads as (LANGUAGE.md §3).
#ifndef SIGNOFF_COMPILER_EVAL_VALUE_H_
#define SIGNOFF_COMPILER_EVAL_VALUE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "compiler/ast/type.h"
#include "stdlib/builtins.h"

namespace signoff::eval {

using StringList = std::vector<std::string>;
using IntList = std::vector<int64_t>;
// Sorted by key, keys unique.
using StringMap = std::vector<std::pair<std::string, std::string>>;

using Value = std::variant<bool, int64_t, std::string, stdlib::IpAddress,
                           StringList, IntList, StringMap>;

Value ZeroValue(Type type);
// For messages: strings as is, ints in decimal, durations canonical, times
// RFC 3339, lists as ["a", "b"], maps as {"k": "v"}.
std::string ValueToString(const Value& value, Type type);
// Lookup in a StringMap; "" when missing.
const std::string& MapGet(const StringMap& map, std::string_view key);

}  // namespace signoff::eval

#endif  // SIGNOFF_COMPILER_EVAL_VALUE_H_
