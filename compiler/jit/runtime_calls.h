// The C++ functions generated code calls (private to compiler/jit/): the
// stdlib built-ins over precompiled objects, string and collection helpers,
// and the directory membership hook. Each is an extern "C" trampoline with
// int64/pointer arguments, exposed to the JIT by an absolute symbol map.
//
// X(Id, function, signature, pure). Signatures are spelled once, here, as
// "r(args)" with r/args from i = int64, p = pointer, v = void (return only);
// the code generator builds its declarations from them. `pure` helpers only
// read memory and may be merged or removed by the optimiser; the others
// (writing scratch, calling the directory hook) keep their order and count.
#ifndef SIGNOFF_COMPILER_JIT_RUNTIME_CALLS_H_
#define SIGNOFF_COMPILER_JIT_RUNTIME_CALLS_H_

#include <forward_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"
#include "compiler/jit/abi.h"

namespace signoff::jit::internal {

#define SIGNOFF_JIT_HELPERS(X)                                        \
  X(StrCompare, signoff_jit_str_compare, "i(pipi)", true)             \
  X(StrEqual, signoff_jit_str_equal, "i(pipi)", true)                 \
  X(StartsWith, signoff_jit_starts_with, "i(pipi)", true)             \
  X(EndsWith, signoff_jit_ends_with, "i(pipi)", true)                 \
  X(Contains, signoff_jit_contains, "i(pipi)", true)                  \
  X(CodePoints, signoff_jit_code_points, "i(pi)", true)               \
  X(Lower, signoff_jit_lower, "v(pppip)", false)                      \
  X(Upper, signoff_jit_upper, "v(pppip)", false)                      \
  X(Like, signoff_jit_like, "i(ppi)", true)                           \
  X(Matches, signoff_jit_matches, "i(ppi)", true)                     \
  X(Hour, signoff_jit_hour, "i(pi)", true)                            \
  X(Weekday, signoff_jit_weekday, "i(pi)", true)                      \
  X(InCidr, signoff_jit_in_cidr, "i(pp)", true)                       \
  X(IpEqual, signoff_jit_ip_equal, "i(pp)", true)                     \
  X(StrListContains, signoff_jit_str_list_contains, "i(pipii)", true) \
  X(IntListContains, signoff_jit_int_list_contains, "i(pii)", true)   \
  X(StrListEqual, signoff_jit_str_list_equal, "i(pipi)", true)        \
  X(IntListEqual, signoff_jit_int_list_equal, "i(pipi)", true)        \
  X(MapEqual, signoff_jit_map_equal, "i(pipi)", true)                 \
  X(MapGet, signoff_jit_map_get, "v(pipiip)", false)                  \
  X(MapHas, signoff_jit_map_has, "i(pipi)", true)                     \
  X(InDirectory, signoff_jit_in_directory, "i(pppi)", false)

enum class Helper {
#define SIGNOFF_JIT_HELPER_ENUM(id, function, signature, pure) k##id,
  SIGNOFF_JIT_HELPERS(SIGNOFF_JIT_HELPER_ENUM)
#undef SIGNOFF_JIT_HELPER_ENUM
};

struct HelperInfo {
  Helper id;
  const char* name;
  const char* signature;
  bool pure;
  void* address;
};
const std::vector<HelperInfo>& AllHelpers();
const HelperInfo& GetHelper(Helper id);

// The literals of a policy with their interned ids (see abi.h): every
// string of Policy::strings and every static group member, equal strings
// sharing one id. Immutable after construction.
class Interner {
 public:
  explicit Interner(const ir::Policy& policy);
  // The id of `s`, -1 when no literal equals it.
  int64_t Find(std::string_view s) const;
  // The id of Policy::strings[index] (index must be valid).
  int64_t IdOfString(uint32_t index) const { return string_ids_[index]; }
  FlatString Flat(std::string_view s) const {
    return {s.data(), static_cast<int64_t>(s.size()), Find(s)};
  }

 private:
  absl::flat_hash_map<absl::string_view, int64_t> ids_;
  std::vector<int64_t> string_ids_;
};

// Per-Evaluate state the helpers need. Lives on the evaluating thread's
// stack for one call.
struct RuntimeContext {
  const interp::EvalOptions* options;
  // Strings computed by lower/upper (no allocation until one is).
  std::forward_list<std::string> scratch;
};

}  // namespace signoff::jit::internal

#endif  // SIGNOFF_COMPILER_JIT_RUNTIME_CALLS_H_
