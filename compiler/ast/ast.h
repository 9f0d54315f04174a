// The Signoff abstract syntax tree.
//
// Built by compiler/parse from ANTLR's parse tree (no ANTLR type appears
// here), annotated in place by compiler/check (the fields marked "checker"),
// printed by compiler/fmt and lowered to IR by compiler/ir.
//
// Every node has a SourceSpan covering its full source text. Literal nodes
// keep their source spelling (`text`) so the formatter reproduces
// `10_000` and `1h30m` as written.
#ifndef SIGNOFF_COMPILER_AST_AST_H_
#define SIGNOFF_COMPILER_AST_AST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "compiler/ast/type.h"
#include "compiler/source/source.h"

namespace signoff::ast {

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

enum class ExprKind : unsigned char {
#define SIGNOFF_EXPR(kind) k##kind,
#include "compiler/ast/expr_kinds.def"
};

enum class UnaryOp : unsigned char { kNot, kNeg };

// Loosest first: or; and; (not); == != < <= > >= in like matches; + -; *.
enum class BinaryOp : unsigned char {
  kOr,
  kAnd,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kLike,
  kMatches,
  kAdd,
  kSub,
  kMul,
};

std::string_view BinaryOpSpelling(BinaryOp op);  // "or", "==", "like", ...
std::string_view ExprKindName(ExprKind kind);

// What a Name (or the root of a Field chain) refers to; set by the checker.
enum class NameRef : unsigned char {
  kUnresolved,
  kAction,     // `action`
  kParams,     // `params`
  kRequester,  // `requester`
  kContext,    // `context`
  kApprover,   // `approver`
  kGroup,      // a declared group (decl_index into Program::groups)
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind;
  SourceSpan span;

  // Payload; which fields are meaningful depends on `kind` (expr_kinds.def).
  int64_t int_value = 0;     // IntLit; DurationLit (seconds)
  bool bool_value = false;   // BoolLit
  std::string string_value;  // StringLit, decoded
  std::string text;          // literal spelling as written
  std::string name;          // Name, Field, Call
  SourceSpan name_span;      // Field, Call: span of the name alone
  UnaryOp unary_op = UnaryOp::kNot;
  BinaryOp binary_op = BinaryOp::kOr;
  std::vector<ExprPtr> children;

  // checker: the static type, and for Name nodes what they refer to.
  Type type = Type::kError;
  NameRef ref = NameRef::kUnresolved;
  int decl_index = -1;  // kGroup: index into the program's group list
};

ExprPtr MakeExpr(ExprKind kind, SourceSpan span);

// ---------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------

struct Identifier {
  std::string name;
  SourceSpan span;
};

struct StringLiteral {
  std::string value;  // decoded
  std::string text;   // as written, with quotes
  SourceSpan span;
};

// `import "std/actions"`
struct ImportDecl {
  SourceSpan span;
  StringLiteral module;
};

// Right side of a group declaration (and of `require N of ...`).
struct GroupExpr;
using GroupExprPtr = std::unique_ptr<GroupExpr>;
struct GroupExpr {
  enum class Kind : unsigned char {
    kMembers,    // ["alice", "bob"]
    kDirectory,  // directory("oncall-primary")
    kRef,        // sre
    kUnion,      // a | b   (children)
  };
  Kind kind;
  SourceSpan span;
  std::vector<StringLiteral> members;  // kMembers
  StringLiteral directory;             // kDirectory
  Identifier ref;                      // kRef
  std::vector<GroupExprPtr> children;  // kUnion (flattened, 2 or more)
  // checker: index into check::SemanticModel::groups of the group this
  // expression denotes; set on kRef nodes and on the top node of every
  // `require`/`escalate` group (inline groups get an anonymous entry).
  int decl_index = -1;
};

// `group sre = ["alice"]`
struct GroupDecl {
  SourceSpan span;
  Identifier name;
  GroupExprPtr value;
};

// `channel sre_room = slack("#sre-approvals")`
struct ChannelDecl {
  SourceSpan span;
  Identifier name;
  Identifier kind;  // slack | teams | webhook (checked by the checker)
  StringLiteral target;
};

// A field type as written: `string`, `list<int>`, `map<string,string>`.
struct TypeRef {
  SourceSpan span;
  std::string name;
  std::vector<TypeRef> args;
  Type resolved = Type::kError;  // checker
};

struct FieldDecl {
  SourceSpan span;
  Identifier name;
  TypeRef type;
  bool optional = false;  // `string?`
};

// A dotted name (`data.export`) or pattern (`data.*`, `iam.**`, `**`).
// Segments are identifiers, "*" or "**".
struct ActionName {
  SourceSpan span;
  std::vector<std::string> segments;
  std::string text;  // segments joined by "."
};

// `action data.export { dataset: string ... }`
struct ActionDecl {
  SourceSpan span;
  ActionName name;
  std::vector<FieldDecl> fields;
};

// `require 2 of sre where approver.team != requester.team`
struct Requirement {
  int64_t count = 0;
  SourceSpan count_span;
  GroupExprPtr group;
  ExprPtr where;  // may be null
};

// `escalate after 10m to oncall notify pager`
struct Escalation {
  int64_t after_seconds = 0;
  std::string after_text;
  SourceSpan after_span;
  GroupExprPtr group;
  std::vector<Identifier> channels;
};

// A message template: `"{requester.id} exports {params.rows} rows"`.
// Parts alternate between literal text and interpolated expressions.
// `{{` and `}}` stand for literal braces.
struct MessagePart {
  std::string literal;  // when expr is null
  ExprPtr expr;
};
struct Message {
  StringLiteral raw;
  std::vector<MessagePart> parts;
};

enum class ClauseKind : unsigned char {
  kOn,
  kWhen,
  kUnless,
  kAllow,
  kDeny,
  kRequire,
  kVeto,
  kExpire,
  kGrant,
  kNotify,
  kMessage,
  kEscalate,
};
std::string_view ClauseKeyword(ClauseKind kind);  // "on", "when", ...

// One line of a rule body (or of a `default { ... }` block), in source order.
struct Clause {
  ClauseKind kind;
  SourceSpan span;          // the whole clause
  SourceSpan keyword_span;  // the leading keyword

