// Decision benchmarks (Google Benchmark). bench/run runs them and prints
// one table; see bench/README.md.
//
//   BM_Memory/N       resident memory of one compiled set (counters, MB)
//   BM_Compile/N      Signoff source text -> callable (IR, plus native code
//                     when the JIT is built)
//   BM_BindJson/N     JSON text -> eval::BoundRequest alone
//   BM_Combine/N      eval::Combine alone
//   BM_OutcomeFloor/N allocating the eval::Outcome every back end returns
//   BM_Interp/N       interpreter on a pre-bound request (interp::Evaluate)
//   BM_InterpJson/N   JSON text -> BindJson -> interp::Evaluate -> Combine
//   BM_JitPrebound/N  JIT fast path on a pre-bound request (BindFast once,
//                     then CompiledPolicy::DecideBound: native entry + §5.4)
//   BM_JitJson/N      JSON text -> verdict on the fast path (DecideFast:
//                     simdjson binder, native entry, §5.4)
//   BM_JitJsonDecision/N  JSON text -> BindJson -> JIT Evaluate -> Combine:
//                     the full decision with its texts
//   BM_Limit/1000     the hand-written-style C++ function (bench/limit.h)
//
// N is the number of rules (10, 100, 1,000, 10,000) over 100 actions. Each
// iteration decides one request, cycling through the workload's requests,
// so the time per iteration is the time per decision. Before anything is
// timed, every engine must classify every request (allow, deny,
// require_approval) exactly as the interpreter does; any disagreement
// aborts the run.
//
// Our own flag: --jit_compile_cap=SECONDS (see JitSkipReason).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/limit.h"
#include "bench/workload.h"
#include "compiler/diag/render.h"
#include "compiler/driver/driver.h"
#include "compiler/eval/decision.h"
#include "compiler/eval/request.h"
#include "compiler/interp/interpreter.h"
#include "compiler/ir/ir.h"
#ifdef SIGNOFF_HAVE_JIT
#include "compiler/jit/jit.h"
#endif

