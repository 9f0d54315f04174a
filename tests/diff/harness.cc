// The differential harness: see harness.h.
#include "tests/diff/harness.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/diag/render.h"
#include "nlohmann/json.hpp"
#include "stdlib/absl_compat.h"
#include "tests/diff/request_gen.h"

namespace signoff::difftest {
namespace {

std::string_view StatusName(eval::RuleStatus status) {
  switch (status) {
    case eval::RuleStatus::kNotMatched:
      return "not_matched";
    case eval::RuleStatus::kNotApplicable:
      return "not_applicable";
    case eval::RuleStatus::kConditionFailed:
      return "condition_failed";
    case eval::RuleStatus::kCandidate:
      return "candidate";
    case eval::RuleStatus::kError:
      return "error";
  }
  return "?";
}

std::string Quoted(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string QuotedList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& item : items) quoted.push_back(Quoted(item));
  return "[" + absl::StrJoin(quoted, ", ") + "]";
}

void DescribeRule(const std::string& label, const eval::RuleOutcome& a,
                  const eval::RuleOutcome& b, std::string& out) {
  if (a.status != b.status) {
    absl::StrAppend(&out, label, ": status ", AsAbsl(StatusName(a.status)),
                    " vs ", AsAbsl(StatusName(b.status)), "\n");
  }
  if (a.failed_condition != b.failed_condition) {
    absl::StrAppend(&out, label, ": failed_condition ", a.failed_condition,
                    " vs ", b.failed_condition, "\n");
  }
  if (a.error != b.error) {
    absl::StrAppend(&out, label, ": error ", Quoted(a.error), " vs ",
                    Quoted(b.error), "\n");
  }
  if (a.messages != b.messages) {
    absl::StrAppend(&out, label, ": messages ", QuotedList(a.messages), " vs ",
                    QuotedList(b.messages), "\n");
  }
}

std::string ValueText(const eval::Value& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return absl::StrCat(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return Quoted(v);
        } else if constexpr (std::is_same_v<T, stdlib::IpAddress>) {
          return v.valid ? v.ToString() : "<no ip>";
        } else if constexpr (std::is_same_v<T, eval::StringList>) {
          return QuotedList(v);
        } else if constexpr (std::is_same_v<T, eval::IntList>) {
          return "[" + absl::StrJoin(v, ", ") + "]";
        } else {
          std::vector<std::string> entries;
          for (const auto& [key, val] : v) {
            entries.push_back(Quoted(key) + ": " + Quoted(val));
          }
          return "{" + absl::StrJoin(entries, ", ") + "}";
        }
      },
      value);
}

std::string DescribeBindingDifference(const ir::Policy& policy,
                                      const eval::BoundRequest& a,
                                      const eval::BoundRequest& b) {
  std::string out;
  if (a.action != b.action) {
    absl::StrAppend(&out, "bound action ", Quoted(a.action), " vs ",
                    Quoted(b.action), "\n");
  }
  if (a.action_id != b.action_id) {
    absl::StrAppend(&out, "bound action_id ", a.action_id, " vs ", b.action_id,
                    "\n");
  }
  if (a.errors != b.errors) {
    absl::StrAppend(&out, "binding errors ", QuotedList(a.errors), " vs ",
                    QuotedList(b.errors), "\n");
  }
  if (a.slots.size() != b.slots.size() || a.present != b.present) {
    absl::StrAppend(&out, "bound slot count or presence differs\n");
  } else {
    for (size_t i = 0; i < a.slots.size(); ++i) {
      if (a.slots[i] == b.slots[i]) continue;
      std::string name =
          i < policy.slots.size()
              ? absl::StrCat(AsAbsl(ir::SlotSourceName(policy.slots[i].source)),
                             ".", policy.slots[i].field)
              : absl::StrCat("#", i);
      absl::StrAppend(&out, "bound slot ", name, ": ", ValueText(a.slots[i]),
                      " vs ", ValueText(b.slots[i]), "\n");
    }
  }
  return out;
}

// --- crash context -----------------------------------------------------------

// What the harness is doing, for a fatal signal in a back end: the signal
// handler writes it out (write(2) only) before the process dies.
struct CrashContext {
  const std::string* header = nullptr;
  const std::string* policy = nullptr;
  const std::string* request = nullptr;
};
CrashContext g_crash;

