// Runs the real `signoff` executable for end-to-end tests.
#ifndef SIGNOFF_TESTS_E2E_CLI_RUNNER_H_
#define SIGNOFF_TESTS_E2E_CLI_RUNNER_H_

#include <string>
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

std::string SourceDir();
std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& text);
// Files under `dir` (relative to the source dir) whose name ends in `suffix`,
// sorted, as paths relative to the source dir.
std::vector<std::string> ListFiles(const std::string& dir,
                                   const std::string& suffix);

}  // namespace signoff::testing

#endif  // SIGNOFF_TESTS_E2E_CLI_RUNNER_H_
