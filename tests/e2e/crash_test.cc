// Crash safety and tamper evidence of `signoff serve` end to end (issue 4,
// RUNTIME.md §4-§5): the real executable on loopback, its real SQLite file.
//
// SigkillUnderLoadLosesNothingAcknowledged: client threads submit requests,
// vote, fetch and consume grants; the server is killed with SIGKILL in the
// middle of it, four times, and after every restart everything that was
// acknowledged (HTTP 200) must be there: requests, votes, approvals,
// rejections, grants and consumptions; deadlines that passed (also while
// the server was down) are honoured; the audit log verifies.
//
// TamperedAuditLogFailsVerify: an attacker with the file drops the
// append-only triggers and edits, deletes, inserts, reorders or re-chains
// audit entries, or truncates the log or forges a checkpoint; `signoff audit
// verify` names the first bad entry and the problem each time (also for
// lines swapped or dropped in a JSON Lines export, and through GET
// /v1/audit/verify of a server running on an edited file).
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"
#include "runtime/audit/entry.h"
#include "runtime/crypto/encoding.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/serve_process.h"

namespace signoff::testing {
namespace {

using nlohmann::json;

constexpr int kVoters = 16;
constexpr char kRequester[] = "requester";
constexpr char kExecutor[] = "executor";
constexpr char kAuditor[] = "auditor";
// The short lifetimes of the policy below, in milliseconds.
constexpr int64_t kQuickExpireMs = 2000;
constexpr int64_t kBriefGrantMs = 2000;

constexpr char kPolicy[] = R"(# tests/e2e/crash_test.cc
group voters = directory("voters")

action deploy.run { service: string
  n: int }
action deploy.quick { service: string
  n: int }
action deploy.brief { service: string
  n: int }

# Two approvals, long deadlines: stays pending until voted on.
rule two_of_voters {
  on deploy.run
  require 2 of voters
  expire 1h
  grant 1h
}

# Two approvals but a short deadline: only one vote is ever cast, so it
# expires (while the server is down or right after it restarts).
rule quick_expiry {
  on deploy.quick
  require 2 of voters
  expire 2s
}

# One approval, a short-lived grant.
rule brief_grant {
  on deploy.brief
  require 1 of voters
  grant 2s
}
)";

std::string VoterId(int i) {
  return (i < 9 ? "v0" : "v") + std::to_string(i + 1);
}
std::string KeyOf(const std::string &identity) {
  return "crash-key-" + identity;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json Parse(const std::string &text) {
  return json::parse(text, nullptr, false);
}

// One keep-alive connection to the server, as some identity per call.
class Api {
 public:
  explicit Api(int port) : client_("127.0.0.1", port) {
    client_.set_connection_timeout(2);
    client_.set_read_timeout(20);
    client_.set_write_timeout(5);
    client_.set_keep_alive(true);
    client_.set_tcp_nodelay(true);
  }
  httplib::Result Get(const std::string &path, const std::string &identity) {
    return client_.Get(path, Auth(identity));
  }
  httplib::Result Post(const std::string &path, const std::string &identity,
                       const json &body) {
    return client_.Post(path, Auth(identity), body.dump(), "application/json");
  }

 private:
  static httplib::Headers Auth(const std::string &identity) {
    return {{"Authorization", "Bearer " + KeyOf(identity)}};
  }
  httplib::Client client_;
};

enum class Kind { kRun, kQuick, kBrief };

const char *ActionOf(Kind kind) {
  switch (kind) {
    case Kind::kRun:
      return "deploy.run";
    case Kind::kQuick:
      return "deploy.quick";
    case Kind::kBrief:
      return "deploy.brief";
  }
  return "";
}

// What the clients were told (HTTP 200) about one request.
struct Tracked {
  Kind kind = Kind::kRun;
  json params;
  int64_t submit_sent_ms = 0;  // before the POST: created_at >= this
  int64_t submit_ack_ms = 0;   // after the answer: created_at <= this
  std::map<std::string, std::string> votes;  // acknowledged: voter -> vote
  std::string resolved;         // "approved"/"rejected" by an acknowledged vote
  int64_t resolve_sent_ms = 0;  // before that vote was sent
  std::string token;            // from the requester's GET
  bool consume_tried = false;
  bool consumed = false;      // acknowledged consume
  bool recheck_done = false;  // a second consume was refused after a restart
  bool expiry_done = false;   // seen expired after a restart
};

struct Ledger {
  std::mutex mu;
  std::map<std::string, Tracked> requests;
  std::vector<std::string> open;  // deploy.run believed pending
  int64_t next_n = 0;
  int64_t acknowledged_votes = 0;
  // Calls that got no answer: cut off by a kill while in flight, or
  // refused while the server was down.
  int64_t cut_off = 0;
  int64_t refused = 0;
};

json ActionRequest(const std::string &action, const json &params) {
  return {{"action", action},
          {"params", params},
          {"requester", {{"id", kRequester}}}};
}

// The client side of the load; every method returns false when the call got
// no HTTP answer (the server died under it), true otherwise.
class LoadClient {
 public:
  LoadClient(int port, Ledger &ledger, unsigned seed)
      : api_(port), ledger_(ledger), rng_(seed) {}

  bool Step() {
    const unsigned dice = rng_() % 10;
    if (dice < 2) return Submit(Kind::kRun).has_value() || !lost_;
    if (dice == 2) return SubmitAndVote(Kind::kQuick);
    if (dice == 3) return SubmitAndVote(Kind::kBrief);
    return VoteOnOpen();
  }

 private:
  bool Lost(const httplib::Result &result) {
    lost_ = true;
    std::lock_guard lock(ledger_.mu);
    ++(result.error() == httplib::Error::Connection ? ledger_.refused
                                                    : ledger_.cut_off);
    return false;
  }

  std::optional<std::string> Submit(Kind kind) {
    lost_ = false;
    json params;
    {
      std::lock_guard lock(ledger_.mu);
      const int64_t n = ledger_.next_n++;
      params = {{"service", "svc-" + std::to_string(n % 7)}, {"n", n}};
    }
    const int64_t sent = NowMs();
    httplib::Result result =
        api_.Post("/v1/requests", kRequester,
                  {{"action", ActionOf(kind)}, {"params", params}});
    if (!result) {
      Lost(result);
      return std::nullopt;
    }
    const int64_t ack = NowMs();
    json body = Parse(result->body);
    if (result->status != 200 || !body.is_object() ||
        body.value("status", "") != "pending") {
      ADD_FAILURE() << "submit " << ActionOf(kind) << ": " << result->status
                    << " " << result->body;
      return std::nullopt;
    }
    const std::string id = body["id"].get<std::string>();
    std::lock_guard lock(ledger_.mu);
    Tracked &tracked = ledger_.requests[id];
    tracked.kind = kind;
    tracked.params = params;
    tracked.submit_sent_ms = sent;
    tracked.submit_ack_ms = ack;
    if (kind == Kind::kRun) ledger_.open.push_back(id);
    return id;
  }

  // Returns nullopt when the vote got no answer, else the answer's JSON
  // (with "http" set to the status).
  std::optional<json> Vote(const std::string &id, const std::string &voter,
                           const std::string &choice) {
    const int64_t sent = NowMs();
    httplib::Result result =
        api_.Post("/v1/requests/" + id + "/votes", voter, {{"vote", choice}});
    if (!result) {
      Lost(result);
      return std::nullopt;
    }
    json body = Parse(result->body);
    if (!body.is_object()) body = json::object();
    body["http"] = result->status;
    if (result->status == 409) return body;  // a duplicate or a final state
    if (result->status != 200) {
      ADD_FAILURE() << "vote by " << voter << " on " << id << ": "
                    << result->status << " " << result->body;
      return body;
    }
    std::lock_guard lock(ledger_.mu);
    Tracked &tracked = ledger_.requests[id];
    tracked.votes[voter] = choice;
    ++ledger_.acknowledged_votes;
    if (body.value("resolved", false)) {
      tracked.resolved = body.value("status", "?");
      tracked.resolve_sent_ms = sent;
    }
    return body;
  }

  // The requester fetches the grant of an approved request and consumes it
  // one time in three.
  bool FetchGrant(const std::string &id, Kind kind) {
    httplib::Result result = api_.Get("/v1/requests/" + id, kRequester);
    if (!result) return Lost(result);
    json body = Parse(result->body);
    if (result->status != 200 || !body.is_object()) {
      ADD_FAILURE() << "GET " << id << ": " << result->status << " "
                    << result->body;
      return true;
    }
    if (!body.contains("grant")) {
      // A brief grant may already have expired.
      if (kind != Kind::kBrief) {
        ADD_FAILURE() << "approved " << id
                      << " shows no grant: " << result->body;
      }
      return true;
    }
    const std::string token = body["grant"].get<std::string>();
    json params;
    {
      std::lock_guard lock(ledger_.mu);
      Tracked &tracked = ledger_.requests[id];
      tracked.token = token;
      params = tracked.params;
      if (rng_() % 3 != 0) return true;
      tracked.consume_tried = true;
    }
    httplib::Result consumed = api_.Post(
        "/v1/grants/consume", kExecutor,
        {{"token", token}, {"request", ActionRequest(ActionOf(kind), params)}});
    if (!consumed) return Lost(consumed);
    if (consumed->status == 200) {
      std::lock_guard lock(ledger_.mu);
      ledger_.requests[id].consumed = true;
    } else if (!(kind == Kind::kBrief && consumed->status == 403)) {
      ADD_FAILURE() << "consume " << id << ": " << consumed->status << " "
                    << consumed->body;
    }
    return true;
  }

  std::string RandomVoter() {
    return VoterId(static_cast<int>(rng_() % kVoters));
  }

  // Submits, then one approval (never a quorum for deploy.quick, always one
  // for deploy.brief).
  bool SubmitAndVote(Kind kind) {
    std::optional<std::string> id = Submit(kind);
    if (!id) return !lost_;
    std::optional<json> vote = Vote(*id, RandomVoter(), "approve");
    if (!vote) return false;
    if (vote->value("resolved", false) &&
        vote->value("status", "") == "approved") {
      return FetchGrant(*id, kind);
    }
    return true;
  }

  // A vote on a deploy.run request some client submitted: racing voters,
  // duplicates, quorum reached by whichever vote comes second; one vote in
  // 25 is a rejection (veto 1).
  bool VoteOnOpen() {
    std::string id;
    {
      std::lock_guard lock(ledger_.mu);
      if (!ledger_.open.empty()) {
        id = ledger_.open[rng_() % ledger_.open.size()];
      }
    }
    if (id.empty()) return Submit(Kind::kRun).has_value() || !lost_;
    const std::string choice = rng_() % 25 == 0 ? "reject" : "approve";
    std::optional<json> vote = Vote(id, RandomVoter(), choice);
    if (!vote) return false;
    const bool final =
        vote->value("resolved", false) ||
        ((*vote)["http"] == 409 && vote->contains("error") &&
         (*vote)["error"].value("message", "").rfind("request is ", 0) == 0);
    if (final) {
      std::lock_guard lock(ledger_.mu);
      std::erase(ledger_.open, id);
    }
    if (vote->value("resolved", false) &&
        vote->value("status", "") == "approved") {
      return FetchGrant(id, Kind::kRun);
    }
    return true;
  }

  Api api_;
  Ledger &ledger_;
  std::mt19937 rng_;
  bool lost_ = false;
};

// A read-write connection to a database file; the test's own SQL.
class Sql {
 public:
  explicit Sql(const std::string &path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path;
    }
  }
  ~Sql() { sqlite3_close(db_); }
  Sql(const Sql &) = delete;
  Sql &operator=(const Sql &) = delete;

  void Exec(const std::string &sql) {
    char *error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (error ? error : "?");
    }
    sqlite3_free(error);
  }
  // The first column of every row, as text.
  std::vector<std::string> Column(const std::string &sql) {
    std::vector<std::string> values;
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return values;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char *text = sqlite3_column_text(stmt, 0);
      values.push_back(text ? reinterpret_cast<const char *>(text) : "");
    }
    sqlite3_finalize(stmt);
    return values;
  }
  int64_t Int(const std::string &sql) {
    std::vector<std::string> values = Column(sql);
    if (values.size() != 1) {
      ADD_FAILURE() << sql << ": " << values.size() << " rows";
      return -1;
    }
    return std::stoll(values[0]);
  }
  // Entries seq >= from, in seq order.
  std::vector<audit::AuditEntry> Entries(int64_t from) {
    std::vector<audit::AuditEntry> entries;
    sqlite3_stmt *stmt = nullptr;
    const std::string sql =
        "SELECT seq, time, type, request, actor, data, policy, prev, hash "
        "FROM audit WHERE seq >= " +
        std::to_string(from) + " ORDER BY seq";
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sqlite3_errmsg(db_);
      return entries;
    }
    auto text = [&](int column) {
      const unsigned char *value = sqlite3_column_text(stmt, column);
      return std::string(value ? reinterpret_cast<const char *>(value) : "");
    };
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      audit::AuditEntry entry;
      entry.seq = sqlite3_column_int64(stmt, 0);
      entry.time = text(1);
      entry.type = text(2);
      entry.request = text(3);
      entry.actor = text(4);
      entry.data = Parse(text(5));
      entry.policy = text(6);
      entry.prev = text(7);
      entry.hash = text(8);
      entries.push_back(std::move(entry));
    }
    sqlite3_finalize(stmt);
    return entries;
  }
  // Writes `entry` (all columns) at entry.seq, replacing a row there.
  void Put(const audit::AuditEntry &entry) {
    sqlite3_stmt *stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(
                  db_,
                  "INSERT OR REPLACE INTO audit (seq, time, type, request, "
                  "actor, data, policy, prev, hash) VALUES (?, ?, ?, ?, ?, "
                  "?, ?, ?, ?)",
                  -1, &stmt, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db_);
    const std::string data = entry.data.dump();
    sqlite3_bind_int64(stmt, 1, entry.seq);
    const std::string *texts[] = {&entry.time,  &entry.type, &entry.request,
                                  &entry.actor, &data,       &entry.policy,
                                  &entry.prev,  &entry.hash};
    for (int i = 0; i < 8; ++i) {
      sqlite3_bind_text(stmt, i + 2, texts[i]->c_str(), -1, SQLITE_TRANSIENT);
    }
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
  }
  // Recomputes prev and hash of every entry from seq `from` on, as an
  // attacker who knows the (public) algorithm would.
  void Rechain(int64_t from) {
    std::vector<audit::AuditEntry> entries = Entries(from - 1);
    for (size_t i = 1; i < entries.size(); ++i) {
      entries[i].prev = entries[i - 1].hash;
      entries[i].hash = audit::ComputeHash(entries[i]);
      Put(entries[i]);
    }
  }
  // Copies the whole database to `path` (the SQLite backup API: the same
  // pages, rowids and triggers).
  void CopyTo(const std::string &path) {
    sqlite3 *target = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &target), SQLITE_OK);
    sqlite3_backup *backup = sqlite3_backup_init(target, "main", db_, "main");
    ASSERT_NE(backup, nullptr) << sqlite3_errmsg(target);
    EXPECT_EQ(sqlite3_backup_step(backup, -1), SQLITE_DONE);
    sqlite3_backup_finish(backup);
    sqlite3_close(target);
  }

 private:
  sqlite3 *db_ = nullptr;
};

