// `signoff eval --policy PATH --input FILE|- [--jsonl] [--format json|text]
//               [--explain] [--directory FILE] [--engine jit|interp]`
//
// Decides through signoff::Engine: the JIT by default, the reference
// interpreter with `--engine interp` (or, with a note on stderr, when the JIT
// cannot be used). Both decide identically.
#include <cstdio>
#include <iostream>
#include <optional>

#include "absl/strings/str_cat.h"
#include "cli/cli.h"
#include "compiler/driver/driver.h"
#include "compiler/eval/decision.h"
#include "nlohmann/json.hpp"
#include "runtime/directory/directory.h"
#include "runtime/engine/engine.h"
#include "stdlib/absl_compat.h"

namespace signoff::cli {
namespace {

struct EvalContext {
  const Engine* engine;
  bool explain;
  bool text;
};

// Decides one request. InvalidArgument when the text is not JSON.
absl::StatusOr<std::string> DecideOne(const EvalContext& ctx,
                                      std::string_view json, bool pretty) {
  absl::StatusOr<eval::Decision> decision =
      ctx.engine->Decide(json, ctx.explain);
  if (!decision.ok()) return decision.status();
  if (ctx.text) return eval::DecisionToText(*decision, ctx.explain);
  return eval::DecisionToJson(*decision, ctx.explain, pretty) + "\n";
}

}  // namespace

int RunEval(const std::vector<std::string>& argv) {
  absl::StatusOr<Args> args =
      Args::Parse(argv, {.flags = {"explain", "jsonl"},
                         .options = {"input", "format", "directory", "engine"},
                         .repeatable = {"policy"}});
  if (!args.ok()) {
    PrintError(AsStd(args.status().message()));
    return kExitUsage;
  }
  std::vector<std::string> policies = args->GetAll("policy");
  for (const std::string& p : args->positional()) policies.push_back(p);
  if (policies.empty()) {
    PrintError("`signoff eval` needs `--policy PATH`");
    return kExitUsage;
  }
  std::optional<std::string> input = args->Get("input");
  if (!input) {
    PrintError(
        "`signoff eval` needs `--input FILE` (or `--input -` for stdin)");
    return kExitUsage;
  }
  std::string format = args->Get("format").value_or("json");
  if (format != "json" && format != "text") {
    PrintError("`--format` must be json or text");
    return kExitUsage;
  }
  std::string engine_name = args->Get("engine").value_or("jit");
  if (engine_name != "jit" && engine_name != "interp") {
    PrintError(absl::StrCat("unknown engine `", engine_name,
                            "`; available: jit, interp"));
    return kExitUsage;
  }
  bool jsonl =
      args->Has("jsonl") ||
      (input->size() > 6 && input->substr(input->size() - 6) == ".jsonl");

  std::optional<runtime::Directory> directory;
  if (std::optional<std::string> path = args->Get("directory")) {
    absl::StatusOr<runtime::Directory> loaded =
        runtime::Directory::LoadFile(*path);
    if (!loaded.ok()) {
      PrintError(AsStd(loaded.status().message()));
      return kExitUsage;
    }
    directory = *std::move(loaded);
  }

  EngineOptions options;
  options.backend =
      engine_name == "jit" ? Backend::kJit : Backend::kInterpreter;
  // One request: the quick tier alone (an optimised compile would only
  // delay the exit). A stream: tiered, so long replays run optimised code.
  options.jit_tiering = jsonl ? EngineOptions::JitTiering::kTiered
                              : EngineOptions::JitTiering::kQuickOnly;
  if (directory) {
    options.directory_member = [dir = &*directory](std::string_view group,
                                                   std::string_view id) {
      return dir->IsMember(group, id);
    };
  }
  std::unique_ptr<Engine> engine = Engine::Create(std::move(options));

  int exit_code = kExitOk;
  std::unique_ptr<driver::Compilation> compilation =
      CompileOrReport(policies, {}, &exit_code);
  if (compilation == nullptr) return exit_code;
  if (absl::Status loaded = engine->Load(std::move(compilation));
      !loaded.ok()) {
    PrintError(AsStd(loaded.message()));
    return kExitUsage;
  }
  if (engine->backend() != engine->options().backend) {
    std::cerr << "signoff: note: deciding with the interpreter: "
              << engine->fallback_reason() << "\n";
  }

  absl::StatusOr<std::string> text = ReadInput(*input);
  if (!text.ok()) {
    PrintError(AsStd(text.status().message()));
    return kExitUsage;
  }
  EvalContext ctx{engine.get(), args->Has("explain"), format == "text"};
  if (!jsonl) {
    absl::StatusOr<std::string> out = DecideOne(ctx, *text, /*pretty=*/true);
    if (!out.ok()) {
      PrintError(absl::StrCat("input is not JSON: ", out.status().message()));
      return kExitUsage;
    }
    std::fwrite(out->data(), 1, out->size(), stdout);
    return kExitOk;
  }

  // One request per line, one decision per line, in order. A line that is
  // not JSON yields an error object on its line and exit code 2 at the end.
  bool bad_line = false;
  std::string_view rest = *text;
  size_t line_number = 0;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    absl::StatusOr<std::string> out = DecideOne(ctx, line, /*pretty=*/false);
    if (!out.ok()) {
      bad_line = true;
      nlohmann::ordered_json error = {
          {"error",
           {{"code", "invalid_json"},
            {"message", absl::StrCat("line ", line_number, ": ",
                                     out.status().message())}}}};
      std::string dumped = error.dump() + "\n";
      std::fwrite(dumped.data(), 1, dumped.size(), stdout);
      continue;
    }
    std::fwrite(out->data(), 1, out->size(), stdout);
  }
  std::fflush(stdout);
  return bad_line ? kExitUsage : kExitOk;
}

}  // namespace signoff::cli
