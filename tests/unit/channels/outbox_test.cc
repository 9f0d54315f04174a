// The outbox over a real SQLite file, delivering signed webhooks to
// receivers on loopback: retries until the receiver recovers (each message
// accepted exactly once), the dead letter, order per request, a slow
// channel that delays no other, leases left by a dead process, and the
// audit entry of every attempt.
#include "runtime/channels/outbox.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "runtime/audit/entry.h"
#include "runtime/channels/signatures.h"
#include "runtime/channels/webhook.h"
#include "runtime/store/sqlite_store.h"
#include "tests/testing/loopback_server.h"
#include "tests/testing/temp_dir.h"

namespace signoff::channels {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr char kSecret[] = "webhook-secret";

// A webhook receiver: answers `fail_first` requests with 500, then 200;
// optionally sleeps before answering. Checks every signature; keeps the
// accepted bodies by idempotency key, in arrival order.
class Receiver {
 public:
  explicit Receiver(int fail_first = 0, int delay_ms = 0, int status = 500)
      : fail_first_(fail_first), delay_ms_(delay_ms), status_(status) {
    server_.server().Post(
        "/hook", [this](const httplib::Request& req, httplib::Response& res) {
          if (delay_ms_ > 0)
            std::this_thread::sleep_for(milliseconds(delay_ms_));
          std::lock_guard<std::mutex> lock(mu_);
          ++calls_;
          const std::string stamp = req.get_header_value("X-Signoff-Timestamp");
          const int64_t ts = stamp.empty() ? 0 : std::stoll(stamp);
          if (!VerifyWebhookSignature(
                   kSecret, req.get_header_value("X-Signoff-Timestamp"),
                   req.body, req.get_header_value("X-Signoff-Signature"), ts)
                   .ok()) {
            ++bad_signatures_;
            res.status = 401;
            return;
          }
          if (calls_ <= fail_first_) {
            res.status = status_;
            return;
          }
          const std::string key = req.get_header_value("Idempotency-Key");
          ++accepted_[key];
          order_.push_back(json::parse(req.body));
          res.status = 200;
        });
    EXPECT_TRUE(server_.Start());
  }
  std::string url() const { return server_.url("/hook"); }
  int calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  int bad_signatures() {
    std::lock_guard<std::mutex> lock(mu_);
    return bad_signatures_;
  }
  std::map<std::string, int> accepted() {
    std::lock_guard<std::mutex> lock(mu_);
    return accepted_;
  }
  std::vector<json> order() {
    std::lock_guard<std::mutex> lock(mu_);
    return order_;
  }

 private:
  const int fail_first_;
  const int delay_ms_;
  const int status_;
  std::mutex mu_;
  int calls_ = 0;
  int bad_signatures_ = 0;
  std::map<std::string, int> accepted_;
  std::vector<json> order_;
  testing::LoopbackServer server_;  // last: stopped before the rest goes
};

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::SqliteStore::Open(dir_.path() + "/signoff.db");
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
  }

  // A pending request `id` and one message per event for `channels`.
  void Submit(const std::string& id, const std::vector<std::string>& channels,
              const std::vector<std::string>& events = {"request.created"}) {
    ASSERT_TRUE(
        store_
            ->Write([&](store::WriteTx& tx) -> absl::Status {
              store::RequestRecord r;
              r.id = id;
              r.state = "pending";
              r.action = "data.export";
              r.params_json = "{}";
              r.requester_json = R"({"id":"agent:etl"})";
              r.context_json = "{}";
              r.decision_json = "{}";
              r.policy = "sha256:abc";
              r.created_at = 1;
              r.expires_at = 2;
              if (auto s = tx.InsertRequest(r); !s.ok()) return s;
              for (const std::string& event : events) {
                json payload = {{"event", event}, {"request", {{"id", id}}}};
                if (auto s = Outbox::Enqueue(tx, channels, id, payload, 0);
                    !s.ok()) {
                  return s;
                }
              }
              return absl::OkStatus();
            })
            .ok());
  }

  std::unique_ptr<Channel> Hook(const std::string& name, const Receiver& r,
                                int64_t timeout_ms = 5000) {
    return std::make_unique<WebhookChannel>(
        WebhookOptions{name, r.url(), kSecret, timeout_ms});
  }

  static OutboxOptions Fast(int max_attempts = 8) {
    OutboxOptions options;
    options.retry.max_attempts = max_attempts;
    options.retry.base_ms = 20;
    options.retry.max_ms = 100;
    options.poll_ms = 20;
    return options;
  }

  // Waits until `done` holds (at most 20 s).
  template <typename F>
  static bool Eventually(F done) {
    const auto deadline = steady_clock::now() + std::chrono::seconds(20);
    while (steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return done();
  }

  std::vector<audit::AuditEntry> Audit(std::string_view type) {
    std::vector<audit::AuditEntry> out;
    absl::StatusOr<std::vector<audit::AuditEntry>> all =
        store_->ListAudit(0, 0);
    EXPECT_TRUE(all.ok()) << all.status();
    if (!all.ok()) return out;
    for (audit::AuditEntry& e : *all) {
      if (e.type == type) out.push_back(std::move(e));
    }
    return out;
  }

  ::signoff::testing::TempDir dir_;
  std::unique_ptr<store::SqliteStore> store_;
};

