// The built-in entities `requester`, `context` and `approver` and their
// fields (entity_fields.def).
#ifndef SIGNOFF_COMPILER_AST_ENTITIES_H_
#define SIGNOFF_COMPILER_AST_ENTITIES_H_

#include <span>
#include <string_view>

#include "compiler/ast/type.h"

namespace signoff {

enum class Entity : unsigned char { kRequester, kContext, kApprover };

struct EntityField {
  std::string_view name;
  Type type;
};

// The fields of `entity`, in registration order.
std::span<const EntityField> EntityFields(Entity entity);
// The field's type, or kError when the entity has no such field.
Type EntityFieldType(Entity entity, std::string_view field);

}  // namespace signoff

#endif  // SIGNOFF_COMPILER_AST_ENTITIES_H_
