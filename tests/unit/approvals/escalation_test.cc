// Escalations (RUNTIME.md §8, `escalate after D to G notify C`) and the
// ServiceOptions::notify hook, through ApprovalService over a real store:
// an escalation fires exactly once after its delay (also across restarts)
// and only while its request is pending; its group then votes on the
// clauses it widens, with their `where`; every change of a request with
// channels reaches the hook once, inside the change's transaction, and a
// failing hook fails the change.
#include <algorithm>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "runtime/approvals/eligibility.h"
#include "runtime/approvals/service.h"
#include "runtime/approvals/service_internal.h"
#include "runtime/audit/entry.h"
#include "runtime/audit/timestamp.h"
#include "runtime/store/records.h"
#include "runtime/store/store.h"
#include "tests/unit/approvals/approvals_testing.h"

namespace signoff::approvals {
namespace {

using nlohmann::json;
using testing::ApprovalsTest;
using testing::kMinute;
using testing::kStart;
using testing::Types;

constexpr char kEscalationPolicy[] = R"(
group stewards = ["sue", "sid", "sal"]
group oncall = ["otto", "olga"]
group leads = ["lee"]

channel room = slack("#r")
channel pager = webhook("p")

action table.drop {
  table: string
}
action cache.flush {
  cache: string
}
action key.rotate {
  key: string
}
action vault.open {
  vault: string
}
action logs.read {
  service: string
}

rule reads {
  on logs.read
  allow
}

rule core_tables {
  on table.drop
  when params.table == "core"
  deny "core stays"
}

# Told to the room; after 10m on call may approve too and the pager hears
# of it (room twice: the channels a change is told to are unique).
rule drops {
  on table.drop
  require 2 of stewards
  expire 1h
  notify room
  escalate after 10m to oncall notify pager, room
}

# No channels at all.
rule flushes {
  on cache.flush
  require 1 of stewards
  expire 1h
}

# No channels of its own: only the escalation's, once it fired.
rule rotations {
  on key.rotate
  require 1 of stewards
  expire 1h
  escalate after 5m to oncall notify pager
}

# Two rules decide: the escalation widens the first rule's clause only.
rule vault_stewards {
  on vault.open
  require 1 of stewards where approver.mfa
  expire 1h
  escalate after 10m to oncall
}
rule vault_leads {
  on vault.open
  require 1 of leads
  expire 1h
}

default deny "no rule covers this action"
)";

// otto and olga are on call and no stewards; only olga has MFA.
constexpr char kEscalationDirectory[] = R"(
identities:
  sue: { kind: human, team: data, mfa: true }
  sid: { kind: human, team: data }
  sal: { kind: human, team: data }
  otto: { kind: human, team: ops }
  olga: { kind: human, team: ops, mfa: true }
  lee: { kind: human, team: eng }
  eve: { kind: human, team: marketing }
  dana: { kind: human, team: data }
  agent:bot: { kind: agent, team: data, on_behalf_of: dana }
)";

constexpr char kDrop[] =
    R"({"action": "table.drop", "params": {"table": "t1"}})";
constexpr char kDropCore[] =
    R"({"action": "table.drop", "params": {"table": "core"}})";
constexpr char kFlush[] =
    R"({"action": "cache.flush", "params": {"cache": "c1"}})";
constexpr char kRotate[] =
    R"({"action": "key.rotate", "params": {"key": "k1"}})";
constexpr char kVault[] =
    R"({"action": "vault.open", "params": {"vault": "v1"}})";
constexpr char kRead[] =
    R"({"action": "logs.read", "params": {"service": "web"}})";

// The request an executor presents with the grant of `body` by agent:bot.
std::string Presented(std::string_view body) {
  json request = json::parse(body);
  request["requester"] = {{"id", "agent:bot"}};
  return request.dump();
}

constexpr int64_t kDropDelay = 10 * kMinute;

// What the notify hook was given for one change (and what it saw in the
// change's transaction).
struct Told {
  std::string event;
  std::string actor;
  int64_t time = 0;
  std::string request;
  std::string status;  // the view's
  std::string grant;   // the view's: always ""
  std::vector<std::string> escalated_to;
  std::vector<std::string> channels;
  json escalation;
  // The request's state read in the hook's transaction.
  std::string state_in_tx;
  // Whether the change's audit entry was visible in that transaction.
  bool audited_in_tx = false;
};

class EscalationTest : public ApprovalsTest {
 protected:
  void SetUp() override {
    options_.notify = [this](store::WriteTx& tx, const ChangeNote& note) {
      return OnNotify(tx, note);
    };
    ApprovalsTest::SetUp();
  }

  std::string Policy() const override { return kEscalationPolicy; }
  std::string DirectoryYaml() const override { return kEscalationDirectory; }

