// Private to lowering: the builder that owns a Policy under construction,
// its interning tables, and expression lowering (lower_expr.cc).
#ifndef SIGNOFF_COMPILER_IR_LOWER_INTERNAL_H_
#define SIGNOFF_COMPILER_IR_LOWER_INTERNAL_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "compiler/ast/ast.h"
#include "compiler/check/semantic.h"
#include "compiler/ir/ir.h"

namespace signoff::ir::internal {

class PolicyBuilder {
 public:
  PolicyBuilder(Policy& policy, const check::SemanticModel& model)
      : policy_(policy), model_(model) {}

  // Lowers a checked expression; kNoNode after an internal error (status()).
  NodeId LowerExpr(const ast::Expr& expr);

  NodeId Add(Op op, Type type, SourceSpan span, std::vector<NodeId> args = {},
             int64_t imm = 0, uint32_t ref = 0);
  uint32_t InternString(std::string_view value);
  // The slot for a request field, added at first use.
  uint32_t SlotFor(SlotSource source, const std::string& field, Type type);

  const absl::Status& status() const { return status_; }
  void Fail(std::string message);

 private:
  NodeId LowerLiteralList(const ast::Expr& list, Type element);
  NodeId LowerField(const ast::Expr& expr);
  NodeId LowerCall(const ast::Expr& expr);
  NodeId LowerUnary(const ast::Expr& expr);
  NodeId LowerBinary(const ast::Expr& expr);
  NodeId LowerIn(const ast::Expr& expr);
  NodeId LowerPatternOp(const ast::Expr& expr);

  uint32_t InternStringList(std::vector<uint32_t> list);
  uint32_t InternIntList(std::vector<int64_t> list);
  uint32_t InternGlob(const std::string& pattern);
  uint32_t InternRegex(const std::string& pattern);
  uint32_t InternCidr(const std::string& text);
  uint32_t InternTimeZone(const std::string& name);

  Policy& policy_;
  const check::SemanticModel& model_;
  absl::Status status_;

  std::map<std::string, uint32_t, std::less<>> strings_;
  std::map<std::vector<uint32_t>, uint32_t> string_lists_;
  std::map<std::vector<int64_t>, uint32_t> int_lists_;
  std::map<std::string, uint32_t> globs_;
  std::map<std::string, uint32_t> regexes_;
  std::map<std::string, uint32_t> cidrs_;
  std::map<std::string, uint32_t> timezones_;
  std::map<std::tuple<SlotSource, std::string, Type>, uint32_t> slots_;
};

// digest.cc: "sha256:<hex>" over path '\0' text '\0' of each non-test file.
std::string PolicyDigest(const SourceManager& sources,
                         const std::vector<ast::File>& files);

}  // namespace signoff::ir::internal

#endif  // SIGNOFF_COMPILER_IR_LOWER_INTERNAL_H_
