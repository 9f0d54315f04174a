// The differential harness: the reference interpreter against a pluggable
// "other" back end, over generated policies and requests.
//
// A Backend is two std::functions, so the harness knows nothing about the
// JIT: `prepare` turns a compiled policy into a BackendInstance (the JIT
// compiles native code here), whose `bind` turns request JSON into a
// BoundRequest and whose `evaluate` has the contract of interp::Evaluate.
// For each case the harness binds, evaluates and combines on both sides and
// compares the bound requests, every rule's outcome (status,
// failed_condition, error text, messages), the default's outcome, and the
// decision JSON of eval::Combine + DecisionToJson with explain.
//
// A mismatch is minimised (Minimise) by shrinking the policy model and the
// request while the mismatch persists, and reported with FormatRepro.
#ifndef SIGNOFF_TESTS_DIFF_HARNESS_H_
#define SIGNOFF_TESTS_DIFF_HARNESS_H_

#include <array>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/driver/driver.h"
#include "compiler/eval/decision.h"
#include "compiler/eval/request.h"
#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"
#include "tests/diff/policy_gen.h"

namespace signoff::difftest {

// The integer value of environment variable `name` (SIGNOFF_DIFF_CASES and
// friends), or `fallback` when it is unset, empty or not an integer.
inline int64_t EnvInt(const char* name, int64_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  char* end = nullptr;
  long long parsed = std::strtoll(value, &end, 10);
  if (end == value || *end != '\0') return fallback;
  return parsed;
}

// A back end prepared for one policy.
struct BackendInstance {
  std::function<absl::StatusOr<eval::BoundRequest>(std::string_view json)> bind;
  std::function<eval::Outcome(const eval::BoundRequest&,
                              const interp::EvalOptions&)>
      evaluate;
};

struct Backend {
  std::string name;
  std::function<absl::StatusOr<BackendInstance>(
      std::shared_ptr<const ir::Policy>)>
      prepare;
};

// The sanity back end: the interpreter again, but bound from the request
// re-serialised by ReformatJson (other whitespace, \u escapes), so binding
// and evaluation must be deterministic and independent of the JSON
// spelling.
Backend ReserialisingInterpreter();

// The directory the harness gives `directory(...)` groups: a fixed,
// deterministic pseudo-random membership (about one pair in three).
bool DirectoryMember(std::string_view group, std::string_view identity);

// A compiled policy set whose IR outlives the compilation's owner.
struct CompiledSpec {
  std::shared_ptr<const driver::Compilation> compilation;
  std::shared_ptr<const ir::Policy> policy;  // aliases compilation->policy
};

// Compiles in-memory sources. On errors, the Status message holds the
// rendered diagnostics.
absl::StatusOr<CompiledSpec> CompileSources(
    std::vector<std::pair<std::string, std::string>> sources);
absl::StatusOr<CompiledSpec> CompileSpec(const PolicySpec& spec);
// Compiles policy files and directories (driver::CompilePaths).
absl::StatusOr<CompiledSpec> CompilePaths(const std::vector<std::string>& paths,
                                          bool include_tests = false);

struct CaseOptions {
  // Membership in `directory(...)` groups; unset: they have no members.
  std::function<bool(std::string_view group, std::string_view identity)>
      directory = DirectoryMember;
  bool explain = true;
  eval::Defaults defaults;
};

struct CaseResult {
  bool match = true;
  bool bound = false;      // the reference binder accepted the JSON
  bool valid = false;      // and the request was valid
  std::string difference;  // what differs, one item per line
  std::string reference;   // decision JSON, pretty, with explain
  std::string other;
  eval::Outcome reference_outcome;
  eval::DecisionKind reference_kind = eval::DecisionKind::kDeny;
  bool decided_by_default = false;
};

// "" when equal; otherwise one line per difference.
std::string DescribeOutcomeDifference(const ir::Policy& policy,
                                      const eval::Outcome& reference,
                                      const eval::Outcome& other);

// One request through both sides.
CaseResult CompareCase(const CompiledSpec& compiled,
                       const BackendInstance& other, std::string_view request,
                       const CaseOptions& options);

// A (minimised) mismatch.
struct Repro {
  PolicySpec spec;
  std::string request;
  CaseOptions options;
  CaseResult result;
  bool reproduced = true;  // false: the case did not mismatch on its own
  int checks = 0;          // predicate evaluations spent minimising
  std::string context;     // where it came from (seeds, how to rerun)
  std::string original;    // the unminimised policy and request
};

// Whether (spec, request) still shows a mismatch: the policy compiles, and
// either `backend` cannot prepare it or the case differs. Returns the case.
std::optional<CaseResult> CheckMismatch(const PolicySpec& spec,
                                        const std::string& request,
                                        const CaseOptions& options,
                                        const Backend& backend);

// Shrinks a mismatching (spec, request) one step at a time (drop rules,
// conditions, clauses, declarations; simplify boolean expressions; drop
// request fields) while the mismatch persists, within `max_checks`.
Repro Minimise(const PolicySpec& spec, const std::string& request,
               const CaseOptions& options, const Backend& backend,
               int max_checks = 3000);

std::string FormatRepro(const Repro& repro, const Backend& backend);

// Single-step simplifications of a request's JSON (drop a key, an element,
// shorten a string), most drastic first.
std::vector<std::string> ShrinkRequest(const std::string& request);
// Single-step simplifications of a policy model, most drastic first. Some
// do not compile; the minimiser skips those.
std::vector<PolicySpec> ShrinkPolicy(const PolicySpec& spec);

struct RunConfig {
  uint64_t base_seed = 1;
  // Policies number first, first + stride, ... (count of them).
  int64_t first_policy = 0;
  int64_t policy_stride = 1;
  int64_t policy_count = 0;
  int requests_per_policy = 50;
  int max_repros = 3;      // minimised and reported; later mismatches counted
  std::string rerun_hint;  // e.g. the gtest filter of the caller
  GenOptions gen;
};

struct RunStats {
  int64_t policies = 0;
  int64_t cases = 0;
  int64_t mismatches = 0;
  int64_t not_json = 0;
  int64_t invalid_requests = 0;
  int64_t decided_by_default = 0;
  std::map<std::string, int64_t> decisions;  // "allow", "deny", ...
  std::array<int64_t, 5> rule_statuses{};    // by eval::RuleStatus
  int64_t rule_errors_overflow = 0;          // errors naming an overflow
  int64_t default_errors = 0;
  std::vector<std::string> generator_failures;  // source + diagnostics
  std::vector<std::string> repros;              // FormatRepro output
  double seconds = 0;

  void Merge(const RunStats& other);
  std::string Summary() const;
};

// The policy seed of policy number `index`.
uint64_t PolicySeed(uint64_t base_seed, int64_t index);
// The CaseOptions of request `request_index` of a policy (directory on for
// three in four, non-default Defaults for one in ten).
CaseOptions OptionsFor(uint64_t policy_seed, int request_index);

RunStats RunRandom(const Backend& backend, const RunConfig& config);

}  // namespace signoff::difftest

#endif  // SIGNOFF_TESTS_DIFF_HARNESS_H_