TEST_F(OutboxTest, MessagesCommitWithTheirChangeOrNotAtAll) {
  // A write that fails after enqueuing leaves no message behind.
  EXPECT_FALSE(store_
                   ->Write([&](store::WriteTx& tx) -> absl::Status {
                     store::RequestRecord r;
                     r.id = "r-gone";
                     r.state = "pending";
                     r.created_at = 1;
                     if (auto s = tx.InsertRequest(r); !s.ok()) return s;
                     if (auto s = Outbox::Enqueue(tx, {"hook"}, "r-gone",
                                                  {{"event", "x"}}, 0);
                         !s.ok()) {
                       return s;
                     }
                     return absl::InternalError("the change failed");
                   })
                   .ok());
  EXPECT_TRUE(store_->ListOutbox("", 0)->empty());
  Submit("r1", {"hook", "hook", "room"});
  auto all = *store_->ListOutbox("", 0);
  ASSERT_EQ(all.size(), 2u);  // duplicates once
  EXPECT_EQ(all[0].kind, "request.created");
  EXPECT_NE(all[0].idempotency_key, all[1].idempotency_key);
}

TEST_F(OutboxTest, RetriesUntilTheReceiverRecoversThenDeliversOnce) {
  Receiver flaky(/*fail_first=*/3);
  Submit("r1", {"hook"});
  Submit("r2", {"hook"});
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(Hook("hook", flaky));
  Outbox outbox(store_.get(), std::move(channels), Fast());
  ASSERT_TRUE(outbox.Start().ok());
  ASSERT_TRUE(Eventually([&] { return outbox.counts().sent == 2; }));
  outbox.Stop();
  const auto accepted = flaky.accepted();
  ASSERT_EQ(accepted.size(), 2u);
  for (const auto& [key, count] : accepted) EXPECT_EQ(count, 1) << key;
  EXPECT_EQ(flaky.calls(), 5);  // 3 failures + 2 deliveries
  EXPECT_EQ(flaky.bad_signatures(), 0);
  EXPECT_EQ(store_->ListOutbox("sent", 0)->size(), 2u);
  // Every attempt is audited: 3 failures with the next try, 2 sent.
  auto failed = Audit(audit::kTypeNotifyFailed);
  ASSERT_EQ(failed.size(), 3u);
  for (const auto& e : failed) {
    ASSERT_TRUE(e.data.is_object()) << e.data.dump();
    EXPECT_EQ(e.data.value("status", 0), 500) << e.data.dump();
    EXPECT_TRUE(e.data.contains("next_attempt"));
    EXPECT_EQ(e.data["channel"], "hook");
    EXPECT_EQ(e.policy, "sha256:abc");
  }
  auto sent = Audit(audit::kTypeNotifySent);
  ASSERT_EQ(sent.size(), 2u);
  // The body is the payload plus the message id, and the key matches it.
  for (const json& body : flaky.order()) {
    EXPECT_EQ(body["event"], "request.created");
    EXPECT_TRUE(accepted.count(body["id"].get<std::string>()));
  }
}

TEST_F(OutboxTest, ANeverRecoveringChannelEndsInTheDeadLetter) {
  Receiver dead(/*fail_first=*/1000);
  Receiver rejecting(/*fail_first=*/1000, 0, /*status=*/400);
  Submit("r1", {"dead", "rejecting"});
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(Hook("dead", dead));
  channels.push_back(Hook("rejecting", rejecting));
  Outbox outbox(store_.get(), std::move(channels), Fast(/*max_attempts=*/4));
  ASSERT_TRUE(outbox.Start().ok());
  ASSERT_TRUE(Eventually([&] { return outbox.counts().dead == 2; }));
  outbox.Stop();
  EXPECT_EQ(dead.calls(), 4);       // every attempt, then the dead letter
  EXPECT_EQ(rejecting.calls(), 1);  // a 400 is final at once
  auto letters = *store_->ListOutbox("dead", 0);
  ASSERT_EQ(letters.size(), 2u);
  for (const auto& m : letters) {
    if (m.channel == "dead") {
      EXPECT_EQ(m.attempts, 4);
      EXPECT_EQ(m.last_error, "gave up after 4 attempts: HTTP 500");
    } else {
      EXPECT_EQ(m.last_error, "rejected: HTTP 400");
    }
  }
  int dead_entries = 0;
  for (const auto& e : Audit(audit::kTypeNotifyFailed)) {
    if (e.data.value("dead", false)) ++dead_entries;
  }
  EXPECT_EQ(dead_entries, 2);
  EXPECT_EQ(Audit(audit::kTypeNotifyFailed).size(), 5u);
}

