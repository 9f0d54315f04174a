// `signoff request`, `status`, `approve`, `reject` and `cancel` against a
// real `signoff serve` (the server example's configuration): the API-only
// approval flow, with no chat channel, end to end.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/serve_process.h"

namespace signoff::testing {
namespace {

using nlohmann::json;

// Confidential: a data steward and someone from the privacy office
// (priya), never agent:etl itself or dana, for whom it acts.
constexpr char kConfidential[] =
    R"({"dataset": "customers", "rows": 50000, "destination": "s3://warehouse/q4", "classification": "confidential"})";
// Small and internal: allowed at once.
constexpr char kInternal[] =
    R"({"dataset": "sales", "rows": 10, "destination": "s3://warehouse/daily", "classification": "internal"})";
constexpr char kPublicBucket[] =
    R"({"dataset": "sales", "rows": 10, "destination": "s3://public-dump", "classification": "internal"})";

// Requests that expire two seconds after they are made.
constexpr char kExpiringPolicy[] = R"(import "std/actions"

group secret_keepers = ["bob", "carol"]

rule secret_reads_expire_fast {
  on secret.read
  require 1 of secret_keepers
  expire 2s
}
)";
constexpr char kSecretRead[] =
    R"({"path": "kv/prod/payments", "environment": "prod"})";

const std::regex kToken("sg1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\n");
const std::regex kRequestId("r_[a-z0-9]+\n");

int CountOf(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

class RequestCliTest : public ServeFixture {
 protected:
  void SetUp() override {
    // The example's night rule depends on the hour in Berlin; without it
    // the decisions are the same at any time of day.
    const std::string path = dir_ + "/policies/exports.signoff";
    std::string policy = std::regex_replace(
        ReadFileOrDie(path),
        std::regex("rule night_exports \\{[\\s\\S]*?\\n\\}\\n"), "");
    ASSERT_EQ(policy.find("night_exports"), std::string::npos);
    WriteFileOrDie(path, policy);
    WriteFileOrDie(dir_ + "/policies/expiring.signoff", kExpiringPolicy);
    server_ = std::make_unique<ServeProcess>(config(), dir_ + "/serve.log");
    port_ = server_->WaitForLog("serving on 127\\.0\\.0\\.1:(\\d+)");
    ASSERT_FALSE(port_.empty()) << server_->Log();
    url_ = "http://127.0.0.1:" + port_;
  }

  // `signoff ARGS...` with the server in $SIGNOFF_SERVER and `key` in
  // $SIGNOFF_API_KEY (both unset when empty).
  RunResult Cli(const std::vector<std::string>& args, const std::string& key,
                bool with_server = true) {
    EnvChanges env = {
        {"SIGNOFF_SERVER",
         with_server ? std::optional<std::string>(url_) : std::nullopt},
        {"SIGNOFF_API_KEY",
         key.empty() ? std::nullopt : std::optional<std::string>(key)},
        {"SIGNOFF_CA_FILE", std::nullopt},
    };
    return RunSignoffWithEnv(args, env);
  }

  // `signoff request` as agent:etl for a data export.
  RunResult Export(const std::string& params,
                   const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"request", "--action", "data.export",
                                     "--params", params};
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args, "demo-key-etl");
  }

  std::future<RunResult> ExportInBackground(
      const std::string& params, const std::vector<std::string>& extra) {
    return std::async(std::launch::async,
                      [this, params, extra] { return Export(params, extra); });
  }

  httplib::Client Http() {
    return httplib::Client("127.0.0.1", std::stoi(port_));
  }

