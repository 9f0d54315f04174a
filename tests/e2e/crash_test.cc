// Crash safety of `signoff serve` (issue 4): the real executable is killed
// with SIGKILL in the middle of a load of submissions and votes, restarted
// on the same SQLite file, and every acknowledged request, vote and grant
// is still there, deadlines that passed meanwhile are honoured, and the
// audit log verifies; then rows of that log are deleted or reordered behind
// the server's back and `signoff audit verify` names the first bad entry.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/serve_process.h"

namespace signoff::testing {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// Three SREs approve; agent:etl (examples/server/directory.yaml, key
// demo-key-etl) asks. Migrations need two votes and live long; secret reads
// expire 3 s after they are asked for; flushes are approved by one vote
// and their grant lives 2 s.
constexpr char kPolicy[] = R"(group sre = ["alice", "bob", "carol"]
channel data_approvals = slack("#data-approvals")

action db.migrate {
  db: string
  version: int
}

action secret.read {
  name: string
}

action cache.flush {
  n: int
}

rule migrations_need_two {
  on db.migrate
  require 2 of sre
  expire 1h
  grant 1h
  notify data_approvals
}

rule secrets_expire_fast {
  on secret.read
  require 1 of sre
  expire 3s
  notify data_approvals
}

rule flushes_are_short_lived {
  on cache.flush
  require 1 of sre
  expire 1h
  grant 2s
  notify data_approvals
}
)";

constexpr const char* kVoters[] = {"alice", "bob", "carol"};

// What the server acknowledged (answered 200) before it was killed.
struct Acknowledged {
  std::mutex mu;
  struct Vote {
    std::string request, voter;
  };
  std::vector<std::string> migrations;  // submitted, pending
  std::vector<Vote> votes;
  struct Grant {
    std::string request, token;
    json params;
    SteadyClock::time_point at;  // read by then
  };
  std::vector<Grant> grants;  // db.migrate, approved, token read
  struct Deadline {
    std::string request;
    SteadyClock::time_point at;  // no earlier than this it is due
  };
  std::vector<Deadline> secrets;  // pending, expire 3 s
  std::vector<Grant> flushes;     // approved, grant 2 s
  int secrets_checked = 0, flushes_checked = 0;
};

class CrashTest : public ServeFixture {
 protected:
  CrashTest() {
    std::filesystem::remove(dir_ + "/policies/exports.signoff");
    WriteFileOrDie(dir_ + "/policies/crash.signoff", kPolicy);
  }

  // Starts the server; returns its port ("" on failure, with the log).
  std::unique_ptr<ServeProcess> Start(int run, int* port) {
    auto server = std::make_unique<ServeProcess>(
        config(), dir_ + "/serve-" + std::to_string(run) + ".log");
    std::string found = server->WaitForLog("serving on 127\\.0\\.0\\.1:(\\d+)");
    *port = found.empty() ? 0 : std::stoi(found);
    return server;
  }

  static httplib::Result Call(httplib::Client& client, const std::string& who,
                              const std::string& method,
                              const std::string& path,
                              const std::string& body = "") {
    httplib::Headers headers = {{"Authorization", "Bearer demo-key-" + who}};
    return method == "GET"
               ? client.Get(path.c_str(), headers)
               : client.Post(path.c_str(), headers, body, "application/json");
  }

  static json Body(const httplib::Result& result) {
    return json::parse(result->body, nullptr, false);
  }