TEST_F(OutboxTest, MessagesOfARequestArriveInOrder) {
  Receiver flaky(/*fail_first=*/2);
  Submit("r1", {"hook"},
         {"request.created", "vote.accepted", "request.approved"});
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(Hook("hook", flaky));
  Outbox outbox(store_.get(), std::move(channels), Fast());
  ASSERT_TRUE(outbox.Start().ok());
  ASSERT_TRUE(Eventually([&] { return outbox.counts().sent == 3; }));
  outbox.Stop();
  const auto order = flaky.order();
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0]["event"], "request.created");
  EXPECT_EQ(order[1]["event"], "vote.accepted");
  EXPECT_EQ(order[2]["event"], "request.approved");
}

TEST_F(OutboxTest, ASlowChannelDelaysNoOther) {
  Receiver slow(/*fail_first=*/0, /*delay_ms=*/1500);
  Receiver fast;
  for (int i = 0; i < 5; ++i) {
    Submit("r" + std::to_string(i), {"slow", "fast"});
  }
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(Hook("slow", slow));
  channels.push_back(Hook("fast", fast));
  Outbox outbox(store_.get(), std::move(channels), Fast());
  const auto start = steady_clock::now();
  ASSERT_TRUE(outbox.Start().ok());
  ASSERT_TRUE(Eventually([&] { return fast.accepted().size() == 5; }));
  const auto fast_done = steady_clock::now() - start;
  // The slow receiver has taken at most one or two of its five by now.
  EXPECT_LT(slow.accepted().size(), 5u);
  EXPECT_LT(fast_done, std::chrono::seconds(3));
  outbox.Stop();  // waits for the slow attempt in flight
}

TEST_F(OutboxTest, LeasesOfADeadProcessAreRetriedAtOnceAndAudited) {
  Receiver receiver;
  Submit("r1", {"hook"});
  Submit("r2", {"hook"});
  // A previous process claimed r1's message and died before recording the
  // attempt: the lease would hold it for a minute.
  ASSERT_TRUE(store_
                  ->Write([](store::WriteTx& tx) {
                    return tx.ClaimOutbox("hook", 0, 60'000, 1).status();
                  })
                  .ok());
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(Hook("hook", receiver));
  Outbox outbox(store_.get(), std::move(channels), Fast());
  const auto start = steady_clock::now();
  ASSERT_TRUE(outbox.Start().ok());
  ASSERT_TRUE(Eventually([&] { return outbox.counts().sent == 2; }));
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(5));
  outbox.Stop();
  for (const auto& [key, count] : receiver.accepted()) EXPECT_EQ(count, 1);
  auto interrupted = Audit(audit::kTypeNotifyFailed);
  ASSERT_EQ(interrupted.size(), 1u);
  EXPECT_EQ(interrupted[0].data["outcome"], "interrupted");
  EXPECT_EQ(interrupted[0].request, "r1");
  // The delivery after the restart is its second attempt.
  for (const auto& e : Audit(audit::kTypeNotifySent)) {
    EXPECT_EQ(e.data["attempt"], e.request == "r1" ? 2 : 1);
  }
}

TEST_F(OutboxTest, UnreachableReceiverIsRetriedNotLost) {
  // A port nobody listens on: connection refused, retried, then dead.
  const int port = testing::RefusingLoopbackPort();
  Submit("r1", {"hook"});
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(std::make_unique<WebhookChannel>(WebhookOptions{
      "hook", "http://127.0.0.1:" + std::to_string(port) + "/hook", kSecret,
      500}));
  Outbox outbox(store_.get(), std::move(channels), Fast(/*max_attempts=*/3));
  ASSERT_TRUE(outbox.Start().ok());
  ASSERT_TRUE(Eventually([&] { return outbox.counts().dead == 1; }));
  outbox.Stop();
  auto failed = Audit(audit::kTypeNotifyFailed);
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_EQ(failed[0].data["status"], 0);
  EXPECT_EQ(failed[0].data["outcome"], "retry");
}

}  // namespace
}  // namespace signoff::channels
