// The fast request binder: simdjson On-Demand straight into NativeSlots.
//
// It mirrors eval::BindJson (compiler/eval/bind_json.cc, json_convert.cc)
// for valid requests and gives up (kSlowPath) at the first thing that is not
// plainly valid. What simdjson On-Demand does not check, this file does:
//
//   * duplicate keys: the fields of params, requester and context have a
//     seen-bit each; maps are sorted and checked for equal neighbours; the
//     objects inside an undeclared action's params are checked key by key;
//   * content after the root object (current_location must be the end);
//   * every value is read with its type: nothing is skipped unread when the
//     result is kBound, so nothing invalid hides in a skipped value.
//
// What simdjson 3.0.1 checks itself (pinned by
// tests/unit/jit/json_binder_test.cc): UTF-8 of the whole input and raw
// control characters inside strings (stage 1, every kernel), lone
// surrogates in \u escapes, number grammar (leading zeros, `1.`, `+1`),
// literal spelling (`truex`, `nul`). `-0` reads as the int 0, as nlohmann
// reads it; floats, exponents and integers outside int64 are not ints. A
// byte-order mark makes the root not an object: slow path (nlohmann skips
// it).
//
// Values are converted with the stdlib functions BindJson uses, but for the
// common "YYYY-MM-DDThh:mm:ssZ" time (ParseCanonicalUtcTime, checked against
// stdlib::ParseRfc3339 by the tests), which allocates nothing.
#include "compiler/jit/json_binder.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/eval/request.h"
#include "compiler/jit/json_binder_support.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::jit::internal {
namespace {

namespace od = simdjson::ondemand;

// Larger documents go to the slow path.
constexpr size_t kMaxDocument = size_t{1} << 20;
// The first parser allocation; it doubles as larger documents arrive.
constexpr size_t kMinCapacity = size_t{16} << 10;
// Nesting allowed inside an undeclared action's params.
constexpr int kMaxGenericDepth = 64;

// A list or map payload appended to an arena, pointed at after binding
// (the arenas may grow while binding).
enum class Arena : uint8_t { kNone, kStrings, kInts, kEntries };
struct Payload {
  Arena arena = Arena::kNone;
  uint32_t start = 0;
};
struct Fixup {
  int slot;
  Payload payload;
};

// The key of `field`: its raw bytes when it has no escapes (the common
// case, no copy), else unescaped into the parser's string buffer.
bool ReadKey(od::field& field, std::string_view& key) {
  const char* raw = field.key().raw();
  const char* end = raw;
  while (*end != '"' && *end != '\\') ++end;  // stage 1 closed the string
  if (*end == '"') {
    key = std::string_view(raw, static_cast<size_t>(end - raw));
    return true;
  }
  return !field.unescaped_key().get(key);
}

template <typename T>
int IndexOf(const std::vector<T>& fields, std::string_view name) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

class BindScratch::Impl {
 public:
  // Room for a document of `size` bytes (parser and padded input).
  bool Reserve(size_t size) {
    if (capacity_ < size || capacity_ == 0) {
      size_t capacity = std::max(kMinCapacity, capacity_);
      while (capacity < size) capacity *= 2;
      capacity = std::min(capacity, kMaxDocument);
      if (parser.allocate(capacity) != simdjson::SUCCESS) {
        capacity_ = 0;
        return false;
      }
      capacity_ = capacity;
      input = std::make_unique<char[]>(capacity + simdjson::SIMDJSON_PADDING);
    }
    return true;
  }
  size_t input_capacity() const {
    return capacity_ + simdjson::SIMDJSON_PADDING;
  }

  od::parser parser{kMaxDocument};
  std::unique_ptr<char[]> input;
  std::vector<FlatString> strings;    // list<string> elements
  std::vector<int64_t> ints;          // list<int> elements
  std::vector<FlatMapEntry> entries;  // map entries, sorted per map
  std::vector<Fixup> fixups;
  std::vector<std::string_view> keys;    // open objects of generic params
  std::vector<std::string_view> sorted;  // duplicate check of a large one

 private:
  size_t capacity_ = 0;
};

BindScratch::BindScratch() : impl_(std::make_unique<Impl>()) {}
BindScratch::~BindScratch() = default;

namespace {

// One Bind: reads values into `slots` and the scratch arenas.
class Binder {
 public:
  Binder(const Interner& interner, BindScratch::Impl& s, NativeSlot* slots)
      : interner_(interner), s_(s), slots_(slots) {
    s_.strings.clear();
    s_.ints.clear();
    s_.entries.clear();
    s_.fixups.clear();
    s_.keys.clear();
  }