  // One client's load until `stop`: submissions of the three kinds, votes
  // on them, grants read by the requester. Records what was acknowledged.
  static void Load(int port, int seed, const std::atomic<bool>& stop,
                   Acknowledged& ack) {
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(5, 0);
    std::mt19937 random(seed);
    for (int n = 0; !stop; ++n) {
      const std::string kind = n % 5 == 3   ? "secret.read"
                               : n % 5 == 4 ? "cache.flush"
                                            : "db.migrate";
      json params =
          kind == "db.migrate"
              ? json{{"db", "db" + std::to_string(seed)}, {"version", n}}
          : kind == "secret.read" ? json{{"name", "s" + std::to_string(n)}}
                                  : json{{"n", n}};
      httplib::Result submitted =
          Call(client, "etl", "POST", "/v1/requests",
               json{{"action", kind}, {"params", params}}.dump());
      if (!submitted || submitted->status != 200) continue;
      const std::string id = Body(submitted)["id"];
      if (kind == "secret.read") {
        std::lock_guard lock(ack.mu);
        ack.secrets.push_back({id, SteadyClock::now()});
        continue;
      }
      if (kind == "db.migrate") {
        std::lock_guard lock(ack.mu);
        ack.migrations.push_back(id);
      }
      // Two distinct voters (one is enough for a flush).
      const int first = static_cast<int>(random() % 3);
      const int second = (first + 1 + static_cast<int>(random() % 2)) % 3;
      std::string status;
      for (int voter : {first, second}) {
        httplib::Result voted =
            Call(client, kVoters[voter], "POST",
                 "/v1/requests/" + id + "/votes", R"({"vote":"approve"})");
        if (!voted || voted->status != 200) break;
        status = Body(voted)["status"];
        std::lock_guard lock(ack.mu);
        ack.votes.push_back({id, kVoters[voter]});
        if (status == "approved") break;
      }
      if (status != "approved") continue;
      httplib::Result view = Call(client, "etl", "GET", "/v1/requests/" + id);
      if (!view || view->status != 200) continue;
      json got = Body(view);
      if (!got.contains("grant")) continue;
      std::lock_guard lock(ack.mu);
      (kind == "db.migrate" ? ack.grants : ack.flushes)
          .push_back({id, got["grant"], params, SteadyClock::now()});
    }
  }

  // Checks everything acknowledged so far against a restarted server.
  void CheckAfterRestart(int port, Acknowledged& ack) {
    httplib::Client client("127.0.0.1", port);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(10, 0);
    std::lock_guard lock(ack.mu);
    for (const std::string& id : ack.migrations) {
      httplib::Result view = Call(client, "alice", "GET", "/v1/requests/" + id);
      ASSERT_TRUE(view) << id;
      EXPECT_EQ(view->status, 200) << id << " lost: " << view->body;
    }
    for (const Acknowledged::Vote& vote : ack.votes) {
      httplib::Result view =
          Call(client, "alice", "GET", "/v1/requests/" + vote.request);
      ASSERT_TRUE(view && view->status == 200) << vote.request;
      bool found = false;
      const json got = Body(view);
      for (const json& v : got["votes"]) {
        found = found || v["identity"] == vote.voter;
      }
      EXPECT_TRUE(found) << "acknowledged vote of " << vote.voter << " on "
                         << vote.request << " lost: " << view->body;
    }
    for (const Acknowledged::Grant& grant : ack.grants) {
      httplib::Result view =
          Call(client, "etl", "GET", "/v1/requests/" + grant.request);
      ASSERT_TRUE(view && view->status == 200) << grant.request;
      json got = Body(view);
      EXPECT_EQ(got["status"], "approved") << grant.request;
      EXPECT_EQ(got.value("grant", ""), grant.token) << grant.request;
      json check = {{"token", grant.token},
                    {"request",
                     {{"action", "db.migrate"},
                      {"params", grant.params},
                      {"requester", {{"id", "agent:etl"}}}}}};
      httplib::Result verified =
          Call(client, "etl", "POST", "/v1/grants/verify", check.dump());
      ASSERT_TRUE(verified);
      EXPECT_EQ(verified->status, 200) << verified->body;
    }
    // Deadlines, also those that passed while the server was down: every
    // acknowledged secret read expires 3 s after it was asked for.
    for (const Acknowledged::Deadline& secret : ack.secrets) {
      std::this_thread::sleep_until(secret.at + std::chrono::seconds(3));
      httplib::Result view = Call(client, "alice", "GET",
                                  "/v1/requests/" + secret.request + "?wait=5");
      ASSERT_TRUE(view && view->status == 200) << secret.request;
      EXPECT_EQ(Body(view)["status"], "expired") << secret.request;
      httplib::Result late = Call(client, "alice", "POST",
                                  "/v1/requests/" + secret.request + "/votes",
                                  R"({"vote":"approve"})");
      ASSERT_TRUE(late);
      EXPECT_EQ(late->status, 409) << late->body;
    }
    // Grants of 2 s (flushes approved before the kill) expire, whole
    // seconds: 3 s after they were read they are expired.
    for (const Acknowledged::Grant& flush : ack.flushes) {
      std::this_thread::sleep_until(flush.at + std::chrono::seconds(3));
      json check = {{"token", flush.token},
                    {"request",
                     {{"action", "cache.flush"},
                      {"params", flush.params},
                      {"requester", {{"id", "agent:etl"}}}}}};
      httplib::Result consumed =
          Call(client, "etl", "POST", "/v1/grants/consume", check.dump());
      ASSERT_TRUE(consumed);
      EXPECT_EQ(consumed->status, 403) << consumed->body;
      EXPECT_EQ(Body(consumed)["error"].value("reason", ""), "expired")
          << consumed->body;
    }
    ack.secrets_checked += static_cast<int>(ack.secrets.size());
    ack.flushes_checked += static_cast<int>(ack.flushes.size());
    ack.secrets.clear();  // checked; the next round adds new ones
    ack.flushes.clear();
  }
};

