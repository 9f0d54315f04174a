// 50 voters racing on 200 requests over HTTP (issue 4, point 5): every
// request is approved exactly once, by exactly two accepted votes, with one
// grant, and every later vote is refused (409) and audited after the
// approval.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/unit/server/approvals_testing.h"

namespace signoff::server::testing {
namespace {

using nlohmann::json;

constexpr int kVoters = 50;
constexpr int kRequests = 200;
constexpr int kNeeded = 2;

std::string VoterId(int i) {
  char id[8];
  std::snprintf(id, sizeof id, "v%02d", i);
  return id;
}

std::vector<TestIdentity> CrowdIdentities() {
  std::vector<TestIdentity> identities = {
      {"req", "kind: service, team: deploys"},
      {"carol", "kind: human, team: sre"},  // the auditor of ConfigText
      {"exec", "kind: service, team: platform"},
  };
  for (int i = 0; i < kVoters; ++i) {
    identities.push_back({VoterId(i), "kind: human, team: crowd"});
  }
  return identities;
}

std::string CrowdPolicy() {
  std::string members;
  for (int i = 0; i < kVoters; ++i) {
    members += (i == 0 ? "\"" : ", \"") + VoterId(i) + "\"";
  }
  return "group crowd = [" + members +
         "]\n"
         "action ops.crowd { n: int }\n"
         "rule crowd_votes {\n"
         "  on ops.crowd\n"
         "  require " +
         std::to_string(kNeeded) +
         " of crowd\n"
         "  expire 1h\n"
         "  grant 1h\n"
         "}\n";
}

struct Outcome {
  int status = 0;
  bool resolved = false;
};

class ConcurrencyHttpTest : public ApprovalsHttpTest {
 protected:
  // Calls work(client, i) for i in [0, items) from `threads` threads, each
  // with its own keep-alive client (the store commits concurrent writes
  // together, so this is much faster than one after the other).
  template <typename Work>
  void ParallelFor(int threads, int items, Work work) {
    std::atomic<int> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        httplib::Client client("127.0.0.1", server_->port());
        client.set_keep_alive(true);
        client.set_tcp_nodelay(true);
        client.set_read_timeout(60, 0);
        for (int i = next.fetch_add(1); i < items; i = next.fetch_add(1)) {
          work(client, i);
        }
      });
    }
    for (std::thread& t : pool) t.join();
  }
};