  std::vector<ActionName> patterns;      // kOn
  ExprPtr condition;                     // kWhen, kUnless
  std::optional<StringLiteral> reason;   // kDeny (optional reason)
  Requirement requirement;               // kRequire
  int64_t count = 0;                     // kVeto
  SourceSpan count_span;                 // kVeto
  int64_t seconds = 0;                   // kExpire, kGrant
  std::string duration_text;             // kExpire, kGrant
  std::vector<Identifier> channels;      // kNotify
  std::optional<Message> message;        // kMessage
  std::optional<Escalation> escalation;  // kEscalate
};

// `rule name { clauses }`
struct RuleDecl {
  SourceSpan span;
  Identifier name;
  std::vector<Clause> clauses;
};

// `default deny "reason"`, `default allow`, or `default { require ... }`.
// Its clauses use the rule clause kinds; `on`, `when`, `unless` are errors.
struct DefaultDecl {
  SourceSpan span;
  bool block = false;  // written with braces
  std::vector<Clause> clauses;
};

// A value in a test's input object: JSON-like, written in Signoff syntax.
struct TestValue;
using TestValuePtr = std::unique_ptr<TestValue>;
struct TestValue {
  enum class Kind : unsigned char {
    kString,
    kInt,
    kBool,
    kDuration,
    kList,
    kObject
  };
  Kind kind;
  SourceSpan span;
  std::string string_value;         // kString (decoded)
  int64_t int_value = 0;            // kInt; kDuration (seconds)
  bool bool_value = false;          // kBool
  std::string text;                 // spelling as written (literals)
  std::vector<TestValuePtr> items;  // kList
  // kObject: keys in source order (a key may be an identifier or a string).
  std::vector<std::pair<Identifier, TestValuePtr>> fields;
};

// `expect require_approval`, `expect rules [a, b]`,
// `expect requirements [2 of sre, 1 of security where ...]`,
// `expect reasons ["..."]`.
struct Expectation {
  enum class Kind : unsigned char {
    kDecision,
    kRules,
    kRequirements,
    kReasons
  };
  Kind kind;
  SourceSpan span;
  Identifier decision;            // kDecision: allow|deny|require_approval
  std::vector<Identifier> rules;  // kRules
  std::vector<Requirement> requirements;  // kRequirements
  std::vector<StringLiteral> reasons;     // kReasons
};

// `test "name" { input { ... } expect ... }`
struct TestDecl {
  SourceSpan span;
  StringLiteral name;
  TestValuePtr input;  // an object
  std::vector<Expectation> expectations;
};

using Decl = std::variant<ImportDecl, GroupDecl, ChannelDecl, ActionDecl,
                          RuleDecl, DefaultDecl, TestDecl>;

// A `# ...` comment, kept for the formatter.
struct Comment {
  SourceSpan span;        // from `#` to the end of the line (newline excluded)
  std::string text;       // including the leading `#`
  bool own_line = false;  // nothing but whitespace precedes it on its line
};

struct File {
  FileId file = kNoFile;
  bool is_test_file = false;  // path ends in `_test.signoff`
  std::vector<Decl> decls;
  std::vector<Comment> comments;  // in source order
};

}  // namespace signoff::ast

#endif  // SIGNOFF_COMPILER_AST_AST_H_