  absl::Status OnNotify(store::WriteTx& tx, const ChangeNote& note) {
    Told told;
    told.event = std::string(note.event);
    told.actor = std::string(note.actor);
    told.time = note.time;
    if (note.view == nullptr) return absl::InternalError("no view");
    told.request = note.view->id;
    told.status = note.view->status;
    told.grant = note.view->grant;
    told.escalated_to = note.view->escalated_to;
    told.channels = note.channels;
    told.escalation = note.escalation;
    absl::StatusOr<store::RequestRecord> record = tx.GetRequest(told.request);
    if (!record.ok()) return record.status();
    told.state_in_tx = record->state;
    absl::StatusOr<std::vector<audit::AuditEntry>> entries = tx.ListAudit(0, 0);
    if (!entries.ok()) return entries.status();
    for (const audit::AuditEntry& e : *entries) {
      if (e.request == told.request && e.type == told.event) {
        told.audited_in_tx = true;
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (write_outbox_) {
      for (const std::string& channel : note.channels) {
        store::OutboxRecord message;
        message.id = "m" + std::to_string(++serial_);
        message.request_id = told.request;
        message.channel = channel;
        message.kind = told.event;
        message.payload_json = json({{"status", told.status}}).dump();
        message.idempotency_key = message.id;
        message.next_attempt_at = note.time;
        if (absl::Status s = tx.InsertOutbox(message); !s.ok()) return s;
      }
    }
    if (!fail_on_.empty() && note.event == fail_on_) {
      ++failed_;
      return absl::InternalError("the hook failed");
    }
    told_.push_back(std::move(told));
    return absl::OkStatus();
  }

  void FailOn(std::string event) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_on_ = std::move(event);
  }
  void WriteOutbox() {
    std::lock_guard<std::mutex> lock(mu_);
    write_outbox_ = true;
  }
  int failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }

  // What the hook was told of request `id` ("" for every request).
  std::vector<Told> ToldOf(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Told> out;
    for (const Told& t : told_) {
      if (id.empty() || t.request == id) out.push_back(t);
    }
    return out;
  }
  Types EventsOf(const std::string& id) {
    Types events;
    for (const Told& t : ToldOf(id)) events.push_back(t.event);
    return events;
  }

  int Tick() {
    absl::StatusOr<int> ticked = service_->Tick();
    EXPECT_TRUE(ticked.ok()) << ticked.status();
    return ticked.ok() ? *ticked : -1;
  }

  // The audit entries of request `id` with type `type`.
  std::vector<audit::AuditEntry> AuditOf(const std::string& id,
                                         std::string_view type) {
    std::vector<audit::AuditEntry> out;
    for (audit::AuditEntry& e : AllAudit()) {
      if (e.request == id && e.type == type) out.push_back(std::move(e));
    }
    return out;
  }

  std::vector<store::EscalationRecord> Escalations(const std::string& id) {
    std::vector<store::EscalationRecord> out;
    absl::Status read = store_->Read([&](store::ReadTx& tx) -> absl::Status {
      absl::StatusOr<std::vector<store::EscalationRecord>> all =
          tx.ListEscalations(id);
      if (!all.ok()) return all.status();
      out = *std::move(all);
      return absl::OkStatus();
    });
    EXPECT_TRUE(read.ok()) << read;
    return out;
  }

  std::vector<store::OutboxRecord> Outbox() {
    absl::StatusOr<std::vector<store::OutboxRecord>> all =
        store_->ListOutbox("", 0);
    EXPECT_TRUE(all.ok()) << all.status();
    return all.ok() ? *std::move(all) : std::vector<store::OutboxRecord>();
  }

  json DecisionOf(const std::string& id) {
    absl::StatusOr<store::RequestRecord> record = store_->GetRequest(id);
    EXPECT_TRUE(record.ok()) << record.status();
    return record.ok() ? json::parse(record->decision_json) : json();
  }

  RequestView View(const std::string& id, std::string_view caller = "sue") {
    absl::StatusOr<RequestView> view = service_->Get(id, caller);
    EXPECT_TRUE(view.ok()) << view.status();
    return view.ok() ? *std::move(view) : RequestView();
  }

  // The ids of the requests in `who`'s inbox.
  Types InboxOf(std::string_view who) {
    absl::StatusOr<std::vector<RequestView>> inbox = service_->Inbox(who);
    EXPECT_TRUE(inbox.ok()) << inbox.status();
    Types ids;
    if (inbox.ok()) {
      for (const RequestView& v : *inbox) ids.push_back(v.id);
    }
    return ids;
  }

  // Approves `id` by agent:bot's grant and consumes it.
  void ConsumeGrantOf(const std::string& id, std::string_view body) {
    const std::string token = View(id, "agent:bot").grant;
    ASSERT_FALSE(token.empty());
    absl::StatusOr<grants::GrantClaims> consumed =
        service_->ConsumeGrant(token, Presented(body), "executor");
    ASSERT_TRUE(consumed.ok()) << consumed.status();
  }

  std::mutex mu_;
  std::vector<Told> told_;     // guarded by mu_
  std::string fail_on_;        // guarded by mu_
  bool write_outbox_ = false;  // guarded by mu_
  int serial_ = 0;             // guarded by mu_
  int failed_ = 0;             // guarded by mu_
};

// The escalation's audit data (and ChangeNote::escalation) of `drops`.
json DropEscalation() {
  return {{"group", "oncall"},
          {"after", "10m"},
          {"notify", json::array({"pager", "room"})},
          {"requirements", json::array({0})}};
}

