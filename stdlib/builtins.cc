// The built-in function table (builtins.def).
#include "stdlib/builtins.h"

#include <algorithm>
#include <string>
#include <vector>

namespace signoff::stdlib {

const std::vector<BuiltinInfo>& AllBuiltins() {
  using enum Type;
  static const std::vector<BuiltinInfo>* const kAll =
      new std::vector<BuiltinInfo>{
// `args` arrives parenthesized: "(kString, kString)".
#define SIGNOFF_BUILTIN_ARGS(...) \
  std::vector<Type> { __VA_ARGS__ }
#define SIGNOFF_BUILTIN(id, name, result, args) \
  BuiltinInfo{Builtin::k##id, name, result, SIGNOFF_BUILTIN_ARGS args},
#include "stdlib/builtins.def"
#undef SIGNOFF_BUILTIN_ARGS
      };
  return *kAll;
}

const BuiltinInfo& GetBuiltin(Builtin id) {
  // The table is in enum order, so the id is the index.
  return AllBuiltins()[static_cast<size_t>(id)];
}

std::vector<std::string> BuiltinNames() {
  std::vector<std::string> names;
  for (const BuiltinInfo& info : AllBuiltins()) {
    names.emplace_back(info.name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace signoff::stdlib