void WriteAll(const std::string* s) {
  if (s == nullptr) return;
  const char* p = s->data();
  size_t left = s->size();
  while (left > 0) {
    ssize_t n = write(STDERR_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void OnFatalSignal(int sig) {
  static const char kBanner[] =
      "\n=== differential test crashed (fatal signal) in this case ===\n";
  [[maybe_unused]] ssize_t n =
      write(STDERR_FILENO, kBanner, sizeof kBanner - 1);
  WriteAll(g_crash.header);
  static const char kPolicy[] = "\n--- policy ---\n";
  n = write(STDERR_FILENO, kPolicy, sizeof kPolicy - 1);
  WriteAll(g_crash.policy);
  static const char kRequest[] = "\n--- request ---\n";
  n = write(STDERR_FILENO, kRequest, sizeof kRequest - 1);
  WriteAll(g_crash.request);
  n = write(STDERR_FILENO, "\n", 1);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void InstallCrashReporter() {
  static bool installed = [] {
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
      std::signal(sig, OnFatalSignal);
    }
    return true;
  }();
  (void)installed;
}

// --- request shrinking -------------------------------------------------------

using ojson = nlohmann::ordered_json;

// Every single-step simplification of `value`, by JSON pointer.
void CollectShrinks(const ojson& root, const ojson& value,
                    const ojson::json_pointer& at,
                    std::vector<std::string>& out) {
  auto with = [&](const std::function<void(ojson&)>& edit) {
    ojson copy = root;
    edit(copy[at]);
    out.push_back(copy.dump());
  };
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      std::string key = it.key();
      with([&](ojson& v) { v.erase(key); });
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      CollectShrinks(root, it.value(), at / it.key(), out);
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      with([&](ojson& v) { v.erase(i); });
    }
    for (size_t i = 0; i < value.size(); ++i) {
      CollectShrinks(root, value[i], at / i, out);
    }
  } else if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (s.size() > 1) {
      // Keep the first half, on a code point boundary.
      size_t half = 0;
      while (half < s.size() / 2) half += stdlib::CodePointSize(s, half);
      if (half < s.size()) with([&](ojson& v) { v = s.substr(0, half); });
      if (!s.empty()) with([&](ojson& v) { v = ""; });
    }
  } else if (value.is_number_integer() && value.get<int64_t>() != 0) {
    with([&](ojson& v) { v = 0; });
  }
}

std::string CountLines(const PolicySpec& spec) {
  size_t lines = 0;
  for (const auto& [path, text] : spec.Render()) {
    lines += static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  }
  return absl::StrCat(spec.rules.size(), " rules, ", lines, " lines");
}

// Simplifications of a boolean expression, most drastic first.
std::vector<BoolExpr> ShrinkBool(const BoolExpr& e) {
  std::vector<BoolExpr> out;
  for (const BoolExpr& child : e.children) out.push_back(child);
  for (size_t i = 0; i < e.children.size(); ++i) {
    for (BoolExpr& smaller : ShrinkBool(e.children[i])) {
      BoolExpr copy = e;
      copy.children[i] = std::move(smaller);
      out.push_back(std::move(copy));
    }
  }
  if (e.kind != BoolExpr::Kind::kAtom ||
      (e.atom != "true" && e.atom != "false")) {
    out.push_back(BoolExpr::Atom("true"));
    out.push_back(BoolExpr::Atom("false"));
  }
  return out;
}