// --- Escalations -----------------------------------------------------------

TEST_F(EscalationTest, DecisionNamesTheEscalation) {
  std::string id = Pending("agent:bot", kDrop);
  json decision = DecisionOf(id);
  EXPECT_EQ(decision["channels"], json::array({"room"}));
  EXPECT_EQ(decision["escalations"], json::parse(R"([{"after": "10m",
      "group": "oncall", "notify": ["pager", "room"], "requirements": [0],
      "rule": "drops"}])"));
  // One escalation row per entry, due after its delay, not fired.
  std::vector<store::EscalationRecord> rows = Escalations(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].index, 0);
  EXPECT_EQ(rows[0].due_at, kStart + kDropDelay);
  EXPECT_FALSE(rows[0].fired_at.has_value());
  // Without `escalate` the key is absent and no row is stored.
  std::string flush = Pending("agent:bot", kFlush);
  EXPECT_FALSE(DecisionOf(flush).contains("escalations"));
  EXPECT_TRUE(Escalations(flush).empty());
}

TEST_F(EscalationTest, OncallVotesOnlyOnceTheEscalationFired) {
  std::string id = Pending("agent:bot", kDrop);
  ASSERT_TRUE(Approve(id, "sue").ok());
  // Before the delay on call is nobody here.
  ExpectRefused(id, "otto", absl::StatusCode::kPermissionDenied,
                "not_eligible");
  EXPECT_TRUE(InboxOf("otto").empty());
  Advance(kDropDelay - 1);
  EXPECT_EQ(Tick(), 0);
  EXPECT_TRUE(AuditOf(id, "request.escalated").empty());
  ExpectRefused(id, "otto", absl::StatusCode::kPermissionDenied,
                "not_eligible");
  EXPECT_FALSE(ToJson(View(id)).contains("escalated_to"));

  Advance(1);
  EXPECT_EQ(Tick(), 1);
  EXPECT_EQ(Tick(), 0);  // once
  std::vector<audit::AuditEntry> escalated = AuditOf(id, "request.escalated");
  ASSERT_EQ(escalated.size(), 1u);
  EXPECT_EQ(escalated[0].actor, "runtime");
  EXPECT_EQ(escalated[0].time, audit::FormatTimestamp(kStart + kDropDelay));
  EXPECT_EQ(escalated[0].data, DropEscalation());
  std::vector<store::EscalationRecord> rows = Escalations(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fired_at, kStart + kDropDelay);
  EXPECT_EQ(State(id), "pending");

  RequestView view = View(id);
  EXPECT_EQ(view.escalated_to, Types{"oncall"});
  EXPECT_EQ(ToJson(view)["escalated_to"], json::array({"oncall"}));
  EXPECT_EQ(InboxOf("otto"), Types{id});
  EXPECT_TRUE(InboxOf("eve").empty());

  // sue (steward) + otto (on call) make the 2 of the one clause.
  absl::StatusOr<VoteResult> vote = Approve(id, "otto");
  ASSERT_TRUE(vote.ok()) << vote.status();
  EXPECT_EQ(vote->status, "approved");
  EXPECT_TRUE(vote->resolved);
  EXPECT_EQ(vote->view.escalated_to, Types{"oncall"});
  EXPECT_EQ(State(id), "approved");
  std::vector<audit::AuditEntry> approved = AuditOf(id, "request.approved");
  ASSERT_EQ(approved.size(), 1u);
  json approvers = approved[0].data["clauses"][0]["approvers"];
  std::vector<std::string> ids = approvers.get<std::vector<std::string>>();
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (Types{"otto", "sue"}));
  EXPECT_EQ(AuditTypes(id),
            (Types{"request.created", "decision", "vote.accepted",
                   "vote.refused", "vote.refused", "request.escalated",
                   "vote.accepted", "request.approved", "grant.minted"}));
  // An approved request escalates no more.
  Advance(kMinute);
  EXPECT_EQ(Tick(), 0);
  EXPECT_EQ(AuditOf(id, "request.escalated").size(), 1u);
  ExpectAuditVerifies();
}

TEST_F(EscalationTest, FiresOnceAcrossRestarts) {
  std::string id = Pending("agent:bot", kDrop);
  OpenService();  // a restart before the delay
  Advance(kDropDelay / 2);
  EXPECT_EQ(Tick(), 0);
  OpenService();
  Advance(kDropDelay / 2);
  EXPECT_EQ(Tick(), 1);
  OpenService();  // and after it fired
  EXPECT_EQ(Tick(), 0);
  Advance(kMinute);
  EXPECT_EQ(Tick(), 0);
  EXPECT_EQ(AuditOf(id, "request.escalated").size(), 1u);
  // The restarted service knows on call may vote.
  EXPECT_EQ(View(id).escalated_to, Types{"oncall"});
  ASSERT_TRUE(Approve(id, "otto").ok());
  EXPECT_EQ(State(id), "pending");
  ASSERT_TRUE(Approve(id, "olga").ok());
  EXPECT_EQ(State(id), "approved");
  ExpectAuditVerifies();
}