  // A declared action's params: known fields only, each once, of its type,
  // every required one given.
  bool Params(od::value value, const BinderAction& action) {
    od::object object;
    if (value.get_object().get(object)) return false;
    uint64_t seen = 0;
    for (auto item : object) {
      od::field field;
      std::string_view key;
      if (std::move(item).get(field) || !ReadKey(field, key)) return false;
      int f = IndexOf(action.fields, key);
      if (f < 0 || (seen >> f & 1) != 0) return false;
      seen |= uint64_t{1} << f;
      const BinderField& plan = action.fields[f];
      NativeSlot out;
      Payload payload;
      if (!Convert(field.value(), plan.type, plan.slot >= 0, out, payload)) {
        return false;
      }
      if (plan.slot >= 0) Store(plan.slot, out, payload);
    }
    return (action.required & ~seen) == 0;
  }

  // `requester` or `context`: known fields only, each once, of its type.
  bool Entity(od::value value, const std::vector<BinderEntityField>& fields) {
    od::object object;
    if (value.get_object().get(object)) return false;
    uint64_t seen = 0;
    for (auto item : object) {
      od::field field;
      std::string_view key;
      if (std::move(item).get(field) || !ReadKey(field, key)) return false;
      int f = IndexOf(fields, key);
      if (f < 0 || f >= 64 || (seen >> f & 1) != 0) return false;
      seen |= uint64_t{1} << f;
      const BinderEntityField& plan = fields[f];
      NativeSlot out;
      Payload payload;
      if (!Convert(field.value(), plan.type, !plan.slots.empty(), out,
                   payload)) {
        return false;
      }
      if (plan.is_kind) {
        std::string_view kind(out.s.data, static_cast<size_t>(out.s.size));
        if (kind != "human" && kind != "agent" && kind != "service") {
          return false;
        }
      }
      for (int slot : plan.slots) Store(slot, out, payload);
    }
    return true;
  }

  // An undeclared action's params: BindJson does not read them, but they
  // must be an object, valid JSON with no duplicate key at any depth.
  bool UndeclaredParams(od::value value) {
    od::json_type type;
    return !value.type().get(type) && type == od::json_type::object &&
           Validate(value, 0);
  }

  // Any JSON value, as nlohmann accepts it, with no duplicate key.
  bool Validate(od::value value, int depth) {
    if (depth > kMaxGenericDepth) return false;
    od::json_type type;
    if (value.type().get(type)) return false;
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (value.get_object().get(object)) return false;
        size_t start = s_.keys.size();
        for (auto item : object) {
          od::field field;
          std::string_view key;
          if (std::move(item).get(field) || !ReadKey(field, key)) return false;
          s_.keys.push_back(key);
          if (!Validate(field.value(), depth + 1)) return false;
        }
        bool unique = Unique(start);
        s_.keys.resize(start);
        return unique;
      }
      case od::json_type::array: {
        od::array array;
        if (value.get_array().get(array)) return false;
        for (auto item : array) {
          od::value element;
          if (std::move(item).get(element) || !Validate(element, depth + 1)) {
            return false;
          }
        }
        return true;
      }
      case od::json_type::string: {
        std::string_view s;
        return !value.get_string().get(s);
      }
      case od::json_type::number: {
        // nlohmann rejects numbers that overflow a double; stay well clear.
        double d;
        return !value.get_double().get(d) && std::fabs(d) <= 1e300;
      }
      case od::json_type::boolean: {
        bool b;
        return !value.get_bool().get(b);
      }
      case od::json_type::null: {
        bool null = false;
        return !value.is_null().get(null) && null;
      }
    }
    return false;
  }

  // Points list and map slots into the (now final) arenas.
  void Finish() {
    for (const Fixup& fixup : s_.fixups) {
      FlatList& list = slots_[fixup.slot].list;
      switch (fixup.payload.arena) {
        case Arena::kStrings:
          list.data = s_.strings.data() + fixup.payload.start;
          break;
        case Arena::kInts:
          list.data = s_.ints.data() + fixup.payload.start;
          break;
        case Arena::kEntries:
          list.data = s_.entries.data() + fixup.payload.start;
          break;
        case Arena::kNone:
          break;
      }
    }
  }

 private:
  FlatString Flat(std::string_view s, bool intern) const {
    if (intern) return interner_.Flat(s);
    return {s.data(), static_cast<int64_t>(s.size()), -1};
  }

