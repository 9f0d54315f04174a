// Random well-typed Signoff policy sets for differential testing.
//
// GeneratePolicy(seed) builds a PolicySpec: a structured model of a policy
// set (actions, groups, channels, rules, default) whose Render() is Signoff
// SOURCE TEXT in one to three files. The model, not the text, is what the
// minimiser shrinks (drop a rule, a condition, a clause, simplify a boolean
// expression), so every part a shrink step may remove is a separate value.
//
// Everything is deterministic from the seed (std::mt19937_64 and our own
// integer draws, never std::uniform_int_distribution, whose output differs
// between standard libraries). Every generated policy must compile without
// errors; warnings (unused groups, rules that never apply, ...) are fine and
// even wanted.
//
// Typing discipline: a params field name has one type across the whole set
// (see FieldPool()), so a rule matching several actions never meets a
// ParamTypeConflict; a rule reads only fields some action it matches
// declares, so it never meets UnknownParamField.
#ifndef SIGNOFF_TESTS_DIFF_POLICY_GEN_H_
#define SIGNOFF_TESTS_DIFF_POLICY_GEN_H_

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/ast/type.h"

namespace signoff::difftest {

// Deterministic draws on top of std::mt19937_64.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  // Uniform in [0, n); n > 0.
  uint64_t Below(uint64_t n) { return Next() % n; }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // True with probability percent/100.
  bool Percent(int percent) { return static_cast<int>(Below(100)) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

 private:
  std::mt19937_64 engine_;
};

// Mixes a seed with an index (splitmix64), for independent sub-streams.
uint64_t MixSeed(uint64_t seed, uint64_t index);

// A boolean expression: logic nodes the minimiser can simplify, over atoms
// that are opaque source text (comparisons, calls, `in`, ...).
struct BoolExpr {
  enum class Kind { kAtom, kAnd, kOr, kNot };
  Kind kind = Kind::kAtom;
  std::string atom;                // kAtom
  std::vector<BoolExpr> children;  // kAnd, kOr: two; kNot: one

  static BoolExpr Atom(std::string text);
  std::string Render() const;
  int Size() const;  // number of nodes
};

struct FieldSpec {
  std::string name;
  Type type = Type::kString;
  bool optional = false;
};

struct ActionSpec {
  std::string name;
  std::vector<FieldSpec> fields;
  int file = 0;
};

struct GroupSpec {
  std::string name;
  std::string definition;  // `["a", "b"]`, `directory("x")`, `a | b`
  int file = 0;
};

struct ChannelSpec {
  std::string name;
  std::string kind;    // slack | teams | webhook
  std::string target;  // the literal, quotes included
  int file = 0;
};

struct ConditionSpec {
  bool unless = false;
  BoolExpr expr;
};

struct RequirementSpec {
  int64_t count = 1;
  std::string group;  // a group expression: a name, `a | b`, `["x"]`
  std::optional<BoolExpr> where;
};

struct EscalationSpec {
  std::string after;  // duration literal
  std::string group;
  std::vector<std::string> channels;
};

// One piece of a `message` template: literal text (escaped when rendered)
// or an interpolated expression.
struct MessagePart {
  std::string literal;
  std::string expr;  // when not empty, rendered as `{expr}`
};

enum class EffectKind { kAllow, kDeny, kRequire };

struct RuleSpec {
  std::string name;  // "default" for the default
  std::vector<std::string> patterns;
  std::vector<ConditionSpec> conditions;
  EffectKind effect = EffectKind::kAllow;
  std::optional<std::string> deny_reason;  // a string literal, quotes included
  std::vector<RequirementSpec> requirements;
  std::optional<int64_t> veto;
  std::optional<std::string> expire;  // duration literals
  std::optional<std::string> grant;
  std::vector<std::string> notify;
  std::optional<std::vector<MessagePart>> message;
  std::vector<EscalationSpec> escalations;
  int file = 0;
};

// What a request generator should aim at: the literals the policy compares
// against (and their neighbours), so conditions flip both ways.
struct Hints {
  std::vector<std::string> strings;
  std::vector<int64_t> ints;
  std::vector<std::string> durations;  // JSON duration texts
  std::vector<std::string> times;      // RFC 3339 texts
  std::vector<std::string> ips;
  std::vector<std::string> identities;
  std::vector<std::string> map_keys;
  std::vector<std::string> action_names;  // undeclared names near patterns
};

struct PolicySpec {
  uint64_t seed = 0;
  bool import_std = false;
  std::vector<ActionSpec> actions;  // declared in the policy's own files
  std::vector<GroupSpec> groups;
  std::vector<ChannelSpec> channels;
  std::vector<RuleSpec> rules;
  // The default: nullopt for none (implicit deny); otherwise a RuleSpec with
  // no patterns and no conditions.
  std::optional<RuleSpec> default_rule;
  int file_count = 1;
  Hints hints;

  // {path, text} pairs in path order, for driver::CompileSources.
  std::vector<std::pair<std::string, std::string>> Render() const;
  // Every file, each after a `# --- file: PATH` line.
  std::string RenderForDisplay() const;
  // Declared actions the requests can name: the policy's own, plus those of
  // std/actions that the policy does not redeclare, when imported.
  std::vector<ActionSpec> VisibleActions() const;
};

// The schemas of std/actions (stdlib/std/actions.signoff). A generator
// test checks them against the compiled module.
const std::vector<ActionSpec>& StdActions();

// Every params field name the generator uses, each with its one type.
const std::vector<FieldSpec>& FieldPool();

struct GenOptions {
  int max_rules = 8;
  int max_actions = 5;
};

PolicySpec GeneratePolicy(uint64_t seed, const GenOptions& options = {});

// Whether an action pattern (`data.*`, `iam.**`) matches an action name.
bool PatternMatches(std::string_view pattern, std::string_view action);

// Signoff string literal for `text`, quotes included, with escapes chosen by
// `rng` (raw UTF-8 or \u{...}) when given.
std::string SignoffString(std::string_view text, Rng* rng = nullptr);

}  // namespace signoff::difftest

#endif  // SIGNOFF_TESTS_DIFF_POLICY_GEN_H_