TEST_F(CrashTest, KilledMidLoadLosesNothingAcknowledged) {
  Acknowledged ack;
  int port = 0;
  std::unique_ptr<ServeProcess> server = Start(0, &port);
  ASSERT_NE(port, 0) << server->Log();
  for (int round = 0; round < 3; ++round) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 6; ++c) {
      clients.emplace_back([&, c] { Load(port, round * 100 + c, stop, ack); });
    }
    // Kill it while the load runs (0.6, 0.9, 1.2 s in).
    std::this_thread::sleep_for(std::chrono::milliseconds(600 + 300 * round));
    server->Signal(SIGKILL);
    server->Wait();
    stop = true;
    for (std::thread& t : clients) t.join();
    {
      std::lock_guard lock(ack.mu);
      ASSERT_FALSE(ack.votes.empty()) << "no load reached the server";
    }
    // Let deadlines pass while it is down.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    server = Start(round + 1, &port);
    ASSERT_NE(port, 0) << server->Log();
    CheckAfterRestart(port, ack);
    if (HasFatalFailure()) return;
  }
  {
    std::lock_guard lock(ack.mu);
    EXPECT_GT(ack.grants.size(), 0u);
    EXPECT_GT(ack.secrets_checked, 0);
    EXPECT_GT(ack.flushes_checked, 0);
    std::printf(
        "acknowledged: %zu migrations, %zu votes, %zu grants; %d expiries "
        "and %d short grants checked\n",
        ack.migrations.size(), ack.votes.size(), ack.grants.size(),
        ack.secrets_checked, ack.flushes_checked);
  }

  // The log verifies, through the API and from the command line.
  httplib::Client client("127.0.0.1", port);
  httplib::Result verify = client.Get(
      "/v1/audit/verify", {{"Authorization", "Bearer demo-key-carol"}});
  ASSERT_TRUE(verify);
  EXPECT_EQ(Body(verify)["ok"], true) << verify->body;
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0) << server->Log();
  RunResult cli = RunSignoff({"audit", "verify", "--config", config()});
  EXPECT_EQ(cli.exit_code, 0) << cli.out << cli.err;
  EXPECT_EQ(cli.out.rfind("audit log OK: ", 0), 0u) << cli.out;
}