class CrashE2eTest : public ServeFixture {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.empty());
    std::filesystem::remove(dir_ + "/policies/exports.signoff");
    WriteFileOrDie(dir_ + "/policies/crash.signoff", kPolicy);
    std::string directory = "identities:\n";
    std::string keys = "api_keys:\n";
    auto add = [&](const std::string &id, const std::string &attrs) {
      directory += "  " + id + ": { " + attrs + " }\n";
      keys += "  - { identity: " + id +
              ", sha256: " + crypto::HexEncode(crypto::Sha256(KeyOf(id))) +
              " }\n";
    };
    add(kRequester, "kind: service, team: ci");
    add(kExecutor, "kind: service, team: deploy");
    add(kAuditor, "kind: human, team: security");
    for (int i = 0; i < kVoters; ++i) {
      add(VoterId(i), "kind: human, team: sre, groups: [voters]");
    }
    WriteFileOrDie(dir_ + "/directory.yaml", directory + keys);
    WriteConfig("1s");
  }

  void WriteConfig(const std::string &checkpoint_interval) {
    WriteFileOrDie(config(),
                   "listen: 127.0.0.1:0\n"
                   "policies: ./policies\n"
                   "store: sqlite:./signoff.db\n"
                   "directory: ./directory.yaml\n"
                   "keys: ./keys\n"
                   "defaults: { expire: 1h, grant: 5m, veto: 1 }\n"
                   "admins: [auditor]\n"
                   "threads: 32\n"
                   "checkpoint_interval: " +
                       checkpoint_interval + "\n");
  }

  // Starts `signoff serve`; the port in `port` (0 when it did not come up).
  std::unique_ptr<ServeProcess> Start(const std::string &name, int &port) {
    auto server =
        std::make_unique<ServeProcess>(config(), dir_ + "/" + name + ".log");
    std::string text = server->WaitForLog("serving on 127\\.0\\.0\\.1:(\\d+)");
    port = text.empty() ? 0 : std::stoi(text);
    return server;
  }

  // Stops with SIGTERM; the seq of the shutdown checkpoint (-1 if none).
  int64_t Stop(ServeProcess &server) {
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(), 0) << server.Log();
    std::smatch match;
    std::string log = server.Log();
    if (!std::regex_search(log, match,
                           std::regex("stopped; audit checkpoint at entry "
                                      "(\\d+)"))) {
      ADD_FAILURE() << log;
      return -1;
    }
    return std::stoll(match[1].str());
  }

  static json AuditVerify(Api &api) {
    httplib::Result result = api.Get("/v1/audit/verify", kAuditor);
    if (!result) return json();
    EXPECT_EQ(result->status, 200) << result->body;
    return Parse(result->body);
  }
};

