// The process-wide ORC LLJIT (private to compiler/jit/), KaleidoscopeJIT
// sized: created lazily on first use and never destroyed; the helpers of
// runtime_calls.h are defined in its main JITDylib as absolute symbols; each
// loaded module gets its own ResourceTracker, removed when its NativeCode is
// destroyed, which unloads the code.
//
// Thread safety: LoadModule and ~NativeCode may be called from any thread;
// they serialise on one mutex (compiling is rare; deciding never touches the
// JIT). Calling a loaded entry function takes no lock.
#ifndef SIGNOFF_COMPILER_JIT_LLJIT_HOST_H_
#define SIGNOFF_COMPILER_JIT_LLJIT_HOST_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "compiler/jit/abi.h"

namespace llvm {
class LLVMContext;
class Module;
}  // namespace llvm

namespace signoff::jit::internal {

// One module's code in the JIT; destroying it unloads the code.
class NativeCode {
 public:
  struct Tracker;
  NativeCode(std::unique_ptr<Tracker> tracker, EntryFunction* entry);
  ~NativeCode();
  NativeCode(const NativeCode&) = delete;
  NativeCode& operator=(const NativeCode&) = delete;

  EntryFunction* entry() const { return entry_; }

 private:
  std::unique_ptr<Tracker> tracker_;
  EntryFunction* entry_;
};

// OK when the native target is initialised and the JIT was created.
absl::Status HostStatus();

// Verifies `module`, optimises it at `opt_level` (0-3), adds it under a new
// ResourceTracker and looks up `entry_name`. When `ir_text` is not null it
// receives the optimised module as LLVM assembly.
absl::StatusOr<std::unique_ptr<NativeCode>> LoadModule(
    std::unique_ptr<llvm::LLVMContext> context,
    std::unique_ptr<llvm::Module> module, const std::string& entry_name,
    int opt_level, std::string* ir_text);

// A name for the entry function of a new module, unique in the process.
std::string UniqueEntryName();

}  // namespace signoff::jit::internal

#endif  // SIGNOFF_COMPILER_JIT_LLJIT_HOST_H_
