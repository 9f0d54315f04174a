// The process-wide LLJIT: creation, helper symbols, optimisation, loading
// and unloading of modules. Every llvm::Error ends here as an absl::Status.
#include "compiler/jit/lljit_host.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "compiler/jit/runtime_calls.h"
#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "stdlib/absl_compat.h"

namespace signoff::jit::internal {
namespace {

absl::Status ToStatus(llvm::Error error, std::string_view what) {
  std::string text = llvm::toString(std::move(error));
  return absl::InternalError(absl::StrCat("jit: ", AsAbsl(what), ": ", text));
}

class Host {
 public:
  static Host& Get() {
    static Host* const kHost = new Host();  // never destroyed
    return *kHost;
  }

  const absl::Status& status() const { return status_; }
  std::mutex& mutex() { return mutex_; }
  llvm::orc::LLJIT& jit() { return *jit_; }

 private:
  Host() { status_ = Create(); }

  absl::Status Create() {
    if (llvm::InitializeNativeTarget() ||
        llvm::InitializeNativeTargetAsmPrinter()) {
      return absl::UnavailableError("jit: no native LLVM target");
    }
    llvm::Expected<llvm::orc::JITTargetMachineBuilder> builder =
        llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!builder) return ToStatus(builder.takeError(), "detecting the host");
    llvm::Expected<std::unique_ptr<llvm::orc::LLJIT>> jit =
        llvm::orc::LLJITBuilder()
            .setJITTargetMachineBuilder(std::move(*builder))
            .create();
    if (!jit) return ToStatus(jit.takeError(), "creating LLJIT");
    jit_ = std::move(*jit);
    llvm::orc::SymbolMap symbols;
    for (const HelperInfo& helper : AllHelpers()) {
      symbols[jit_->mangleAndIntern(helper.name)] =
          llvm::orc::ExecutorSymbolDef(
              llvm::orc::ExecutorAddr::fromPtr(helper.address),
              llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
    }
    if (llvm::Error error = jit_->getMainJITDylib().define(
            llvm::orc::absoluteSymbols(std::move(symbols)))) {
      return ToStatus(std::move(error), "defining helper symbols");
    }
    return absl::OkStatus();
  }

  absl::Status status_;
  std::mutex mutex_;
  std::unique_ptr<llvm::orc::LLJIT> jit_;
};

absl::Status Optimize(llvm::Module& module, llvm::TargetMachine& machine,
                      const CompileProfile& profile) {
  // Declared in this order so they are destroyed in the reverse one.
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager cgscc;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(cgscc);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, cgscc, modules);
  llvm::ModulePassManager passes;
  if (profile.quick) {
    // The cheap scalar clean-ups that matter for this straight-line code.
    // No inlining: each rule function is called from both entries, and
    // inlining it twice doubles the code to select instructions for.
    if (llvm::Error error = builder.parsePassPipeline(
            passes, "function(sroa,early-cse,instcombine,simplifycfg)")) {
      return ToStatus(std::move(error), "the quick pipeline");
    }
  } else if (profile.opt_level <= 0) {
    passes = builder.buildO0DefaultPipeline(llvm::OptimizationLevel::O0);
  } else {
    passes = builder.buildPerModuleDefaultPipeline(
        profile.opt_level == 1   ? llvm::OptimizationLevel::O1
        : profile.opt_level == 2 ? llvm::OptimizationLevel::O2
                                 : llvm::OptimizationLevel::O3);
  }
  passes.run(module, modules);
  return absl::OkStatus();
}

}  // namespace

struct NativeCode::Tracker {
  llvm::orc::ResourceTrackerSP tracker;
};

NativeCode::NativeCode(std::unique_ptr<Tracker> tracker, EntryFunction* entry,
                       EntryFunction* verdict_entry)
    : tracker_(std::move(tracker)),
      entry_(entry),
      verdict_entry_(verdict_entry) {}