TEST_F(ConcurrencyHttpTest, FiftyVotersOnTwoHundredRequestsResolveEachOnce) {
  StartWith(CrowdPolicy(), CrowdIdentities(), "", /*threads=*/64);
  const auto start = std::chrono::steady_clock::now();

  // Submit from 20 connections at once.
  std::vector<std::string> ids(kRequests);
  ParallelFor(20, kRequests, [&](httplib::Client& client, int i) {
    json body = {{"action", "ops.crowd"}, {"params", {{"n", i}}}};
    httplib::Result result = client.Post("/v1/requests", Auth(ApiKeyOf("req")),
                                         body.dump(), "application/json");
    json submitted = JsonOf(result);
    EXPECT_EQ(StatusOf(result), 200) << (result ? result->body : "");
    EXPECT_EQ(submitted["status"], "pending") << submitted;
    if (submitted["id"].is_string()) {
      ids[i] = submitted["id"].get<std::string>();
    }
  });
  for (const std::string& id : ids) ASSERT_FALSE(id.empty());
  const double submit_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  // Every voter approves every request, in its own shuffled order, on its
  // own keep-alive connection; all start together.
  std::vector<std::vector<Outcome>> outcomes(kVoters,
                                             std::vector<Outcome>(kRequests));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  const auto vote_start = std::chrono::steady_clock::now();
  for (int v = 0; v < kVoters; ++v) {
    threads.emplace_back([&, v] {
      std::vector<int> order(kRequests);
      for (int i = 0; i < kRequests; ++i) order[i] = i;
      std::mt19937 random(1000 + v);
      std::shuffle(order.begin(), order.end(), random);
      auto client =
          std::make_unique<httplib::Client>("127.0.0.1", server_->port());
      client->set_keep_alive(true);
      client->set_tcp_nodelay(true);
      client->set_read_timeout(60, 0);
      const httplib::Headers auth = Auth(ApiKeyOf(VoterId(v)));
      ready.fetch_add(1);
      while (ready.load() < kVoters) std::this_thread::yield();
      for (int i : order) {
        httplib::Result result =
            client->Post(("/v1/requests/" + ids[i] + "/votes").c_str(), auth,
                         R"({"vote": "approve"})", "application/json");
        Outcome& outcome = outcomes[v][i];
        outcome.status = StatusOf(result);
        if (outcome.status == 200) {
          json view = JsonOf(result);
          outcome.resolved = view.is_object() && view["resolved"] == true;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double vote_seconds = std::chrono::duration<double>(
                                  std::chrono::steady_clock::now() - vote_start)
                                  .count();

  // Per request: kNeeded accepted votes (one of them deciding), the rest
  // 409.
  int bad = 0;
  for (int i = 0; i < kRequests; ++i) {
    int accepted = 0, conflicts = 0, resolved = 0, other = 0;
    for (int v = 0; v < kVoters; ++v) {
      const Outcome& o = outcomes[v][i];
      if (o.status == 200) {
        ++accepted;
        resolved += o.resolved ? 1 : 0;
      } else if (o.status == 409) {
        ++conflicts;
      } else {
        ++other;
        ADD_FAILURE() << ids[i] << ": " << VoterId(v) << " got " << o.status;
      }
    }
    if (accepted != kNeeded || resolved != 1 ||
        conflicts != kVoters - kNeeded || other != 0) {
      if (++bad <= 5) {
        ADD_FAILURE() << ids[i] << ": accepted " << accepted << ", resolved "
                      << resolved << ", 409 " << conflicts << ", other "
                      << other;
      }
    }
  }
  EXPECT_EQ(bad, 0);

  // The audit log: per request one approval, one grant, kNeeded accepted
  // votes before the approval and every refusal after it.
  std::vector<json> entries = AuditEntries();
  struct Seen {
    int approved = 0, minted = 0, accepted = 0, refused = 0, other_reason = 0;
    int64_t approved_seq = 0, last_accepted = 0, first_refused = 0;
  };
  std::map<std::string, Seen> seen;
  for (const json& entry : entries) {
    const std::string type = entry["type"].get<std::string>();
    if (!entry["request"].is_string() || entry["request"] == "") continue;
    Seen& s = seen[entry["request"].get<std::string>()];
    const int64_t seq = entry["seq"].get<int64_t>();
    if (type == "request.approved") {
      ++s.approved;
      s.approved_seq = seq;
    } else if (type == "grant.minted") {
      ++s.minted;
    } else if (type == "vote.accepted") {
      ++s.accepted;
      s.last_accepted = std::max(s.last_accepted, seq);
    } else if (type == "vote.refused") {
      ++s.refused;
      if (s.first_refused == 0) s.first_refused = seq;
      if (entry["data"]["reason"] != "final_state") ++s.other_reason;
    }
  }
  ASSERT_EQ(seen.size(), static_cast<size_t>(kRequests));
  bad = 0;
  for (const std::string& id : ids) {
    const Seen& s = seen[id];
    const bool ok = s.approved == 1 && s.minted == 1 && s.accepted == kNeeded &&
                    s.refused == kVoters - kNeeded && s.other_reason == 0 &&
                    s.last_accepted < s.approved_seq &&
                    s.approved_seq < s.first_refused;
    if (!ok && ++bad <= 5) {
      ADD_FAILURE() << id << ": approved " << s.approved << ", minted "
                    << s.minted << ", accepted " << s.accepted << ", refused "
                    << s.refused << " (" << s.other_reason
                    << " not final_state), seqs " << s.last_accepted << " < "
                    << s.approved_seq << " < " << s.first_refused;
    }
  }
  EXPECT_EQ(bad, 0);
  json verified = JsonOf(GetAs("carol", "/v1/audit/verify"));
  EXPECT_EQ(verified["ok"], true) << verified;
  EXPECT_EQ(verified["entries"], entries.size());

  // One grant per request, shown to the requester only; it works once.
  std::atomic<int> bad_grants{0};
  ParallelFor(20, kRequests, [&](httplib::Client& client, int i) {
    const std::string path = "/v1/requests/" + ids[i];
    json mine = JsonOf(client.Get(path.c_str(), Auth(ApiKeyOf("req"))));
    json theirs =
        JsonOf(client.Get(path.c_str(), Auth(ApiKeyOf(VoterId(i % kVoters)))));
    if (mine["status"] != "approved" || !mine["grant"].is_string() ||
        theirs.contains("grant") ||
        mine["votes"].size() != static_cast<size_t>(kNeeded)) {
      if (bad_grants.fetch_add(1) < 5) {
        ADD_FAILURE() << ids[i] << ": " << mine.dump();
      }
      return;
    }
    json body = {{"token", mine["grant"]},
                 {"request", GrantRequest("ops.crowd", {{"n", i}}, "req")}};
    const httplib::Headers headers = Auth(ApiKeyOf("exec"));
    httplib::Result first = client.Post("/v1/grants/consume", headers,
                                        body.dump(), "application/json");
    httplib::Result second = client.Post("/v1/grants/consume", headers,
                                         body.dump(), "application/json");
    if (StatusOf(first) != 200 || StatusOf(second) != 409 ||
        ReasonOf(second) != "already_consumed") {
      if (bad_grants.fetch_add(1) < 5) {
        ADD_FAILURE() << ids[i] << ": consume " << StatusOf(first) << ", again "
                      << StatusOf(second);
      }
    }
  });
  EXPECT_EQ(bad_grants.load(), 0);

  std::map<std::string, double> m = Metrics();
  EXPECT_EQ(m["signoff_votes_total{vote=\"approve\"}"], kRequests * kNeeded);
  EXPECT_EQ(m["signoff_votes_refused_total"], kRequests * (kVoters - kNeeded));
  EXPECT_EQ(m["signoff_grants_total{event=\"minted\"}"], kRequests);
  EXPECT_EQ(m["signoff_grants_total{event=\"consumed\"}"], kRequests);
  EXPECT_EQ(m["signoff_grants_total{event=\"refused\"}"], kRequests);
  EXPECT_EQ(m["signoff_requests_pending"], 0);

  std::printf(
      "[ timing ] submit %.2fs, %d votes %.2fs, total %.2fs\n", submit_seconds,
      kVoters * kRequests, vote_seconds,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
}

// Twenty executors present the same grant at once: one consumes it.
TEST_F(ConcurrencyHttpTest, RacingConsumesSpendAGrantOnce) {
  StartDefault();
  json submitted = Submit(kBot, "ops.read");
  ASSERT_TRUE(submitted["grant"].is_string()) << submitted;
  const json body = {
      {"token", submitted["grant"]},
      {"request", GrantRequest("ops.read", DefaultParams(), kBot)}};
  std::vector<int> statuses(20);
  std::vector<std::string> reasons(20);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 20; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", server_->port());
      client.set_read_timeout(30, 0);
      client.set_tcp_nodelay(true);
      ready.fetch_add(1);
      while (ready.load() < 20) std::this_thread::yield();
      httplib::Result result =
          client.Post("/v1/grants/consume", Auth(ApiKeyOf("exec")), body.dump(),
                      "application/json");
      statuses[t] = StatusOf(result);
      reasons[t] = ReasonOf(result);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), 19);
  EXPECT_EQ(std::count(reasons.begin(), reasons.end(), "already_consumed"), 19);
  const std::string id = submitted["id"].get<std::string>();
  EXPECT_EQ(AuditOf(id, "grant.consumed").size(), 1u);
  EXPECT_EQ(AuditOf(id, "grant.refused").size(), 19u);
  EXPECT_EQ(StatusOfRequest(id), "consumed");
}

// The deciding vote and the requester's cancel race on 30 requests, fired
// together on each: each ends either approved (with a grant) or cancelled
// (without), never both.
TEST_F(ConcurrencyHttpTest, DecidingVoteAndCancelRaceResolveOnce) {
  StartWith(kPolicy, DefaultIdentities(), "", /*threads=*/16);
  constexpr int kRaces = 30;
  std::vector<std::string> ids;
  for (int i = 0; i < kRaces; ++i) {
    ids.push_back(SubmitId(kBot, "ops.deploy", DeployParams(i)));
    ASSERT_FALSE(ids.back().empty());
    ASSERT_EQ(StatusOf(Vote("alice", ids.back())), 200);
  }
  std::vector<int> vote_status(kRaces), cancel_status(kRaces);
  std::vector<std::atomic<int>> arrived(kRaces);
  auto racer = [&](bool cancel) {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(30, 0);
    for (int i = 0; i < kRaces; ++i) {
      // Both fire at once on each request.
      arrived[i].fetch_add(1);
      while (arrived[i].load() < 2) std::this_thread::yield();
      // Every other request the cancel starts a millisecond late, so that
      // both outcomes occur.
      if (cancel && i % 2 == 1) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      const std::string path =
          "/v1/requests/" + ids[i] + (cancel ? "/cancel" : "/votes");
      httplib::Result result = client.Post(
          path.c_str(), Auth(ApiKeyOf(cancel ? kBot : "bob")),
          cancel ? "" : R"({"vote": "approve"})", "application/json");
      (cancel ? cancel_status : vote_status)[i] = StatusOf(result);
    }
  };
  std::thread voter(racer, false), canceller(racer, true);
  voter.join();
  canceller.join();
  int approved = 0, cancelled = 0;
  for (int i = 0; i < kRaces; ++i) {
    SCOPED_TRACE(ids[i]);
    EXPECT_EQ((vote_status[i] == 200) + (cancel_status[i] == 200), 1)
        << vote_status[i] << " " << cancel_status[i];
    EXPECT_EQ(vote_status[i] == 200 ? cancel_status[i] : vote_status[i], 409);
    json view = View(kBot, ids[i]);
    const std::vector<std::string> types = AuditTypesOf(ids[i]);
    const auto approvals =
        std::count(types.begin(), types.end(), "request.approved");
    const auto cancels =
        std::count(types.begin(), types.end(), "request.cancelled");
    EXPECT_EQ(approvals + cancels, 1);
    if (vote_status[i] == 200) {
      ++approved;
      EXPECT_EQ(view["status"], "approved");
      EXPECT_TRUE(view["grant"].is_string());
      EXPECT_EQ(approvals, 1);
    } else {
      ++cancelled;
      EXPECT_EQ(view["status"], "cancelled");
      EXPECT_FALSE(view.contains("grant"));
      EXPECT_EQ(cancels, 1);
    }
  }
  EXPECT_EQ(approved + cancelled, kRaces);
  std::printf("[ races  ] %d approved, %d cancelled\n", approved, cancelled);
}

}  // namespace
}  // namespace signoff::server::testing