// Votes right after a restart on deploy.quick requests whose deadline
// passed (possibly while the server was down): refused with 409 whether or
// not the expiry runner came by first.
void VoteOnOverdue(Api &api, const Ledger &ledger) {
  // The latest ones: those of the last load, due while the server was down
  // or just now.
  std::vector<std::pair<int64_t, std::string>> overdue;
  const int64_t now = NowMs();
  for (const auto &[id, t] : ledger.requests) {
    if (t.kind == Kind::kQuick && now >= t.submit_ack_ms + kQuickExpireMs) {
      overdue.emplace_back(t.submit_ack_ms, id);
    }
  }
  std::sort(overdue.rbegin(), overdue.rend());
  if (overdue.size() > 3) overdue.resize(3);
  for (const auto &[ack, id] : overdue) {
    const Tracked &t = ledger.requests.at(id);
    std::string voter;
    for (int i = 0; i < kVoters && voter.empty(); ++i) {
      if (!t.votes.contains(VoterId(i))) voter = VoterId(i);
    }
    httplib::Result result =
        api.Post("/v1/requests/" + id + "/votes", voter, {{"vote", "approve"}});
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 409) << id << ": " << result->body;
    EXPECT_NE(result->body.find("request is expired"), std::string::npos)
        << result->body;
  }
}

