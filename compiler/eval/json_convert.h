// Internal to the binder: typed conversion of JSON request values, with
// errors that name the field, and detection of duplicate object keys.
// Nothing here throws: values are read through get_ptr after type checks.
#ifndef SIGNOFF_COMPILER_EVAL_JSON_CONVERT_H_
#define SIGNOFF_COMPILER_EVAL_JSON_CONVERT_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/type.h"
#include "compiler/eval/value.h"
#include "nlohmann/json.hpp"

namespace signoff::eval::internal {

using json = nlohmann::json;

// "null", "bool", "int", "float", "string", "array" or "object".
std::string_view JsonKind(const json& j);

// Appends "<path>: <message>" errors to a request's error list.
class JsonConverter {
 public:
  explicit JsonConverter(std::vector<std::string>& errors) : errors_(errors) {}

  void Error(std::string_view path, std::string_view message);
  // "<path>: expected <expected>, got <kind of got>".
  void TypeError(std::string_view path, std::string_view expected,
                 const json& got);
  // Converts `j` to a value of the field type `type`, or reports why not.
  std::optional<Value> Convert(const json& j, Type type,
                               const std::string& path);

 private:
  std::optional<Value> ConvertInt(const json& j, const std::string& path);
  std::optional<Value> ConvertList(const json& j, Type type,
                                   const std::string& path);
  std::optional<Value> ConvertMap(const json& j, const std::string& path);

  std::vector<std::string>& errors_;
};

// A parse callback that records keys appearing twice in one JSON object
// ("params.rows: duplicate key"): parsers and logs downstream could
// disagree on which one counts, so such a request is invalid.
class DuplicateKeyFinder {
 public:
  bool OnEvent(json::parse_event_t event, const json& parsed);
  std::vector<std::string>& duplicates() { return duplicates_; }

 private:
  // One open object or array.
  struct Frame {
    bool array;
    std::string key;             // this container's key in its parent object
    std::set<std::string> keys;  // objects: keys seen so far
    size_t index;                // arrays: index of the current element
  };

  // The path of the innermost open container: "params.l[1]".
  std::string Path() const;
  void Advance();

  std::vector<Frame> frames_;
  std::string last_key_;
  std::vector<std::string> duplicates_;
};

}  // namespace signoff::eval::internal

#endif  // SIGNOFF_COMPILER_EVAL_JSON_CONVERT_H_
