// The `signoff` executable: subcommand dispatch, --help and --version.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli.h"

namespace {

constexpr std::string_view kUsage =
    R"(signoff: human approval for the privileged actions of AI agents and pipelines

usage: signoff <command> [options]

commands:
  check PATH...        check policy files; report errors and warnings
      --format text|json|sarif|github    output format (default text)
      --deny-warnings                    exit 1 when there are warnings
  fmt PATH...          format policy files canonically (prints to stdout)
      --check                            exit 1 listing files that are not formatted
      --write                            rewrite files in place
      --diff                             print a unified diff of the changes
  eval                 decide one request (or one per line) against a policy
      --policy PATH                      policy files or directories (repeatable)
      --input FILE|-                     the request JSON (- for stdin)
      --jsonl                            one request per input line, one decision per line
      --format json|text                 output format (default json)
      --explain                          say, for every matching rule, why it did or did not apply
      --directory FILE                   directory.yaml for directory(...) groups
      --engine jit|interp                native code (default) or the reference interpreter
  test PATH...         run the `test` blocks of *_test.signoff files
  serve                run the HTTP server (SIGHUP reloads, SIGINT/SIGTERM stop)
      --config FILE                      signoff.yaml
      --engine jit|interp                native code (default) or the reference interpreter
  keys                 print the JWKS of the signing key (GET /v1/keys); create it if missing
      --config FILE | --keys DIR         the configuration's `keys`, or a keys directory
  audit verify         check the audit log: "audit log OK: N entries", or the first bad entry
      --config FILE | --db PATH | --file EXPORT.jsonl
      --keys DIR | --jwks FILE           public key for the signed checkpoints
  audit export         write the audit log as JSON Lines
      --config FILE | --db PATH
      --after SEQ                        only entries after SEQ
      -o, --output FILE                  write to FILE instead of stdout

  request              ask a server for approval of an action (stdout: the grant token)
      --action NAME                      the action, e.g. data.export
      --params JSON | @FILE | @-         its params, a JSON object (default {})
      --justification TEXT, --ticket TEXT  context for the approvers
      --wait                             wait for the decision, showing who approved,
                                         what is missing and the time left (stderr)
      --timeout DURATION                 give up waiting after e.g. 30s or 10m (implies --wait)
  status ID            show a request; the grant token when approved and yours
      --wait, --timeout DURATION         wait for the decision, as for `request`
      --json                             print the request as JSON on stdout
  approve ID           vote to approve a request
      --comment TEXT                     a comment, stored and audited with the vote
  reject ID            vote to reject a request (--comment TEXT)
  cancel ID            cancel your own pending request
    the approval client commands take:
      --server URL                       the server, http(s)://HOST:PORT (or $SIGNOFF_SERVER)
      --api-key-file FILE                read the API key from FILE (- for stdin); without it
                                         the key comes from $SIGNOFF_API_KEY, never argv
      --ca-file FILE                     https: CA certificates (or $SIGNOFF_CA_FILE)

options:
  -h, --help           show this help
  --version            show the version

exit codes: 0 success (request/status: approved, the token on stdout);
            1 policy errors, failing tests, a tampered audit log, or a vote or
              cancel the server refused (403 not allowed, 409 already voted or final);
            2 usage, I/O, configuration, input that is not JSON, network errors,
              or another error answer of the server (401 bad key, 404 no such request);
            request/status only: 3 denied or rejected; 4 expired; 5 still pending
              (no --wait, or --timeout reached; the request id on stdout);
              6 cancelled; 130 interrupted while waiting (the request stays pending)
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage.data(), stderr);
    return signoff::cli::kExitUsage;
  }
  const std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "-h" || command == "--help" || command == "help") {
    std::fputs(kUsage.data(), stdout);
    return signoff::cli::kExitOk;
  }
  if (command == "--version" || command == "version") {
    std::printf("signoff %s\n", SIGNOFF_VERSION);
    return signoff::cli::kExitOk;
  }
  for (const std::string& arg : rest) {
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage.data(), stdout);
      return signoff::cli::kExitOk;
    }
  }
  if (command == "check") return signoff::cli::RunCheck(rest);
  if (command == "fmt") return signoff::cli::RunFmt(rest);
  if (command == "eval") return signoff::cli::RunEval(rest);
  if (command == "test") return signoff::cli::RunTest(rest);
  if (command == "serve") return signoff::cli::RunServe(rest);
  if (command == "keys") return signoff::cli::RunKeys(rest);
  if (command == "audit") return signoff::cli::RunAudit(rest);
  if (command == "request") return signoff::cli::RunRequest(rest);
  if (command == "status") return signoff::cli::RunStatus(rest);
  if (command == "approve") return signoff::cli::RunVote(rest, "approve");
  if (command == "reject") return signoff::cli::RunVote(rest, "reject");
  if (command == "cancel") return signoff::cli::RunCancel(rest);
  signoff::cli::PrintError("unknown command `" + command +
                           "`; run `signoff --help` for the list");
  return signoff::cli::kExitUsage;
}