// Rows of a real log (a request approved by two people and its grant
// consumed) removed or reordered in the database: `audit verify` fails at
// the first bad entry and says what is wrong.
TEST_F(CrashTest, DeletedOrReorderedAuditRowsFailVerify) {
  int port = 0;
  std::unique_ptr<ServeProcess> server = Start(0, &port);
  ASSERT_NE(port, 0) << server->Log();
  httplib::Client client("127.0.0.1", port);
  client.set_tcp_nodelay(true);
  const json params = {{"db", "orders"}, {"version", 7}};
  httplib::Result submitted =
      Call(client, "etl", "POST", "/v1/requests",
           json{{"action", "db.migrate"}, {"params", params}}.dump());
  ASSERT_TRUE(submitted && submitted->status == 200);
  const std::string id = Body(submitted)["id"];
  for (const char* voter : {"alice", "bob"}) {
    ASSERT_EQ(Call(client, voter, "POST", "/v1/requests/" + id + "/votes",
                   R"({"vote":"approve"})")
                  ->status,
              200);
  }
  std::string token =
      Body(Call(client, "etl", "GET", "/v1/requests/" + id)).value("grant", "");
  json consume = {{"token", token},
                  {"request",
                   {{"action", "db.migrate"},
                    {"params", params},
                    {"requester", {{"id", "agent:etl"}}}}}};
  ASSERT_EQ(
      Call(client, "etl", "POST", "/v1/grants/consume", consume.dump())->status,
      200);
  server->Signal(SIGTERM);
  ASSERT_EQ(server->Wait(), 0) << server->Log();
  // policy.loaded, request.created, decision, 2 vote.accepted,
  // request.approved, grant.minted, grant.consumed.
  ASSERT_EQ(RunSignoff({"audit", "verify", "--config", config()}).out,
            "audit log OK: 8 entries\n");

  const std::string pristine = dir_ + "/pristine.db";
  std::filesystem::copy_file(db(), pristine);
  auto restore = [&] {
    std::filesystem::copy_file(
        pristine, db(), std::filesystem::copy_options::overwrite_existing);
  };
  auto verify = [&] {
    return RunSignoff({"audit", "verify", "--config", config()});
  };

  // A vote's entry deleted: the next entry no longer links to its
  // predecessor.
  RawExec("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 4");
  RunResult deleted = verify();
  EXPECT_EQ(deleted.exit_code, 1);
  EXPECT_NE(deleted.out.find("audit log FAILED at entry "), std::string::npos)
      << deleted.out;
  EXPECT_NE(deleted.out.find("entry 5"), std::string::npos) << deleted.out;

  // Two entries swapped (contents exchanged between seq 5 and 6).
  restore();
  RawExec(
      "DROP TRIGGER audit_no_update;"
      "UPDATE audit SET seq = -seq WHERE seq IN (5, 6);"
      "UPDATE audit SET seq = 6 WHERE seq = -5;"
      "UPDATE audit SET seq = 5 WHERE seq = -6;");
  RunResult reordered = verify();
  EXPECT_EQ(reordered.exit_code, 1);
  EXPECT_NE(reordered.out.find("audit log FAILED at entry 5"),
            std::string::npos)
      << reordered.out;

  // The last entries cut off behind the signed checkpoint of the stop.
  restore();
  RawExec("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq >= 7");
  RunResult truncated = verify();
  EXPECT_EQ(truncated.exit_code, 1) << truncated.out;
  EXPECT_NE(truncated.out.find("audit log FAILED"), std::string::npos)
      << truncated.out;

  // The approver named in the approval edited.
  restore();
  RawExec(
      "DROP TRIGGER audit_no_update;"
      "UPDATE audit SET actor = 'mallory' WHERE seq = 6");
  RunResult edited = verify();
  EXPECT_EQ(edited.exit_code, 1);
  EXPECT_NE(edited.out.find("audit log FAILED at entry 6"), std::string::npos)
      << edited.out;

  restore();
  EXPECT_EQ(verify().exit_code, 0);
}

}  // namespace
}  // namespace signoff::testing