  // The id of the one pending request `identity` may vote on, once it is
  // there; "" after 30 s.
  std::string WaitForInbox(const std::string& key) {
    httplib::Client client = Http();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      httplib::Result inbox = client.Get("/v1/requests?status=pending",
                                         {{"Authorization", "Bearer " + key}});
      if (inbox && inbox->status == 200) {
        json body = json::parse(inbox->body, nullptr, false);
        if (body.is_object() && body["requests"].is_array() &&
            !body["requests"].empty()) {
          return body["requests"][0]["id"].get<std::string>();
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

  // POST /v1/grants/consume of `token` for an export with `params`.
  httplib::Result Consume(const std::string& token, const std::string& params) {
    json body = {{"token", token},
                 {"request",
                  {{"action", "data.export"},
                   {"params", json::parse(params)},
                   {"requester", {{"id", "agent:etl"}}}}}};
    return Http().Post("/v1/grants/consume",
                       {{"Authorization", "Bearer demo-key-etl"}}, body.dump(),
                       "application/json");
  }

  std::unique_ptr<ServeProcess> server_;
  std::string port_;
  std::string url_;
};

TEST_F(RequestCliTest, AllowedAtOncePrintsOnlyTheToken) {
  RunResult allowed = Export(kInternal, {"--justification", "daily sales"});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_TRUE(std::regex_match(allowed.out, kToken)) << allowed.out;
  EXPECT_NE(allowed.err.find("approved by policy (small_internal_exports)"),
            std::string::npos)
      << allowed.err;
  const std::string token = allowed.out.substr(0, allowed.out.size() - 1);
  httplib::Result consumed = Consume(token, kInternal);
  ASSERT_TRUE(consumed);
  EXPECT_EQ(consumed->status, 200) << consumed->body;
  EXPECT_NE(consumed->body.find("\"consumed\":true"), std::string::npos);
  // Single use.
  EXPECT_EQ(Consume(token, kInternal)->status, 409);

  // The same with the params from a file and the key from a file.
  WriteFileOrDie(dir_ + "/params.json", kInternal);
  WriteFileOrDie(dir_ + "/key", "demo-key-etl\n");
  RunResult from_files =
      Cli({"request", "--action", "data.export", "--params",
           "@" + dir_ + "/params.json", "--api-key-file", dir_ + "/key"},
          "");
  EXPECT_EQ(from_files.exit_code, 0) << from_files.err;
  EXPECT_TRUE(std::regex_match(from_files.out, kToken)) << from_files.out;
}

TEST_F(RequestCliTest, DeniedExitsThree) {
  RunResult denied = Export(kPublicBucket);
  EXPECT_EQ(denied.exit_code, 3) << denied.err;
  EXPECT_EQ(denied.out, "");
  EXPECT_NE(denied.err.find("denied by no_public_buckets: exports to public "
                            "buckets are forbidden"),
            std::string::npos)
      << denied.err;

  // Params the action's schema refuses: the server's 400, nothing stored.
  RunResult invalid = Export(
      R"({"dataset": "sales", "rows": "many", "destination": "s3://warehouse/x", "classification": "internal"})");
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_EQ(invalid.out, "");
  EXPECT_NE(invalid.err.find("signoff: 400 bad_request: "), std::string::npos)
      << invalid.err;
  EXPECT_NE(invalid.err.find("params.rows"), std::string::npos) << invalid.err;
}

TEST_F(RequestCliTest, WaitsWhileTwoApproversVote) {
  std::future<RunResult> waiting =
      ExportInBackground(kConfidential, {"--wait", "--ticket", "DATA-12"});
  const std::string id = WaitForInbox("demo-key-diego");
  ASSERT_FALSE(id.empty()) << server_->Log();
  // Time for the waiting client to show the first line.
  std::this_thread::sleep_for(std::chrono::seconds(1));

  RunResult diego =
      Cli({"approve", id, "--comment", "ok for Q4"}, "demo-key-diego");
  EXPECT_EQ(diego.exit_code, 0) << diego.err;
  EXPECT_EQ(diego.out, "");
  EXPECT_NE(diego.err.find("pending: data_stewards 1/1 (diego); "
                           "privacy_office 0/1 where approver.team != "
                           "requester.team; "),
            std::string::npos)
      << diego.err;
  // More than one poll of the waiting client (every 2 s without a TTY).
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  RunResult priya = Cli({"approve", id}, "demo-key-priya");
  EXPECT_EQ(priya.exit_code, 0) << priya.err;
  EXPECT_NE(priya.err.find("resolved: approved"), std::string::npos)
      << priya.err;

  RunResult result = waiting.get();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(std::regex_match(result.out, kToken)) << result.out;
  const std::string& err = result.err;
  EXPECT_NE(err.find("request " + id + " needs approval"), std::string::npos)
      << err;
  // One line per change, not one per poll.
  EXPECT_EQ(CountOf(err,
                    "pending: data_stewards 0/1; privacy_office 0/1 "
                    "where approver.team != requester.team; "),
            1)
      << err;
  EXPECT_EQ(CountOf(err,
                    "pending: data_stewards 1/1 (diego); privacy_office "
                    "0/1 where approver.team != requester.team; "),
            1)
      << err;
  EXPECT_TRUE(std::regex_search(err, std::regex("; 1h59m\\d+s left\n"))) << err;
  EXPECT_NE(err.find("approved by diego, priya"), std::string::npos) << err;
  EXPECT_EQ(err.find('\r'), std::string::npos) << "no TTY, no rewriting";

  const std::string token = result.out.substr(0, result.out.size() - 1);
  httplib::Result consumed = Consume(token, kConfidential);
  ASSERT_TRUE(consumed);
  EXPECT_EQ(consumed->status, 200) << consumed->body;

  // The request is final: a late vote is refused (409), exit 1.
  RunResult late = Cli({"reject", id}, "demo-key-dana");
  EXPECT_EQ(late.exit_code, 1) << late.err;
  RunResult again = Cli({"approve", id}, "demo-key-priya");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("signoff: 409 conflict: "), std::string::npos)
      << again.err;
}

TEST_F(RequestCliTest, RejectionExitsThreeAndSaysWho) {
  std::future<RunResult> waiting =
      ExportInBackground(kConfidential, {"--wait"});
  const std::string id = WaitForInbox("demo-key-priya");
  ASSERT_FALSE(id.empty()) << server_->Log();
  RunResult priya =
      Cli({"reject", id, "--comment", "not this quarter"}, "demo-key-priya");
  EXPECT_EQ(priya.exit_code, 0) << priya.err;
  EXPECT_NE(priya.err.find("resolved: rejected"), std::string::npos)
      << priya.err;
  RunResult result = waiting.get();
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("rejected by priya (\"not this quarter\")"),
            std::string::npos)
      << result.err;
}

TEST_F(RequestCliTest, ExpiryExitsFour) {
  const auto start = std::chrono::steady_clock::now();
  RunResult result = Cli({"request", "--action", "secret.read", "--params",
                          kSecretRead, "--wait", "--timeout", "30s"},
                         "demo-key-etl");
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("pending: secret_keepers 0/1; "), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("expired before the quorum was reached "
                            "(secret_keepers 0/1)"),
            std::string::npos)
      << result.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST_F(RequestCliTest, TimeoutAndNoWaitExitFiveWithTheId) {
  RunResult timed_out = Export(kConfidential, {"--timeout", "2s"});
  EXPECT_EQ(timed_out.exit_code, 5) << timed_out.err;
  ASSERT_TRUE(std::regex_match(timed_out.out, kRequestId)) << timed_out.out;
  EXPECT_NE(timed_out.err.find("still pending after 2s: data_stewards 0/1"),
            std::string::npos)
      << timed_out.err;

  RunResult no_wait = Export(kConfidential);
  EXPECT_EQ(no_wait.exit_code, 5) << no_wait.err;
  ASSERT_TRUE(std::regex_match(no_wait.out, kRequestId)) << no_wait.out;
  EXPECT_NE(no_wait.err.find("pending: data_stewards 0/1; privacy_office 0/1"),
            std::string::npos)
      << no_wait.err;
  const std::string id = no_wait.out.substr(0, no_wait.out.size() - 1);

  // `status` reports the same; the requester cancels it; then it is 6.
  RunResult status = Cli({"status", id}, "demo-key-diego");
  EXPECT_EQ(status.exit_code, 5) << status.err;
  EXPECT_NE(status.err.find("data.export by agent:etl (for dana)"),
            std::string::npos)
      << status.err;
  RunResult not_yours = Cli({"cancel", id}, "demo-key-diego");
  EXPECT_EQ(not_yours.exit_code, 1) << not_yours.err;
  EXPECT_NE(not_yours.err.find("signoff: 403 forbidden: "), std::string::npos)
      << not_yours.err;
  RunResult cancel = Cli({"cancel", id}, "demo-key-etl");
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  RunResult cancelled = Cli({"status", id, "--wait"}, "demo-key-etl");
  EXPECT_EQ(cancelled.exit_code, 6) << cancelled.err;
  EXPECT_NE(cancelled.err.find("cancelled"), std::string::npos);
  RunResult as_json = Cli({"status", id, "--json"}, "demo-key-etl");
  EXPECT_EQ(as_json.exit_code, 6);
  json view = json::parse(as_json.out, nullptr, false);
  ASSERT_TRUE(view.is_object()) << as_json.out;
  EXPECT_EQ(view["status"], "cancelled");
  EXPECT_EQ(view["id"], id);
}

TEST_F(RequestCliTest, IneligibleApproversAreRefused) {
  RunResult pending = Export(kConfidential);
  ASSERT_EQ(pending.exit_code, 5) << pending.err;
  const std::string id = pending.out.substr(0, pending.out.size() - 1);

  RunResult bob = Cli({"approve", id}, "demo-key-bob");
  EXPECT_EQ(bob.exit_code, 1);
  EXPECT_NE(bob.err.find("signoff: 403 forbidden: `bob` is not eligible"),
            std::string::npos)
      << bob.err;
  // agent:etl acts for dana: neither may approve its requests.
  RunResult dana = Cli({"approve", id}, "demo-key-dana");
  EXPECT_EQ(dana.exit_code, 1);
  EXPECT_NE(dana.err.find("signoff: 403 forbidden: "), std::string::npos)
      << dana.err;
  RunResult self = Cli({"approve", id}, "demo-key-etl");
  EXPECT_EQ(self.exit_code, 1);
  EXPECT_NE(self.err.find("signoff: 403 forbidden: "), std::string::npos)
      << self.err;
  // A second vote by one identity: 409.
  EXPECT_EQ(Cli({"approve", id}, "demo-key-diego").exit_code, 0);
  RunResult twice = Cli({"approve", id}, "demo-key-diego");
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("signoff: 409 conflict: `diego` already voted"),
            std::string::npos)
      << twice.err;
}

TEST_F(RequestCliTest, UnknownRequestExitsTwo) {
  RunResult approve = Cli({"approve", "r_doesnotexist"}, "demo-key-diego");
  EXPECT_EQ(approve.exit_code, 2);
  EXPECT_NE(approve.err.find("signoff: 404 not_found: "), std::string::npos)
      << approve.err;
  RunResult status = Cli({"status", "r_doesnotexist"}, "demo-key-diego");
  EXPECT_EQ(status.exit_code, 2);
  // An id that is not a path segment stays one.
  RunResult odd = Cli({"reject", "../../healthz"}, "demo-key-diego");
  EXPECT_EQ(odd.exit_code, 2);
  EXPECT_NE(odd.err.find("signoff: 404 not_found: "), std::string::npos)
      << odd.err;
}

TEST_F(RequestCliTest, MissingServerOrKeyIsAUsageError) {
  RunResult no_server =
      Cli({"request", "--action", "data.export", "--params", kInternal},
          "demo-key-etl", /*with_server=*/false);
  EXPECT_EQ(no_server.exit_code, 2);
  EXPECT_NE(no_server.err.find("no server"), std::string::npos)
      << no_server.err;
  RunResult no_key =
      Cli({"request", "--action", "data.export", "--params", kInternal}, "");
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.err.find("no API key"), std::string::npos) << no_key.err;
  EXPECT_EQ(Cli({"approve", "r_x"}, "").exit_code, 2);
  // --server on the command line instead of the variable.
  RunResult flag = Cli({"request", "--server", url_, "--action", "data.export",
                        "--params", kInternal},
                       "demo-key-etl", /*with_server=*/false);
  EXPECT_EQ(flag.exit_code, 0) << flag.err;
  // Never a key on the command line.
  RunResult on_argv = Cli({"approve", "r_x", "--api-key=demo-key-diego"}, "");
  EXPECT_EQ(on_argv.exit_code, 2);
  EXPECT_NE(on_argv.err.find("not taken on the command line"),
            std::string::npos)
      << on_argv.err;
  WriteFileOrDie(dir_ + "/empty-key", "\n");
  EXPECT_EQ(Cli({"approve", "r_x", "--api-key-file", dir_ + "/empty-key"}, "")
                .exit_code,
            2);
  // Bad arguments.
  EXPECT_EQ(Cli({"request", "--params", kInternal}, "demo-key-etl").exit_code,
            2);
  EXPECT_EQ(Cli({"request", "--action", "data.export", "--params", "[1]"},
                "demo-key-etl")
                .exit_code,
            2);
  EXPECT_EQ(Cli({"request", "--action", "data.export", "--timeout", "soon"},
                "demo-key-etl")
                .exit_code,
            2);
  EXPECT_EQ(Cli({"approve"}, "demo-key-diego").exit_code, 2);
  RunResult scheme =
      Cli({"approve", "r_x", "--server", "ftp://host"}, "demo-key-diego");
  EXPECT_EQ(scheme.exit_code, 2);
  EXPECT_NE(scheme.err.find("unsupported scheme"), std::string::npos)
      << scheme.err;
}