// Shrinks of one rule's body (or the default's).
std::vector<RuleSpec> ShrinkRule(const RuleSpec& rule) {
  std::vector<RuleSpec> out;
  auto edit = [&](const std::function<void(RuleSpec&)>& f) {
    RuleSpec copy = rule;
    f(copy);
    out.push_back(std::move(copy));
  };
  for (size_t i = 0; i < rule.conditions.size(); ++i) {
    edit([&](RuleSpec& r) { r.conditions.erase(r.conditions.begin() + i); });
  }
  if (rule.patterns.size() > 1) {
    for (size_t i = 0; i < rule.patterns.size(); ++i) {
      edit([&](RuleSpec& r) { r.patterns.erase(r.patterns.begin() + i); });
    }
  }
  if (rule.effect != EffectKind::kAllow) {
    edit([](RuleSpec& r) {
      r.effect = EffectKind::kAllow;
      r.deny_reason.reset();
      r.requirements.clear();
      r.veto.reset();
      r.expire.reset();
      r.grant.reset();
      r.notify.clear();
      r.message.reset();
      r.escalations.clear();
    });
  }
  if (rule.deny_reason) edit([](RuleSpec& r) { r.deny_reason.reset(); });
  if (rule.requirements.size() > 1) {
    for (size_t i = 0; i < rule.requirements.size(); ++i) {
      edit([&](RuleSpec& r) {
        r.requirements.erase(r.requirements.begin() + i);
      });
    }
  }
  if (!rule.escalations.empty())
    edit([](RuleSpec& r) { r.escalations.clear(); });
  if (rule.message) edit([](RuleSpec& r) { r.message.reset(); });
  if (rule.veto) edit([](RuleSpec& r) { r.veto.reset(); });
  if (rule.expire) edit([](RuleSpec& r) { r.expire.reset(); });
  if (rule.grant) edit([](RuleSpec& r) { r.grant.reset(); });
  if (!rule.notify.empty()) edit([](RuleSpec& r) { r.notify.clear(); });
  for (size_t i = 0; i < rule.requirements.size(); ++i) {
    if (!rule.requirements[i].where) continue;
    edit([&](RuleSpec& r) { r.requirements[i].where.reset(); });
  }
  if (rule.message && rule.message->size() > 1) {
    for (size_t i = 0; i < rule.message->size(); ++i) {
      edit([&](RuleSpec& r) { r.message->erase(r.message->begin() + i); });
    }
  }
  for (size_t i = 0; i < rule.conditions.size(); ++i) {
    if (rule.conditions[i].unless) {
      edit([&](RuleSpec& r) { r.conditions[i].unless = false; });
    }
    for (BoolExpr& smaller : ShrinkBool(rule.conditions[i].expr)) {
      edit([&](RuleSpec& r) { r.conditions[i].expr = smaller; });
    }
  }
  for (size_t i = 0; i < rule.requirements.size(); ++i) {
    if (!rule.requirements[i].where) continue;
    for (BoolExpr& smaller : ShrinkBool(*rule.requirements[i].where)) {
      edit([&](RuleSpec& r) { r.requirements[i].where = smaller; });
    }
  }
  return out;
}

}  // namespace

// --- back ends ---------------------------------------------------------------

Backend ReserialisingInterpreter() {
  Backend backend;
  backend.name = "interpreter (re-serialised request)";
  backend.prepare = [](std::shared_ptr<const ir::Policy> policy)
      -> absl::StatusOr<BackendInstance> {
    BackendInstance instance;
    instance.bind =
        [policy](std::string_view json) -> absl::StatusOr<eval::BoundRequest> {
      std::optional<std::string> reformatted = ReformatJson(json);
      return eval::BindJson(*policy, reformatted ? *reformatted : json);
    };
    instance.evaluate = [policy](const eval::BoundRequest& request,
                                 const interp::EvalOptions& options) {
      return interp::Evaluate(*policy, request, options);
    };
    return instance;
  };
  return backend;
}

bool DirectoryMember(std::string_view group, std::string_view identity) {
  uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  auto feed = [&](std::string_view s) {
    for (char c : s) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ULL;
    }
  };
  feed(group);
  feed(std::string_view("\0", 1));
  feed(identity);
  return hash % 3 == 0;
}

// --- compiling ---------------------------------------------------------------

namespace {

absl::StatusOr<CompiledSpec> Finish(
    absl::StatusOr<std::unique_ptr<driver::Compilation>> compiled) {
  if (!compiled.ok()) return compiled.status();
  std::shared_ptr<driver::Compilation> compilation = std::move(*compiled);
  if (!compilation->ok()) {
    return absl::InvalidArgumentError(RenderDiagnostics(
        compilation->sources, compilation->diags.all(), DiagFormat::kText, {}));
  }
  CompiledSpec out;
  out.policy =
      std::shared_ptr<const ir::Policy>(compilation, &*compilation->policy);
  out.compilation = std::move(compilation);
  return out;
}

}  // namespace

