// `signoff eval --policy PATH --input FILE|- [--jsonl] [--format json|text]
//               [--explain] [--directory FILE]`
#include <cstdio>
#include <iostream>
#include <optional>

#include "absl/strings/str_cat.h"
#include "cli/cli.h"
#include "compiler/diag/render.h"
#include "compiler/driver/driver.h"
#include "compiler/eval/decision.h"
#include "compiler/eval/request.h"
#include "compiler/interp/interpreter.h"
#include "nlohmann/json.hpp"
#include "runtime/directory/directory.h"
#include "stdlib/absl_compat.h"

namespace signoff::cli {
namespace {

struct EvalContext {
  const driver::Compilation* compilation;
  const runtime::Directory* directory;  // may be null
  bool explain;
  bool text;
};

// Decides one request. InvalidArgument when the text is not JSON.
absl::StatusOr<std::string> DecideOne(const EvalContext& ctx,
                                      std::string_view json, bool pretty) {
  const ir::Policy& policy = *ctx.compilation->policy;
  absl::StatusOr<eval::BoundRequest> request = eval::BindJson(policy, json);
  if (!request.ok()) return request.status();
  interp::EvalOptions options;
  if (ctx.directory != nullptr) {
    options.directory_member = [dir = ctx.directory](std::string_view group,
                                                     std::string_view id) {
      return dir->IsMember(group, id);
    };
  }
  eval::Outcome outcome = interp::Evaluate(policy, *request, options);
  eval::Decision decision =
      eval::Combine(policy, *request, outcome, eval::Defaults{}, ctx.explain,
                    &ctx.compilation->sources);
  if (ctx.text) return eval::DecisionToText(decision, ctx.explain);
  return eval::DecisionToJson(decision, ctx.explain, pretty) + "\n";
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
  std::string engine = args->Get("engine").value_or("interp");
  if (engine != "interp") {
    PrintError(
        absl::StrCat("unknown engine `", engine, "`; available: interp"));
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

  int exit_code = kExitOk;
  std::unique_ptr<driver::Compilation> compilation =
      CompileOrReport(policies, {}, &exit_code);
  if (compilation == nullptr) return exit_code;
  const driver::Compilation& c = *compilation;

  absl::StatusOr<std::string> text = ReadInput(*input);
  if (!text.ok()) {
    PrintError(AsStd(text.status().message()));
    return kExitUsage;
  }
  EvalContext ctx{&c, directory ? &*directory : nullptr, args->Has("explain"),
                  format == "text"};
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