namespace signoff::bench {
namespace {

constexpr const char* kPolicyPath = "bench.signoff";

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "decide_bench: %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

Classification FromDecision(eval::DecisionKind kind) {
  switch (kind) {
    case eval::DecisionKind::kAllow:
      return Classification::kAllow;
    case eval::DecisionKind::kDeny:
      return Classification::kDeny;
    case eval::DecisionKind::kRequireApproval:
      return Classification::kRequireApproval;
  }
  return Classification::kDeny;
}

bool JitBuilt() {
#ifdef SIGNOFF_HAVE_JIT
  return true;
#else
  return false;
#endif
}

bool JitUsable() {
#ifdef SIGNOFF_HAVE_JIT
  return jit::Available();
#else
  return false;
#endif
}

// A compiled policy: the IR, shared as the JIT wants it, and the native
// code when there is a JIT.
struct Compiled {
  std::unique_ptr<driver::Compilation> compilation;  // sources and ASTs
  std::shared_ptr<const ir::Policy> policy;
#ifdef SIGNOFF_HAVE_JIT
  std::unique_ptr<jit::CompiledPolicy> jit;
#endif
  double jit_seconds = 0;  // the JIT compile alone
};

Compiled CompileText(const std::string& source, bool with_jit) {
  Compiled c;
  absl::StatusOr<std::unique_ptr<driver::Compilation>> compilation =
      driver::CompileSources({{kPolicyPath, source}}, {});
  if (!compilation.ok()) Die("CompileSources failed");
  c.compilation = std::move(*compilation);
  if (!c.compilation->ok()) {
    std::string errors;
    for (const Diagnostic& d : c.compilation->diags.all()) {
      if (d.severity == Severity::kError) {
        errors += RenderDiagnostics(c.compilation->sources, {d},
                                    DiagFormat::kText, {});
      }
    }
    Die("the generated policy does not compile:\n" + errors);
  }
  c.policy =
      std::make_shared<const ir::Policy>(std::move(*c.compilation->policy));
  c.compilation->policy.reset();
#ifdef SIGNOFF_HAVE_JIT
  if (with_jit && jit::Available()) {
    auto start = std::chrono::steady_clock::now();
    auto compiled = jit::CompiledPolicy::Compile(c.policy);
    c.jit_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (!compiled.ok()) {
      Die("JIT compile failed: " + std::string(compiled.status().message()));
    }
    c.jit = std::move(*compiled);
  }
#else
  (void)with_jit;
#endif
  return c;
}

double ResidentBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long size = 0, resident = 0;
  int n = std::fscanf(f, "%ld %ld", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<double>(resident) *
         static_cast<double>(sysconf(_SC_PAGESIZE));
}

// --- the JIT compile cap
// -----------------------------------------------------------
//
// A JIT whose compile time grows steeply would keep the larger sets compiling
// for a very long time. The sets are set up smallest first; before compiling
// one, the growth seen between the two previous sets predicts its JIT compile
// time, and when that is over --jit_compile_cap seconds (default 60; 0 turns
// the cap off) the set is benchmarked without the JIT and the JIT rows say why.

double g_jit_cap_seconds = 60;
std::map<int, double> g_jit_seconds;       // rules -> one JIT compile, seconds
std::map<int, std::string> g_jit_skipped;  // rules -> why the JIT was skipped

// Empty when `rules` may be JIT-compiled, else the reason not to.
std::string JitSkipReason(int rules) {
  if (g_jit_cap_seconds <= 0) return "";
  auto it = g_jit_seconds.lower_bound(rules);
  if (it == g_jit_seconds.begin()) return "";
  auto last = std::prev(it);
  double exponent = 1;
  if (last != g_jit_seconds.begin()) {
    auto before = std::prev(last);
    if (before->second > 0 && last->second > before->second) {
      exponent = std::max(
          1.0, std::log(last->second / before->second) /
                   std::log(static_cast<double>(last->first) / before->first));
    }
  }
  double predicted =
      last->second *
      std::pow(static_cast<double>(rules) / last->first, exponent);
  if (predicted <= g_jit_cap_seconds) return "";
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "JIT skipped: compiling %d rules took %.1f s, so %d rules would take "
      "~%.0f s, over --jit_compile_cap=%g",
      last->first, last->second, rules, predicted, g_jit_cap_seconds);
  return buf;
}

// Everything one rule count needs, built once and checked.
struct Setup {
  int rules = 0;
  Workload workload;
  std::string source;
  Compiled compiled;
  std::vector<std::string> json;
  std::vector<eval::BoundRequest> bound;
  std::vector<NativeRequest> native;
  std::vector<Classification> expected;
  int counts[3] = {0, 0, 0};  // allow, deny, require_approval
  int by_default = 0;         // of the denies, how many the default decided
  double rss_retained = 0;    // bytes a compiled set keeps (IR + native code)
  double rss_compiling = 0;   // bytes while sources and syntax trees are held
};

Setup& Get(int rules) {
  static std::map<int, std::unique_ptr<Setup>> cache;
  std::unique_ptr<Setup>& slot = cache[rules];
  if (slot) return *slot;
  auto s = std::make_unique<Setup>();
  s->rules = rules;
  s->workload = Generate(rules);
  s->source = ToSignoff(s->workload);
  static bool warmed = false;
  if (!warmed && JitUsable()) {
    // Process-wide one-time costs (the JIT instance) are no one set's.
    CompileText(ToSignoff(Generate(10)), true);
  }
  warmed = true;
  std::string skip = JitUsable() ? JitSkipReason(rules) : "";
  if (!skip.empty()) {
    g_jit_skipped[rules] = skip;
    std::fprintf(stderr, "decide_bench: %d rules: %s\n", rules, skip.c_str());
  }
  // Resident memory of the compiled set: RSS after minus before, the heap
  // trimmed around both readings.
  malloc_trim(0);
  double before = ResidentBytes();
  s->compiled = CompileText(s->source, /*with_jit=*/skip.empty());
  s->rss_compiling = ResidentBytes() - before;
  s->compiled.compilation.reset();
#ifdef SIGNOFF_HAVE_JIT
  // Decisions are timed on the optimised tier (the steady state), and the
  // memory is that of both tiers' code.
  if (s->compiled.jit) {
    absl::Status optimized = s->compiled.jit->WaitForOptimizedCode();
    if (!optimized.ok()) {
      Die("the optimised tier failed: " + std::string(optimized.message()));
    }
  }
#endif
  malloc_trim(0);
  s->rss_retained = ResidentBytes() - before;
  if (JitUsable() && skip.empty())
    g_jit_seconds[rules] = s->compiled.jit_seconds;
  const ir::Policy& policy = *s->compiled.policy;
  const eval::Defaults defaults;

  for (const RequestDef& r : s->workload.requests) {
    std::string json = RequestJson(s->workload, r);
    absl::StatusOr<eval::BoundRequest> bound = eval::BindJson(policy, json);
    if (!bound.ok()) Die("request is not JSON: " + json);
    if (!bound->valid())
      Die("request is invalid: " + bound->errors[0] + "\n" + json);
    eval::Outcome outcome = interp::Evaluate(policy, *bound);
    eval::Decision d =
        eval::Combine(policy, *bound, outcome, defaults, false, nullptr);
    Classification c = FromDecision(d.kind);
    s->expected.push_back(c);
    s->counts[static_cast<int>(c)]++;
    if (d.decided_by_default) s->by_default++;
    s->json.push_back(std::move(json));
    s->bound.push_back(std::move(*bound));
    s->native.push_back(ToNative(r));
  }

#ifdef SIGNOFF_HAVE_JIT
  if (s->compiled.jit) {
    for (size_t i = 0; i < s->bound.size(); ++i) {
      eval::Outcome outcome = s->compiled.jit->Evaluate(s->bound[i]);
      eval::Decision d =
          eval::Combine(policy, s->bound[i], outcome, defaults, false, nullptr);
      if (FromDecision(d.kind) != s->expected[i]) {
        Die("JIT and interpreter disagree (" + std::to_string(rules) +
            " rules): JIT " +
            std::string(ClassificationName(FromDecision(d.kind))) +
            ", interpreter " + std::string(ClassificationName(s->expected[i])) +
            " on\n" + s->json[i]);
      }
    }
  }
#endif
#ifdef SIGNOFF_HAVE_JIT
  if (s->compiled.jit) {
    // The fast path must take every workload request and agree.
    jit::FastScratch scratch;
    eval::Verdict verdict;
    for (size_t i = 0; i < s->json.size(); ++i) {
      if (s->compiled.jit->DecideFast(s->json[i], scratch, verdict) !=
          jit::FastResult::kDecided) {
        Die("the JIT fast path left a workload request to the slow path:\n" +
            s->json[i]);
      }
      if (FromDecision(verdict.kind) != s->expected[i]) {
        Die("JIT fast path and interpreter disagree (" + std::to_string(rules) +
            " rules): fast " +
            std::string(ClassificationName(FromDecision(verdict.kind))) +
            ", interpreter " + std::string(ClassificationName(s->expected[i])) +
            " on\n" + s->json[i]);
      }
    }
  }
#endif
  if (rules == kLimitRules) {
    for (size_t i = 0; i < s->native.size(); ++i) {
      Classification c = DecideLimit1000(s->native[i]);
      if (c != s->expected[i]) {
        Die("the limit function and the interpreter disagree: limit " +
            std::string(ClassificationName(c)) + ", interpreter " +
            std::string(ClassificationName(s->expected[i])) + " on\n" +
            s->json[i]);
      }
    }
  }
  std::fprintf(
      stderr,
      "decide_bench: %d rules, %zu requests checked: %d allow, %d deny, "
      "%d require_approval; %d decided by the default%s\n",
      rules, s->bound.size(), s->counts[0], s->counts[1], s->counts[2],
      s->by_default, rules == kLimitRules ? " (limit agrees)" : "");
  slot = std::move(s);
  return *slot;
}

void AddMixCounters(benchmark::State& state, const Setup& s) {
  state.counters["allow"] = s.counts[0];
  state.counters["deny"] = s.counts[1];
  state.counters["require"] = s.counts[2];
}

// --- benchmarks
// ----------------------------------------------------------------

// Resident memory of one compiled set, measured when it was set up (see
// Get): `rss_mb` is what a decider keeps (IR plus native code; the sources
// and syntax trees released), `rss_compile_mb` what compiling it holds.
void BM_Memory(benchmark::State& state) {
  const int rules = static_cast<int>(state.range(0));
  const Setup& s = Get(rules);
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.compiled.policy.get());
  }
  state.counters["rss_mb"] = s.rss_retained / (1024.0 * 1024.0);
  state.counters["rss_compile_mb"] = s.rss_compiling / (1024.0 * 1024.0);
  AddMixCounters(state, s);
  auto skipped = g_jit_skipped.find(rules);
  state.SetLabel(!JitUsable()                     ? "ir only (no JIT)"
                 : skipped != g_jit_skipped.end() ? "ir only (JIT skipped)"
                                                  : "ir+jit");
}

