// The benchmark workload: a deterministic, realistic policy set.
//
// Generate(N) builds a model of a policy set of N rules spread over 100
// action kinds (ten domains times ten verbs: data.export, iam.grant, ...),
// each action with its own schema, and a fixed list of requests hitting those
// actions with a mix of outcomes. The same model is rendered three ways:
//   - Signoff source text (ToSignoff) and ~400-byte JSON requests
//     (RequestJson), for the interpreter and the JIT;
//   - a native C++ request struct (NativeRequest) and, for N = 1,000, the
//     hand-written-style C++ decision function (bench/gen_limit.cc);
//   - Cedar policies and requests (bench/peers/cedar/convert.cc).
// Everything is a pure function of N: the same N gives byte-identical
// output on every machine, so figures compare across runs.
//
// The mix per action: the first two rules of an action are "broad" (they
// look at environment, requester and context, not at one resource); the
// rest are scoped to one to three named resources of the action, as large
// real policy sets are. One rule in fifty matches several actions by pattern
// (`data.*`, `*.delete`, `**`) and reads only fields every action has. So
// whatever N is, a request meets a handful of candidate rules and the
// outcomes stay mixed. See bench/README.md.
#ifndef SIGNOFF_BENCH_WORKLOAD_H_
#define SIGNOFF_BENCH_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace signoff::bench {

inline constexpr int kNumActions = 100;

// The decision classification every engine is compared on.
enum class Classification : unsigned char { kAllow, kDeny, kRequireApproval };
std::string_view ClassificationName(Classification c);  // "require_approval"

// --- params fields: one global pool, each name with one type ----------------

enum class FieldType : unsigned char { kString, kInt, kBool, kStringList };

enum Field : int {
  kResource,     // every action
  kEnvironment,  // every action
  kClassification,
  kDestination,
  kRows,
  kAmount,
  kDestructive,
  kTags,
  kRegion,
  kVersion,
  kReplicas,
  kReason,  // the optional field
  kNumFields,
};

struct FieldInfo {
  std::string_view name;
  FieldType type;
  bool optional;
};
const FieldInfo& GetField(Field f);

struct ActionDef {
  std::string name;           // "data.export"
  std::vector<Field> fields;  // declaration order; resource, environment first
  std::vector<std::string> resources;  // the resource names requests use
  bool Has(Field f) const;
};

// --- conditions
// ---------------------------------------------------------------

enum class CondKind : unsigned char {
  kIntCmp,     // params.F OP imm
  kStrEq,      // params.F == s[0]   (op "==" or "!=")
  kStrIn,      // params.F in [s...]
  kLike,       // params.F like s[0]  (one `*`: "p*", "*s" or "*m*")
  kScope,      // params.resource in [s...]  (== when one)
  kBool,       // params.destructive
  kListHas,    // s[0] in params.tags
  kRegex,      // params.F matches s[0]  (or context.ticket when field < 0)
  kHas,        // has(params.reason)
  kGroup,      // requester.id in GROUP(group)
  kKind,       // requester.kind == s[0]
  kTeam,       // requester.team == s[0]
  kReqGroups,  // s[0] in requester.groups
  kHour,       // hour(context.time, "UTC") in imm..imm2
  kCidr,       // in_cidr(context.ip, s[0])  (IPv4 blocks)
  kTicket,     // context.ticket != ""
};

struct Cond {
  CondKind kind = CondKind::kScope;
  bool unless = false;  // an `unless` (else a `when`)
  int field = -1;       // a Field, for params conditions and kRegex
  std::string op;       // kIntCmp: > >= < <=; kStrEq: == !=
  int64_t imm = 0;
  int64_t imm2 = 0;
  std::vector<std::string> s;
  int group = -1;  // kGroup: index into Workload::groups
};

enum class Effect : unsigned char { kAllow, kDeny, kRequire };

struct RuleDef {
  std::string name;
  std::string pattern;       // the `on` pattern
  std::vector<int> actions;  // the action indexes the pattern matches
  std::vector<Cond> conds;
  Effect effect = Effect::kAllow;
  int group = -1;  // kRequire: approvers
  int count = 1;
};

struct GroupDef {
  std::string name;
  std::vector<std::string> members;
};

// --- requests
// -----------------------------------------------------------------

struct RequestDef {
  int action = 0;
  // Params, indexed by Field; only the action's fields are meaningful.
  std::string str[kNumFields];
  int64_t num[kNumFields] = {};
  bool flag = false;  // destructive
  std::vector<std::string> tags;
  bool has_reason = false;
  // Requester.
  std::string id, kind, team, on_behalf_of;
  std::vector<std::string> groups;
  // Context.
  int64_t time = 0;       // unix seconds
  std::string time_text;  // RFC 3339
  std::string ip;         // IPv4 text
  uint32_t ipv4 = 0;
  std::string justification, ticket;
};

struct Workload {
  int num_rules = 0;
  std::vector<ActionDef> actions;
  std::vector<GroupDef> groups;
  std::vector<RuleDef> rules;
  std::vector<RequestDef> requests;
};

inline constexpr int kDefaultRequests = 256;

Workload Generate(int num_rules, int num_requests = kDefaultRequests);

// The Signoff policy set (one file).
std::string ToSignoff(const Workload& w);
// One request as LANGUAGE.md §6 JSON (~400 bytes).
std::string RequestJson(const Workload& w, const RequestDef& r);

// The hour of a unix time in UTC, 0..23.
inline int64_t HourUtc(int64_t t) {
  int64_t d = t % 86400;
  if (d < 0) d += 86400;
  return d / 3600;
}

// --- the native form, for the hand-written "limit"
// -----------------------------

// What a hand-written service would hold after parsing a request into its
// own structs: the action as an enum, each field typed. Views point into the
// RequestDef it was made from.
struct NativeRequest {
  int action = -1;  // index into Workload::actions
  std::string_view resource, environment, classification, destination, region,
      version;
  int64_t rows = 0, amount = 0, replicas = 0;
  bool destructive = false;
  bool has_reason = false;
  std::vector<std::string_view> tags;
  std::string_view id, kind, team;
  std::vector<std::string_view> groups;
  int64_t time = 0;
  uint32_t ipv4 = 0;
  std::string_view ticket;
};
NativeRequest ToNative(const RequestDef& r);

// Splits a one-`*` glob into what precedes and follows the star.
struct GlobParts {
  std::string prefix, suffix;
  bool infix = false;  // "*m*": prefix holds m
};
GlobParts SplitGlob(std::string_view glob);

// The CIDR blocks the workload uses, with their IPv4 network and mask.
struct CidrBlock {
  std::string_view text;
  uint32_t network;
  uint32_t mask;
};
const CidrBlock& FindCidr(std::string_view text);

}  // namespace signoff::bench

#endif  // SIGNOFF_BENCH_WORKLOAD_H_