TEST_F(RequestCliTest, BadKeyIsUnauthenticated) {
  RunResult request = Export(kInternal);  // sanity: the good key works
  EXPECT_EQ(request.exit_code, 0) << request.err;
  RunResult bad =
      Cli({"request", "--action", "data.export", "--params", kInternal},
          "demo-key-mallory");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find("signoff: 401 unauthenticated: "), std::string::npos)
      << bad.err;
  RunResult vote = Cli({"approve", "r_x"}, "demo-key-mallory");
  EXPECT_EQ(vote.exit_code, 2);
  EXPECT_NE(vote.err.find("unauthenticated"), std::string::npos) << vote.err;
}

TEST_F(RequestCliTest, ServerGoneExitsTwoAfterRetries) {
  std::future<RunResult> waiting =
      ExportInBackground(kConfidential, {"--wait"});
  ASSERT_FALSE(WaitForInbox("demo-key-diego").empty());
  server_->Signal(SIGKILL);
  server_->Wait();
  RunResult result = waiting.get();
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("retrying in 1s"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("gave up after 5 retries"), std::string::npos)
      << result.err;
  // Submitting to a server that is not there is not retried.
  RunResult submit = Export(kInternal);
  EXPECT_EQ(submit.exit_code, 2);
  EXPECT_NE(submit.err.find("cannot reach " + url_), std::string::npos)
      << submit.err;
}

