// `signoff serve`, `signoff keys` and `signoff audit` as a user runs them:
// the real executable, a real port, signals, and the SQLite file it leaves.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
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
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/serve_process.h"

namespace signoff::testing {
namespace {

class ServeE2eTest : public ServeFixture {
 protected:
  // Starts, reloads once with SIGHUP and stops with SIGTERM: two
  // policy.loaded entries and a checkpoint of entry 2.
  void RunServerOnce() {
    ServeProcess server(config(), dir_ + "/serve.log");
    std::string port = server.WaitForLog("serving on 127\\.0\\.0\\.1:(\\d+)");
    ASSERT_FALSE(port.empty()) << server.Log();
    server.Signal(SIGHUP);
    ASSERT_FALSE(server.WaitForLog("reloaded \\(sighup\\)").empty())
        << server.Log();
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(), 0) << server.Log();
    EXPECT_NE(server.Log().find("stopped; audit checkpoint at entry 2"),
              std::string::npos)
        << server.Log();
  }
};

TEST_F(ServeE2eTest, ServesReloadsOnSighupAndStopsOnSigterm) {
  ServeProcess server(config(), dir_ + "/serve.log");
  std::string port = server.WaitForLog("serving on 127\\.0\\.0\\.1:(\\d+)");
  ASSERT_FALSE(port.empty()) << server.Log();
  httplib::Client client("127.0.0.1", std::stoi(port));
  httplib::Result health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_NE(health->body.find("\"status\":\"ok\""), std::string::npos);

  httplib::Result decision = client.Post(
      "/v1/decide", {{"Authorization", "Bearer demo-key-etl"}},
      ReadFileOrDie(SourceDir() +
                    "/examples/data-exports/requests/confidential-export.json"),
      "application/json");
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->status, 200);
  EXPECT_NE(decision->body.find("\"decision\":\"require_approval\""),
            std::string::npos);

  // A broken set is refused on SIGHUP; the server keeps serving.
  WriteFileOrDie(dir_ + "/policies/exports.signoff",
                 "rule broken {\n  on x\n  allow 3\n}\n");
  server.Signal(SIGHUP);
  ASSERT_FALSE(server.WaitForLog("reload \\(sighup\\) refused").empty())
      << server.Log();
  EXPECT_EQ(client.Get("/healthz")->status, 200);

  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.Log();
  std::string log = server.Log();
  EXPECT_NE(log.find("stopping (SIGTERM)"), std::string::npos) << log;
  EXPECT_NE(log.find("stopped; audit checkpoint at entry 1"), std::string::npos)
      << log;
}

TEST_F(ServeE2eTest, ServeRefusesBadSetups) {
  EXPECT_EQ(RunSignoff({"serve"}).exit_code, 2);
  EXPECT_EQ(RunSignoff({"serve", "--config", dir_ + "/nope.yaml"}).exit_code,
            2);
  WriteFileOrDie(dir_ + "/policies/exports.signoff",
                 "rule broken {\n  on x\n  allow 3\n}\n");
  RunResult broken = RunSignoff({"serve", "--config", config()});
  EXPECT_EQ(broken.exit_code, 1) << broken.err;
  EXPECT_NE(broken.err.find("the policy set has errors"), std::string::npos)
      << broken.err;
  // Secrets unset (RunSignoff does not set them): a configuration error.
  std::filesystem::copy_file(
      SourceDir() + "/examples/data-exports/exports.signoff",
      dir_ + "/policies/exports.signoff",
      std::filesystem::copy_options::overwrite_existing);
  RunResult unset = RunSignoff({"serve", "--config", config()});
  EXPECT_EQ(unset.exit_code, 2) << unset.err;
  EXPECT_NE(unset.err.find("SLACK_BOT_TOKEN, which is not set"),
            std::string::npos)
      << unset.err;
}