// Source text to something that decides: parse, check, lower, and compile
// to native code when the JIT is there.
// Source text to something that decides: parse, check, lower, and compile
// to native code when the JIT is there. With the JIT, "callable" is the
// quick tier loaded (what Compile waits for); the `optimized_ms` counter is
// the time until the optimised tier has replaced it (the background
// compile), and the destruction that waits for it is not timed.
void BM_Compile(benchmark::State& state) {
  const int rules = static_cast<int>(state.range(0));
  const Setup& s = Get(rules);  // decides whether the JIT is skipped
  const bool with_jit = JitUsable() && g_jit_skipped.count(rules) == 0;
  double optimized_seconds = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    Compiled c = CompileText(s.source, with_jit);
    benchmark::DoNotOptimize(c.policy.get());
    auto callable = std::chrono::steady_clock::now();
    state.SetIterationTime(
        std::chrono::duration<double>(callable - start).count());
#ifdef SIGNOFF_HAVE_JIT
    if (c.jit) {
      (void)c.jit->WaitForOptimizedCode();
      optimized_seconds = std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - start)
                              .count();
    }
#endif
  }
  state.counters["source_kb"] = static_cast<double>(s.source.size()) / 1024.0;
  state.counters["optimized_ms"] = optimized_seconds * 1e3;
  state.SetLabel(with_jit      ? "parse->native (quick tier)"
                 : JitUsable() ? "parse->IR (JIT skipped)"
                               : "parse->IR (no JIT)");
}

