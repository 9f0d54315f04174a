// The extern "C" helpers generated code calls, and the literal interner.
// Each helper reproduces what compiler/interp does for the same operation.
#include "compiler/jit/runtime_calls.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/jit/abi.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::jit::internal {
namespace {

std::string_view View(const char* data, int64_t size) {
  return size == 0 ? std::string_view() : std::string_view(data, size);
}

std::string_view View(const FlatString& s) { return View(s.data, s.size); }

stdlib::IpAddress LoadIp(const void* bytes) {
  stdlib::IpAddress ip;
  std::memcpy(&ip, bytes, sizeof(ip));
  return ip;
}

void Store(const Interner& interner, RuntimeContext& runtime, std::string s,
           FlatString* out) {
  const std::string& kept = runtime.scratch.emplace_front(std::move(s));
  *out = interner.Flat(kept);
}

}  // namespace

extern "C" {

int64_t signoff_jit_str_compare(const char* a, int64_t an, const char* b,
                                int64_t bn) {
  // std::string compares bytes as unsigned chars, as the interpreter does.
  int c = View(a, an).compare(View(b, bn));
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int64_t signoff_jit_str_equal(const char* a, int64_t an, const char* b,
                              int64_t bn) {
  return View(a, an) == View(b, bn);
}

int64_t signoff_jit_starts_with(const char* a, int64_t an, const char* b,
                                int64_t bn) {
  return stdlib::StartsWith(View(a, an), View(b, bn));
}

int64_t signoff_jit_ends_with(const char* a, int64_t an, const char* b,
                              int64_t bn) {
  return stdlib::EndsWith(View(a, an), View(b, bn));
}

int64_t signoff_jit_contains(const char* a, int64_t an, const char* b,
                             int64_t bn) {
  return stdlib::Contains(View(a, an), View(b, bn));
}

int64_t signoff_jit_code_points(const char* s, int64_t n) {
  return stdlib::CodePointLength(View(s, n));
}

void signoff_jit_lower(const void* interner, void* runtime, const char* s,
                       int64_t n, FlatString* out) {
  Store(*static_cast<const Interner*>(interner),
        *static_cast<RuntimeContext*>(runtime), stdlib::Lower(View(s, n)), out);
}

void signoff_jit_upper(const void* interner, void* runtime, const char* s,
                       int64_t n, FlatString* out) {
  Store(*static_cast<const Interner*>(interner),
        *static_cast<RuntimeContext*>(runtime), stdlib::Upper(View(s, n)), out);
}

int64_t signoff_jit_like(const void* glob, const char* s, int64_t n) {
  return static_cast<const stdlib::Glob*>(glob)->Matches(View(s, n));
}

int64_t signoff_jit_matches(const void* regex, const char* s, int64_t n) {
  return static_cast<const stdlib::Regex*>(regex)->FullMatch(View(s, n));
}

int64_t signoff_jit_hour(const void* zone, int64_t t) {
  return static_cast<const stdlib::TimeZone*>(zone)->Hour(t);
}

int64_t signoff_jit_weekday(const void* zone, int64_t t) {
  return static_cast<const stdlib::TimeZone*>(zone)->Weekday(t);
}

int64_t signoff_jit_in_cidr(const void* cidr, const void* ip) {
  return static_cast<const stdlib::Cidr*>(cidr)->Contains(LoadIp(ip));
}

int64_t signoff_jit_ip_equal(const void* a, const void* b) {
  return LoadIp(a) == LoadIp(b);
}

int64_t signoff_jit_str_list_contains(const FlatString* list, int64_t n,
                                      const char* s, int64_t sn, int64_t id) {
  for (int64_t i = 0; i < n; ++i) {
    if (id >= 0 || list[i].id >= 0) {
      if (list[i].id == id) return 1;
    } else if (View(list[i]) == View(s, sn)) {
      return 1;
    }
  }
  return 0;
}

int64_t signoff_jit_int_list_contains(const int64_t* list, int64_t n,
                                      int64_t v) {
  return std::find(list, list + n, v) != list + n;
}

int64_t signoff_jit_str_list_equal(const FlatString* a, int64_t an,
                                   const FlatString* b, int64_t bn) {
  if (an != bn) return 0;
  for (int64_t i = 0; i < an; ++i) {
    if (View(a[i]) != View(b[i])) return 0;
  }
  return 1;
}

int64_t signoff_jit_int_list_equal(const int64_t* a, int64_t an,
                                   const int64_t* b, int64_t bn) {
  return an == bn && std::equal(a, a + an, b);
}

int64_t signoff_jit_map_equal(const FlatMapEntry* a, int64_t an,
                              const FlatMapEntry* b, int64_t bn) {
  if (an != bn) return 0;
  for (int64_t i = 0; i < an; ++i) {
    if (View(a[i].key) != View(b[i].key) ||
        View(a[i].value) != View(b[i].value)) {
      return 0;
    }
  }
  return 1;
}

// eval::MapGet: the same binary search, "" when missing (whose interned id
// is `empty_id`).
void signoff_jit_map_get(const FlatMapEntry* map, int64_t n, const char* key,
                         int64_t key_size, int64_t empty_id, FlatString* out) {
  std::string_view k = View(key, key_size);
  const FlatMapEntry* it = std::lower_bound(
      map, map + n, k, [](const FlatMapEntry& entry, std::string_view k) {
        return View(entry.key) < k;
      });
  if (it != map + n && View(it->key) == k) {
    *out = it->value;
  } else {
    *out = FlatString{"", 0, empty_id};
  }
}

int64_t signoff_jit_map_has(const FlatMapEntry* map, int64_t n, const char* key,
                            int64_t key_size) {
  std::string_view k = View(key, key_size);
  return std::any_of(map, map + n,
                     [&](const FlatMapEntry& e) { return View(e.key) == k; });
}

// The directory part of interp's InGroup, after the static members missed.
int64_t signoff_jit_in_directory(void* runtime, const void* group,
                                 const char* id, int64_t n) {
  const auto& context = *static_cast<const RuntimeContext*>(runtime);
  const auto& g = *static_cast<const ir::Group*>(group);
  const interp::EvalOptions& options = *context.options;
  // An empty identity is nobody, in the directory too.
  if (!options.directory_member || n == 0) return 0;
  for (const std::string& directory : g.directories) {
    if (options.directory_member(directory, View(id, n))) return 1;
  }
  return 0;
}

}  // extern "C"

const std::vector<HelperInfo>& AllHelpers() {
  static const std::vector<HelperInfo>* const kAll =
      new std::vector<HelperInfo>{
#define SIGNOFF_JIT_HELPER_INFO(id, function, signature, pure) \
  {Helper::k##id, #function, signature, pure,                  \
   reinterpret_cast<void*>(&function)},
          SIGNOFF_JIT_HELPERS(SIGNOFF_JIT_HELPER_INFO)
#undef SIGNOFF_JIT_HELPER_INFO
      };
  return *kAll;
}

const HelperInfo& GetHelper(Helper id) {
  return AllHelpers()[static_cast<size_t>(id)];
}

Interner::Interner(const ir::Policy& policy) {
  auto intern = [&](const std::string& s) {
    auto [it, inserted] =
        ids_.try_emplace(AsAbsl(s), static_cast<int64_t>(ids_.size()));
    return it->second;
  };
  string_ids_.reserve(policy.strings.size());
  for (const std::string& s : policy.strings) {
    string_ids_.push_back(intern(s));
  }
  for (const ir::Group& group : policy.groups) {
    for (const std::string& member : group.members) intern(member);
  }
}

int64_t Interner::Find(std::string_view s) const {
  auto it = ids_.find(AsAbsl(s));
  return it == ids_.end() ? -1 : it->second;
}

}  // namespace signoff::jit::internal
