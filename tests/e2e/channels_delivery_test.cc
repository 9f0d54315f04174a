// Delivery through the durable outbox end to end (RUNTIME.md §8): the real
// `signoff serve` against webhook receivers that fail, hang, never recover,
// or are cut off by a kill -9 of the server, with Slack and Teams working
// next to them.
//
// FlakyWebhookGetsEachMessageOnce: a receiver answering 500 three times
// and then 200 gets every message (created, vote accepted, approved, grant
// consumed, cancelled, rejected), each exactly once among the answered
// deliveries (by Idempotency-Key), signed, in order per request; every
// failed attempt is audited.
//
// DeadWebhookDelaysNeitherDecisionsNorSlack: while the receiver hangs,
// submits and votes answer at once and Slack gets its posts and updates;
// the receiver never recovers, so its messages end in the dead letter after
// the configured attempts, each audited once with dead: true.
//
// KillNineLosesNoNotification: with the receiver failing and one delivery
// in flight, the server is killed with SIGKILL; after the receiver recovers
// and the server restarts on the same file, every message is delivered,
// none twice, the interrupted attempt is audited, every outbox row is sent.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "runtime/channels/signatures.h"
#include "tests/e2e/channels_testing.h"

namespace signoff::testing {
namespace {

// A decision must not wait for a channel: far below the receiver's hang.
constexpr int64_t kFastMs = 2000;

class ChannelsDeliveryTest : public ChannelsFixture {
 protected:
  // Checks what a webhook receiver gets: the signature over timestamp and
  // body, the Idempotency-Key (the message id in the body), an event.
  static void ExpectSigned(const RecordedRequest& call) {
    EXPECT_EQ(call.method, "POST");
    EXPECT_EQ(call.path, "/hook");
    EXPECT_EQ(call.Header("Content-Type").rfind("application/json", 0), 0u);
    absl::Status verified = channels::VerifyWebhookSignature(
        kHookSecret, call.Header("X-Signoff-Timestamp"), call.body,
        call.Header("X-Signoff-Signature"), UnixSeconds());
    EXPECT_TRUE(verified.ok()) << verified << " " << call.body;
    json body = call.Json();
    EXPECT_FALSE(call.Header("Idempotency-Key").empty());
    EXPECT_EQ(body.value("id", ""), call.Header("Idempotency-Key"));
    EXPECT_FALSE(body.value("event", "").empty()) << call.body;
    EXPECT_TRUE(body["request"].is_object()) << call.body;
  }

  // How many 2xx-answered deliveries each Idempotency-Key got.
  std::map<std::string, int> DeliveredKeys() const {
    std::map<std::string, int> keys;
    std::vector<RecordedRequest> delivered = HookDelivered();
    for (const RecordedRequest& call : delivered) {
      ++keys[call.Header("Idempotency-Key")];
    }
    return keys;
  }

  // The idempotency keys of the outbox's webhook messages.
  std::set<std::string> HookKeys() const {
    std::set<std::string> keys;
    std::vector<OutboxRow> rows = Outbox("hook");
    for (const OutboxRow& row : rows) keys.insert(row.idempotency_key);
    return keys;
  }

