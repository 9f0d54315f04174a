// A `signoff serve` child process and a test fixture with the server
// example's configuration in a temporary directory, for the end-to-end
// tests that run the real executable (serve, request, crash safety).
#ifndef SIGNOFF_TESTS_E2E_SERVE_PROCESS_H_
#define SIGNOFF_TESTS_E2E_SERVE_PROCESS_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "tests/e2e/cli_runner.h"

namespace signoff::testing {

// A `signoff serve` child process whose stderr goes to a file. The channel
// secrets of the examples are set in its environment (SLACK_BOT_TOKEN,
// SLACK_SIGNING_SECRET, TEAMS_APP_PASSWORD), then `env` is applied.
class ServeProcess {
 public:
  ServeProcess(const std::string& config, const std::string& log,
               const EnvChanges& env = {})
      : log_(log) {
    WriteFileOrDie(log, "");  // exists before the child writes to it
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fd, 2);
      close(fd);
      if (chdir(SIGNOFF_SOURCE_DIR) != 0) _exit(127);
      setenv("SLACK_BOT_TOKEN", "xoxb-test", 1);
      setenv("SLACK_SIGNING_SECRET", "slack-secret", 1);
      setenv("TEAMS_APP_PASSWORD", "teams-password", 1);
      for (const auto& [name, value] : env) {
        if (value) {
          setenv(name.c_str(), value->c_str(), 1);
        } else {
          unsetenv(name.c_str());
        }
      }
      execl(SIGNOFF_BINARY, SIGNOFF_BINARY, "serve", "--config", config.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~ServeProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  std::string Log() const { return ReadFileOrDie(log_); }

  // Waits until the log matches `pattern`; returns the match's first group
  // (or the whole match), "" after 60 s.
  std::string WaitForLog(const std::string& pattern) const {
    std::regex re(pattern);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch match;
      std::string log = Log();
      if (std::regex_search(log, match, re)) {
        return match.size() > 1 ? match[1].str() : match[0].str();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }

  void Signal(int signal) const { kill(pid_, signal); }

  // The exit code, after waiting for the process.
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

// A temporary directory with the example's signoff.yaml (an ephemeral
// port, ./policies holding a copy of examples/data-exports, the example's
// directory.yaml), where the server creates signoff.db and keys/.
class ServeFixture : public ::testing::Test {
 protected:
  ServeFixture() {
    char pattern[] = "/tmp/signoff-serve-e2e-XXXXXX";
    if (mkdtemp(pattern) != nullptr) dir_ = pattern;
    std::filesystem::create_directories(dir_ + "/policies");
    std::filesystem::copy_file(
        SourceDir() + "/examples/data-exports/exports.signoff",
        dir_ + "/policies/exports.signoff");
    // The example's configuration, moved to a temporary directory and an
    // ephemeral port.
    std::string yaml =
        ReadFileOrDie(SourceDir() + "/examples/server/signoff.yaml");
    yaml = std::regex_replace(yaml, std::regex("127\\.0\\.0\\.1:8181"),
                              "127.0.0.1:0");
    yaml = std::regex_replace(yaml, std::regex("\\.\\./data-exports"),
                              "./policies");
    yaml = std::regex_replace(yaml, std::regex("\\./directory\\.yaml"),
                              SourceDir() + "/examples/server/directory.yaml");
    WriteFileOrDie(config(), yaml);
  }
  ~ServeFixture() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string config() const { return dir_ + "/signoff.yaml"; }
  std::string db() const { return dir_ + "/signoff.db"; }

  void RawExec(const std::string& sql) {
    sqlite3* handle = nullptr;
    ASSERT_EQ(sqlite3_open(db().c_str(), &handle), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(handle);
  }

  std::string dir_;
};

}  // namespace signoff::testing

#endif  // SIGNOFF_TESTS_E2E_SERVE_PROCESS_H_