TEST_F(EscalationTest, NothingFiresForARequestNoLongerPending) {
  std::string approved = Pending("agent:bot", kDrop);
  ASSERT_TRUE(Approve(approved, "sue").ok());
  ASSERT_TRUE(Approve(approved, "sid").ok());
  ASSERT_EQ(State(approved), "approved");
  std::string cancelled = Pending("agent:bot", kDrop);
  ASSERT_TRUE(service_->Cancel(cancelled, "agent:bot").ok());
  std::string rejected = Pending("agent:bot", kDrop);
  ASSERT_TRUE(Reject(rejected, "sal").ok());
  ASSERT_EQ(State(rejected), "rejected");
  std::string pending = Pending("agent:bot", kDrop);

  Advance(kDropDelay);
  // The pending one escalates; the approved one's grant (5m by default)
  // expires.
  EXPECT_EQ(Tick(), 2);
  EXPECT_EQ(State(approved), "expired");
  EXPECT_EQ(AuditOf(pending, "request.escalated").size(), 1u);
  for (const std::string& id : {approved, cancelled, rejected}) {
    EXPECT_TRUE(AuditOf(id, "request.escalated").empty()) << id;
    std::vector<store::EscalationRecord> rows = Escalations(id);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_FALSE(rows[0].fired_at.has_value()) << id;
    EXPECT_TRUE(View(id).escalated_to.empty()) << id;
  }
  EXPECT_EQ(InboxOf("otto"), Types{pending});
  EXPECT_EQ(Tick(), 0);
}

TEST_F(EscalationTest, ExpiredBeforeTheTickDoesNotEscalate) {
  // Both the deadline and the escalation are due at this Tick: the
  // request expires and is not escalated.
  std::string id = Pending("agent:bot", kDrop);
  Advance(60 * kMinute);
  EXPECT_EQ(Tick(), 1);
  EXPECT_EQ(State(id), "expired");
  EXPECT_TRUE(AuditOf(id, "request.escalated").empty());
  EXPECT_EQ(Tick(), 0);
}

TEST_F(EscalationTest, PastItsDeadlineButNotYetExpiredDoesNotEscalate) {
  // One expiry per Tick: the second request is past its deadline but still
  // pending in the store when the escalations are looked at.
  options_.tick_batch = 1;
  OpenService();
  std::string first = Pending("agent:bot", kDrop);
  Advance(1);
  std::string second = Pending("agent:bot", kDrop);
  Advance(60 * kMinute);
  EXPECT_EQ(Tick(), 1);
  EXPECT_EQ(State(first), "expired");
  EXPECT_EQ(State(second), "pending");
  EXPECT_TRUE(AuditOf(second, "request.escalated").empty());
  EXPECT_EQ(Tick(), 1);
  EXPECT_EQ(State(second), "expired");
  EXPECT_TRUE(AuditOf(second, "request.escalated").empty());
  EXPECT_EQ(EventsOf(second), (Types{"request.created", "request.expired"}));
}

TEST_F(EscalationTest, WidensOnlyTheClausesOfItsRuleWithTheirWhere) {
  std::string id = Pending("agent:bot", kVault);
  json decision = DecisionOf(id);
  EXPECT_EQ(decision["requirements"], json::parse(R"([
      {"count": 1, "group": "stewards", "where": "approver.mfa"},
      {"count": 1, "group": "leads"}])"));
  EXPECT_EQ(decision["escalations"], json::parse(R"([{"after": "10m",
      "group": "oncall", "notify": [], "requirements": [0],
      "rule": "vault_stewards"}])"));
  Advance(kDropDelay);
  EXPECT_EQ(Tick(), 1);
  std::vector<audit::AuditEntry> escalated = AuditOf(id, "request.escalated");
  ASSERT_EQ(escalated.size(), 1u);
  EXPECT_EQ(escalated[0].data["notify"], json::array());
  EXPECT_EQ(escalated[0].data["requirements"], json::array({0}));

  // The clause's `where` binds on call too: otto has no MFA.
  ExpectRefused(id, "otto", absl::StatusCode::kPermissionDenied,
                "not_eligible");
  absl::StatusOr<VoteResult> olga = Approve(id, "olga");
  ASSERT_TRUE(olga.ok()) << olga.status();
  EXPECT_EQ(olga->status, "pending");  // the leads clause is not widened
  RequestView view = View(id);
  ASSERT_EQ(view.clauses.size(), 2u);
  EXPECT_EQ(view.clauses[0].approvers, Types{"olga"});
  EXPECT_TRUE(view.clauses[1].approvers.empty());
  EXPECT_EQ(view.escalated_to, Types{"oncall"});
  absl::StatusOr<VoteResult> lee = Approve(id, "lee");
  ASSERT_TRUE(lee.ok()) << lee.status();
  EXPECT_EQ(lee->status, "approved");
}

TEST_F(EscalationTest, NobodyApprovesTheirOwnRequestThroughAnEscalation) {
  std::string id = Pending("otto", kDrop);
  Advance(kDropDelay);
  EXPECT_EQ(Tick(), 1);
  ExpectRefused(id, "otto", absl::StatusCode::kPermissionDenied,
                "self_approval");
  ASSERT_TRUE(Approve(id, "olga").ok());
  EXPECT_EQ(State(id), "pending");
}

