#include "compiler/ast/type.h"

namespace signoff {

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kError:
      return "<error>";
    case Type::kBool:
      return "bool";
    case Type::kInt:
      return "int";
    case Type::kString:
      return "string";
    case Type::kDuration:
      return "duration";
    case Type::kTime:
      return "time";
    case Type::kIp:
      return "ip";
    case Type::kListString:
      return "list<string>";
    case Type::kListInt:
      return "list<int>";
    case Type::kMapStringString:
      return "map<string,string>";
    case Type::kGroup:
      return "group";
    case Type::kRange:
      return "range";
  }
  return "<error>";
}

bool IsListType(Type type) {
  return type == Type::kListString || type == Type::kListInt;
}

Type ElementType(Type type) {
  switch (type) {
    case Type::kListString:
      return Type::kString;
    case Type::kListInt:
      return Type::kInt;
    default:
      return Type::kError;
  }
}

}  // namespace signoff