absl::StatusOr<CompiledSpec> CompileSources(
    std::vector<std::pair<std::string, std::string>> sources) {
  return Finish(driver::CompileSources(std::move(sources), {}));
}

absl::StatusOr<CompiledSpec> CompileSpec(const PolicySpec& spec) {
  return CompileSources(spec.Render());
}

absl::StatusOr<CompiledSpec> CompilePaths(const std::vector<std::string>& paths,
                                          bool include_tests) {
  return Finish(driver::CompilePaths(paths, {.include_tests = include_tests}));
}

// --- comparing ---------------------------------------------------------------

std::string DescribeOutcomeDifference(const ir::Policy& policy,
                                      const eval::Outcome& reference,
                                      const eval::Outcome& other) {
  std::string out;
  if (reference.rules.size() != other.rules.size()) {
    absl::StrAppend(&out, "outcome has ", reference.rules.size(), " vs ",
                    other.rules.size(), " rules\n");
  }
  size_t n = std::min(reference.rules.size(), other.rules.size());
  for (size_t i = 0; i < n; ++i) {
    std::string label =
        i < policy.rules.size()
            ? absl::StrCat("rule `", policy.rules[i].name, "` (#", i, ")")
            : absl::StrCat("rule #", i);
    DescribeRule(label, reference.rules[i], other.rules[i], out);
  }
  DescribeRule("default", reference.default_rule, other.default_rule, out);
  return out;
}

CaseResult CompareCase(const CompiledSpec& compiled,
                       const BackendInstance& other, std::string_view request,
                       const CaseOptions& options) {
  const ir::Policy& policy = *compiled.policy;
  CaseResult result;
  absl::StatusOr<eval::BoundRequest> ref_bound =
      eval::BindJson(policy, request);
  absl::StatusOr<eval::BoundRequest> other_bound = other.bind(request);
  result.bound = ref_bound.ok();
  if (!ref_bound.ok() || !other_bound.ok()) {
    if (ref_bound.ok() != other_bound.ok()) {
      result.match = false;
      result.difference = absl::StrCat(
          "binding: reference ",
          ref_bound.ok() ? "bound the request"
                         : std::string(AsStd(ref_bound.status().message())),
          ", other ",
          other_bound.ok() ? "bound the request"
                           : std::string(AsStd(other_bound.status().message())),
          "\n");
    }
    return result;
  }
  result.valid = ref_bound->valid();
  result.difference =
      DescribeBindingDifference(policy, *ref_bound, *other_bound);

  interp::EvalOptions eval_options;
  eval_options.directory_member = options.directory;
  eval::Outcome ref_outcome =
      interp::Evaluate(policy, *ref_bound, eval_options);
  eval::Outcome other_outcome = other.evaluate(*other_bound, eval_options);
  result.difference +=
      DescribeOutcomeDifference(policy, ref_outcome, other_outcome);

  const SourceManager* sources = &compiled.compilation->sources;
  eval::Decision ref_decision =
      eval::Combine(policy, *ref_bound, ref_outcome, options.defaults,
                    options.explain, sources);
  eval::Decision other_decision =
      eval::Combine(policy, *other_bound, other_outcome, options.defaults,
                    options.explain, sources);
  result.reference = eval::DecisionToJson(ref_decision, options.explain, true);
  result.other = eval::DecisionToJson(other_decision, options.explain, true);
  if (result.reference != result.other) {
    result.difference += "decision JSON differs\n";
  }
  result.match = result.difference.empty();
  result.reference_kind = ref_decision.kind;
  result.decided_by_default = ref_decision.decided_by_default;
  result.reference_outcome = std::move(ref_outcome);
  return result;
}

// --- minimising --------------------------------------------------------------