// --- The notify hook ---------------------------------------------------------

using NotifyTest = EscalationTest;

TEST_F(NotifyTest, EachChangeOnceInsideItsTransaction) {
  std::string id = Pending("agent:bot", kDrop);
  Advance(kMinute);
  ASSERT_TRUE(Approve(id, "sue").ok());
  // Refusals change nothing and tell nobody.
  EXPECT_FALSE(Approve(id, "eve").ok());
  EXPECT_FALSE(Approve(id, "sue").ok());
  EXPECT_FALSE(service_->Cancel(id, "sue").ok());
  Advance(kMinute);
  ASSERT_TRUE(Approve(id, "sid").ok());  // the deciding vote
  Advance(kMinute);
  ConsumeGrantOf(id, kDrop);

  std::vector<Told> told = ToldOf(id);
  ASSERT_EQ(told.size(), 4u);
  const Types events = {"request.created", "vote.accepted", "request.approved",
                        "grant.consumed"};
  const Types actors = {"agent:bot", "sue", "sid", "executor"};
  const Types states = {"pending", "pending", "approved", "consumed"};
  for (size_t i = 0; i < told.size(); ++i) {
    SCOPED_TRACE(events[i]);
    EXPECT_EQ(told[i].event, events[i]);
    EXPECT_EQ(told[i].actor, actors[i]);
    EXPECT_EQ(told[i].time, kStart + static_cast<int64_t>(i) * kMinute);
    EXPECT_EQ(told[i].status, states[i]);
    EXPECT_EQ(told[i].state_in_tx, states[i]);
    EXPECT_TRUE(told[i].audited_in_tx);
    EXPECT_EQ(told[i].channels, Types{"room"});
    EXPECT_TRUE(told[i].grant.empty());
    EXPECT_TRUE(told[i].escalation.is_null());
    EXPECT_TRUE(told[i].escalated_to.empty());
  }
}