  bool ReadString(od::value& value, std::string_view& s) {
    return !value.get_string().get(s);
  }

  // `value` as a field of `type` (json_convert.cc's Convert), into `out`;
  // list and map elements go to the arenas (`payload` says where). Strings
  // are interned only when `keep`.
  bool Convert(od::value value, Type type, bool keep, NativeSlot& out,
               Payload& payload) {
    std::memset(&out, 0, sizeof(out));
    std::string_view s;
    switch (type) {
      case Type::kBool: {
        bool b;
        if (value.get_bool().get(b)) return false;
        out.i = b;
        return true;
      }
      case Type::kInt:
        return !value.get_int64().get(out.i);
      case Type::kString:
        if (!ReadString(value, s)) return false;
        out.s = Flat(s, keep);
        return true;
      case Type::kDuration: {
        if (!ReadString(value, s)) return false;
        absl::StatusOr<int64_t> seconds = stdlib::ParseDuration(s);
        if (!seconds.ok()) return false;
        out.i = *seconds;
        return true;
      }
      case Type::kTime: {
        if (!ReadString(value, s)) return false;
        // The common spelling without stdlib::ParseRfc3339's allocations.
        std::optional<int64_t> seconds = ParseCanonicalUtcTime(s);
        if (!seconds) seconds = stdlib::ParseRfc3339(s);
        if (!seconds) return false;
        out.i = *seconds;
        return true;
      }
      case Type::kIp: {
        if (!ReadString(value, s)) return false;
        std::optional<stdlib::IpAddress> ip = stdlib::IpAddress::Parse(s);
        if (!ip) return false;
        std::memcpy(out.ip, &*ip, sizeof(*ip));
        return true;
      }
      case Type::kListString:
      case Type::kListInt:
        return ConvertList(value, type, keep, out, payload);
      case Type::kMapStringString:
        return ConvertMap(value, keep, out, payload);
      default:
        return false;  // no request type: BindJson reports it
    }
  }

  bool ConvertList(od::value value, Type type, bool keep, NativeSlot& out,
                   Payload& payload) {
    od::array array;
    if (value.get_array().get(array)) return false;
    bool ints = type == Type::kListInt;
    size_t start = ints ? s_.ints.size() : s_.strings.size();
    for (auto item : array) {
      od::value element;
      if (std::move(item).get(element)) return false;
      if (ints) {
        int64_t n;
        if (element.get_int64().get(n)) return false;
        s_.ints.push_back(n);
      } else {
        std::string_view s;
        if (!ReadString(element, s)) return false;
        s_.strings.push_back(Flat(s, keep));
      }
    }
    size_t end = ints ? s_.ints.size() : s_.strings.size();
    payload = {ints ? Arena::kInts : Arena::kStrings,
               static_cast<uint32_t>(start)};
    out.list = {nullptr, static_cast<int64_t>(end - start)};
    return true;
  }

  // Sorted by key bytes, as eval::StringMap; a repeated key is invalid.
  bool ConvertMap(od::value value, bool keep, NativeSlot& out,
                  Payload& payload) {
    od::object object;
    if (value.get_object().get(object)) return false;
    size_t start = s_.entries.size();
    for (auto item : object) {
      od::field field;
      std::string_view key;
      std::string_view s;
      if (std::move(item).get(field) || !ReadKey(field, key) ||
          !ReadString(field.value(), s)) {
        return false;
      }
      s_.entries.push_back({Flat(key, false), Flat(s, false)});
    }
    auto first = s_.entries.begin() + static_cast<ptrdiff_t>(start);
    auto view = [](const FlatString& f) {
      return std::string_view(f.data, static_cast<size_t>(f.size));
    };
    std::sort(first, s_.entries.end(),
              [&view](const FlatMapEntry& a, const FlatMapEntry& b) {
                return view(a.key) < view(b.key);
              });
    for (auto it = first; it != s_.entries.end(); ++it) {
      if (it != first && view((it - 1)->key) == view(it->key)) return false;
      if (keep) *it = {Flat(view(it->key), true), Flat(view(it->value), true)};
    }
    payload = {Arena::kEntries, static_cast<uint32_t>(start)};
    out.list = {nullptr, static_cast<int64_t>(s_.entries.size() - start)};
    return true;
  }

  void Store(int slot, const NativeSlot& value, const Payload& payload) {
    slots_[slot] = value;
    slots_[slot].present = 1;
    if (payload.arena != Arena::kNone) s_.fixups.push_back({slot, payload});
  }

