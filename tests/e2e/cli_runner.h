// Runs the real `signoff` executable for end-to-end tests.
#ifndef SIGNOFF_TESTS_E2E_CLI_RUNNER_H_
#define SIGNOFF_TESTS_E2E_CLI_RUNNER_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace signoff::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `signoff ARGS...` (no shell) with `input` on stdin, NO_COLOR set, in
// the source directory.
RunResult RunSignoff(const std::vector<std::string>& args,
                     const std::string& input = "");

// Changes to the child's environment: a value sets the variable, nullopt
// unsets it (so the test's own environment cannot leak in).
using EnvChanges =
    std::vector<std::pair<std::string, std::optional<std::string>>>;

// RunSignoff with `env` applied in the child (after NO_COLOR). Safe to call
// from several threads at once: each child holds only its own pipes.
RunResult RunSignoffWithEnv(const std::vector<std::string>& args,
                            const EnvChanges& env,
                            const std::string& input = "");

// In a forked child: applies `env`, enters the source directory and execs
// `signoff ARGS...`; never returns (exit 127 when exec fails).
[[noreturn]] void ExecSignoff(const std::vector<std::string>& args,
                              const EnvChanges& env);

std::string SourceDir();
std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& text);
// Files under `dir` (relative to the source dir) whose name ends in `suffix`,
// sorted, as paths relative to the source dir.
std::vector<std::string> ListFiles(const std::string& dir,
                                   const std::string& suffix);

}  // namespace signoff::testing

#endif  // SIGNOFF_TESTS_E2E_CLI_RUNNER_H_