TEST_F(NotifyTest, RejectionCancellationAndExpiries) {
  std::string rejected = Pending("agent:bot", kDrop);
  ASSERT_TRUE(Reject(rejected, "sal").ok());
  std::string cancelled = Pending("agent:bot", kDrop);
  ASSERT_TRUE(service_->Cancel(cancelled, "agent:bot").ok());
  EXPECT_EQ(EventsOf(rejected), (Types{"request.created", "request.rejected"}));
  EXPECT_EQ(ToldOf(rejected).back().actor, "sal");
  EXPECT_EQ(ToldOf(rejected).back().status, "rejected");
  EXPECT_EQ(EventsOf(cancelled),
            (Types{"request.created", "request.cancelled"}));
  EXPECT_EQ(ToldOf(cancelled).back().actor, "agent:bot");
  EXPECT_EQ(ToldOf(cancelled).back().status, "cancelled");

  // Pending requests expired by Tick, one expired by the late vote that
  // finds it past its deadline, and an approved one whose grant ran out.
  std::string by_tick = Pending("agent:bot", kDrop);
  std::string silent = Pending("agent:bot", kFlush);   // no channels
  std::string rotate = Pending("agent:bot", kRotate);  // not escalated yet
  std::string granted = Pending("agent:bot", kDrop);
  ASSERT_TRUE(Approve(granted, "sue").ok());
  ASSERT_TRUE(Approve(granted, "sid").ok());
  absl::StatusOr<StoredDecision> stored =
      ParseStoredDecision(DecisionOf(granted).dump());
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_GT(stored->grant_seconds, 0);
  ASSERT_LE(stored->grant_seconds * 1000, 60 * kMinute);
  Advance(4 * kMinute);
  std::string by_vote = Pending("agent:bot", kDrop);
  // The deadline of the first ones; by_vote has 4m left. The escalations
  // of by_tick and rotate came due too, but they expire first: those never
  // fire. by_vote's does.
  Advance(56 * kMinute);
  EXPECT_EQ(Tick(), 5);  // 4 expired, 1 escalated
  EXPECT_EQ(EventsOf(by_tick), (Types{"request.created", "request.expired"}));
  EXPECT_EQ(ToldOf(by_tick).back().channels, Types{"room"});
  EXPECT_TRUE(ToldOf(silent).empty());
  EXPECT_TRUE(ToldOf(rotate).empty());
  EXPECT_TRUE(AuditOf(rotate, "request.escalated").empty());
  EXPECT_EQ(EventsOf(granted), (Types{"request.created", "vote.accepted",
                                      "request.approved", "request.expired"}));
  for (const std::string& id : {by_tick, granted}) {
    const Told expired = ToldOf(id).back();
    EXPECT_EQ(expired.actor, "runtime") << id;
    EXPECT_EQ(expired.status, "expired") << id;
    EXPECT_EQ(expired.state_in_tx, "expired") << id;
    EXPECT_TRUE(expired.audited_in_tx) << id;
  }

  Advance(4 * kMinute);
  EXPECT_EQ(Approve(by_vote, "sue").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(EventsOf(by_vote),
            (Types{"request.created", "request.escalated", "request.expired"}));
  const Told late = ToldOf(by_vote).back();
  EXPECT_EQ(late.actor, "runtime");
  EXPECT_EQ(late.status, "expired");
  EXPECT_EQ(late.channels, (Types{"pager", "room"}));
}

TEST_F(NotifyTest, TheEscalationAndItsChannelsFromThenOn) {
  std::string id = Pending("agent:bot", kDrop);
  Advance(kDropDelay);
  EXPECT_EQ(Tick(), 1);
  ASSERT_TRUE(Approve(id, "otto").ok());
  std::vector<Told> told = ToldOf(id);
  ASSERT_EQ(told.size(), 3u);
  EXPECT_EQ(told[0].event, "request.created");
  EXPECT_EQ(told[0].channels, Types{"room"});
  EXPECT_TRUE(told[0].escalated_to.empty());

  EXPECT_EQ(told[1].event, "request.escalated");
  EXPECT_EQ(told[1].actor, "runtime");
  EXPECT_EQ(told[1].time, kStart + kDropDelay);
  EXPECT_EQ(told[1].status, "pending");
  EXPECT_TRUE(told[1].audited_in_tx);
  EXPECT_EQ(told[1].escalation, DropEscalation());
  // The decision's room and the escalation's pager and room: sorted, once.
  EXPECT_EQ(told[1].channels, (Types{"pager", "room"}));
  EXPECT_EQ(told[1].escalated_to, Types{"oncall"});

  EXPECT_EQ(told[2].event, "vote.accepted");
  EXPECT_EQ(told[2].actor, "otto");
  EXPECT_TRUE(told[2].escalation.is_null());
  EXPECT_EQ(told[2].channels, (Types{"pager", "room"}));
  EXPECT_EQ(told[2].escalated_to, Types{"oncall"});
}

TEST_F(NotifyTest, OnlyTheEscalationsChannelsOnceItFired) {
  // key.rotate names no channel: nobody hears of it until it escalates.
  std::string id = Pending("agent:bot", kRotate);
  EXPECT_TRUE(ToldOf(id).empty());
  Advance(5 * kMinute);
  EXPECT_EQ(Tick(), 1);
  ASSERT_TRUE(Approve(id, "otto").ok());  // 1 of stewards, widened
  ASSERT_EQ(State(id), "approved");
  ConsumeGrantOf(id, kRotate);
  EXPECT_EQ(EventsOf(id),
            (Types{"request.escalated", "request.approved", "grant.consumed"}));
  for (const Told& t : ToldOf(id)) {
    EXPECT_EQ(t.channels, Types{"pager"}) << t.event;
    EXPECT_TRUE(t.grant.empty()) << t.event;
  }
  EXPECT_EQ(ToldOf(id)[0].escalation,
            json({{"group", "oncall"},
                  {"after", "5m"},
                  {"notify", json::array({"pager"})},
                  {"requirements", json::array({0})}}));
}

TEST_F(NotifyTest, NotCalledWithoutChannels) {
  SubmitResult read = Submit("agent:bot", kRead, "approved");
  ASSERT_TRUE(
      service_->ConsumeGrant(read.grant, Presented(kRead), "executor").ok());
  Submit("agent:bot", kDropCore, "denied");
  std::string flush = Pending("agent:bot", kFlush);
  ASSERT_TRUE(Approve(flush, "sue").ok());
  ConsumeGrantOf(flush, kFlush);
  std::string cancelled = Pending("agent:bot", kFlush);
  ASSERT_TRUE(service_->Cancel(cancelled, "agent:bot").ok());
  std::string rejected = Pending("agent:bot", kFlush);
  ASSERT_TRUE(Reject(rejected, "sue").ok());
  std::string expired = Pending("agent:bot", kFlush);
  Advance(60 * kMinute);
  EXPECT_EQ(Tick(), 1);
  EXPECT_EQ(State(expired), "expired");
  EXPECT_TRUE(ToldOf("").empty());
}

TEST_F(NotifyTest, WhatTheHookWritesCommitsWithTheChange) {
  WriteOutbox();
  std::string id = Pending("agent:bot", kDrop);
  ASSERT_TRUE(Approve(id, "sue").ok());
  Advance(kDropDelay);
  EXPECT_EQ(Tick(), 1);
  ASSERT_TRUE(Approve(id, "otto").ok());
  std::vector<std::pair<std::string, std::string>> messages;
  for (const store::OutboxRecord& m : Outbox()) {
    EXPECT_EQ(m.request_id, id);
    messages.emplace_back(m.kind, m.channel);
  }
  EXPECT_EQ(messages, (std::vector<std::pair<std::string, std::string>>{
                          {"request.created", "room"},
                          {"vote.accepted", "room"},
                          {"request.escalated", "pager"},
                          {"request.escalated", "room"},
                          {"request.approved", "pager"},
                          {"request.approved", "room"}}));
}

TEST_F(NotifyTest, AFailingHookFailsTheChangeAndLeavesNothing) {
  WriteOutbox();
  // A pending submit: nothing is stored at all.
  FailOn("request.created");
  absl::StatusOr<SubmitResult> submitted =
      service_->Submit("agent:bot", kDrop, "10.1.2.3");
  EXPECT_EQ(submitted.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(store_->ListRequests("", 0)->empty());
  EXPECT_TRUE(AllAudit().empty());
  EXPECT_TRUE(Outbox().empty());
  FailOn("");

  std::string id = Pending("agent:bot", kDrop);
  const size_t audited = AllAudit().size();
  const size_t messages = Outbox().size();
  auto unchanged = [&](std::string_view state) {
    EXPECT_EQ(State(id), state);
    EXPECT_EQ(AllAudit().size(), audited);
    EXPECT_EQ(Outbox().size(), messages);
  };

  // A vote.
  FailOn("vote.accepted");
  EXPECT_EQ(Approve(id, "sue").status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(store_->ListVotes(id)->empty());
  unchanged("pending");

  // An escalation: not fired, fires at the next Tick.
  Advance(kDropDelay);
  FailOn("request.escalated");
  EXPECT_EQ(service_->Tick().status().code(), absl::StatusCode::kInternal);
  ASSERT_EQ(Escalations(id).size(), 1u);
  EXPECT_FALSE(Escalations(id)[0].fired_at.has_value());
  EXPECT_TRUE(View(id).escalated_to.empty());
  unchanged("pending");

  // A cancel.
  FailOn("request.cancelled");
  EXPECT_EQ(service_->Cancel(id, "agent:bot").code(),
            absl::StatusCode::kInternal);
  unchanged("pending");

  // The deciding vote: no approval, no grant.
  FailOn("");
  EXPECT_EQ(Tick(), 1);
  ASSERT_TRUE(Approve(id, "sue").ok());
  const size_t audited_before_vote = AllAudit().size();
  const size_t messages_before_vote = Outbox().size();
  FailOn("request.approved");
  EXPECT_EQ(Approve(id, "otto").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(State(id), "pending");
  EXPECT_EQ(store_->ListVotes(id)->size(), 1u);
  EXPECT_EQ(AllAudit().size(), audited_before_vote);
  EXPECT_EQ(Outbox().size(), messages_before_vote);
  EXPECT_TRUE(View(id, "agent:bot").grant.empty());

  // An expiry by Tick.
  FailOn("request.expired");
  Advance(60 * kMinute);
  EXPECT_EQ(service_->Tick().status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(State(id), "pending");
  EXPECT_EQ(AllAudit().size(), audited_before_vote);
  FailOn("");
  EXPECT_EQ(Tick(), 1);
  EXPECT_EQ(State(id), "expired");

  // A consume: the grant stays usable.
  std::string other = Pending("agent:bot", kDrop);
  ASSERT_TRUE(Approve(other, "sue").ok());
  ASSERT_TRUE(Approve(other, "sid").ok());
  const std::string token = View(other, "agent:bot").grant;
  ASSERT_FALSE(token.empty());
  const size_t audited_before_consume = AllAudit().size();
  FailOn("grant.consumed");
  EXPECT_EQ(service_->ConsumeGrant(token, Presented(kDrop), "executor")
                .status()
                .code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(State(other), "approved");
  EXPECT_EQ(AllAudit().size(), audited_before_consume);
  FailOn("");
  EXPECT_TRUE(service_->ConsumeGrant(token, Presented(kDrop), "executor").ok());
  EXPECT_EQ(State(other), "consumed");

  EXPECT_EQ(failed(), 7);
  // Nothing the failed calls wrote survived: one message per channel of
  // each change that committed.
  for (const store::OutboxRecord& m : Outbox()) {
    EXPECT_NE(m.kind, "request.cancelled");
  }
  ExpectAuditVerifies();
}

// --- The stored decision -----------------------------------------------------

TEST(StoredDecisionTest, ReadsChannelsAndEscalations) {
  absl::StatusOr<StoredDecision> parsed = ParseStoredDecision(R"({
      "decision": "require_approval", "rules": ["a", "b"],
      "requirements": [{"count": 2, "group": "sre"},
                       {"count": 1, "group": "security",
                        "where": "approver.mfa"}],
      "veto": 1, "expire": "30m", "grant": "5m",
      "channels": ["room", "pager"],
      "escalations": [
        {"after": "10m", "group": "oncall", "notify": ["pager"],
         "requirements": [0], "rule": "a"},
        {"after": "1h30m", "group": "leads", "notify": [],
         "requirements": [0, 1], "rule": "b"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->channels, (Types{"room", "pager"}));
  EXPECT_EQ(parsed->expire_seconds, 1800);
  EXPECT_EQ(parsed->grant_seconds, 300);
  ASSERT_EQ(parsed->clauses.size(), 2u);
  EXPECT_TRUE(parsed->clauses[0].also.empty());
  ASSERT_EQ(parsed->escalations.size(), 2u);
  EXPECT_EQ(parsed->escalations[0].after_seconds, 600);
  EXPECT_EQ(parsed->escalations[0].group, "oncall");
  EXPECT_EQ(parsed->escalations[0].notify, Types{"pager"});
  EXPECT_EQ(parsed->escalations[0].requirements, std::vector<int64_t>{0});
  EXPECT_EQ(parsed->escalations[1].after_seconds, 5400);
  EXPECT_EQ(parsed->escalations[1].group, "leads");
  EXPECT_TRUE(parsed->escalations[1].notify.empty());
  EXPECT_EQ(parsed->escalations[1].requirements, (std::vector<int64_t>{0, 1}));

  // Without the keys: none.
  absl::StatusOr<StoredDecision> plain = ParseStoredDecision(
      R"({"decision": "require_approval",
          "requirements": [{"count": 1, "group": "sre"}]})");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->channels.empty());
  EXPECT_TRUE(plain->escalations.empty());

  for (const char* bad : {
           R"({"decision": "require_approval", "escalations": {}})",
           R"({"decision": "require_approval", "escalations": [1]})",
           R"({"decision": "require_approval",
               "escalations": [{"after": "soon", "group": "g"}]})",
           R"({"decision": "require_approval",
               "escalations": [{"after": 10, "group": "g"}]})",
       }) {
    EXPECT_EQ(ParseStoredDecision(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(StoredDecisionTest, ApplyEscalationsWidensTheClausesItNames) {
  StoredDecision decision;
  decision.clauses = {ClauseSpec{2, "sre", "", {}},
                      ClauseSpec{1, "security", "approver.mfa", {}},
                      ClauseSpec{1, "leads", "", {}}};
  decision.escalations = {
      EscalationSpec{600, "oncall", {"pager"}, {0, 1}},
      // Its own group widens nothing; an index out of range is ignored.
      EscalationSpec{1200, "leads", {}, {1, 2, 7, -1}},
      EscalationSpec{1800, "oncall", {}, {0}},  // already there
  };
  StoredDecision none = decision;
  ApplyEscalations(none, {});
  for (const ClauseSpec& c : none.clauses) EXPECT_TRUE(c.also.empty());

  StoredDecision second = decision;
  ApplyEscalations(second, {1});
  EXPECT_TRUE(second.clauses[0].also.empty());
  EXPECT_EQ(second.clauses[1].also, Types{"leads"});
  EXPECT_TRUE(second.clauses[2].also.empty());

  StoredDecision all = decision;
  ApplyEscalations(all, {0, 1, 2, 3, -1, 99});
  EXPECT_EQ(all.clauses[0].also, Types{"oncall"});
  EXPECT_EQ(all.clauses[1].also, (Types{"oncall", "leads"}));
  EXPECT_TRUE(all.clauses[2].also.empty());
  // Counts and `where` are the clauses' own.
  EXPECT_EQ(all.clauses[0].count, 2);
  EXPECT_EQ(all.clauses[1].where, "approver.mfa");
  // Applying again changes nothing.
  StoredDecision twice = all;
  ApplyEscalations(twice, {0, 1, 2});
  EXPECT_EQ(twice.clauses[1].also, all.clauses[1].also);
}

TEST_F(EscalationTest, StoredDecisionOfARealRequest) {
  std::string id = Pending("agent:bot", kDrop);
  absl::StatusOr<store::RequestRecord> record = store_->GetRequest(id);
  ASSERT_TRUE(record.ok()) << record.status();
  absl::StatusOr<StoredDecision> parsed =
      ParseStoredDecision(record->decision_json);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->channels, Types{"room"});
  ASSERT_EQ(parsed->escalations.size(), 1u);
  EXPECT_EQ(parsed->escalations[0].after_seconds, 600);
  EXPECT_EQ(parsed->escalations[0].group, "oncall");
  EXPECT_EQ(parsed->escalations[0].notify, (Types{"pager", "room"}));
  EXPECT_EQ(parsed->escalations[0].requirements, std::vector<int64_t>{0});
}

}  // namespace
}  // namespace signoff::approvals

namespace signoff::approvals {
namespace {

TEST(MayNotifyTest, SkipsOnlyDecisionsThatCertainlyNameNoChannel) {
  using internal::MayNotify;
  EXPECT_FALSE(MayNotify(R"({"decision":"require_approval","channels":[]})"));
  EXPECT_TRUE(MayNotify(R"({"decision":"require_approval","channels":["a"]})"));
  EXPECT_TRUE(MayNotify(
      R"({"channels":[],"escalations":[{"group":"g","notify":["p"]}]})"));
  // Not the compact form, or not a decision at all: parse to be sure.
  EXPECT_TRUE(MayNotify(R"({"channels": []})"));
  EXPECT_TRUE(MayNotify(""));
  // The text inside a string has its quotes escaped: no false "nobody".
  EXPECT_TRUE(
      MayNotify(R"({"messages":["\"channels\":[]"],"channels":["x"]})"));
  // A real decision of the engine, as stored.
  EXPECT_FALSE(MayNotify(
      R"({"decision":"allow","rules":["r"],"reasons":[],"requirements":[],)"
      R"("veto":0,"expire":"","grant":"5m","channels":[],"messages":[],)"
      R"("errors":[],"policy":"sha256:00"})"));
}

}  // namespace
}  // namespace signoff::approvals