std::optional<CaseResult> CheckMismatch(const PolicySpec& spec,
                                        const std::string& request,
                                        const CaseOptions& options,
                                        const Backend& backend) {
  absl::StatusOr<CompiledSpec> compiled = CompileSpec(spec);
  if (!compiled.ok()) return std::nullopt;
  absl::StatusOr<BackendInstance> instance = backend.prepare(compiled->policy);
  if (!instance.ok()) {
    CaseResult result;
    result.match = false;
    result.difference = absl::StrCat(
        backend.name,
        " could not prepare the policy: ", instance.status().ToString(), "\n");
    return result;
  }
  CaseResult result = CompareCase(*compiled, *instance, request, options);
  if (result.match) return std::nullopt;
  return result;
}

std::vector<std::string> ShrinkRequest(const std::string& request) {
  std::vector<std::string> out;
  ojson root = ojson::parse(request, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return out;
  std::string canonical = root.dump();
  if (canonical != request) out.push_back(canonical);
  CollectShrinks(root, root, ojson::json_pointer(), out);
  return out;
}

std::vector<PolicySpec> ShrinkPolicy(const PolicySpec& spec) {
  std::vector<PolicySpec> out;
  auto edit = [&](const std::function<void(PolicySpec&)>& f) {
    PolicySpec copy = spec;
    f(copy);
    out.push_back(std::move(copy));
  };
  // Halves of the rules first, then single rules.
  if (spec.rules.size() > 3) {
    size_t half = spec.rules.size() / 2;
    edit([&](PolicySpec& s) { s.rules.resize(half); });
    edit([&](PolicySpec& s) {
      s.rules.erase(s.rules.begin(), s.rules.begin() + half);
    });
  }
  for (size_t i = 0; i < spec.rules.size(); ++i) {
    edit([&](PolicySpec& s) { s.rules.erase(s.rules.begin() + i); });
  }
  if (spec.default_rule) edit([](PolicySpec& s) { s.default_rule.reset(); });
  if (spec.file_count > 1) {
    edit([](PolicySpec& s) {
      s.file_count = 1;
      for (auto& a : s.actions) a.file = 0;
      for (auto& g : s.groups) g.file = 0;
      for (auto& c : s.channels) c.file = 0;
      for (auto& r : s.rules) r.file = 0;
      if (s.default_rule) s.default_rule->file = 0;
    });
  }
  if (spec.import_std) edit([](PolicySpec& s) { s.import_std = false; });
  for (size_t i = 0; i < spec.actions.size(); ++i) {
    edit([&](PolicySpec& s) { s.actions.erase(s.actions.begin() + i); });
  }
  for (size_t i = 0; i < spec.groups.size(); ++i) {
    edit([&](PolicySpec& s) { s.groups.erase(s.groups.begin() + i); });
  }
  for (size_t i = 0; i < spec.channels.size(); ++i) {
    edit([&](PolicySpec& s) { s.channels.erase(s.channels.begin() + i); });
  }
  for (size_t i = 0; i < spec.rules.size(); ++i) {
    for (RuleSpec& smaller : ShrinkRule(spec.rules[i])) {
      edit([&](PolicySpec& s) { s.rules[i] = smaller; });
    }
  }
  if (spec.default_rule) {
    for (RuleSpec& smaller : ShrinkRule(*spec.default_rule)) {
      edit([&](PolicySpec& s) { s.default_rule = smaller; });
    }
  }
  for (size_t i = 0; i < spec.actions.size(); ++i) {
    for (size_t f = 0; f < spec.actions[i].fields.size(); ++f) {
      edit([&](PolicySpec& s) {
        s.actions[i].fields.erase(s.actions[i].fields.begin() + f);
      });
    }
  }
  return out;
}

Repro Minimise(const PolicySpec& spec, const std::string& request,
               const CaseOptions& options, const Backend& backend,
               int max_checks) {
  Repro repro;
  repro.spec = spec;
  repro.request = request;
  repro.options = options;
  repro.original = absl::StrCat("--- original policy (", CountLines(spec),
                                ") ---\n", spec.RenderForDisplay(),
                                "--- original request ---\n", request, "\n");
  std::optional<CaseResult> current =
      CheckMismatch(spec, request, options, backend);
  ++repro.checks;
  if (!current) {
    // Not reproducible on its own (e.g. depends on earlier cases).
    repro.reproduced = false;
    repro.result.match = false;
    repro.result.difference =
        "(the mismatch did not reproduce in isolation: not minimised)\n";
    return repro;
  }
  repro.result = *current;
  // A budget in time too: a JIT compiles every candidate.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  auto spent = [&] {
    return repro.checks >= max_checks ||
           std::chrono::steady_clock::now() > deadline;
  };
  bool changed = true;
  while (changed && !spent()) {
    changed = false;
    std::vector<PolicySpec> policies = ShrinkPolicy(repro.spec);
    for (size_t i = 0; i < policies.size() && !spent(); ++i) {
      ++repro.checks;
      if (auto r =
              CheckMismatch(policies[i], repro.request, options, backend)) {
        repro.spec = std::move(policies[i]);
        repro.result = std::move(*r);
        changed = true;
        // Later candidates are still mostly valid for the smaller spec.
        policies = ShrinkPolicy(repro.spec);
        --i;
      }
    }
    std::vector<std::string> requests = ShrinkRequest(repro.request);
    for (size_t i = 0; i < requests.size() && !spent(); ++i) {
      ++repro.checks;
      if (auto r = CheckMismatch(repro.spec, requests[i], options, backend)) {
        repro.request = std::move(requests[i]);
        repro.result = std::move(*r);
        changed = true;
        requests = ShrinkRequest(repro.request);
        i = static_cast<size_t>(-1);
      }
    }
  }
  return repro;
}