// Everything acknowledged is there, as acknowledged.
void CheckLedger(Api &api, Ledger &ledger) {
  for (auto &[id, t] : ledger.requests) {
    const std::string action = ActionOf(t.kind);
    httplib::Result result = api.Get("/v1/requests/" + id, kRequester);
    ASSERT_TRUE(result);
    const int64_t seen_at = NowMs();
    ASSERT_EQ(result->status, 200) << "acknowledged request " << id << " ("
                                   << action << ") is lost: " << result->body;
    json view = Parse(result->body);
    ASSERT_TRUE(view.is_object()) << result->body;
    EXPECT_EQ(view["action"], action);
    EXPECT_EQ(view["params"], t.params);
    for (const auto &[voter, choice] : t.votes) {
      bool found = false;
      for (const json &vote : view["votes"]) {
        if (vote["identity"] == voter) {
          EXPECT_EQ(vote["vote"], choice) << id << " " << voter;
          found = true;
        }
      }
      EXPECT_TRUE(found) << "acknowledged vote " << choice << " by " << voter
                         << " on " << id << " is lost: " << result->body;
    }
    const std::string status = view["status"].get<std::string>();
    if (t.resolved == "rejected") {
      EXPECT_EQ(status, "rejected") << id;
    }
    if (t.resolved == "approved") {
      std::set<std::string> allowed = {"approved", "consumed"};
      if (t.kind == Kind::kBrief) allowed.insert("expired");
      EXPECT_TRUE(allowed.contains(status))
          << "acknowledged approval of " << id << " is lost: " << status;
      if (status == "expired") {
        // Grant times are whole seconds (issued rounds down), so a `grant
        // 2s` lives between 1 and 2 s.
        EXPECT_GE(seen_at, t.resolve_sent_ms + kBriefGrantMs - 1000)
            << id << " expired before its grant's lifetime passed";
      }
    }
    if (t.consumed) {
      EXPECT_EQ(status, "consumed")
          << "acknowledged consumption of " << id << " is lost";
    }
    if (t.consumed && !t.recheck_done) {
      // Once per grant (each refusal is an audited, synced write).
      t.recheck_done = true;
      httplib::Result again = api.Post(
          "/v1/grants/consume", kExecutor,
          {{"token", t.token}, {"request", ActionRequest(action, t.params)}});
      ASSERT_TRUE(again);
      // A brief grant may also have expired since: refused either way.
      if (!(t.kind == Kind::kBrief && again->status == 403 &&
            Parse(again->body)["error"].value("reason", "") == "expired")) {
        EXPECT_EQ(again->status, 409) << again->body;
      }
    }
    if (status == "consumed") {
      EXPECT_TRUE(t.consume_tried) << id << " consumed by nobody";
    }
    if (t.kind == Kind::kQuick) {
      EXPECT_TRUE(status == "pending" || status == "expired") << id << status;
    }
    if (status == "approved" || status == "consumed") {
      int approvals = 0;
      for (const json &vote : view["votes"]) {
        approvals += vote["vote"] == "approve" && vote["counted"] == true;
      }
      EXPECT_GE(approvals, t.kind == Kind::kBrief ? 1 : 2) << result->body;
    }
    if (status != "approved") continue;
    // The requester sees the grant (the same one it was shown before the
    // crash), and an executor's verify accepts it.
    ASSERT_TRUE(view.contains("grant")) << result->body;
    const std::string token = view["grant"].get<std::string>();
    if (!t.token.empty()) {
      EXPECT_EQ(token, t.token) << id;
    }
    httplib::Result verified = api.Post(
        "/v1/grants/verify", kExecutor,
        {{"token", token}, {"request", ActionRequest(action, t.params)}});
    ASSERT_TRUE(verified);
    if (t.kind == Kind::kBrief && verified->status == 403) {
      EXPECT_NE(verified->body.find("expired"), std::string::npos)
          << verified->body;
    } else {
      EXPECT_EQ(verified->status, 200) << id << ": " << verified->body;
      EXPECT_EQ(Parse(verified->body)["grant"]["request_id"], id);
    }
  }
}

