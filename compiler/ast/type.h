// Static types of the Signoff language.
//
// Field types (LANGUAGE.md §3) plus the internal types the checker needs
// for expressions that are not values (`id in GROUP`, `n in 9..17`).
#ifndef SIGNOFF_COMPILER_AST_TYPE_H_
#define SIGNOFF_COMPILER_AST_TYPE_H_

#include <string_view>

namespace signoff {

enum class Type : unsigned char {
  kError,  // an expression whose type could not be determined (already
           // reported); suppresses cascading diagnostics
  kBool,
  kInt,
  kString,
  kDuration,
  kTime,
  kIp,
  kListString,
  kListInt,
  kMapStringString,
  kGroup,  // a declared group name, valid only as the right side of `in`
  kRange,  // `a..b`, valid only as the right side of `in`
};

// Surface spelling: "string", "list<string>", "map<string,string>", ...
std::string_view TypeName(Type type);
bool IsListType(Type type);
// Element type of a list type (kString for kListString, kInt for kListInt).
Type ElementType(Type type);

}  // namespace signoff

#endif  // SIGNOFF_COMPILER_AST_TYPE_H_