void BM_Interp(benchmark::State& state) {
  const Setup& s = Get(static_cast<int>(state.range(0)));
  const ir::Policy& policy = *s.compiled.policy;
  const interp::EvalOptions options;
  size_t i = 0;
  for (auto _ : state) {
    eval::Outcome outcome = interp::Evaluate(policy, s.bound[i], options);
    benchmark::DoNotOptimize(outcome);
    if (++i == s.bound.size()) i = 0;
  }
  AddMixCounters(state, s);
}

void BM_InterpJson(benchmark::State& state) {
  const Setup& s = Get(static_cast<int>(state.range(0)));
  const ir::Policy& policy = *s.compiled.policy;
  const eval::Defaults defaults;
  const interp::EvalOptions options;
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<eval::BoundRequest> bound =
        eval::BindJson(policy, s.json[i]);
    eval::Outcome outcome = interp::Evaluate(policy, *bound, options);
    eval::Decision d =
        eval::Combine(policy, *bound, outcome, defaults, false, nullptr);
    benchmark::DoNotOptimize(d);
    if (++i == s.json.size()) i = 0;
  }
}

// The binding step alone (JSON text -> BoundRequest), the part of the JSON
// paths that no back end changes.
void BM_BindJson(benchmark::State& state) {
  const Setup& s = Get(static_cast<int>(state.range(0)));
  const ir::Policy& policy = *s.compiled.policy;
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<eval::BoundRequest> bound =
        eval::BindJson(policy, s.json[i]);
    benchmark::DoNotOptimize(bound);
    if (++i == s.json.size()) i = 0;
  }
}

