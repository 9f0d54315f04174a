// `signoff serve --config FILE [--engine jit|interp]`
//
// Runs the HTTP server until SIGINT or SIGTERM (graceful stop: requests in
// flight finish, a final audit checkpoint is signed). SIGHUP reloads the
// policy set and directory.yaml; a set with errors is refused and the old
// one keeps serving. One line per start, reload and stop on stderr.
//
// The three signals are blocked before any thread starts and taken with
// sigwait(2) on the main thread, so no handler runs inside the server.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/cli.h"
#include "runtime/config/config.h"
#include "runtime/server/server.h"
#include "stdlib/absl_compat.h"

namespace signoff::cli {
namespace {

void LogLine(std::string_view line) {
  // One fprintf per line: stdio locks the stream, so lines from several
  // threads do not interleave.
  std::fprintf(stderr, "signoff: %.*s\n", static_cast<int>(line.size()),
               line.data());
}

}  // namespace

int RunServe(const std::vector<std::string>& argv) {
  absl::StatusOr<Args> args =
      Args::Parse(argv, {.options = {"config", "engine"}});
  if (!args.ok()) {
    PrintError(AsStd(args.status().message()));
    return kExitUsage;
  }
  std::optional<std::string> config_path = args->Get("config");
  if (!config_path || !args->positional().empty()) {
    PrintError("usage: signoff serve --config FILE");
    return kExitUsage;
  }
  std::string engine = args->Get("engine").value_or("jit");
  if (engine != "jit" && engine != "interp") {
    PrintError(
        absl::StrCat("unknown engine `", engine, "`; available: jit, interp"));
    return kExitUsage;
  }
  absl::StatusOr<config::Config> config = config::LoadConfigFile(*config_path);
  if (!config.ok()) {
    PrintError(AsStd(config.status().message()));
    return kExitUsage;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  server::Server::Options options;
  options.context.backend =
      engine == "jit" ? Backend::kJit : Backend::kInterpreter;
  options.context.log = LogLine;
  absl::StatusOr<std::unique_ptr<server::Server>> server =
      server::Server::Start(*std::move(config), std::move(options));
  if (!server.ok()) {
    if (absl::IsInvalidArgument(server.status())) {
      // The policy's diagnostics, rendered as `signoff check` prints them.
      std::fprintf(stderr, "%s",
                   std::string(server.status().message()).c_str());
      PrintError("the policy set has errors; not serving");
      return kExitFailure;
    }
    PrintError(absl::StrCat("cannot serve: ", server.status().message()));
    return kExitUsage;
  }

  while (true) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0) continue;
    if (signal == SIGHUP) {
      // Refusals are logged by the server; it keeps serving either way.
      (void)(*server)->Reload("runtime", "sighup");
      continue;
    }
    LogLine(absl::StrCat("stopping (", signal == SIGINT ? "SIGINT" : "SIGTERM",
                         ")"));
    break;
  }
  (*server)->Stop();
  return kExitOk;
}

}  // namespace signoff::cli
