// The lowered IR both back ends consume.
//
// A Policy is immutable once built by ir::Lower(). It holds everything a
// back end needs to decide a request, with names resolved to indexes:
//   - slots: the request fields the policy reads, with their types. A binder
//     fills one value per slot; a field the policy never reads is never bound.
//   - declared actions, each field mapped to its slot.
//   - rules in source order, each with compiled patterns, a per-declared-
//     action applicability table, conditions, effect and approval clauses.
//   - a node arena of typed expression trees (ir_ops.def).
//   - precompiled literal objects (regexes, globs, CIDRs, time zones) that
//     both back ends call into through stdlib.
//
// Thread safety: immutable after construction; safe to share across threads.
#ifndef SIGNOFF_COMPILER_IR_IR_H_
#define SIGNOFF_COMPILER_IR_IR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/type.h"
#include "compiler/source/source.h"
#include "stdlib/builtins.h"

namespace signoff::ir {

enum class Op : unsigned char {
#define SIGNOFF_OP(name, description) k##name,
#include "compiler/ir/ir_ops.def"
};
std::string_view OpName(Op op);

using NodeId = uint32_t;
inline constexpr NodeId kNoNode = 0xffffffff;

struct Node {
  Op op;
  Type type;         // result type
  int64_t imm = 0;   // see ir_ops.def
  uint32_t ref = 0;  // see ir_ops.def
  std::vector<NodeId> args;
  SourceSpan span;
};

// Where a slot's value comes from in the request.
enum class SlotSource : unsigned char {
  kParams,     // params.<field>
  kRequester,  // requester.<field>
  kContext,    // context.<field>
  kApprover,   // approver.<field>; bound per approver, only in `where`
};
std::string_view SlotSourceName(SlotSource source);  // "params", ...

struct Slot {
  SlotSource source;
  std::string field;
  Type type;
};

struct ActionField {
  std::string name;
  Type type;
  bool optional = false;
  int slot = -1;  // the slot this field binds to, -1 if no rule reads it
};

struct ActionSchema {
  std::string name;
  std::vector<ActionField> fields;  // declaration order
  SourceSpan span;
};

// An action pattern: segments are literal names, "*" or "**" (last only).
struct Pattern {
  std::vector<std::string> segments;
  std::string text;
  bool Matches(std::string_view action) const;
};

struct Group {
  std::string name;
  std::vector<std::string> members;      // sorted, unique
  std::vector<std::string> directories;  // directory(...) group names
};

struct Channel {
  std::string name;
  std::string kind;    // slack | teams | webhook
  std::string target;  // "#sre-approvals", ...
};

// A `when` (negated = false) or `unless` (negated = true) condition.
struct Condition {
  NodeId expr;
  bool negated = false;
  std::string text;  // formatted source, for --explain
  SourceSpan span;
};

struct Requirement {
  int64_t count = 0;
  int group = -1;          // index into Policy::groups
  NodeId where = kNoNode;  // bool over approver/requester/context/params
  std::string where_text;  // formatted source; "" when none
};

struct Escalation {
  int64_t after_seconds = 0;
  int group = -1;
  std::vector<int> channels;  // indexes into Policy::channels
};

struct MessagePart {
  std::string literal;
  NodeId expr = kNoNode;  // when not kNoNode, the value is interpolated
};

enum class Effect : unsigned char { kAllow, kDeny, kRequire };
std::string_view EffectName(Effect effect);  // "allow", "deny", "require"

struct Rule {
  std::string name;  // "default" for the default rule
  SourceSpan span;
  std::vector<Pattern> patterns;  // empty for the default
  bool reads_params = false;
  // Indexed by declared action id: the rule's patterns match the action and
  // its schema has every params field the rule reads.
  std::vector<bool> applies;
  std::vector<Condition> conditions;  // in source order
  Effect effect = Effect::kDeny;
  std::string deny_reason;  // kDeny; may be empty
  std::vector<Requirement> requirements;
  std::optional<int64_t> veto;
  std::optional<int64_t> expire_seconds;
  std::optional<int64_t> grant_seconds;
  std::vector<int> channels;         // indexes into Policy::channels
  std::vector<MessagePart> message;  // empty when no message
  bool has_message = false;
  std::vector<Escalation> escalations;
};

struct Policy {
  std::vector<Slot> slots;
  std::vector<ActionSchema> actions;  // declared actions; id = index
  std::vector<Group> groups;
  std::vector<Channel> channels;
  std::vector<Rule> rules;  // source order
  Rule default_rule;        // name "default", no patterns, no conditions
  std::vector<Node> nodes;

  // Literal pools referenced by Node::ref.
  std::vector<std::string> strings;
  std::vector<std::vector<uint32_t>> string_lists;  // indexes into strings
  std::vector<std::vector<int64_t>> int_lists;
  std::vector<std::shared_ptr<const stdlib::Glob>> globs;
  std::vector<std::shared_ptr<const stdlib::Regex>> regexes;
  std::vector<std::shared_ptr<const stdlib::Cidr>> cidrs;
  std::vector<std::shared_ptr<const stdlib::TimeZone>> timezones;

  std::string digest;  // "sha256:<hex>" over the source files of the set

  int FindAction(std::string_view name) const;  // -1 if undeclared
  int FindSlot(SlotSource source, std::string_view field) const;
};

// Human-readable dump of a policy, for debugging and golden IR tests.
std::string Dump(const Policy& policy);

}  // namespace signoff::ir

#endif  // SIGNOFF_COMPILER_IR_IR_H_
