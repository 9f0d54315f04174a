#include "runtime/channels/delivery.h"

#include <httplib.h>

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/channels/signatures.h"
#include "tests/testing/loopback_server.h"

namespace signoff::channels {
namespace {

TEST(BackoffTest, DoublesUpToTheCapWithJitterInTheUpperHalf) {
  const RetryPolicy policy{
      .max_attempts = 8, .base_ms = 1000, .max_ms = 60'000};
  for (uint64_t random : {0ull, 1ull, 12345ull, ~0ull}) {
    int64_t expected = 1000;
    for (int failures = 1; failures <= 12; ++failures) {
      const int64_t delay = BackoffMs(policy, failures, random);
      EXPECT_GE(delay, expected / 2) << failures;
      EXPECT_LE(delay, expected) << failures;
      expected = std::min<int64_t>(expected * 2, 60'000);
    }
  }
  // The jitter spreads: many draws give many different delays.
  std::set<int64_t> seen;
  for (uint64_t r = 0; r < 1000; ++r) {
    seen.insert(BackoffMs(policy, 3, r * 2654435761u));
  }
  EXPECT_GT(seen.size(), 500u);
  // A degenerate policy still gives a bounded delay.
  EXPECT_GE(BackoffMs({.base_ms = 0, .max_ms = 0}, 1, 0), 0);
  EXPECT_LE(BackoffMs({.base_ms = 0, .max_ms = 0}, 1, 7), 1);
}

TEST(ClassifyTest, RetriesWhatMayPassLater) {
  EXPECT_EQ(Classify(200), Outcome::kDelivered);
  EXPECT_EQ(Classify(204), Outcome::kDelivered);
  for (int status : {0, 408, 425, 429, 500, 502, 503, 504}) {
    EXPECT_EQ(Classify(status), Outcome::kRetry) << status;
  }
  for (int status : {301, 400, 401, 403, 404, 410, 413}) {
    EXPECT_EQ(Classify(status), Outcome::kRejected) << status;
  }
}

// A webhook receiver on loopback that checks the signature, answers 503
// `failures` times, then 200, and records the idempotency keys.
class Receiver {
 public:
  explicit Receiver(int failures) : failures_(failures) {
    server_.server().Post("/hook", [this](const httplib::Request& req,
                                          httplib::Response& res) {
      std::lock_guard lock(mu_);
      const std::string ts = req.get_header_value("X-Signoff-Timestamp");
      signature_ok_.push_back(
          VerifyWebhookSignature("hook-secret", ts, req.body,
                                 req.get_header_value("X-Signoff-Signature"),
                                 std::stoll(ts.empty() ? "0" : ts))
              .ok());
      keys_.push_back(req.get_header_value("Idempotency-Key"));
      bodies_.push_back(req.body);
      res.status = static_cast<int>(keys_.size()) <= failures_ ? 503 : 200;
    });
    EXPECT_TRUE(server_.Start());
  }
  std::string url() const { return server_.url("/hook"); }
  std::vector<std::string> keys() {
    std::lock_guard lock(mu_);
    return keys_;
  }
  std::vector<bool> signature_ok() {
    std::lock_guard lock(mu_);
    return signature_ok_;
  }

 private:
  const int failures_;
  std::mutex mu_;
  std::vector<std::string> keys_, bodies_;
  std::vector<bool> signature_ok_;
  testing::LoopbackServer server_;  // last: stopped before the rest goes
};

TEST(PostWebhookTest, SignedWithTheSameIdempotencyKeyOnEveryAttempt) {
  Receiver receiver(/*failures=*/2);
  const WebhookMessage message{receiver.url(),
                               R"({"event":"request.created","id":"r_1"})",
                               "r_1:request.created"};
  DeliveryResult first = PostWebhook(message, "hook-secret", time(nullptr));
  EXPECT_EQ(first.outcome, Outcome::kRetry);
  EXPECT_EQ(first.status, 503);
  EXPECT_EQ(first.detail, "HTTP 503");
  EXPECT_EQ(PostWebhook(message, "hook-secret", time(nullptr)).outcome,
            Outcome::kRetry);
  DeliveryResult third = PostWebhook(message, "hook-secret", time(nullptr));
  EXPECT_EQ(third.outcome, Outcome::kDelivered);
  EXPECT_EQ(third.status, 200);
  EXPECT_EQ(receiver.keys(),
            std::vector<std::string>(3, "r_1:request.created"));
  EXPECT_EQ(receiver.signature_ok(), std::vector<bool>(3, true));
  // Signed with another secret: the receiver can tell.
  PostWebhook(message, "wrong-secret", time(nullptr));
  EXPECT_FALSE(receiver.signature_ok().back());
}

TEST(PostWebhookTest, NoReceiverIsARetryABadUrlIsRejected) {
  const int port = testing::RefusingLoopbackPort();
  DeliveryResult refused = PostWebhook(
      {"http://127.0.0.1:" + std::to_string(port) + "/hook", "{}", "k"}, "s", 1,
      /*timeout_ms=*/500);
  EXPECT_EQ(refused.outcome, Outcome::kRetry);
  EXPECT_EQ(refused.status, 0);
  EXPECT_FALSE(refused.detail.empty());
  EXPECT_EQ(PostWebhook({"not a url", "{}", "k"}, "s", 1).outcome,
            Outcome::kRejected);
}

}  // namespace
}  // namespace signoff::channels
