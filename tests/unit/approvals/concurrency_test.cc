// Exactly-once under concurrency (RUNTIME.md §2: "two racing votes never
// mint two grants") and restarts (deadlines come from the store).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "runtime/approvals/service.h"
#include "tests/unit/approvals/approvals_testing.h"

namespace signoff::approvals {
namespace {

using nlohmann::json;
using testing::ApprovalsTest;
using testing::kMigrate;
using testing::kMinute;
using testing::MigrateRequest;

constexpr int kVoters = 50;
constexpr int kRequests = 200;

std::string VoterName(int i) {
  char name[8];
  std::snprintf(name, sizeof(name), "v%02d", i);
  return name;
}

class RaceTest : public ApprovalsTest {
 protected:
  std::string Policy() const override {
    std::string members;
    for (int i = 0; i < kVoters; ++i) {
      absl::StrAppend(&members, i ? ", " : "", "\"", VoterName(i), "\"");
    }
    return absl::StrCat("group voters = [", members, "]\n",
                        "action job.run {\n  n: int\n}\n",
                        "rule jobs {\n  on job.run\n  require 2 of voters\n"
                        "  expire 1h\n}\n");
  }
  std::string DirectoryYaml() const override {
    std::string yaml = "identities:\n  agent:bot: { kind: agent, team: ops }\n";
    for (int i = 0; i < kVoters; ++i) {
      absl::StrAppend(&yaml, "  ", VoterName(i), ": { kind: human }\n");
    }
    return yaml;
  }
};

TEST_F(RaceTest, EachRequestResolvesExactlyOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < kRequests; ++i) {
    ids.push_back(Pending(
        "agent:bot",
        absl::StrCat(R"({"action": "job.run", "params": {"n": )", i, "}}")));
  }
  ASSERT_EQ(ids.size(), static_cast<size_t>(kRequests));
  std::atomic<int> accepted{0}, resolved{0}, too_late{0}, unexpected{0};
  std::vector<std::thread> threads;
  for (int v = 0; v < kVoters; ++v) {
    threads.emplace_back([&, v] {
      std::vector<std::string> order = ids;
      std::shuffle(order.begin(), order.end(), std::mt19937(v));
      for (const std::string& id : order) {
        absl::StatusOr<VoteResult> vote =
            service_->Vote(id, VoterName(v), VoteChoice::kApprove, "");
        if (vote.ok()) {
          ++accepted;
          if (vote->resolved) ++resolved;
        } else if (absl::IsFailedPrecondition(vote.status())) {
          ++too_late;
        } else {
          ++unexpected;
          ADD_FAILURE() << vote.status();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(resolved.load(), kRequests);
  EXPECT_EQ(accepted.load(), 2 * kRequests);
  EXPECT_EQ(too_late.load(), kVoters * kRequests - 2 * kRequests);

  std::map<std::string, std::map<std::string, int>> counts;
  for (const audit::AuditEntry& e : AllAudit()) {
    ++counts[e.request][e.type];
  }
  for (const std::string& id : ids) {
    EXPECT_EQ(State(id), "approved");
    EXPECT_EQ(counts[id]["vote.accepted"], 2) << id;
    EXPECT_EQ(counts[id]["request.approved"], 1) << id;
    EXPECT_EQ(counts[id]["grant.minted"], 1) << id;
    EXPECT_EQ(counts[id]["vote.refused"], kVoters - 2) << id;
    EXPECT_EQ(store_->ListVotes(id)->size(), 2u);
    absl::Status has_grant = store_->Read(
        [&](store::ReadTx& tx) { return tx.GetGrantForRequest(id).status(); });
    EXPECT_TRUE(has_grant.ok()) << has_grant;
  }
  ExpectAuditVerifies();
}

TEST_F(ApprovalsTest, RacingConsumersConsumeOnce) {
  std::string id = Pending("agent:etl", kMigrate);
  ASSERT_TRUE(Approve(id, "alice").ok());
  ASSERT_TRUE(Approve(id, "bob").ok());
  const std::string token = service_->Get(id, "agent:etl")->grant;
  std::atomic<int> consumed{0}, already{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      absl::StatusOr<grants::GrantClaims> result =
          service_->ConsumeGrantParsed(token, MigrateRequest(), "executor");
      if (result.ok()) {
        ++consumed;
      } else if (absl::IsAlreadyExists(result.status())) {
        ++already;
      } else {
        ADD_FAILURE() << result.status();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(consumed.load(), 1);
  EXPECT_EQ(already.load(), 15);
  EXPECT_EQ(State(id), "consumed");
  ExpectAuditVerifies();
}

// A restarted service (new store connection, new service, nothing kept in
// memory) resumes pending requests and honours their deadlines.
TEST_F(ApprovalsTest, RestartResumesPendingRequests) {
  std::string expiring = Pending("agent:etl", kMigrate);
  std::string voting = Pending("agent:etl", kMigrate);
  ASSERT_TRUE(Approve(voting, "alice").ok());

  OpenService();
  // The vote cast before the restart counts.
  EXPECT_EQ(Approve(voting, "bob")->status, "approved");

  OpenService();
  Advance(30 * kMinute);
  // The pending request's deadline and the unused grant's (15m) both passed.
  EXPECT_EQ(*service_->Tick(), 2);
  EXPECT_EQ(State(expiring), "expired");
  EXPECT_EQ(State(voting), "expired");
  EXPECT_EQ(AuditTypes(expiring).back(), "request.expired");
  EXPECT_EQ(LastAudit(expiring).data["reason"],
            "no quorum before the deadline");
  EXPECT_EQ(LastAudit(voting).data["reason"], "grant expired unused");
  EXPECT_EQ(*service_->Tick(), 0);
  ExpectAuditVerifies();
}

}  // namespace
}  // namespace signoff::approvals