// Combine alone, on the interpreter's outcomes.
void BM_Combine(benchmark::State& state) {
  const Setup& s = Get(static_cast<int>(state.range(0)));
  const ir::Policy& policy = *s.compiled.policy;
  const eval::Defaults defaults;
  std::vector<eval::Outcome> outcomes;
  for (const eval::BoundRequest& b : s.bound)
    outcomes.push_back(interp::Evaluate(policy, b));
  size_t i = 0;
  for (auto _ : state) {
    eval::Decision d = eval::Combine(policy, s.bound[i], outcomes[i], defaults,
                                     false, nullptr);
    benchmark::DoNotOptimize(d);
    if (++i == s.bound.size()) i = 0;
  }
}

// The least any back end returning an eval::Outcome pays per decision:
// the Outcome's vector of one RuleOutcome per rule, allocated, initialised
// and freed. Nothing is evaluated.
void BM_OutcomeFloor(benchmark::State& state) {
  const size_t rules = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    eval::Outcome outcome;
    outcome.rules.resize(rules);
    benchmark::DoNotOptimize(outcome);
  }
  state.counters["bytes"] =
      static_cast<double>(rules * sizeof(eval::RuleOutcome));
}

#ifdef SIGNOFF_HAVE_JIT
// The compiled set of `state`'s rule count, or null after marking the
// benchmark skipped (no JIT here, or the set was over the compile cap).
const jit::CompiledPolicy* JitOrSkip(benchmark::State& state, const Setup& s) {
  if (s.compiled.jit) return s.compiled.jit.get();
  auto skipped = g_jit_skipped.find(s.rules);
  state.SkipWithError(skipped != g_jit_skipped.end()
                          ? skipped->second.c_str()
                          : "JIT not available on this machine");
  return nullptr;
}
#endif

// Native evaluation alone: each request bound once into its own scratch
// (CompiledPolicy::BindFast), then decided from the bound slots
// (DecideBound): the native entry plus §5.4 on its rule results, no
// allocation.
void BM_JitPrebound(benchmark::State& state) {
#ifdef SIGNOFF_HAVE_JIT
  const Setup& s = Get(static_cast<int>(state.range(0)));
  const jit::CompiledPolicy* jit = JitOrSkip(state, s);
  if (jit == nullptr) return;
  const interp::EvalOptions options;
  std::vector<std::unique_ptr<jit::FastScratch>> bound;
  for (const std::string& json : s.json) {
    bound.push_back(std::make_unique<jit::FastScratch>());
    if (jit->BindFast(json, *bound.back()) != jit::FastResult::kDecided) {
      Die("the fast binder refused a workload request:\n" + json);
    }
  }
  eval::Verdict verdict;
  size_t i = 0;
  for (auto _ : state) {
    jit::FastResult r = jit->DecideBound(*bound[i], verdict, options);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(verdict);
    if (++i == bound.size()) i = 0;
  }
#else
  state.SkipWithError("built without the JIT");
#endif
}

