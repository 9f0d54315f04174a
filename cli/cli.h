// Shared pieces of the `signoff` command-line tool.
//
// Exit codes (stable, documented in README.md and `signoff --help`):
//   0 success; 1 policy errors, failing tests, a tampered audit log, or a
//   vote or cancel the server refused (403, 409); 2 usage, I/O,
//   configuration, network, input that is not JSON, or another error
//   answer of the server; and for the approval client commands (request,
//   status): 3 denied or rejected, 4 expired, 5 still pending, 6 cancelled.
//   130 when a wait is interrupted (SIGINT).
#ifndef SIGNOFF_CLI_CLI_H_
#define SIGNOFF_CLI_CLI_H_

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/driver/driver.h"

namespace signoff::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRejected = 3;   // denied by policy or rejected
inline constexpr int kExitExpired = 4;    // no quorum before the deadline
inline constexpr int kExitPending = 5;    // still pending (no --wait, timeout)
inline constexpr int kExitCancelled = 6;  // cancelled by the requester

// A tiny argument parser: `--flag`, `--key value`, `--key=value`, and
// positional arguments. Unknown flags are usage errors.
class Args {
 public:
  // `flags` take no value; `options` take one. `repeatable` options may be
  // given several times.
  struct Spec {
    std::vector<std::string> flags = {};
    std::vector<std::string> options = {};
    std::vector<std::string> repeatable = {};
  };
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& argv,
                                    const Spec& spec);

  bool Has(std::string_view flag) const;
  std::optional<std::string> Get(std::string_view option) const;
  std::vector<std::string> GetAll(std::string_view option) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positional_;
};

// Whether to colour output on this stream: a TTY and NO_COLOR unset.
bool UseColor(std::FILE* stream);

// Reads a file, or standard input for "-".
absl::StatusOr<std::string> ReadInput(const std::string& path);

// A unified diff of two texts, line by line, with `context` lines around
// each change; "" when equal.
std::string UnifiedDiff(std::string_view before, std::string_view after,
                        std::string_view before_name,
                        std::string_view after_name, int context = 3);

// Compiles a policy set for a command that needs one. On failure prints the
// diagnostics (or the machine error) to stderr, sets *exit_code (2 for
// unreadable paths, 1 for errors in the policy) and returns null.
std::unique_ptr<driver::Compilation> CompileOrReport(
    const std::vector<std::string>& paths, const driver::LoadOptions& options,
    int* exit_code);

// Prints "signoff: error: MESSAGE" to stderr.
void PrintError(std::string_view message);

int RunCheck(const std::vector<std::string>& argv);
int RunFmt(const std::vector<std::string>& argv);
int RunEval(const std::vector<std::string>& argv);
int RunTest(const std::vector<std::string>& argv);
int RunServe(const std::vector<std::string>& argv);
int RunKeys(const std::vector<std::string>& argv);
int RunAudit(const std::vector<std::string>& argv);
// The approval client (cmd_request.cc): `signoff request`, `status`,
// `approve` / `reject` (`vote` is "approve" or "reject"), `cancel`.
int RunRequest(const std::vector<std::string>& argv);
int RunStatus(const std::vector<std::string>& argv);
int RunVote(const std::vector<std::string>& argv, std::string_view vote);
int RunCancel(const std::vector<std::string>& argv);

}  // namespace signoff::cli

#endif  // SIGNOFF_CLI_CLI_H_