// On a terminal: runs `signoff ARGS...` on a pseudo-terminal, sends
// `signal` after `signal_after` (if any), returns the exit code and all it
// wrote.
struct TtyResult {
  int exit_code = -1;
  std::string output;
};
TtyResult RunOnTty(const std::vector<std::string>& args, const EnvChanges& env,
                   std::optional<std::chrono::milliseconds> signal_after) {
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid == 0) ExecSignoff(args, env);
  TtyResult result;
  if (pid < 0) return result;
  const auto start = std::chrono::steady_clock::now();
  bool signalled = false;
  char buffer[4096];
  while (true) {
    if (signal_after && !signalled &&
        std::chrono::steady_clock::now() - start >= *signal_after) {
      kill(pid, SIGINT);
      signalled = true;
    }
    pollfd fd = {master, POLLIN, 0};
    if (poll(&fd, 1, 100) < 0) break;
    if (fd.revents == 0) {
      if (std::chrono::steady_clock::now() - start > std::chrono::seconds(60)) {
        kill(pid, SIGKILL);
      }
      continue;
    }
    ssize_t n = read(master, buffer, sizeof buffer);
    if (n <= 0) break;  // EIO once the child is gone
    result.output.append(buffer, static_cast<size_t>(n));
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

TEST_F(RequestCliTest, OnATerminalTheLineIsRewrittenAndCountsDown) {
  EnvChanges env = {{"SIGNOFF_SERVER", url_},
                    {"SIGNOFF_API_KEY", "demo-key-etl"}};
  TtyResult result = RunOnTty({"request", "--action", "data.export", "--params",
                               kConfidential, "--timeout", "4s"},
                              env, std::nullopt);
  EXPECT_EQ(result.exit_code, 5) << result.output;
  const std::string& out = result.output;
  // Rewritten in place, the time left counting down at least once a
  // second (several distinct values within 4 s).
  std::regex line(
      "\r\x1b\\[2Kpending: data_stewards 0/1; privacy_office 0/1 where "
      "approver.team != requester.team; 1h59m(\\d+)s left");
  std::set<std::string> times;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), line);
       it != std::sregex_iterator(); ++it) {
    times.insert((*it)[1].str());
  }
  EXPECT_GE(times.size(), 3u) << out;
  // The last line is cleared before the outcome is printed.
  EXPECT_NE(out.find("\r\x1b[2Ksignoff: still pending after 4s"),
            std::string::npos)
      << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("\nr_[a-z0-9]+\r?\n$"))) << out;
}

TEST_F(RequestCliTest, InterruptLeavesTheLineCleanAndTheRequestPending) {
  EnvChanges env = {{"SIGNOFF_SERVER", url_},
                    {"SIGNOFF_API_KEY", "demo-key-etl"}};
  TtyResult result = RunOnTty({"request", "--action", "data.export", "--params",
                               kConfidential, "--wait"},
                              env, std::chrono::milliseconds(1500));
  EXPECT_EQ(result.exit_code, 130) << result.output;
  EXPECT_NE(result.output.find("\r\x1b[2Ksignoff: interrupted; request r_"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("is still pending"), std::string::npos);
  // Still pending on the server: diego can approve it.
  const std::string id = WaitForInbox("demo-key-diego");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Cli({"approve", id}, "demo-key-diego").exit_code, 0);
}

}  // namespace
}  // namespace signoff::testing