  // Whether the keys from `start` on are distinct.
  bool Unique(size_t start) {
    auto first = s_.keys.begin() + static_cast<ptrdiff_t>(start);
    size_t n = s_.keys.size() - start;
    if (n <= 16) {
      for (auto a = first; a != s_.keys.end(); ++a) {
        for (auto b = first; b != a; ++b) {
          if (*a == *b) return false;
        }
      }
      return true;
    }
    s_.sorted.assign(first, s_.keys.end());
    std::sort(s_.sorted.begin(), s_.sorted.end());
    return std::adjacent_find(s_.sorted.begin(), s_.sorted.end()) ==
           s_.sorted.end();
  }

  const Interner& interner_;
  BindScratch::Impl& s_;
  NativeSlot* slots_;
};

enum TopKey : unsigned {
  kAction = 1,
  kParams = 2,
  kRequester = 4,
  kContext = 8
};

unsigned TopKeyOf(std::string_view key) {
  if (key == "action") return kAction;
  if (key == "params") return kParams;
  if (key == "requester") return kRequester;
  if (key == "context") return kContext;
  return 0;
}

}  // namespace

struct JsonBinder::Plan : BinderPlan {};

JsonBinder::JsonBinder(const ir::Policy& policy, const Interner& interner)
    : policy_(policy), interner_(interner) {
  auto plan = std::make_unique<Plan>();
  BuildBinderPlan(policy_, interner_, *plan);
  plan_ = std::move(plan);
}

JsonBinder::~JsonBinder() = default;

JsonBinder::Result JsonBinder::Bind(std::string_view json,
                                    BindScratch& scratch) const {
  BindScratch::Impl& s = *scratch.impl_;
  if (json.size() > kMaxDocument || !s.Reserve(json.size())) {
    return Result::kSlowPath;
  }
  std::memcpy(s.input.get(), json.data(), json.size());
  std::memset(s.input.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
  od::document doc;
  od::object root;
  if (s.parser.iterate(s.input.get(), json.size(), s.input_capacity())
          .get(doc) ||
      doc.get_object().get(root)) {
    return Result::kSlowPath;
  }

  // The action first: it decides how params are read. The main loop
  // checks that the one `action` key is this one (an escaped spelling of
  // the key is not found here and takes the slow path).
  std::string_view action;
  const char* action_token;
  {
    od::value value;
    if (root.find_field_unordered("action").get(value)) {
      return Result::kSlowPath;
    }
    action_token = value.raw_json_token().data();
    if (value.get_string().get(action)) return Result::kSlowPath;
  }
  if (!eval::IsActionName(action)) return Result::kSlowPath;  // also ""
  auto id = plan_->action_ids.find(AsAbsl(action));
  int action_id = id == plan_->action_ids.end() ? -1 : id->second;
  const BinderAction* schema =
      action_id >= 0 ? &plan_->actions[action_id] : nullptr;
  if (schema != nullptr && !schema->bindable) return Result::kSlowPath;
  bool empty;
  if (root.reset().get(empty)) return Result::kSlowPath;

  scratch.slots_.assign(plan_->zero.begin(), plan_->zero.end());
  Binder binder(interner_, s, scratch.slots_.data());
  unsigned seen = 0;
  for (auto item : root) {
    od::field field;
    std::string_view key;
    if (std::move(item).get(field) || !ReadKey(field, key)) {
      return Result::kSlowPath;
    }
    unsigned which = TopKeyOf(key);
    if (which == 0 || (seen & which) != 0) return Result::kSlowPath;
    seen |= which;
    od::value& value = field.value();
    bool ok = true;
    switch (which) {
      case kAction:
        ok = value.raw_json_token().data() == action_token;
        break;
      case kParams:
        ok = schema != nullptr ? binder.Params(value, *schema)
                               : binder.UndeclaredParams(value);
        break;
      case kRequester:
        ok = binder.Entity(value, plan_->requester);
        break;
      case kContext:
        ok = binder.Entity(value, plan_->context);
        break;
    }
    if (!ok) return Result::kSlowPath;
  }
  // Nothing may follow the root object.
  const char* rest = nullptr;
  if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {
    return Result::kSlowPath;
  }
  if (schema != nullptr && (seen & kParams) == 0 && schema->required != 0) {
    return Result::kSlowPath;  // a required field is missing
  }
  binder.Finish();
  scratch.action_ = interner_.Flat(action);
  scratch.action_id_ = action_id;
  return Result::kBound;
}

}  // namespace signoff::jit::internal