// Deadlines: every deploy.quick request expires (it never has a quorum),
// and every brief grant expires unused; afterwards its token is refused.
void CheckExpiries(Api &api, Ledger &ledger) {
  for (auto &[id, t] : ledger.requests) {
    if (t.expiry_done) continue;
    if (t.kind == Kind::kQuick) {
      t.expiry_done = true;
      httplib::Result result =
          api.Get("/v1/requests/" + id + "?wait=15s", kRequester);
      ASSERT_TRUE(result);
      ASSERT_EQ(result->status, 200) << result->body;
      json view = Parse(result->body);
      EXPECT_EQ(view["status"], "expired") << result->body;
      EXPECT_GE(NowMs(), t.submit_sent_ms + kQuickExpireMs) << id;
      continue;
    }
    if (t.kind != Kind::kBrief || t.resolved != "approved" || t.consumed) {
      continue;
    }
    t.expiry_done = true;
    std::string status;
    for (int i = 0; i < 100; ++i) {
      httplib::Result result = api.Get("/v1/requests/" + id, kRequester);
      ASSERT_TRUE(result);
      status = Parse(result->body).value("status", "");
      if (status != "approved") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (status == "consumed") {
      EXPECT_TRUE(t.consume_tried) << id;
      continue;
    }
    EXPECT_EQ(status, "expired") << id << ": a 2s grant still approved";
    if (t.token.empty()) continue;
    httplib::Result verified =
        api.Post("/v1/grants/verify", kExecutor,
                 {{"token", t.token},
                  {"request", ActionRequest(ActionOf(t.kind), t.params)}});
    ASSERT_TRUE(verified);
    EXPECT_EQ(verified->status, 403) << verified->body;
  }
}

TEST_F(CrashE2eTest, SigkillUnderLoadLosesNothingAcknowledged) {
  Ledger ledger;
  // Load before each kill, and the downtime after it (the second outage
  // outlasts deploy.quick's 2s deadline).
  const int load_ms[] = {700, 1300, 500, 1000};
  const int down_ms[] = {0, 2500, 0, 100};
  std::random_device seed_source;
  const unsigned seed = seed_source();
  SCOPED_TRACE("seed " + std::to_string(seed));
  int kills = 0;
  for (int cycle = 0; cycle <= 4; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    int port = 0;
    std::unique_ptr<ServeProcess> server =
        Start("serve-" + std::to_string(cycle), port);
    ASSERT_NE(port, 0) << server->Log();
    auto api_holder = std::make_unique<Api>(port);
    Api &api = *api_holder;
    if (cycle > 0) {
      // After the restart, before anything else: deadlines that passed are
      // honoured at once, then everything acknowledged is checked.
      VoteOnOverdue(api, ledger);
      CheckLedger(api, ledger);
      CheckExpiries(api, ledger);
      json verify = AuditVerify(api);
      EXPECT_EQ(verify["ok"], true) << verify.dump();
      if (::testing::Test::HasFatalFailure()) return;
    }
    if (cycle == 4) {
      // The end: a graceful stop (no idle keep-alive connection left to
      // wait for), and the CLI verifies the whole file.
      api_holder.reset();
      const int64_t head = Stop(*server);
      RunResult verified =
          RunSignoff({"audit", "verify", "--config", config()});
      EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
      EXPECT_EQ(verified.out,
                "audit log OK: " + std::to_string(head) + " entries\n")
          << verified.err;
      break;
    }

    std::atomic<bool> stop = false;
    std::vector<std::thread> clients;
    for (int c = 0; c < 6; ++c) {
      clients.emplace_back([&, c] {
        LoadClient client(port, ledger, seed + 7919 * cycle + c);
        while (!stop.load()) {
          if (!client.Step()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
        }
      });
    }
    std::mt19937 jitter(seed + cycle);
    std::this_thread::sleep_for(
        std::chrono::milliseconds(load_ms[cycle] + jitter() % 300));
    server->Signal(SIGKILL);
    EXPECT_EQ(server->Wait(), 128 + SIGKILL);
    ++kills;
    // Let the clients run into the dead server, then stop them.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop = true;
    for (std::thread &client : clients) client.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(down_ms[cycle]));
  }
  EXPECT_EQ(kills, 4);

  size_t approved = 0, rejected = 0, consumed = 0;
  for (const auto &[id, t] : ledger.requests) {
    approved += t.resolved == "approved";
    rejected += t.resolved == "rejected";
    consumed += t.consumed;
  }
  std::printf(
      "[ crash ] %zu requests, %lld votes, %zu approved, %zu rejected, %zu "
      "consumed acknowledged; %lld calls cut off in flight by the kills, "
      "%lld refused while down\n",
      ledger.requests.size(), static_cast<long long>(ledger.acknowledged_votes),
      approved, rejected, consumed, static_cast<long long>(ledger.cut_off),
      static_cast<long long>(ledger.refused));
  EXPECT_GT(ledger.requests.size(), 40u);
  EXPECT_GT(approved, 10u);
  // The kills hit calls in flight (six clients never idle).
  EXPECT_GT(ledger.cut_off, 0);

  // The file itself: every state change came with its audit entries, in
  // the same transaction, and quorum was reached exactly once per request.
  Sql sql(db());
  EXPECT_EQ(sql.Int("SELECT count(*) FROM requests"),
            sql.Int("SELECT count(*) FROM audit WHERE type = "
                    "'request.created'"));
  EXPECT_EQ(sql.Int("SELECT count(*) FROM requests r WHERE NOT EXISTS "
                    "(SELECT 1 FROM audit a WHERE a.type = 'request.created' "
                    "AND a.request = r.id)"),
            0);
  EXPECT_EQ(sql.Int("SELECT count(*) FROM votes"),
            sql.Int("SELECT count(*) FROM audit WHERE type = "
                    "'vote.accepted'"));
  EXPECT_EQ(sql.Int("SELECT count(*) FROM votes v WHERE NOT EXISTS (SELECT "
                    "1 FROM audit a WHERE a.type = 'vote.accepted' AND "
                    "a.request = v.request_id AND a.actor = v.identity AND "
                    "json_extract(a.data, '$.vote') = v.vote)"),
            0);
  EXPECT_EQ(sql.Int("SELECT count(*) FROM grants"),
            sql.Int("SELECT count(*) FROM audit WHERE type = 'grant.minted'"));
  EXPECT_EQ(sql.Int("SELECT count(*) FROM grants"),
            sql.Int("SELECT count(*) FROM audit WHERE type = "
                    "'request.approved'"));
  EXPECT_EQ(sql.Int("SELECT count(*) FROM (SELECT request FROM audit WHERE "
                    "type = 'grant.minted' GROUP BY request HAVING count(*) "
                    "> 1)"),
            0);
  EXPECT_EQ(sql.Int("SELECT count(*) FROM requests r WHERE r.state IN "
                    "('approved', 'consumed') AND NOT EXISTS (SELECT 1 FROM "
                    "grants g WHERE g.request_id = r.id)"),
            0);
  EXPECT_EQ(sql.Int("SELECT count(*) FROM requests WHERE state = "
                    "'consumed'"),
            sql.Int("SELECT count(*) FROM grants WHERE consumed_at IS NOT "
                    "NULL"));
  EXPECT_EQ(sql.Int("SELECT count(*) FROM requests WHERE state = "
                    "'consumed'"),
            sql.Int("SELECT count(*) FROM audit WHERE type = "
                    "'grant.consumed'"));
  // Every pending deploy.quick request expired; nothing is still pending
  // past its deadline.
  EXPECT_EQ(sql.Int("SELECT count(*) FROM requests WHERE state = 'pending' "
                    "AND action = 'deploy.quick'"),
            0);
  EXPECT_GE(sql.Int("SELECT count(*) FROM checkpoints"), 5);
}

// One tampered copy of the log: the exact `signoff audit verify` verdict.
// What the attacker does after the SQL: nothing more, recompute the hash of
// the entry at the tampered seq (so it matches its own contents), or
// recompute every hash from there on (a re-chained log).
enum class Rehash { kNone, kEntry, kChain };

struct Tamper {
  std::string name;
  std::string sql;  // run after dropping the triggers
  Rehash rehash = Rehash::kNone;
  std::string expected;  // the whole stdout
};

TEST_F(CrashE2eTest, TamperedAuditLogFailsVerify) {
  // Checkpoints only at the two shutdowns, so the verdicts are exact.
  WriteConfig("0s");
  int64_t first_checkpoint = 0, head = 0;
  for (int run = 0; run < 2; ++run) {
    int port = 0;
    std::unique_ptr<ServeProcess> server =
        Start("tamper-" + std::to_string(run), port);
    ASSERT_NE(port, 0) << server->Log();
    auto api_holder = std::make_unique<Api>(port);
    Api &api = *api_holder;
    for (int i = 0; i < 8; ++i) {
      const json params = {{"service", "svc"}, {"n", run * 100 + i}};
      httplib::Result submitted =
          api.Post("/v1/requests", kRequester,
                   {{"action", "deploy.run"}, {"params", params}});
      ASSERT_TRUE(submitted);
      ASSERT_EQ(submitted->status, 200) << submitted->body;
      const std::string id = Parse(submitted->body)["id"];
      const std::string path = "/v1/requests/" + id + "/votes";
      if (i == 5) {
        ASSERT_EQ(api.Post(path, VoterId(3), {{"vote", "reject"}})->status,
                  200);
        continue;
      }
      ASSERT_EQ(api.Post(path, VoterId(i), {{"vote", "approve"}})->status, 200);
      // A duplicate vote, refused and audited.
      ASSERT_EQ(api.Post(path, VoterId(i), {{"vote", "approve"}})->status, 409);
      ASSERT_EQ(api.Post(path, VoterId(i + 1), {{"vote", "approve"}})->status,
                200);
      httplib::Result view = api.Get("/v1/requests/" + id, kRequester);
      ASSERT_TRUE(view);
      const std::string token = Parse(view->body)["grant"];
      if (i % 2 == 0) {
        ASSERT_EQ(api.Post("/v1/grants/consume", kExecutor,
                           {{"token", token},
                            {"request", ActionRequest("deploy.run", params)}})
                      ->status,
                  200);
      }
    }
    api_holder.reset();  // no idle keep-alive connection to wait for
    const int64_t checkpoint = Stop(*server);
    if (run == 0) first_checkpoint = checkpoint;
    head = checkpoint;
  }
  ASSERT_GT(first_checkpoint, 20);
  ASSERT_GT(head, first_checkpoint + 20);

  Sql original(db());
  // The entry to tamper with: a vote in the middle of the first run's part.
  std::vector<std::string> votes = original.Column(
      "SELECT seq FROM audit WHERE type = 'vote.accepted' AND seq < " +
      std::to_string(first_checkpoint - 2) + " ORDER BY seq");
  ASSERT_GT(votes.size(), 4u);
  const int64_t k = std::stoll(votes[votes.size() / 2]);
  const std::string K = std::to_string(k), K1 = std::to_string(k + 1),
                    K0 = std::to_string(k - 1),
                    C1 = std::to_string(first_checkpoint),
                    C2 = std::to_string(head);
  // Moves entries seq >= from by `delta` without colliding keys.
  auto shift = [](const std::string &from, int delta) {
    return "UPDATE audit SET seq = -seq WHERE seq >= " + from +
           "; UPDATE audit SET seq = -seq + (" + std::to_string(delta) +
           ") WHERE seq < 0;";
  };
  const std::string renumbered = "audit log FAILED at entry " + K + ": entry " +
                                 K + " is the original entry " + K1 +
                                 ", renumbered: entry " + K +
                                 " was deleted or entries were reordered\n";
  const std::string rewritten =
      "audit log FAILED at entry " + C1 + ": entry " + C1 +
      " does not match the signed checkpoint at seq " + C1 +
      ": the log up to entry " + C1 + " was rewritten\n";
  const std::vector<Tamper> cases = {
      {"edit",
       "UPDATE audit SET data = json_set(data, '$.vote', 'reject') WHERE "
       "seq = " +
           K,
       Rehash::kNone,
       "audit log FAILED at entry " + K + ": entry " + K +
           ": hash does not match contents (the entry was edited)\n"},
      {"edit-and-rehash", "UPDATE audit SET actor = 'mallory' WHERE seq = " + K,
       Rehash::kEntry,
       "audit log FAILED at entry " + K1 + ": entry " + K1 +
           ": prev does not match the hash of entry " + K + " (entry " + K +
           " was edited and rehashed, or an entry was spliced in)\n"},
      {"edit-and-rechain",
       "UPDATE audit SET data = json_set(data, '$.vote', 'reject') WHERE "
       "seq = " +
           K,
       Rehash::kChain, rewritten},
      {"delete", "DELETE FROM audit WHERE seq = " + K, Rehash::kNone,
       "audit log FAILED at entry " + K + ": entry " + K +
           " missing: the log goes from entry " + K0 + " to entry " + K1 +
           "\n"},
      {"delete-and-renumber",
       "DELETE FROM audit WHERE seq = " + K + "; " + shift(K1, -1),
       Rehash::kNone, renumbered},
      {"reorder",
       "UPDATE audit SET seq = -1 WHERE seq = " + K +
           "; UPDATE audit SET seq = " + K + " WHERE seq = " + K1 +
           "; UPDATE audit SET seq = " + K1 + " WHERE seq = -1",
       Rehash::kNone, renumbered},
      {"reorder-and-rechain",
       "UPDATE audit SET seq = -1 WHERE seq = " + K +
           "; UPDATE audit SET seq = " + K + " WHERE seq = " + K1 +
           "; UPDATE audit SET seq = " + K1 + " WHERE seq = -1",
       Rehash::kChain, rewritten},
      {"insert",
       shift(K, 1) + " INSERT INTO audit SELECT " + K +
           ", time, 'vote.accepted', request, 'v16', "
           "'{\"comment\":\"\",\"vote\":\"approve\"}', policy, hash, '' FROM "
           "audit WHERE seq = " +
           K0,
       Rehash::kEntry,
       "audit log FAILED at entry " + K + ": entry " + K +
           " was inserted: the entry after it is the original entry " + K +
           ", renumbered to " + K1 + "\n"},
      {"truncate", "DELETE FROM audit WHERE seq > " + C1, Rehash::kNone,
       "audit log FAILED at entry " + std::to_string(first_checkpoint + 1) +
           ": entries " + std::to_string(first_checkpoint + 1) + " to " + C2 +
           " missing: the log ends at entry " + C1 +
           ", but a signed checkpoint covers entry " + C2 + "\n"},
  };
  for (const Tamper &tamper : cases) {
    SCOPED_TRACE(tamper.name);
    const std::string copy = dir_ + "/" + tamper.name + ".db";
    original.CopyTo(copy);
    {
      Sql sql(copy);
      sql.Exec("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;");
      sql.Exec(tamper.sql);
      if (tamper.rehash == Rehash::kChain) sql.Rechain(k);
      if (tamper.rehash == Rehash::kEntry) {
        std::vector<audit::AuditEntry> entry = sql.Entries(k);
        ASSERT_FALSE(entry.empty());
        entry[0].hash = audit::ComputeHash(entry[0]);
        sql.Put(entry[0]);
      }
    }
    RunResult verified =
        RunSignoff({"audit", "verify", "--db", copy, "--keys", dir_ + "/keys"});
    EXPECT_EQ(verified.exit_code, 1) << verified.out << verified.err;
    EXPECT_EQ(verified.out, tamper.expected) << verified.err;
    if (tamper.rehash == Rehash::kChain) {
      // The hash chain alone cannot tell a re-chained log: only the signed
      // checkpoint does.
      RunResult chain_only = RunSignoff({"audit", "verify", "--db", copy});
      EXPECT_EQ(chain_only.exit_code, 0) << chain_only.out;
    }
  }

  // The same log exported (JSON Lines), with lines swapped or dropped:
  // `audit verify --file` tells them apart from edits.
  {
    const std::string exported = dir_ + "/audit.jsonl";
    RunResult out =
        RunSignoff({"audit", "export", "--db", db(), "-o", exported});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    std::vector<std::string> lines;
    size_t line_of_k = 0;
    {
      std::string text = ReadFileOrDie(exported);
      for (size_t at = 0; at < text.size();) {
        size_t nl = text.find('\n', at);
        if (nl == std::string::npos) nl = text.size();
        lines.push_back(text.substr(at, nl - at));
        json line = Parse(lines.back());
        if (line.is_object() && line.value("seq", int64_t{0}) == k) {
          line_of_k = lines.size() - 1;
        }
        at = nl + 1;
      }
    }
    ASSERT_GT(line_of_k, 0u);
    ASSERT_EQ(Parse(lines[line_of_k + 1]).value("seq", int64_t{0}), k + 1);
    auto verify = [&](std::vector<std::string> edited) {
      std::string text;
      for (const std::string &line : edited) text += line + "\n";
      WriteFileOrDie(dir_ + "/edited.jsonl", text);
      return RunSignoff({"audit", "verify", "--file", dir_ + "/edited.jsonl",
                         "--keys", dir_ + "/keys"});
    };
    std::vector<std::string> swapped = lines;
    std::swap(swapped[line_of_k], swapped[line_of_k + 1]);
    RunResult reordered = verify(swapped);
    EXPECT_EQ(reordered.exit_code, 1) << reordered.err;
    EXPECT_EQ(reordered.out, "audit log FAILED at entry " + K + ": entries " +
                                 K + " and " + K1 +
                                 " are out of order: entry " + K1 +
                                 " comes before entry " + K + "\n");
    std::vector<std::string> dropped = lines;
    dropped.erase(dropped.begin() + static_cast<long>(line_of_k));
    RunResult deleted = verify(dropped);
    EXPECT_EQ(deleted.exit_code, 1) << deleted.err;
    EXPECT_EQ(deleted.out, "audit log FAILED at entry " + K + ": entry " + K +
                               " missing: the log goes from entry " + K0 +
                               " to entry " + K1 + "\n");
    EXPECT_EQ(verify(lines).exit_code, 0);
  }

  // A forged checkpoint: its hash moved to another entry's, so the
  // signature no longer matches.
  {
    const std::string copy = dir_ + "/forged-checkpoint.db";
    original.CopyTo(copy);
    Sql sql(copy);
    sql.Exec(
        "UPDATE checkpoints SET hash = (SELECT hash FROM audit WHERE "
        "seq = " +
        K + ") WHERE seq = " + C1);
    RunResult verified =
        RunSignoff({"audit", "verify", "--db", copy, "--keys", dir_ + "/keys"});
    EXPECT_EQ(verified.exit_code, 1) << verified.out << verified.err;
    EXPECT_EQ(
        verified.out.rfind("audit log FAILED at entry " + C1 +
                               ": checkpoint at seq " + C1 + " is not valid: ",
                           0),
        0u)
        << verified.out;
  }

  // The live file, edited behind the server's back: the server still
  // starts (and appends), and GET /v1/audit/verify points at the entry;
  // after it stops, `signoff audit verify --config` does the same.
  RawExec(
      "DROP TRIGGER audit_no_update; UPDATE audit SET data = "
      "json_set(data, '$.comment', 'lgtm') WHERE seq = " +
      K);
  int port = 0;
  std::unique_ptr<ServeProcess> server = Start("tamper-live", port);
  ASSERT_NE(port, 0) << server->Log();
  auto api = std::make_unique<Api>(port);
  json verify = AuditVerify(*api);
  EXPECT_EQ(verify["ok"], false) << verify.dump();
  EXPECT_EQ(verify["first_bad"], k) << verify.dump();
  EXPECT_EQ(verify["problem"], "entry " + K +
                                   ": hash does not match contents (the entry "
                                   "was edited)")
      << verify.dump();
  api.reset();
  Stop(*server);
  RunResult verified = RunSignoff({"audit", "verify", "--config", config()});
  EXPECT_EQ(verified.exit_code, 1) << verified.err;
  EXPECT_EQ(verified.out,
            "audit log FAILED at entry " + K + ": entry " + K +
                ": hash does not match contents (the entry was edited)\n");
}

}  // namespace
}  // namespace signoff::testing
