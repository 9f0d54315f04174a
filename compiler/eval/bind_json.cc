// Binding a JSON request (LANGUAGE.md §6) to a policy's slots.
//
// Every problem with the request becomes an error string naming the field;
// only text that is not JSON at all is a Status. Parsing never throws:
// nlohmann is used in its non-throwing mode and values are read through
// get_ptr after checking their type.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "compiler/ast/entities.h"
#include "compiler/eval/json_convert.h"
#include "compiler/eval/request.h"
#include "compiler/eval/value.h"
#include "nlohmann/json.hpp"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::eval {
namespace {

using internal::DuplicateKeyFinder;
using internal::json;
using internal::JsonConverter;

std::vector<std::pair<std::string_view, Value>> BindEntity(
    JsonConverter& converter, const json* object, std::string_view entity,
    std::span<const EntityField> fields) {
  std::vector<std::pair<std::string_view, Value>> given;
  if (object == nullptr) return given;
  if (!object->is_object()) {
    converter.TypeError(entity, "object", *object);
    return given;
  }
  for (auto it = object->begin(); it != object->end(); ++it) {
    const EntityField* field = nullptr;
    for (const EntityField& f : fields) {
      if (f.name == it.key()) field = &f;
    }
    std::string path = absl::StrCat(AsAbsl(entity), ".", it.key());
    if (field == nullptr) {
      converter.Error(path, "unknown field");
      continue;
    }
    std::optional<Value> value =
        converter.Convert(it.value(), field->type, path);
    if (!value) continue;
    if (entity == "requester" && field->name == "kind") {
      const std::string* kind = std::get_if<std::string>(&*value);
      if (kind == nullptr ||
          (*kind != "human" && *kind != "agent" && *kind != "service")) {
        converter.Error(path, "must be \"human\", \"agent\" or \"service\"");
        continue;
      }
    }
    given.emplace_back(field->name, std::move(*value));
  }
  return given;
}

const json* Find(const json& object, std::string_view key) {
  auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
}

void BindParams(const ir::Policy& policy, JsonConverter& converter,
                const json* params, BoundRequest& request) {
  if (params != nullptr && !params->is_object()) {
    converter.TypeError("params", "object", *params);
    return;
  }
  if (request.action_id < 0) return;  // undeclared: not validated, not read
  const ir::ActionSchema& schema = policy.actions[request.action_id];
  for (const ir::ActionField& field : schema.fields) {
    std::string path = absl::StrCat("params.", field.name);
    const json* given = params ? Find(*params, field.name) : nullptr;
    if (given == nullptr) {
      if (!field.optional) converter.Error(path, "required field is missing");
      continue;
    }
    std::optional<Value> value = converter.Convert(*given, field.type, path);
    if (value && field.slot >= 0 &&
        static_cast<size_t>(field.slot) < request.slots.size()) {
      request.slots[field.slot] = std::move(*value);
      request.present[field.slot] = true;
    }
  }
  if (params == nullptr) return;
  for (auto it = params->begin(); it != params->end(); ++it) {
    bool known = false;
    for (const ir::ActionField& field : schema.fields) {
      if (field.name == it.key()) known = true;
    }
    if (!known) {
      converter.Error(
          absl::StrCat("params.", it.key()),
          absl::StrCat("unknown field for action `", schema.name, "`"));
    }
  }
}

}  // namespace

bool IsActionName(std::string_view name) {
  bool segment_start = true;
  for (char c : name) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (c == '.') {
      if (segment_start) return false;
      segment_start = true;
    } else if (letter || (digit && !segment_start)) {
      segment_start = false;
    } else {
      return false;
    }
  }
  return !segment_start;
}

absl::StatusOr<BoundRequest> BindJson(const ir::Policy& policy,
                                      std::string_view text) {
  // A raw NUL is never valid JSON, and nlohmann stops reading at one: what
  // follows it would be silently ignored.
  if (text.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("the request is not valid JSON");
  }
  DuplicateKeyFinder duplicates;
  json root = json::parse(
      text.begin(), text.end(),
      [&duplicates](int, json::parse_event_t event, json& parsed) {
        return duplicates.OnEvent(event, parsed);
      },
      /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return absl::InvalidArgumentError("the request is not valid JSON");
  }

  BoundRequest request;
  request.slots.reserve(policy.slots.size());
  for (const ir::Slot& slot : policy.slots) {
    request.slots.push_back(ZeroValue(slot.type));
  }
  request.present.assign(policy.slots.size(), false);
  request.errors = std::move(duplicates.duplicates());
  JsonConverter converter(request.errors);

  if (!root.is_object()) {
    converter.Error("request", "expected a JSON object");
    return request;
  }
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string& key = it.key();
    if (key != "action" && key != "params" && key != "requester" &&
        key != "context") {
      request.errors.push_back(
          absl::StrCat("unknown top-level key `", key, "`"));
    }
  }

  const json* action = Find(root, "action");
  if (action == nullptr) {
    converter.Error("action", "required string is missing");
  } else if (const auto* name = action->get_ptr<const json::string_t*>()) {
    if (name->empty()) {
      converter.Error("action", "must not be empty");
    } else if (!IsActionName(*name)) {
      converter.Error("action",
                      absl::StrCat("`", *name,
                                   "` is not an action name (identifiers "
                                   "joined by `.`, as in `data.export`)"));
    } else {
      request.action = *name;
      request.action_id = policy.FindAction(*name);
    }
  } else {
    converter.TypeError("action", "string", *action);
  }

  BindParams(policy, converter, Find(root, "params"), request);
  auto requester = BindEntity(converter, Find(root, "requester"), "requester",
                              EntityFields(Entity::kRequester));
  auto context = BindEntity(converter, Find(root, "context"), "context",
                            EntityFields(Entity::kContext));

  for (size_t i = 0; i < policy.slots.size(); ++i) {
    const ir::Slot& slot = policy.slots[i];
    const auto* given = slot.source == ir::SlotSource::kRequester ? &requester
                        : slot.source == ir::SlotSource::kContext ? &context
                                                                  : nullptr;
    if (given == nullptr) continue;
    for (auto& [name, value] : *given) {
      if (name == slot.field && value.index() == ZeroValue(slot.type).index()) {
        request.slots[i] = value;
        request.present[i] = true;
      }
    }
  }
  return request;
}

}  // namespace signoff::eval
