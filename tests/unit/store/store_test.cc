// The SQLite store: schema and migrations, reopening, URLs, atomicity of
// Write, and the semantics of each kind of row.
#include <sqlite3.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/store/migrations.h"
#include "runtime/store/sqlite_store.h"
#include "runtime/store/store_url.h"
#include "tests/unit/store/store_testing.h"

namespace signoff::store {
namespace {

using testing::Contains;
using testing::Entry;
using testing::Request;
using testing::StoreTest;

TEST_F(StoreTest, MigratesAnEmptyFile) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RawInt("PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(RawInt("PRAGMA application_id"), kApplicationId);
  for (const char* table :
       {"requests", "votes", "grants", "outbox", "audit", "checkpoints"}) {
    EXPECT_EQ(RawInt(std::string("SELECT count(*) FROM sqlite_master WHERE "
                                 "type = 'table' AND name = '") +
                     table + "'"),
              1)
        << table;
  }
  struct stat info;
  ASSERT_EQ(stat(path_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  // WAL is persistent in the file; the writer connection is FULL.
  EXPECT_EQ(RawInt("SELECT count(*) FROM pragma_journal_mode "
                   "WHERE journal_mode = 'wal'"),
            1);
  absl::StatusOr<AuditHead> head = store->GetAuditHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 0);
  EXPECT_EQ(head->hash, audit::kGenesisHash);
}

TEST_F(StoreTest, ReopenKeepsData) {
  RequestRecord request = Request("r-1");
  request.resolved_by = "";
  {
    auto store = Open();
    ASSERT_TRUE(store
                    ->Write([&](WriteTx& tx) {
                      if (auto s = tx.InsertRequest(request); !s.ok()) return s;
                      return tx
                          .AppendAudit(Entry(audit::kTypeRequestCreated, "r-1",
                                             "agent:etl"))
                          .status();
                    })
                    .ok());
  }
  auto store = Open();  // migrations are not run twice
  absl::StatusOr<RequestRecord> back = store->GetRequest("r-1");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->state, "pending");
  EXPECT_EQ(back->action, request.action);
  EXPECT_EQ(back->params_json, request.params_json);
  EXPECT_EQ(back->requester_json, request.requester_json);
  EXPECT_EQ(back->context_json, request.context_json);
  EXPECT_EQ(back->decision_json, request.decision_json);
  EXPECT_EQ(back->policy, request.policy);
  EXPECT_EQ(back->created_at, request.created_at);
  EXPECT_EQ(back->expires_at, request.expires_at);
  EXPECT_FALSE(back->resolved_at.has_value());
  absl::StatusOr<std::vector<audit::AuditEntry>> log = store->ListAudit(0, 0);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].seq, 1);
  EXPECT_EQ((*log)[0].hash, audit::ComputeHash((*log)[0]));
  EXPECT_EQ(store->GetRequest("nope").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, RefusesNewerSchemaAndForeignFiles) {
  { ASSERT_NE(Open(), nullptr); }
  RawExec("PRAGMA user_version = " + std::to_string(LatestSchemaVersion() + 1));
  absl::StatusOr<std::unique_ptr<SqliteStore>> newer = SqliteStore::Open(path_);
  EXPECT_EQ(newer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(
      newer.status().message(),
      "has store schema version " + std::to_string(LatestSchemaVersion() + 1)));
  // Untouched: still the newer version.
  EXPECT_EQ(RawInt("PRAGMA user_version"), LatestSchemaVersion() + 1);

  path_ = dir_.path() + "/other.db";
  RawExec("CREATE TABLE notes (x TEXT)");
  absl::StatusOr<std::unique_ptr<SqliteStore>> foreign =
      SqliteStore::Open(path_);
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(foreign.status().message(), "not a Signoff store"));