TEST_F(ServeE2eTest, KeysPrintsTheJwks) {
  RunResult keys = RunSignoff({"keys", "--config", config()});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  EXPECT_NE(keys.err.find("created signing key ed25519:"), std::string::npos);
  nlohmann::json jwks = nlohmann::json::parse(keys.out);
  ASSERT_EQ(jwks["keys"].size(), 1u);
  EXPECT_EQ(jwks["keys"][0]["kty"], "OKP");
  EXPECT_EQ(jwks["keys"][0]["crv"], "Ed25519");
  // Again: the same key, nothing created.
  RunResult again = RunSignoff({"keys", "--keys", dir_ + "/keys"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out, keys.out);
  EXPECT_TRUE(again.err.empty()) << again.err;
  EXPECT_EQ(RunSignoff({"keys"}).exit_code, 2);
}

TEST_F(ServeE2eTest, AuditVerifyAndExport) {
  RunServerOnce();
  RunResult ok = RunSignoff({"audit", "verify", "--config", config()});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "audit log OK: 2 entries\n");
  ok = RunSignoff({"audit", "verify", "--db", db()});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("checking the hash chain only"), std::string::npos);

  const std::string exported = dir_ + "/audit.jsonl";
  RunResult out = RunSignoff({"audit", "export", "--db", db(), "-o", exported});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  std::string text = ReadFileOrDie(exported);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3)  // 2 + checkpoint
      << text;
  RunResult jwks = RunSignoff({"keys", "--keys", dir_ + "/keys"});
  WriteFileOrDie(dir_ + "/jwks.json", jwks.out);
  RunResult file = RunSignoff(
      {"audit", "verify", "--file", exported, "--jwks", dir_ + "/jwks.json"});
  EXPECT_EQ(file.exit_code, 0) << file.out << file.err;
  EXPECT_EQ(file.out, "audit log OK: 2 entries\n");
  RunResult tail =
      RunSignoff({"audit", "export", "--db", db(), "--after", "1"});
  EXPECT_EQ(tail.exit_code, 0);
  EXPECT_EQ(tail.out.find("\"seq\":1,"), std::string::npos) << tail.out;

  // An edited export line.
  std::string edited = std::regex_replace(
      text, std::regex("\"actor\":\"runtime\""), "\"actor\":\"mallory\"",
      std::regex_constants::format_first_only);
  WriteFileOrDie(dir_ + "/edited.jsonl", edited);
  RunResult bad_file =
      RunSignoff({"audit", "verify", "--file", dir_ + "/edited.jsonl", "--keys",
                  dir_ + "/keys"});
  EXPECT_EQ(bad_file.exit_code, 1);
  EXPECT_EQ(bad_file.out.rfind("audit log FAILED at entry 1: ", 0), 0u)
      << bad_file.out;

  // A tampered row in the database.
  RawExec(
      "DROP TRIGGER audit_no_update;"
      "UPDATE audit SET actor = 'mallory' WHERE seq = 2");
  RunResult bad = RunSignoff({"audit", "verify", "--config", config()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.out,
            "audit log FAILED at entry 2: entry 2: hash does not match "
            "contents (the entry was edited)\n");
}

TEST_F(ServeE2eTest, AuditUsageErrors) {
  EXPECT_EQ(RunSignoff({"audit"}).exit_code, 2);
  EXPECT_EQ(RunSignoff({"audit", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunSignoff({"audit", "verify"}).exit_code, 2);
  EXPECT_EQ(
      RunSignoff({"audit", "verify", "--db", db(), "--file", "x"}).exit_code,
      2);
  EXPECT_EQ(
      RunSignoff({"audit", "verify", "--db", dir_ + "/missing.db"}).exit_code,
      2);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/missing.db"));
  EXPECT_EQ(
      RunSignoff({"audit", "export", "--db", db(), "--after", "-3"}).exit_code,
      2);
}

}  // namespace
}  // namespace signoff::testing
