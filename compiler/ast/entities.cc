#include "compiler/ast/entities.h"

#include <array>
#include <vector>

namespace signoff {
namespace {

constexpr Entity EntityNamed(std::string_view name) {
  return name == "requester" ? Entity::kRequester
         : name == "context" ? Entity::kContext
                             : Entity::kApprover;
}

struct Entry {
  Entity entity;
  EntityField field;
};

constexpr Entry kEntries[] = {
#define SIGNOFF_ENTITY_FIELD(entity, field, type) \
  {EntityNamed(#entity), {#field, Type::type}},
#include "compiler/ast/entity_fields.def"
};

}  // namespace

std::span<const EntityField> EntityFields(Entity entity) {
  static const auto* kTables = [] {
    auto* tables = new std::array<std::vector<EntityField>, 3>();
    for (const Entry& entry : kEntries) {
      (*tables)[static_cast<int>(entry.entity)].push_back(entry.field);
    }
    return tables;
  }();
  return (*kTables)[static_cast<int>(entity)];
}

Type EntityFieldType(Entity entity, std::string_view field) {
  for (const EntityField& f : EntityFields(entity)) {
    if (f.name == field) return f.type;
  }
  return Type::kError;
}

}  // namespace signoff