  path_ = dir_.path() + "/garbage.db";
  {
    FILE* f = fopen(path_.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs(
        "this is not a database, not even close; it is just some text "
        "long enough to fill a header of one hundred bytes or so.......",
        f);
    fclose(f);
  }
  EXPECT_FALSE(SqliteStore::Open(path_).ok());
  EXPECT_FALSE(SqliteStore::Open(":memory:").ok());
}

TEST_F(StoreTest, ParsesStoreUrls) {
  absl::StatusOr<StoreUrl> url = ParseStoreUrl("sqlite:./signoff.db");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->scheme, "sqlite");
  EXPECT_EQ(url->path, "./signoff.db");
  EXPECT_EQ(ParseStoreUrl("sqlite:///var/lib/s.db")->path, "/var/lib/s.db");
  EXPECT_EQ(ParseStoreUrl("sqlite:").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseStoreUrl("mysql://x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseStoreUrl("postgres://db/signoff").status().code(),
            absl::StatusCode::kUnimplemented);
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore("sqlite:" + path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->GetAuditHead().ok());
}

TEST_F(StoreTest, FailedBodyLeavesNothing) {
  auto store = Open();
  absl::Status status = store->Write([&](WriteTx& tx) -> absl::Status {
    EXPECT_TRUE(tx.InsertRequest(Request("r-1")).ok());
    EXPECT_TRUE(
        tx.AppendAudit(Entry(audit::kTypeRequestCreated, "r-1", "a")).ok());
    EXPECT_TRUE(
        tx.InsertVote(VoteRecord{"r-1", "alice", "approve", "", 1}).ok());
    // Visible inside the transaction...
    EXPECT_TRUE(tx.GetRequest("r-1").ok());
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "changed my mind");
  // ...and gone after.
  EXPECT_EQ(store->GetRequest("r-1").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(RawInt("SELECT count(*) FROM audit"), 0);
  EXPECT_EQ(RawInt("SELECT count(*) FROM votes"), 0);
  // The chain continues from the last committed entry.
  AppendEntries(*store, 1);
  EXPECT_EQ(store->GetAuditHead()->seq, 1);
  absl::StatusOr<audit::VerifyResult> verified = store->VerifyAudit(nullptr);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

TEST_F(StoreTest, RefusesWriteInsideWriteAndBadValues) {
  auto store = Open();
  absl::Status inner;
  ASSERT_TRUE(store
                  ->Write([&](WriteTx&) {
                    inner =
                        store->Write([](WriteTx&) { return absl::OkStatus(); });
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(inner.code(), absl::StatusCode::kFailedPrecondition);
  absl::Status bad = store->Write(
      [](WriteTx& tx) { return tx.InsertRequest(Request("r-1", "limbo")); });
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  absl::Status no_type = store->Write(
      [](WriteTx& tx) { return tx.AppendAudit(Entry("", "r", "a")).status(); });
  EXPECT_EQ(no_type.code(), absl::StatusCode::kInvalidArgument);
  absl::Status bad_data = store->Write([](WriteTx& tx) {
    return tx.AppendAudit(Entry("decision", "r", "a", nlohmann::json::array()))
        .status();
  });
  EXPECT_EQ(bad_data.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, RequestQueriesAndCompareAndSet) {
  auto store = Open();
  ASSERT_TRUE(store
                  ->Write([](WriteTx& tx) -> absl::Status {
                    for (int i = 0; i < 5; ++i) {
                      RequestRecord r = Request("r-" + std::to_string(i),
                                                kStatePending, 1000 + i);
                      r.expires_at = 5000 + i * 1000;
                      if (auto s = tx.InsertRequest(r); !s.ok()) return s;
                    }
                    return tx.InsertRequest(Request("d-1", kStateDenied, 10));
                  })
                  .ok());
  EXPECT_EQ(
      store->Write([](WriteTx& tx) { return tx.InsertRequest(Request("r-0")); })
          .code(),
      absl::StatusCode::kAlreadyExists);
  auto pending = store->ListRequests(kStatePending, 0);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 5u);
  EXPECT_EQ((*pending)[0].id, "r-0");
  EXPECT_EQ(store->ListRequests("", 0)->size(), 6u);
  EXPECT_EQ(store->ListRequests("", 2)->size(), 2u);
  EXPECT_EQ(*store->CountRequests(kStatePending), 5);
  EXPECT_EQ(*store->CountRequests(kStateDenied), 1);
  EXPECT_EQ(*store->CountRequests(kStateApproved), 0);
  EXPECT_EQ(*store->CountRequests(""), 6);
  EXPECT_EQ(store->ListRequests("", 0)->front().id, "d-1");
  auto due = store->DuePendingRequests(7000, 0);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 3u);  // deadlines 5000, 6000, 7000
  EXPECT_EQ((*due)[2].id, "r-2");

  absl::StatusOr<bool> won = false, again = true, missing = true;
  ASSERT_TRUE(store
                  ->Write([&](WriteTx& tx) {
                    won = tx.CompareAndSetState("r-0", kStatePending,
                                                kStateExpired, 7000, "runtime");
                    again = tx.CompareAndSetState(
                        "r-0", kStatePending, kStateApproved, 7001, "alice");
                    missing = tx.CompareAndSetState(
                        "zz", kStatePending, kStateApproved, 7001, "alice");
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(won.ok() && *won);
  EXPECT_TRUE(again.ok() && !*again);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  auto r0 = store->GetRequest("r-0");
  EXPECT_EQ(r0->state, "expired");
  EXPECT_EQ(r0->resolved_at, 7000);
  EXPECT_EQ(r0->resolved_by, "runtime");
  EXPECT_EQ(store->DuePendingRequests(7000, 0)->size(), 2u);
}

TEST_F(StoreTest, DuplicateVoteRefused) {
  auto store = Open();
  ASSERT_TRUE(
      store->Write([](WriteTx& tx) { return tx.InsertRequest(Request("r")); })
          .ok());
  const auto vote = [&](const char* who, const char* how) {
    return store->Write([&](WriteTx& tx) {
      return tx.InsertVote(VoteRecord{"r", who, how, "fine", 10});
    });
  };
  EXPECT_TRUE(vote("alice", "approve").ok());
  absl::Status second = vote("alice", "reject");
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(second.message(), "alice already voted on request `r`");
  EXPECT_TRUE(vote("bob", "reject").ok());
  EXPECT_EQ(vote("carol", "maybe").code(), absl::StatusCode::kInvalidArgument);
  absl::Status orphan = store->Write([](WriteTx& tx) {
    return tx.InsertVote(VoteRecord{"nope", "alice", "approve", "", 1});
  });
  EXPECT_EQ(orphan.code(), absl::StatusCode::kNotFound);
  auto votes = store->ListVotes("r");
  ASSERT_TRUE(votes.ok());
  ASSERT_EQ(votes->size(), 2u);
  EXPECT_EQ((*votes)[0].identity, "alice");
  EXPECT_EQ((*votes)[0].vote, "approve");
  EXPECT_EQ((*votes)[1].identity, "bob");
}

TEST_F(StoreTest, GrantConsumedOnceThenRefused) {
  auto store = Open();
  ASSERT_TRUE(
      store
          ->Write([](WriteTx& tx) -> absl::Status {
            if (auto s = tx.InsertRequest(Request("r", kStateApproved));
                !s.ok()) {
              return s;
            }
            if (auto s = tx.InsertRequest(Request("q", kStateApproved));
                !s.ok()) {
              return s;
            }
            if (auto s = tx.InsertGrant(GrantRecord{
                    "g1", "r", "sg1.a.b", "sha256:x", 100, 400, std::nullopt});
                !s.ok()) {
              return s;
            }
            return tx.InsertGrant(GrantRecord{"g2", "q", "sg1.c.d", "sha256:y",
                                              100, 200, std::nullopt});
          })
          .ok());
  EXPECT_EQ(store
                ->Write([](WriteTx& tx) {
                  return tx.InsertGrant(
                      GrantRecord{"g3", "r", "t", "d", 1, 2, std::nullopt});
                })
                .code(),
            absl::StatusCode::kAlreadyExists);  // one grant per request
  // Both expire by 400; only unconsumed grants of approved requests are due.
  EXPECT_EQ(store->DueGrants(400, 0)->size(), 2u);
  EXPECT_EQ(store->DueGrants(300, 0)->size(), 1u);
  const auto consume = [&](const char* id, int64_t now) {
    return store->Write([&](WriteTx& tx) { return tx.ConsumeGrant(id, now); });
  };
  EXPECT_TRUE(consume("g1", 150).ok());
  absl::Status again = consume("g1", 160);
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Contains(again.message(), "already consumed"));
  EXPECT_EQ(consume("g9", 160).code(), absl::StatusCode::kNotFound);
  absl::StatusOr<GrantRecord> g1 = store->GetGrant("g1");
  ASSERT_TRUE(g1.ok());
  EXPECT_EQ(g1->consumed_at, 150);
  EXPECT_EQ(g1->token, "sg1.a.b");
  auto due = store->DueGrants(400, 0);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].grant_id, "g2");
}

TEST_F(StoreTest, OutboxLifecycle) {
  auto store = Open();
  ASSERT_TRUE(store
                  ->Write([](WriteTx& tx) -> absl::Status {
                    if (auto s = tx.InsertRequest(Request("r")); !s.ok()) {
                      return s;
                    }
                    for (const char* id : {"m1", "m2"}) {
                      OutboxRecord m;
                      m.id = id;
                      m.request_id = "r";
                      m.channel = "sre_room";
                      m.kind = "request";
                      m.payload_json = "{}";
                      m.idempotency_key = std::string("k-") + id;
                      m.next_attempt_at = 100;
                      if (auto s = tx.InsertOutbox(m); !s.ok()) return s;
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(store
                ->Write([](WriteTx& tx) {
                  OutboxRecord m;
                  m.id = "m3";
                  m.request_id = "r";
                  m.idempotency_key = "k-m1";
                  return tx.InsertOutbox(m);
                })
                .code(),
            absl::StatusCode::kAlreadyExists);
  std::vector<OutboxRecord> claimed;
  ASSERT_TRUE(store
                  ->Write([&](WriteTx& tx) {
                    auto c = tx.ClaimOutbox("sre_room", 100, 30'000, 0);
                    if (c.ok()) claimed = *c;
                    return c.status();
                  })
                  .ok());
  // Messages of one request reach a channel in order: m2 waits for m1.
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, "m1");
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_TRUE(claimed[0].leased);
  EXPECT_EQ(claimed[0].next_attempt_at, 30'100);
  // Leased: nothing due until the lease ends; another channel sees nothing.
  ASSERT_TRUE(store
                  ->Write([&](WriteTx& tx) {
                    auto c = tx.ClaimOutbox("sre_room", 200, 30'000, 0);
                    EXPECT_TRUE(c.ok() && c->empty());
                    c = tx.ClaimOutbox("other", 200, 30'000, 0);
                    EXPECT_TRUE(c.ok() && c->empty());
                    return tx.MarkOutboxSent("m1");
                  })
                  .ok());
  ASSERT_TRUE(store
                  ->Write([&](WriteTx& tx) {
                    auto c = tx.ClaimOutbox("sre_room", 200, 30'000, 0);
                    EXPECT_TRUE(c.ok() && c->size() == 1 && (*c)[0].id == "m2");
                    return tx.RescheduleOutbox("m2", 5'000, "HTTP 503");
                  })
                  .ok());
  auto pending = store->ListOutbox(kOutboxPending, 0);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].last_error, "HTTP 503");
  EXPECT_EQ((*pending)[0].next_attempt_at, 5'000);
  EXPECT_FALSE((*pending)[0].leased);
  ASSERT_TRUE(store
                  ->Write([](WriteTx& tx) {
                    return tx.MarkOutboxDead("m2", "gave up after 1 try");
                  })
                  .ok());
  EXPECT_EQ(store->ListOutbox(kOutboxDead, 0)->size(), 1u);
  EXPECT_EQ(store->ListOutbox(kOutboxSent, 0)->front().id, "m1");
  EXPECT_EQ(
      store->Write([](WriteTx& tx) { return tx.MarkOutboxSent("zz"); }).code(),
      absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, OutboxLeasesReleasedOnRestart) {
  auto store = Open();
  ASSERT_TRUE(store
                  ->Write([](WriteTx& tx) -> absl::Status {
                    for (const char* r : {"r1", "r2"}) {
                      if (auto s = tx.InsertRequest(Request(r)); !s.ok()) {
                        return s;
                      }
                      OutboxRecord m;
                      m.id = std::string("m-") + r;
                      m.request_id = r;
                      m.channel = "hook";
                      m.kind = "request.created";
                      m.payload_json = "{}";
                      m.idempotency_key = m.id;
                      m.next_attempt_at = 100;
                      if (auto s = tx.InsertOutbox(m); !s.ok()) return s;
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  // Both requests' first messages are claimed at once (no ordering
  // between requests).
  ASSERT_TRUE(store
                  ->Write([](WriteTx& tx) {
                    auto c = tx.ClaimOutbox("hook", 100, 60'000, 1);
                    EXPECT_TRUE(c.ok() && c->size() == 1 &&
                                (*c)[0].id == "m-r1");
                    return c.status();
                  })
                  .ok());
  std::vector<OutboxRecord> released;
  ASSERT_TRUE(store
                  ->Write([&](WriteTx& tx) {
                    auto r = tx.ReleaseOutboxLeases(500);
                    if (r.ok()) released = *r;
                    return r.status();
                  })
                  .ok());
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].id, "m-r1");
  EXPECT_EQ(released[0].attempts, 1);
  auto m = store->Read([](ReadTx& tx) {
    auto o = tx.GetOutbox("m-r1");
    EXPECT_TRUE(o.ok() && !o->leased && o->next_attempt_at == 500 &&
                o->attempts == 1);
    return o.status();
  });
  EXPECT_TRUE(m.ok());
  ASSERT_TRUE(store
                  ->Write([](WriteTx& tx) {
                    auto c = tx.ClaimOutbox("hook", 500, 60'000, 0);
                    EXPECT_TRUE(c.ok() && c->size() == 2);
                    return c.status();
                  })
                  .ok());
}

TEST_F(StoreTest, ChannelRefsEscalationsAndCallbacks) {
  auto store = Open();
  ASSERT_TRUE(
      store
          ->Write([](WriteTx& tx) -> absl::Status {
            if (auto s = tx.InsertRequest(Request("r")); !s.ok()) {
              return s;
            }
            if (auto s = tx.PutChannelRef("r", "room", "{\"ts\":1}"); !s.ok()) {
              return s;
            }
            if (auto s = tx.PutChannelRef("r", "room", "{\"ts\":2}"); !s.ok()) {
              return s;
            }
            if (auto s = tx.InsertEscalation({"r", 0, 1'000, {}}); !s.ok()) {
              return s;
            }
            return tx.InsertEscalation({"r", 1, 5'000, {}});
          })
          .ok());
  EXPECT_EQ(store
                ->Write([](WriteTx& tx) {
                  return tx.InsertEscalation({"r", 1, 9, {}});
                })
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store
                ->Write([](WriteTx& tx) {
                  return tx.PutChannelRef("nope", "room", "{}");
                })
                .code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store
                  ->Read([](ReadTx& tx) -> absl::Status {
                    auto ref = tx.GetChannelRef("r", "room");
                    EXPECT_TRUE(ref.ok() && *ref == "{\"ts\":2}");
                    EXPECT_EQ(tx.GetChannelRef("r", "other").status().code(),
                              absl::StatusCode::kNotFound);
                    auto due = tx.DueEscalations(1'000, 0);
                    EXPECT_TRUE(due.ok() && due->size() == 1 &&
                                (*due)[0].index == 0);
                    return absl::OkStatus();
                  })
                  .ok());
  // Fires exactly once.
  for (bool expected : {true, false}) {
    ASSERT_TRUE(store
                    ->Write([&](WriteTx& tx) -> absl::Status {
                      auto fired = tx.FireEscalation("r", 0, 1'100);
                      EXPECT_TRUE(fired.ok() && *fired == expected);
                      return fired.status();
                    })
                    .ok());
  }
  EXPECT_EQ(store
                ->Write([](WriteTx& tx) {
                  return tx.FireEscalation("r", 7, 1).status();
                })
                .code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store
                  ->Read([](ReadTx& tx) -> absl::Status {
                    auto all = tx.ListEscalations("r");
                    EXPECT_TRUE(all.ok() && all->size() == 2 &&
                                (*all)[0].fired_at == 1'100 &&
                                !(*all)[1].fired_at.has_value());
                    EXPECT_TRUE(tx.DueEscalations(10'000, 0)->size() == 1);
                    return absl::OkStatus();
                  })
                  .ok());
  // Callbacks: new once within the window, new again after it.
  auto remember = [&](std::string_view key, int64_t now) {
    bool fresh = false;
    EXPECT_TRUE(store
                    ->Write([&](WriteTx& tx) -> absl::Status {
                      auto r = tx.RememberCallback(key, now, 1'000);
                      if (r.ok()) fresh = *r;
                      return r.status();
                    })
                    .ok());
    return fresh;
  };
  EXPECT_TRUE(remember("sig-a", 100));
  EXPECT_FALSE(remember("sig-a", 900));
  EXPECT_TRUE(remember("sig-b", 900));
  EXPECT_TRUE(remember("sig-a", 2'000));
}

}  // namespace
}  // namespace signoff::store