NativeCode::~NativeCode() {
  if (tracker_ == nullptr || !tracker_->tracker) return;
  Host& host = Host::Get();
  std::lock_guard<std::mutex> lock(host.mutex());
  if (llvm::Error error = tracker_->tracker->remove()) {
    // Nothing to return it to: the code stays loaded (a leak, not a crash).
    llvm::consumeError(std::move(error));
  }
  tracker_->tracker.reset();
  host.jit().getExecutionSession().getSymbolStringPool()->clearDeadEntries();
}

absl::Status HostStatus() { return Host::Get().status(); }

absl::StatusOr<std::unique_ptr<llvm::MemoryBuffer>> CompileToObject(
    llvm::Module& module, const CompileProfile& profile, std::string* ir_text,
    const std::atomic<bool>* cancel) {
  Host& host = Host::Get();
  if (!host.status().ok()) return host.status();
  // The host's data layout and triple are fixed once created: no lock.
  module.setDataLayout(host.jit().getDataLayout());
  module.setTargetTriple(host.jit().getTargetTriple().str());
  std::string problems;
  llvm::raw_string_ostream problems_out(problems);
  if (llvm::verifyModule(module, &problems_out)) {
    problems_out.flush();
    return absl::InternalError(
        absl::StrCat("jit: generated code does not verify: ", problems));
  }
  // A target machine per compile: they are not safe to share between
  // threads compiling at once.
  llvm::Expected<llvm::orc::JITTargetMachineBuilder> builder =
      llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) return ToStatus(builder.takeError(), "detecting the host");
  builder->setCodeGenOptLevel(profile.quick ? llvm::CodeGenOptLevel::None
                                            : llvm::CodeGenOptLevel::Default);
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> machine =
      builder->createTargetMachine();
  if (!machine) return ToStatus(machine.takeError(), "target machine");
  if (absl::Status s = Optimize(module, **machine, profile); !s.ok()) return s;
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
    return absl::CancelledError("jit: compile cancelled");
  }
  if (ir_text != nullptr) {
    ir_text->clear();
    llvm::raw_string_ostream out(*ir_text);
    module.print(out, nullptr);
    out.flush();
  }
  llvm::orc::SimpleCompiler compile(**machine);
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> object = compile(module);
  if (!object) return ToStatus(object.takeError(), "compiling");
  return std::move(*object);
}

absl::StatusOr<std::unique_ptr<NativeCode>> LoadObject(
    std::unique_ptr<llvm::MemoryBuffer> object, const std::string& entry_name) {
  Host& host = Host::Get();
  if (!host.status().ok()) return host.status();
  std::lock_guard<std::mutex> lock(host.mutex());
  llvm::orc::LLJIT& jit = host.jit();
  auto tracker = std::make_unique<NativeCode::Tracker>();
  tracker->tracker = jit.getMainJITDylib().createResourceTracker();
  if (llvm::Error error =
          jit.addObjectFile(tracker->tracker, std::move(object))) {
    llvm::consumeError(tracker->tracker->remove());
    return ToStatus(std::move(error), "adding the object");
  }
  llvm::Expected<llvm::orc::ExecutorAddr> address = jit.lookup(entry_name);
  if (!address) {
    absl::Status status = ToStatus(address.takeError(), "linking");
    llvm::consumeError(tracker->tracker->remove());
    return status;
  }
  llvm::Expected<llvm::orc::ExecutorAddr> verdict =
      jit.lookup(entry_name + std::string(kVerdictSuffix));
  if (!verdict) {
    absl::Status status = ToStatus(verdict.takeError(), "linking");
    llvm::consumeError(tracker->tracker->remove());
    return status;
  }
  return std::make_unique<NativeCode>(std::move(tracker),
                                      address->toPtr<EntryFunction*>(),
                                      verdict->toPtr<EntryFunction*>());
}

std::string UniqueEntryName() {
  static std::atomic<uint64_t> next{0};
  return absl::StrCat("signoff_policy_", next.fetch_add(1), "_entry");
}

}  // namespace signoff::jit::internal