// JSON text to verdict on the fast path: simdjson binding straight into
// native slots, native entry, §5.4 (CompiledPolicy::DecideFast).
void BM_JitJson(benchmark::State& state) {
#ifdef SIGNOFF_HAVE_JIT
  const Setup& s = Get(static_cast<int>(state.range(0)));
  const jit::CompiledPolicy* jit = JitOrSkip(state, s);
  if (jit == nullptr) return;
  const interp::EvalOptions options;
  jit::FastScratch scratch;
  eval::Verdict verdict;
  size_t i = 0;
  for (auto _ : state) {
    jit::FastResult r = jit->DecideFast(s.json[i], scratch, verdict, options);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(verdict);
    if (++i == s.json.size()) i = 0;
  }
#else
  state.SkipWithError("built without the JIT");
#endif
}

// The full LANGUAGE.md §7 decision with its texts from JSON through the JIT
// (eval::BindJson, CompiledPolicy::Evaluate, eval::Combine): what
// `signoff eval` and /v1/decide pay before serialising.
void BM_JitJsonDecision(benchmark::State& state) {
#ifdef SIGNOFF_HAVE_JIT
  const Setup& s = Get(static_cast<int>(state.range(0)));
  const jit::CompiledPolicy* jit = JitOrSkip(state, s);
  if (jit == nullptr) return;
  const ir::Policy& policy = *s.compiled.policy;
  const eval::Defaults defaults;
  const interp::EvalOptions options;
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<eval::BoundRequest> bound =
        eval::BindJson(policy, s.json[i]);
    eval::Outcome outcome = jit->Evaluate(*bound, options);
    eval::Decision d =
        eval::Combine(policy, *bound, outcome, defaults, false, nullptr);
    benchmark::DoNotOptimize(d);
    if (++i == s.json.size()) i = 0;
  }
#else
  state.SkipWithError("built without the JIT");
#endif
}

void BM_Limit(benchmark::State& state) {
  const Setup& s = Get(kLimitRules);
  size_t i = 0;
  for (auto _ : state) {
    Classification c = DecideLimit1000(s.native[i]);
    benchmark::DoNotOptimize(c);
    if (++i == s.native.size()) i = 0;
  }
}

void RuleCounts(benchmark::internal::Benchmark* b) {
  for (int n : {10, 100, 1000, 10000}) b->Arg(n);
}

BENCHMARK(BM_Memory)->Apply(RuleCounts)->Iterations(1)->Repetitions(1);
BENCHMARK(BM_Compile)
    ->Apply(RuleCounts)
    ->Iterations(1)
    ->Repetitions(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Interp)->Apply(RuleCounts);
BENCHMARK(BM_InterpJson)->Apply(RuleCounts);
BENCHMARK(BM_BindJson)->Apply(RuleCounts);
BENCHMARK(BM_Combine)->Apply(RuleCounts);
BENCHMARK(BM_OutcomeFloor)->Apply(RuleCounts);
BENCHMARK(BM_JitPrebound)->Apply(RuleCounts);
BENCHMARK(BM_JitJson)->Apply(RuleCounts);
BENCHMARK(BM_JitJsonDecision)->Apply(RuleCounts);
BENCHMARK(BM_Limit)->Arg(kLimitRules);

}  // namespace
}  // namespace signoff::bench

int main(int argc, char** argv) {
  std::fprintf(
      stderr, "decide_bench: JIT %s\n",
      signoff::bench::JitBuilt()
          ? (signoff::bench::JitUsable() ? "built and available"
                                         : "built but not available here")
          : "not built (interpreter only)");
  benchmark::AddCustomContext(
      "signoff_jit",
      signoff::bench::JitBuilt()
          ? (signoff::bench::JitUsable() ? "available" : "unavailable")
          : "not built");
  // Our own flag, taken out before Google Benchmark sees the arguments.
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    constexpr std::string_view kCap = "--jit_compile_cap=";
    if (arg.substr(0, kCap.size()) == kCap) {
      signoff::bench::g_jit_cap_seconds =
          std::strtod(argv[i] + kCap.size(), nullptr);
      continue;
    }
    argv[kept++] = argv[i];
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