  // Runs `call` and fails when it took kFastMs or more.
  template <typename Call>
  auto Fast(const char* what, Call call) {
    const int64_t start = NowMs();
    auto result = call();
    const int64_t took = NowMs() - start;
    EXPECT_LT(took, kFastMs) << what << " waited for a channel";
    return result;
  }
};

TEST_F(ChannelsDeliveryTest, FlakyWebhookGetsEachMessageOnce) {
  auto failures_left = std::make_shared<std::atomic<int>>(3);
  hook_.SetHandler([failures_left](const RecordedRequest&) {
    if (failures_left->fetch_sub(1) > 0) {
      return RecordingServer::Answer{500, R"({"error": "try later"})"};
    }
    return RecordingServer::Answer{200, "{}"};
  });
  std::unique_ptr<ServeProcess> server = Start("serve");
  ASSERT_NE(port_, 0);
  // Every kind of change: created, vote.accepted, approved,
  // grant.consumed; created, cancelled; created, rejected.
  const std::string first = Submit(Confidential("customers"));
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(Vote(first, "diego"), 200);
  EXPECT_EQ(Vote(first, "erin"), 200);
  {
    const std::string token = View(first, kRequester).value("grant", "");
    ASSERT_FALSE(token.empty());
    const json consume = {{"token", token},
                          {"request",
                           {{"action", "data.export"},
                            {"params", Confidential("customers")},
                            {"requester", {{"id", kRequester}}}}}};
    httplib::Result consumed =
        Client().Post("/v1/grants/consume", Auth("alice"), consume.dump(),
                      "application/json");
    ASSERT_TRUE(consumed);
    EXPECT_EQ(consumed->status, 200) << consumed->body;
  }
  const std::string second = Submit(Confidential("orders"));
  ASSERT_FALSE(second.empty());
  EXPECT_EQ(Cancel(second), 200);
  const std::string third = Submit(Confidential("refunds"));
  ASSERT_FALSE(third.empty());
  EXPECT_EQ(Vote(third, "erin", "reject"), 200);
  ASSERT_TRUE(WaitUntil([&] { return OutboxAll("sent"); })) << server->Log();

  std::vector<OutboxRow> rows = Outbox("hook");
  ASSERT_EQ(rows.size(), 8u);
  const std::set<std::string> keys = HookKeys();
  ASSERT_EQ(keys.size(), 8u);
  // Every message once among the answered deliveries, and nothing else.
  const std::map<std::string, int> delivered = DeliveredKeys();
  EXPECT_EQ(delivered.size(), 8u);
  for (const auto& [key, count] : delivered) {
    EXPECT_EQ(count, 1) << key;
    EXPECT_TRUE(keys.contains(key)) << key;
  }
  // The failed attempts were retried with the same key.
  std::vector<RecordedRequest> calls = hook_.Requests();
  ASSERT_EQ(calls.size(), 11u);
  for (const RecordedRequest& call : calls) {
    ExpectSigned(call);
    EXPECT_TRUE(delivered.contains(call.Header("Idempotency-Key")));
  }
  // Each body is the message the outbox holds for that key, and a
  // request's messages arrive in the order of its changes.
  std::map<std::string, OutboxRow> by_key;
  for (const OutboxRow& row : rows) by_key[row.idempotency_key] = row;
  std::map<std::string, std::vector<std::string>> events;
  std::vector<RecordedRequest> answered = HookDelivered();
  for (const RecordedRequest& call : answered) {
    json body = call.Json();
    const OutboxRow& row = by_key[call.Header("Idempotency-Key")];
    EXPECT_EQ(body.value("event", ""), row.kind);
    EXPECT_EQ(body["request"].value("id", ""), row.request_id);
    events[row.request_id].push_back(row.kind);
  }
  EXPECT_EQ(events[first],
            (std::vector<std::string>{"request.created", "vote.accepted",
                                      "request.approved", "grant.consumed"}));
  EXPECT_EQ(events[second],
            (std::vector<std::string>{"request.created", "request.cancelled"}));
  EXPECT_EQ(events[third],
            (std::vector<std::string>{"request.created", "request.rejected"}));

  // Every attempt is audited: three failures to retry, eight deliveries
  // whose attempt numbers count the failures before them.
  std::vector<json> failed = AuditOf("notify.failed");
  ASSERT_EQ(failed.size(), 3u);
  std::map<std::string, int64_t> failures_of;
  for (json& entry : failed) {
    const json& data = entry["data"];
    EXPECT_EQ(data.value("channel", ""), "hook");
    EXPECT_EQ(data.value("outcome", ""), "retry");
    EXPECT_EQ(data.value("status", 0), 500);
    EXPECT_EQ(data.value("detail", ""), "HTTP 500");
    EXPECT_EQ(data.value("event", ""),
              by_key[data.value("idempotency_key", "")].kind);
    EXPECT_FALSE(data.value("next_attempt", "").empty()) << data.dump();
    EXPECT_FALSE(data.contains("dead")) << data.dump();
    ++failures_of[data.value("idempotency_key", "")];
  }
  int hook_sent = 0;
  std::vector<json> sent = AuditOf("notify.sent");
  for (json& entry : sent) {
    const json& data = entry["data"];
    if (data.value("channel", "") != "hook") continue;
    ++hook_sent;
    const std::string key = data.value("idempotency_key", "");
    EXPECT_EQ(data.value("attempt", 0), failures_of[key] + 1) << data.dump();
    EXPECT_EQ(data.value("outcome", ""), "delivered");
  }
  EXPECT_EQ(hook_sent, 8);
  EXPECT_TRUE(AuditVerifies());
}

TEST_F(ChannelsDeliveryTest, DeadWebhookDelaysNeitherDecisionsNorSlack) {
  // The first call hangs (until released, at most 4.5 s; the outbox waits
  // 5 s), every call answers 500: the receiver never recovers.
  struct Receiver {
    std::mutex mu;
    std::condition_variable cv;
    bool released = false;
    int calls = 0;
  };
  auto receiver = std::make_shared<Receiver>();
  hook_.SetHandler([receiver](const RecordedRequest&) {
    std::unique_lock lock(receiver->mu);
    if (receiver->calls++ == 0) {
      receiver->cv.wait_for(lock, std::chrono::milliseconds(4500),
                            [&] { return receiver->released; });
    }
    return RecordingServer::Answer{500, R"({"error": "down"})"};
  });
  auto release = [receiver] {
    {
      std::lock_guard lock(receiver->mu);
      receiver->released = true;
    }
    receiver->cv.notify_all();
  };
  std::unique_ptr<ServeProcess> server = Start("serve");
  ASSERT_NE(port_, 0);

  const std::string first =
      Fast("submit", [&] { return Submit(Confidential("customers")); });
  ASSERT_FALSE(first.empty());
  auto in_flight = [&] {
    return hook_
        .Requests([](const RecordedRequest& c) { return c.status == 0; })
        .size();
  };
  ASSERT_TRUE(WaitUntil([&] { return in_flight() == 1; })) << server->Log();

  // While the receiver hangs: decisions answer at once ...
  const std::string second =
      Fast("submit", [&] { return Submit(Confidential("orders")); });
  ASSERT_FALSE(second.empty());
  EXPECT_EQ(Fast("vote", [&] { return Vote(first, "diego"); }), 200);
  EXPECT_EQ(Fast("vote", [&] { return Vote(first, "erin"); }), 200);
  EXPECT_EQ(
      Fast("get", [&] { return View(first, kRequester); }).value("status", ""),
      "approved");
  // ... and Slack (and Teams) get everything.
  EXPECT_TRUE(WaitUntil([&] {
    return SlackPosts(first).size() == 1 && SlackPosts(second).size() == 1 &&
           SlackUpdates(SlackTs(first)).size() == 2 &&
           OutboxAll("sent", "room") && OutboxAll("sent", "sec");
  })) << server->Log();
  EXPECT_EQ(in_flight(), 1u)
      << "Slack and Teams were served while the webhook call was pending";
  release();

  // The receiver never recovers: four attempts each, then the dead letter.
  ASSERT_TRUE(WaitUntil([&] { return OutboxAll("dead", "hook"); }))
      << server->Log();
  std::vector<OutboxRow> rows = Outbox("hook");
  ASSERT_EQ(rows.size(), 4u);  // created x2, vote.accepted, approved
  std::set<std::string> ids;
  for (const OutboxRow& row : rows) {
    EXPECT_EQ(row.attempts, 4) << row.kind;
    ids.insert(row.id);
  }
  EXPECT_TRUE(DeliveredKeys().empty());
  EXPECT_EQ(hook_.Requests().size(), 16u);
  std::map<std::string, int> dead_entries;
  int failures = 0;
  std::vector<json> failed = AuditOf("notify.failed");
  for (json& entry : failed) {
    const json& data = entry["data"];
    ASSERT_EQ(data.value("channel", ""), "hook") << data.dump();
    ++failures;
    if (data.value("dead", false)) {
      EXPECT_EQ(data.value("attempt", 0), 4) << data.dump();
      EXPECT_FALSE(data.contains("next_attempt")) << data.dump();
      ++dead_entries[data.value("message", "")];
    } else {
      EXPECT_FALSE(data.value("next_attempt", "").empty()) << data.dump();
    }
  }
  EXPECT_EQ(failures, 16);
  EXPECT_EQ(dead_entries.size(), 4u);
  for (const auto& [id, count] : dead_entries) {
    EXPECT_EQ(count, 1) << id;
    EXPECT_TRUE(ids.contains(id)) << id;
  }
  EXPECT_TRUE(OutboxAll("sent", "room"));
  EXPECT_TRUE(OutboxAll("sent", "sec"));
  EXPECT_NE(server->Log().find("dead letter"), std::string::npos)
      << server->Log();
  // The decisions stand.
  EXPECT_EQ(View(first).value("status", ""), "approved");
  EXPECT_EQ(View(second).value("status", ""), "pending");
  EXPECT_TRUE(AuditVerifies());
}

TEST_F(ChannelsDeliveryTest, KillNineLosesNoNotification) {
  // Retries for longer than the test runs.
  WriteConfig("{ attempts: 100, backoff_ms: 100, max_backoff_ms: 300 }");
  // Down: every call hangs up to 4.5 s and fails; once up, every new call is
  // answered 200.
  struct Receiver {
    std::mutex mu;
    std::condition_variable cv;
    bool up = false;
  };
  auto receiver = std::make_shared<Receiver>();
  hook_.SetHandler([receiver](const RecordedRequest&) {
    std::unique_lock lock(receiver->mu);
    if (receiver->up) return RecordingServer::Answer{200, "{}"};
    receiver->cv.wait_for(lock, std::chrono::milliseconds(4500),
                          [&] { return receiver->up; });
    return RecordingServer::Answer{503, R"({"error": "down"})"};
  });

  std::unique_ptr<ServeProcess> server = Start("serve-1");
  ASSERT_NE(port_, 0);
  const std::string first = Submit(Confidential("customers"));
  const std::string second = Submit(Confidential("orders"));
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  EXPECT_EQ(Vote(first, "diego"), 200);
  EXPECT_EQ(Vote(first, "erin"), 200);
  EXPECT_EQ(Vote(second, "diego"), 200);
  // Slack and Teams are done (nothing of theirs in flight); the webhook
  // has a delivery in flight.
  ASSERT_TRUE(WaitUntil([&] {
    return OutboxAll("sent", "room") && OutboxAll("sent", "sec");
  })) << server->Log();
  std::optional<RecordedRequest> pending = hook_.WaitFor(
      [](const RecordedRequest& call) { return call.status == 0; });
  ASSERT_TRUE(pending.has_value());
  const std::string interrupted_key = pending->Header("Idempotency-Key");

  server->Signal(SIGKILL);
  EXPECT_EQ(server->Wait(), 128 + SIGKILL);
  {
    std::lock_guard lock(receiver->mu);
    receiver->up = true;
  }
  receiver->cv.notify_all();
  // Nothing was delivered; the attempt in flight is still leased.
  EXPECT_TRUE(DeliveredKeys().empty());
  std::vector<OutboxRow> before = Outbox("hook");
  ASSERT_EQ(before.size(), 5u);  // created x2, vote.accepted x2, approved
  for (const OutboxRow& row : before) {
    EXPECT_EQ(row.state, "pending") << row.kind;
    EXPECT_EQ(row.leased, row.idempotency_key == interrupted_key) << row.kind;
  }

  server = Start("serve-2");
  ASSERT_NE(port_, 0);
  ASSERT_TRUE(WaitUntil([&] { return OutboxAll("sent"); })) << server->Log();
  // Every message delivered, none twice.
  const std::map<std::string, int> delivered = DeliveredKeys();
  EXPECT_EQ(delivered.size(), 5u);
  for (const auto& [key, count] : delivered) {
    EXPECT_EQ(count, 1) << key;
  }
  std::set<std::string> delivered_keys;
  for (const auto& [key, count] : delivered) delivered_keys.insert(key);
  EXPECT_EQ(delivered_keys, HookKeys());
  std::vector<RecordedRequest> answered = HookDelivered();
  // In the order of each request's changes (the interrupted message is the
  // first of its request).
  std::map<std::string, std::vector<std::string>> got, expected;
  for (const RecordedRequest& call : answered) {
    ExpectSigned(call);
    json body = call.Json();
    got[body["request"].value("id", "")].push_back(
        call.Header("Idempotency-Key"));
  }
  std::vector<OutboxRow> rows = Outbox("hook");
  for (const OutboxRow& row : rows) {
    expected[row.request_id].push_back(row.idempotency_key);
  }
  EXPECT_EQ(got, expected);
  // The attempt cut by the kill is audited as interrupted, once.
  std::vector<json> interrupted;
  std::vector<json> failed = AuditOf("notify.failed");
  for (json& entry : failed) {
    if (entry["data"].value("outcome", "") == "interrupted") {
      interrupted.push_back(entry);
    }
  }
  ASSERT_EQ(interrupted.size(), 1u);
  EXPECT_EQ(interrupted[0]["data"].value("idempotency_key", ""),
            interrupted_key);
  EXPECT_EQ(interrupted[0]["data"].value("channel", ""), "hook");
  // Slack and Teams were not posted to again after the restart.
  EXPECT_EQ(SlackPosts(first).size(), 1u);
  EXPECT_EQ(SlackPosts(second).size(), 1u);
  EXPECT_EQ(platform_
                .Requests([](const RecordedRequest& c) {
                  return c.method == "POST" &&
                         c.path.rfind("/teams/v3/", 0) == 0;
                })
                .size(),
            2u);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM outbox WHERE state != 'sent' OR "
                     "leased != 0"),
            0);
  EXPECT_TRUE(AuditVerifies());
  Stop(*server);
}

}  // namespace
}  // namespace signoff::testing
