// Shared by the approvals tests: a real policy with groups and `where`
// clauses, a directory, a SQLite store in a temporary directory, a signing
// key, a clock the test moves, and the ApprovalService over them.
#ifndef SIGNOFF_TESTS_UNIT_APPROVALS_APPROVALS_TESTING_H_
#define SIGNOFF_TESTS_UNIT_APPROVALS_APPROVALS_TESTING_H_

#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "runtime/approvals/service.h"
#include "runtime/audit/checkpoint.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/directory/directory.h"
#include "runtime/engine/engine.h"
#include "runtime/store/sqlite_store.h"
#include "tests/testing/temp_dir.h"

namespace signoff::approvals::testing {

inline constexpr char kPolicy[] = R"(
group sre = ["alice", "bob", "carol"]
group security = ["sam", "sasha"]
group leads = ["alice", "sam"]
group oncall = directory("oncall-primary")

action db.migrate {
  db: string
  version: int
}
action data.export {
  dataset: string
  rows: int
}
action deploy.prod {
  service: string
}
action pager.silence {
  minutes: int
}
action logs.read {
  service: string
}

rule reads_are_free {
  on *.read
  allow
}

rule never_core {
  on db.migrate
  when params.db == "core"
  deny "core is migrated by hand"
}

rule migrations {
  on db.migrate
  require 2 of sre
  veto 2
  expire 30m
  grant 15m
}

rule exports {
  on data.export
  require 1 of security where approver.team != requester.team
  expire 1h
  grant 10m
}

# alice is in both groups: greedy assignment in vote order fails here.
rule deploys {
  on deploy.prod
  require 1 of leads
  require 1 of sre
  expire 2h
}

rule silences {
  on pager.silence
  require 1 of oncall where approver.mfa
  expire 10m
}

default deny "no rule covers this action"
)";

inline constexpr char kDirectory[] = R"(
identities:
  alice: { kind: human, team: sre, groups: [oncall-primary], mfa: true }
  bob: { kind: human, team: sre }
  carol: { kind: human, team: sre, groups: [oncall-primary] }
  dana: { kind: human, team: data }
  sam: { kind: human, team: security }
  sasha: { kind: human, team: appsec }
  eve: { kind: human, team: marketing }
  agent:etl: { kind: agent, team: data, on_behalf_of: dana }
  agent:deploy: { kind: agent, team: sre, on_behalf_of: carol }
  agent:sec: { kind: agent, team: security }
)";

// 2026-11-21T10:00:00Z
inline constexpr int64_t kStart = 1795255200000;
inline constexpr int64_t kMinute = 60'000;

inline constexpr char kMigrate[] =
    R"({"action": "db.migrate", "params": {"db": "orders", "version": 42}})";
// The request an executor presents with the grant of kMigrate by agent:etl.
inline nlohmann::json MigrateRequest(std::string requester = "agent:etl",
                                     int version = 42) {
  return {{"action", "db.migrate"},
          {"params", {{"db", "orders"}, {"version", version}}},
          {"requester", {{"id", requester}}}};
}

using ::signoff::testing::TempDir;

class ApprovalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(temp_.path().empty());
    SetDirectory(DirectoryYaml());
    EngineOptions options;
    options.backend = Backend::kInterpreter;
    options.directory_member = [this](std::string_view group,
                                      std::string_view id) {
      std::shared_ptr<const runtime::Directory> dir = CurrentDirectory();
      return dir != nullptr && dir->IsMember(group, id);
    };
    engine_ = Engine::Create(std::move(options));
    absl::Status loaded = engine_->LoadSources({{"policy.signoff", Policy()}});
    ASSERT_TRUE(loaded.ok()) << loaded;
    auto key = crypto::SigningKey::Generate();
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = *std::move(key);
    OpenService();
  }

  virtual std::string Policy() const { return kPolicy; }
  virtual std::string DirectoryYaml() const { return kDirectory; }

  void SetDirectory(const std::string& yaml) {
    auto dir = runtime::Directory::Parse(yaml, "directory.yaml");
    ASSERT_TRUE(dir.ok()) << dir.status();
    std::lock_guard<std::mutex> lock(dir_mu_);
    directory_ = std::make_shared<const runtime::Directory>(*std::move(dir));
  }
  std::shared_ptr<const runtime::Directory> CurrentDirectory() const {
    std::lock_guard<std::mutex> lock(dir_mu_);
    return directory_;
  }

  // (Re)opens the store file and a service over it.
  void OpenService() {
    service_.reset();
    store_.reset();
    auto store = store::SqliteStore::Open(temp_.path() + "/signoff.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    service_ = std::make_unique<ApprovalService>(
        engine_.get(), store_.get(), [this] { return CurrentDirectory(); },
        key_.get(), [this] { return now_.load(); }, options_);
  }

  void Advance(int64_t ms) { now_ += ms; }

  // Submits and checks the resulting status; returns the result.
  SubmitResult Submit(std::string_view identity, std::string_view body,
                      std::string_view expected_status) {
    absl::StatusOr<SubmitResult> result =
        service_->Submit(identity, body, "10.1.2.3");
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return SubmitResult();
    EXPECT_EQ(result->status, expected_status) << result->decision_json;
    return *result;
  }
  std::string Pending(std::string_view identity, std::string_view body) {
    return Submit(identity, body, "pending").id;
  }

  absl::StatusOr<VoteResult> Approve(const std::string& id,
                                     std::string_view who) {
    return service_->Vote(id, who, VoteChoice::kApprove, "lgtm");
  }
  absl::StatusOr<VoteResult> Reject(const std::string& id,
                                    std::string_view who) {
    return service_->Vote(id, who, VoteChoice::kReject, "no");
  }

  std::string State(const std::string& id) {
    absl::StatusOr<store::RequestRecord> r = store_->GetRequest(id);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->state : "";
  }

  std::vector<audit::AuditEntry> AllAudit() {
    auto entries = store_->ListAudit(0, 0);
    EXPECT_TRUE(entries.ok()) << entries.status();
    return entries.ok() ? *std::move(entries)
                        : std::vector<audit::AuditEntry>();
  }

  // The audit types of request `id` ("" for entries about no request), in
  // order.
  std::vector<std::string> AuditTypes(const std::string& id) {
    std::vector<std::string> types;
    auto entries = store_->ListAudit(0, 0);
    EXPECT_TRUE(entries.ok()) << entries.status();
    if (!entries.ok()) return types;
    for (const audit::AuditEntry& e : *entries) {
      if (e.request == id) types.push_back(e.type);
    }
    return types;
  }
  // The last audit entry of request `id`.
  audit::AuditEntry LastAudit(const std::string& id) {
    audit::AuditEntry last;
    auto entries = store_->ListAudit(0, 0);
    if (entries.ok()) {
      for (const audit::AuditEntry& e : *entries) {
        if (e.request == id) last = e;
      }
    }
    return last;
  }

  // Approving `id` as `who` fails with `code`, and the refusal is the last
  // audit entry of `id`: vote.refused by `who` for `reason`.
  void ExpectRefused(const std::string& id, std::string_view who,
                     absl::StatusCode code, std::string_view reason) {
    absl::StatusOr<VoteResult> vote = Approve(id, who);
    EXPECT_EQ(vote.status().code(), code) << who << ": " << vote.status();
    audit::AuditEntry last = LastAudit(id);
    EXPECT_EQ(last.type, "vote.refused");
    EXPECT_EQ(last.actor, who);
    EXPECT_EQ(last.data["reason"], reason) << last.data.dump();
  }

  void ExpectAuditVerifies() {
    auto result =
        store_->VerifyAudit(audit::SingleKeyLookup(key_->public_key()));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->ok) << result->first_bad << ": " << result->problem;
  }

  TempDir temp_;
  std::atomic<int64_t> now_{kStart};
  mutable std::mutex dir_mu_;
  std::shared_ptr<const runtime::Directory> directory_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<crypto::SigningKey> key_;
  ServiceOptions options_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<ApprovalService> service_;
};

using Types = std::vector<std::string>;

}  // namespace signoff::approvals::testing

#endif  // SIGNOFF_TESTS_UNIT_APPROVALS_APPROVALS_TESTING_H_