std::string FormatRepro(const Repro& repro, const Backend& backend) {
  std::string out =
      absl::StrCat("=== differential mismatch: reference interpreter vs ",
                   backend.name, " ===\n", repro.context, "directory groups: ",
                   repro.options.directory ? "DirectoryMember() (harness.cc)"
                                           : "no directory",
                   "; explain: ", repro.options.explain ? "on" : "off",
                   "; defaults: expire ", repro.options.defaults.expire_seconds,
                   "s grant ", repro.options.defaults.grant_seconds, "s veto ",
                   repro.options.defaults.veto, "\n", "minimised in ",
                   repro.checks, " checks to ", CountLines(repro.spec), "\n");
  absl::StrAppend(&out, "--- minimised policy ---\n",
                  repro.spec.RenderForDisplay(), "--- minimised request ---\n",
                  repro.request, "\n--- what differs ---\n",
                  repro.result.difference, "--- reference decision ---\n",
                  repro.result.reference, "\n--- ", backend.name,
                  " decision ---\n", repro.result.other, "\n");
  if (!repro.original.empty()) {
    absl::StrAppend(&out, repro.original);
  }
  return out;
}

// --- running -----------------------------------------------------------------

void RunStats::Merge(const RunStats& other) {
  policies += other.policies;
  cases += other.cases;
  mismatches += other.mismatches;
  not_json += other.not_json;
  invalid_requests += other.invalid_requests;
  decided_by_default += other.decided_by_default;
  for (const auto& [k, v] : other.decisions) decisions[k] += v;
  for (size_t i = 0; i < rule_statuses.size(); ++i) {
    rule_statuses[i] += other.rule_statuses[i];
  }
  rule_errors_overflow += other.rule_errors_overflow;
  default_errors += other.default_errors;
  generator_failures.insert(generator_failures.end(),
                            other.generator_failures.begin(),
                            other.generator_failures.end());
  repros.insert(repros.end(), other.repros.begin(), other.repros.end());
  seconds += other.seconds;
}

std::string RunStats::Summary() const {
  std::string out = absl::StrCat(
      policies, " policies, ", cases, " cases, ", mismatches, " mismatches in ",
      absl::SixDigits(seconds), " s; requests: ", not_json, " not JSON, ",
      invalid_requests, " invalid; decisions:");
  for (const auto& [k, v] : decisions) absl::StrAppend(&out, " ", k, "=", v);
  absl::StrAppend(&out, " (by default ", decided_by_default,
                  "); rule outcomes:");
  for (size_t i = 0; i < rule_statuses.size(); ++i) {
    absl::StrAppend(&out, " ",
                    AsAbsl(StatusName(static_cast<eval::RuleStatus>(i))), "=",
                    rule_statuses[i]);
  }
  absl::StrAppend(&out, " (overflow errors ", rule_errors_overflow,
                  ", default errors ", default_errors, ")");
  return out;
}

