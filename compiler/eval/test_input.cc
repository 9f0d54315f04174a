#include "compiler/eval/test_input.h"

#include "nlohmann/json.hpp"

namespace signoff::eval {
namespace {

nlohmann::ordered_json ToJson(const ast::TestValue& value) {
  switch (value.kind) {
    case ast::TestValue::Kind::kString:
      return value.string_value;
    case ast::TestValue::Kind::kInt:
      return value.int_value;
    case ast::TestValue::Kind::kBool:
      return value.bool_value;
    case ast::TestValue::Kind::kDuration:
      return value.text;
    case ast::TestValue::Kind::kList: {
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const auto& item : value.items) list.push_back(ToJson(*item));
      return list;
    }
    case ast::TestValue::Kind::kObject: {
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      for (const auto& [key, item] : value.fields) {
        object[key.name] = ToJson(*item);
      }
      return object;
    }
  }
  return nullptr;
}

}  // namespace

std::string TestInputJson(const ast::TestValue& input) {
  // Test inputs come from policy text and may hold invalid UTF-8 escapes;
  // replace rather than throw.
  return ToJson(input).dump(-1, ' ', false,
                            nlohmann::json::error_handler_t::replace);
}

}  // namespace signoff::eval
