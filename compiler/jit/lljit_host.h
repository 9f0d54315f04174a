// The process-wide ORC LLJIT (private to compiler/jit/), KaleidoscopeJIT
// sized: created lazily on first use and never destroyed; the helpers of
// runtime_calls.h are defined in its main JITDylib as absolute symbols; each
// loaded module gets its own ResourceTracker, removed when its NativeCode is
// destroyed, which unloads the code.
//
// Thread safety: CompileToObject, LoadObject and ~NativeCode may be called
// from any thread; LoadObject and ~NativeCode serialise on one mutex
// (deciding never touches the JIT). Calling a loaded entry function takes
// no lock.
#ifndef SIGNOFF_COMPILER_JIT_LLJIT_HOST_H_
#define SIGNOFF_COMPILER_JIT_LLJIT_HOST_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "compiler/jit/abi.h"

namespace llvm {
class MemoryBuffer;
class Module;
}  // namespace llvm

namespace signoff::jit::internal {

// One module's code in the JIT; destroying it unloads the code.
class NativeCode {
 public:
  struct Tracker;
  NativeCode(std::unique_ptr<Tracker> tracker, EntryFunction* entry,
             EntryFunction* verdict_entry);
  ~NativeCode();
  NativeCode(const NativeCode&) = delete;
  NativeCode& operator=(const NativeCode&) = delete;

  EntryFunction* entry() const { return entry_; }
  EntryFunction* verdict_entry() const { return verdict_entry_; }

 private:
  std::unique_ptr<Tracker> tracker_;
  EntryFunction* entry_;
  EntryFunction* verdict_entry_;
};

// OK when the native target is initialised and the JIT was created.
absl::Status HostStatus();

// How a module is turned into machine code.
struct CompileProfile {
  // Quick (tier 1): a short function pipeline (SROA, early CSE,
  // instcombine, simplifycfg; rule functions stay out of line, so each is
  // compiled once though two entries call it) and LLVM's fast instruction
  // selector and register allocator (CodeGenOptLevel::None): a fraction of
  // the compile time of the optimised profile, for slower code.
  // Otherwise (tier 2): the per-module default pipeline at `opt_level`
  // (0-3) and the default code generator.
  bool quick = false;
  int opt_level = 2;
};

// Verifies `module`, optimises it and compiles it to a relocatable object
// for the host. Takes no lock: modules in different contexts compile in
// parallel. When `ir_text` is not null it receives the optimised module as
// LLVM assembly.
// `cancel`, when given and set, stops the work between optimisation and
// code generation (Cancelled).
absl::StatusOr<std::unique_ptr<llvm::MemoryBuffer>> CompileToObject(
    llvm::Module& module, const CompileProfile& profile, std::string* ir_text,
    const std::atomic<bool>* cancel = nullptr);

// Links `object` into the JIT under a new ResourceTracker and looks up
// `entry_name` and its verdict entry (abi.h kVerdictSuffix); serialised on
// the host's mutex; linking is quick.
absl::StatusOr<std::unique_ptr<NativeCode>> LoadObject(
    std::unique_ptr<llvm::MemoryBuffer> object, const std::string& entry_name);

// A name for the entry function of a new module, unique in the process.
std::string UniqueEntryName();

}  // namespace signoff::jit::internal

#endif  // SIGNOFF_COMPILER_JIT_LLJIT_HOST_H_