uint64_t PolicySeed(uint64_t base_seed, int64_t index) {
  return MixSeed(base_seed, static_cast<uint64_t>(index));
}

CaseOptions OptionsFor(uint64_t policy_seed, int request_index) {
  uint64_t h = MixSeed(policy_seed ^ 0x5bd1e995ULL,
                       static_cast<uint64_t>(request_index));
  CaseOptions options;
  if (h % 4 == 0) options.directory = nullptr;
  if ((h >> 8) % 10 == 0) {
    options.defaults.expire_seconds = 1800;
    options.defaults.grant_seconds = 60;
    options.defaults.veto = 2;
  }
  return options;
}

RunStats RunRandom(const Backend& backend, const RunConfig& config) {
  InstallCrashReporter();
  auto start = std::chrono::steady_clock::now();
  RunStats stats;
  std::string header;
  std::string display;
  std::string request;
  g_crash = {&header, &display, &request};
  for (int64_t k = 0; k < config.policy_count; ++k) {
    int64_t index = config.first_policy + k * config.policy_stride;
    uint64_t seed = PolicySeed(config.base_seed, index);
    PolicySpec spec = GeneratePolicy(seed, config.gen);
    display = spec.RenderForDisplay();
    header = absl::StrCat("base seed ", config.base_seed, ", policy #", index,
                          " (seed ", seed, ")\n");
    g_crash.policy = &display;
    request.clear();
    ++stats.policies;
    absl::StatusOr<CompiledSpec> compiled = CompileSpec(spec);
    if (!compiled.ok()) {
      stats.generator_failures.push_back(
          absl::StrCat(header, "generated policy does not compile:\n", display,
                       "--- diagnostics ---\n", compiled.status().message()));
      continue;
    }
    std::string rerun =
        absl::StrCat("rerun: SIGNOFF_DIFF_SEED=", config.base_seed,
                     " SIGNOFF_DIFF_POLICY=", index, " ./signoff_diff_tests",
                     config.rerun_hint.empty()
                         ? ""
                         : " --gtest_filter='" + config.rerun_hint + "'",
                     "\n");
    absl::StatusOr<BackendInstance> instance =
        backend.prepare(compiled->policy);
    if (!instance.ok()) {
      ++stats.mismatches;
      if (static_cast<int>(stats.repros.size()) < config.max_repros) {
        Repro repro = Minimise(spec, "{}", CaseOptions(), backend);
        repro.context = header + rerun;
        stats.repros.push_back(FormatRepro(repro, backend));
      }
      continue;
    }
    for (int r = 0; r < config.requests_per_policy; ++r) {
      request = GenerateRequest(spec, MixSeed(seed, static_cast<uint64_t>(r)));
      CaseOptions options = OptionsFor(seed, r);
      CaseResult result = CompareCase(*compiled, *instance, request, options);
      ++stats.cases;
      if (!result.bound) {
        ++stats.not_json;
      } else if (!result.valid) {
        ++stats.invalid_requests;
      } else {
        stats.decisions[std::string(
            eval::DecisionKindName(result.reference_kind))]++;
        if (result.decided_by_default) ++stats.decided_by_default;
        for (const eval::RuleOutcome& o : result.reference_outcome.rules) {
          stats.rule_statuses[static_cast<size_t>(o.status)]++;
          if (o.status == eval::RuleStatus::kError &&
              o.error.find("overflow") != std::string::npos) {
            ++stats.rule_errors_overflow;
          }
        }
        if (result.reference_outcome.default_rule.status ==
            eval::RuleStatus::kError) {
          ++stats.default_errors;
        }
      }
      if (result.match) continue;
      ++stats.mismatches;
      if (static_cast<int>(stats.repros.size()) >= config.max_repros) continue;
      std::string saved_request = request;
      Repro repro = Minimise(spec, saved_request, options, backend);
      if (!repro.reproduced) {
        result.difference +=
            "(the mismatch did not reproduce in isolation: not minimised)\n";
        repro.result = result;
      }
      repro.context = absl::StrCat(header, "request #", r, "\n", rerun);
      stats.repros.push_back(FormatRepro(repro, backend));
    }
  }
  g_crash = {};
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return stats;
}

}  // namespace signoff::difftest
