// IR to LLVM IR (private to compiler/jit/: this header includes LLVM and
// must be included only by compiler/jit/*.cc).
//
// The module holds the entry function of abi.h and one internal function
// per rule, `i64 rule_N(ptr request)`, returning a packed result: the
// status (kStatus*) in the low 32 bits, the failed condition index or error
// id in the high 32 bits. Expressions are emitted as the interpreter
// evaluates them (compiler/interp/expression.cc): the same operand order,
// the same short-circuits, the same checks in the same order. An evaluation
// error returns kStatusError with the id of its text in Codegen::errors();
// the text is exactly the interpreter's ("integer overflow in `*`", and the
// "internal error: ..." texts of malformed IR, which never comes from
// ir::Lower).
#ifndef SIGNOFF_COMPILER_JIT_CODEGEN_H_
#define SIGNOFF_COMPILER_JIT_CODEGEN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "compiler/ir/ir.h"
#include "compiler/jit/abi.h"
#include "compiler/jit/runtime_calls.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

namespace signoff::jit::internal {

// Data the generated code points to, owned with the code.
struct ConstantPool {
  std::vector<std::unique_ptr<FlatString[]>> string_lists;
};

// The runtime representation of a value: which alternative of eval::Value
// it is (the interpreter checks these at run time; here they are known at
// compile time), and its LLVM values.
enum class Kind : uint8_t {
  kDead,        // code after an unconditional error: nothing to emit
  kBool,        // a: i1
  kInt,         // a: i64 (int, duration, time)
  kString,      // a: data ptr, b: i64 size, c: i64 interned id
  kIp,          // a: ptr to a stdlib::IpAddress
  kListString,  // a: FlatString*, b: i64 count
  kListInt,     // a: int64_t*, b: i64 count
  kMap,         // a: FlatMapEntry*, b: i64 count
};
// The eval::Value alternative a slot of `type` holds (ZeroValue's choice
// for the types that are not values).
Kind KindOf(Type type);

struct Value {
  Kind kind = Kind::kDead;
  llvm::Value* a = nullptr;
  llvm::Value* b = nullptr;
  llvm::Value* c = nullptr;
  bool dead() const { return kind == Kind::kDead; }
};

class Codegen {
 public:
  Codegen(const ir::Policy& policy, const Interner& interner,
          ConstantPool& pool, llvm::Module& module);

  // Emits the rule functions, the entry function `entry_name` and the
  // verdict entry `entry_name` + kVerdictSuffix (abi.h).
  absl::Status Run(const std::string& entry_name);
  // Evaluation error texts by error id.
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  // --- codegen_module.cc: functions, dispatch, errors ---
  llvm::Function* EmitRule(size_t index);
  void EmitEntry(const std::string& entry_name,
                 const std::vector<llvm::Function*>& rules);
  llvm::Function* EmitGeneric(llvm::Function* function,
                              const std::vector<llvm::Function*>& rules);
  void EmitDispatch(
      llvm::Function* entry,
      const std::vector<std::pair<size_t, llvm::Function*>>& cases,
      llvm::Function* generic);
  // --- codegen_verdict.cc: the verdict entry (abi.h) ---
  void EmitVerdictEntry(const std::string& entry_name,
                        const std::vector<llvm::Function*>& rules,
                        llvm::Function* generic);
  llvm::Function* EmitVerdictAction(size_t action,
                                    const std::vector<size_t>& matched,
                                    const std::vector<llvm::Function*>& rules);
  // Calls `rule` and, when it is a candidate or an error, appends its
  // result at *count.
  void EmitVerdictRule(size_t rule, llvm::Function* function, llvm::Value* out,
                       llvm::AllocaInst* count);
  void EmitStore(llvm::Value* out, llvm::Value* n, size_t rule,
                 llvm::Value* packed);
  void BeginFunction(llvm::Function* function);
  void EndFunction();
  llvm::Value* Pack(int32_t status, uint32_t detail);
  // Returns the error `text` from the current rule function; code emitted
  // afterwards is unreachable. Returns a dead value.
  Value Fail(const std::string& text);
  Value Internal(const std::string& what);  // "internal error: " + what
  Value MissingNode(ir::NodeId id);         // "... node N does not exist"
  // Returns the error `text` when `condition` holds; else continues.
  void FailIf(llvm::Value* condition, const std::string& text);
  llvm::Value* CallHelper(Helper helper, llvm::ArrayRef<llvm::Value*> args);
  llvm::Value* ConstPtr(const void* pointer);
  llvm::Value* LoadAt(llvm::Type* type, llvm::Value* base, uint64_t offset);
  llvm::AllocaInst* EntryAlloca(uint64_t bytes);
  llvm::Value* IsTrue(llvm::Value* i64);  // i64 != 0

  // --- codegen_expr.cc: constants, request access, logic, comparison,
  // arithmetic; codegen_membership.cc: `in` and groups ---
  Value Emit(ir::NodeId id);
  Value EmitOp(ir::NodeId id, const ir::Node& node);
  Value Take(Value value, Kind kind, const char* what);
  Value EmitBool(ir::NodeId id);
  Value EmitInt(ir::NodeId id);
  Value EmitString(ir::NodeId id);
  Value EmitSlot(const ir::Node& node);
  Value EmitLogic(ir::NodeId id);
  Value EmitCompare(const ir::Node& node);
  Value EmitArithmetic(const ir::Node& node);
  Value EmitInList(const ir::Node& node);
  Value EmitInRange(const ir::Node& node);
  Value EmitInGroup(const ir::Node& node);
  Value Bool(llvm::Value* i1) { return {Kind::kBool, i1}; }
  Value Int(llvm::Value* i64) { return {Kind::kInt, i64}; }
  // i1: whether `key` is one of `values` (a switch).
  llvm::Value* OneOf(llvm::Value* key, const std::vector<int64_t>& values);

  // --- codegen_calls.cc: strings, maps, built-ins ---
  Value EmitConstString(const ir::Node& node);
  Value EmitConstStringList(const ir::Node& node);
  Value EmitLikeOrMatches(const ir::Node& node);
  Value EmitIndex(const ir::Node& node);
  Value EmitCall(const ir::Node& node);
  Value StringResult(Helper helper, llvm::ArrayRef<llvm::Value*> args);
  llvm::Value* StringsEqual(const Value& a, const Value& b);
  llvm::Value* ValuesEqual(const Value& a, const Value& b);

  const ir::Policy& policy_;
  const Interner& interner_;
  ConstantPool& pool_;
  llvm::Module& module_;
  llvm::LLVMContext& context_;
  llvm::IRBuilder<> b_;
  llvm::IntegerType* i1_;
  llvm::IntegerType* i8_;
  llvm::IntegerType* i32_;
  llvm::IntegerType* i64_;
  llvm::PointerType* ptr_;
  std::vector<llvm::FunctionCallee> helpers_;
  // Per declared action id, the rules whose patterns match it (Run).
  std::vector<std::vector<size_t>> rules_of_action_;
  std::vector<std::string> errors_;
  absl::flat_hash_map<std::string, uint32_t> error_ids_;
  absl::Status status_;
  // The function being emitted.
  llvm::Function* function_ = nullptr;
  llvm::Value* request_ = nullptr;
  llvm::Value* slots_ = nullptr;
  int depth_ = 0;
};

}  // namespace signoff::jit::internal

#endif  // SIGNOFF_COMPILER_JIT_CODEGEN_H_
