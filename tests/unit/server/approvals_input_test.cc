// Malformed input to the approval routes changes nothing (issue 4, point
// 6), and `?wait=` long-polls (point 7).
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"
#include "runtime/store/store.h"
#include "tests/unit/server/approvals_testing.h"

namespace signoff::server::testing {
namespace {

using nlohmann::json;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

class MalformedInputTest : public ApprovalsHttpTest {
 protected:
  // The ids of every stored request.
  std::set<std::string> RequestIds() {
    std::set<std::string> ids;
    absl::StatusOr<std::vector<store::RequestRecord>> all =
        server_->context().store().ListRequests("", 0);
    EXPECT_TRUE(all.ok()) << all.status();
    if (!all.ok()) return ids;
    for (const store::RequestRecord& r : *all) ids.insert(r.id);
    return ids;
  }
};

TEST_F(MalformedInputTest, RefusedInputChangesNothing) {
  StartDefault();
  const std::string pending = SubmitId(kBot, "ops.deploy", DeployParams());
  ASSERT_FALSE(pending.empty());
  ASSERT_EQ(StatusOf(Vote("alice", pending)), 200);
  const std::string token =
      Submit(kBot, "ops.read")["grant"].get<std::string>();
  ASSERT_FALSE(token.empty());

  const size_t audit_before = AuditEntries().size();
  const std::set<std::string> ids_before = RequestIds();
  const json view_before = View("carol", pending);
  std::map<std::string, double> metrics_before = Metrics();
  ASSERT_EQ(metrics_before.at("signoff_requests_pending"), 1);
  ASSERT_EQ(ids_before.size(), 2u);

  // POST /v1/requests.
  const std::string read_params = R"("params": {"service": "web"})";
  for (
      const std::string& body : {
          std::string("{"),
          std::string(""),
          std::string("[]"),
          std::string("\"ops.read\""),
          R"({"action": "ops.read", )" + read_params + R"(, "foo": 1})",
          std::string(
              R"({"action": "ops.read", "params": {"service": "web", "color": "red"}})"),
          std::string(
              R"({"action": "ops.deploy", "params": {"service": "web", "version": "seven"}})"),
          std::string(
              R"({"action": "ops.deploy", "params": {"service": "web"}})"),
          std::string(R"({"action": "ops.read", "params": {"service": 5}})"),
          std::string(R"({"action": 5, "params": {"service": "web"}})"),
          R"({"action": "ops.read", )" + read_params +
              R"(, "requester": {"id": "alice"}})",
          R"({"action": "ops.read", )" + read_params +
              R"(, "requester": "alice"})",
          R"({"action": "ops.read", "action": "ops.drop", )" + read_params +
              "}",
          R"({"action": "ops.read", )" + read_params + R"(, "context": 1})",
      }) {
    SCOPED_TRACE(body);
    ExpectError(PostAs(kBot, "/v1/requests", body), 400, "bad_request");
  }
  ExpectError(PostAs(kBot, "/v1/requests?dry_run=1",
                     R"({"action": "ops.read", )" + read_params + "}"),
              400, "bad_request");
  const std::string oversized = R"({"action": "ops.read", )" + read_params +
                                R"(, "context": {"justification": ")" +
                                std::string(5000, 'x') + "\"}}";
  ExpectError(PostAs(kBot, "/v1/requests", oversized), 413,
              "payload_too_large");

  // No key, an unknown key, a malformed header.
  const std::string good = R"({"action": "ops.read", )" + read_params + "}";
  ExpectError(Post("/v1/requests", good, ""), 401, "unauthenticated");
  ExpectError(Post("/v1/requests", good, "key-mallory"), 401,
              "unauthenticated");
  ExpectError(Client()->Post("/v1/requests", {{"Authorization", "key-alice"}},
                             good, "application/json"),
              401, "unauthenticated");
  ExpectError(
      Post("/v1/requests/" + pending + "/votes", R"({"vote": "approve"})", ""),
      401, "unauthenticated");
  ExpectError(Post("/v1/requests/" + pending + "/votes",
                   R"({"vote": "approve"})", "key-nobody"),
              401, "unauthenticated");
  ExpectError(Post("/v1/requests/" + pending + "/cancel", "", "bad"), 401,
              "unauthenticated");
  ExpectError(Get("/v1/requests/" + pending, ""), 401, "unauthenticated");
  ExpectError(Get("/v1/requests?status=pending", "nope"), 401,
              "unauthenticated");

  // Unknown request ids.
  const std::string unknown = "r_doesnotexist0000000000000";
  ExpectError(GetAs("bob", "/v1/requests/" + unknown), 404, "not_found");
  ExpectError(GetAs("bob", "/v1/requests/" + unknown + "?wait=5s"), 404,
              "not_found");
  ExpectError(Vote("bob", unknown), 404, "not_found");
  ExpectError(Vote("bob", unknown, "reject"), 404, "not_found");
  ExpectError(Cancel(kBot, unknown), 404, "not_found");

  // Vote bodies.
  const std::string votes = "/v1/requests/" + pending + "/votes";
  for (const std::string& body : {
           std::string(R"({"vote": "maybe"})"),
           std::string(R"({"vote": "APPROVE"})"),
           std::string(R"({"vote": true})"),
           std::string(R"({"vote": null})"),
           std::string(R"({})"),
           std::string(R"({"comment": "ok"})"),
           std::string(R"({"vote": "approve", "x": 1})"),
           std::string(R"({"vote": "approve", "identity": "bob"})"),
           std::string(R"({"vote": "approve", "comment": 5})"),
           std::string(R"({"vote": "approve", "comment": ["a"]})"),
           std::string(R"(["approve"])"),
           std::string(R"({"vote": "approve")"),
           std::string(""),
       }) {
    SCOPED_TRACE(body);
    ExpectError(PostAs("bob", votes, body), 400, "bad_request");
  }
  ExpectError(PostAs("bob", votes + "?force=1", R"({"vote": "approve"})"), 400,
              "bad_request");
  ExpectError(PostAs("bob", votes,
                     R"({"vote": "approve", "comment": ")" +
                         std::string(5000, 'c') + "\"}"),
              413, "payload_too_large");

  // Cancel bodies.
  ExpectError(PostAs(kBot, "/v1/requests/" + pending + "/cancel", "nope"), 400,
              "bad_request");
  ExpectError(
      PostAs(kBot, "/v1/requests/" + pending + "/cancel", R"({"why": 1})"), 400,
      "bad_request");

  // Grant checks without a token or request, or with the wrong types.
  const json read = GrantRequest("ops.read", DefaultParams(), kBot);
  for (const char* op : {"verify", "consume"}) {
    const std::string path = std::string("/v1/grants/") + op;
    for (const json& body : {
             json::object(),
             json({{"request", read}}),
             json({{"token", token}}),
             json({{"token", 5}, {"request", read}}),
             json({{"token", token}, {"request", "ops.read"}}),
             json({{"token", token}, {"request", read}, {"force", true}}),
         }) {
      SCOPED_TRACE(std::string(op) + " " + body.dump());
      ExpectError(PostAs("exec", path, body.dump()), 400, "bad_request");
    }
    ExpectError(PostAs("exec", path, "{"), 400, "bad_request");
  }

  // Query parameters.
  for (const std::string& path : {
           std::string("/v1/requests?status=approved"),
           std::string("/v1/requests?status=pending&status=all"),
           std::string("/v1/requests?mine=1"),
           "/v1/requests/" + pending + "?wait=soon",
           "/v1/requests/" + pending + "?wait=-1",
           "/v1/requests/" + pending + "?wait=1x",
           "/v1/requests/" + pending + "?wait=1.5s",
           "/v1/requests/" + pending + "?wait=",
           "/v1/requests/" + pending + "?wait=10s&wait=1s",
           "/v1/requests/" + pending + "?verbose=1",
       }) {
    SCOPED_TRACE(path);
    ExpectError(GetAs("bob", path), 400, "bad_request");
  }

  // Nothing changed.
  EXPECT_EQ(AuditEntries().size(), audit_before);
  EXPECT_EQ(RequestIds(), ids_before);
  json view_after = View("carol", pending);
  EXPECT_EQ(view_after["status"], "pending");
  EXPECT_EQ(view_after["votes"], view_before["votes"]);
  std::map<std::string, double> metrics_after = Metrics();
  EXPECT_EQ(metrics_after.at("signoff_requests_pending"), 1);
  for (const char* metric :
       {"signoff_votes_total{vote=\"approve\"}",
        "signoff_votes_total{vote=\"reject\"}", "signoff_votes_refused_total",
        "signoff_grants_total{event=\"minted\"}",
        "signoff_grants_total{event=\"consumed\"}",
        "signoff_grants_total{event=\"refused\"}"}) {
    EXPECT_EQ(metrics_after.at(metric), metrics_before.at(metric)) << metric;
  }
  // The token is intact too.
  ASSERT_EQ(StatusOf(Grant("consume", token, read)), 200);
}

// Submit refuses a body with a duplicate key (parsers may disagree on which
// value counts); the other bodies of the workflow should too.
TEST_F(MalformedInputTest, DuplicateKeysInVoteAndGrantBodiesAre400) {
  StartDefault();
  const std::string pending = SubmitId(kBot, "ops.deploy", DeployParams());
  const std::string token =
      Submit(kBot, "ops.read")["grant"].get<std::string>();
  ASSERT_FALSE(pending.empty());
  const size_t audit_before = AuditEntries().size();
  // Submit: refused.
  ExpectError(PostAs(kBot, "/v1/requests",
                     R"({"action": "ops.read", "action": "ops.drop",
                         "params": {"service": "web"}})"),
              400, "bad_request");

  // A vote that reads as a rejection to one parser and an approval to
  // another.
  httplib::Result vote = PostAs("bob", "/v1/requests/" + pending + "/votes",
                                R"({"vote": "reject", "vote": "approve"})");
  ExpectError(vote, 400, "bad_request");
  EXPECT_TRUE(View("carol", pending)["votes"].empty());
  // A grant check naming two tokens.
  const std::string read =
      GrantRequest("ops.read", DefaultParams(), kBot).dump();
  ExpectError(PostAs("exec", "/v1/grants/consume",
                     R"({"token": "sg1.x.y", "token": ")" + token +
                         R"(", "request": )" + read + "}"),
              400, "bad_request");
  EXPECT_EQ(AuditEntries().size(), audit_before);
}

class LongPollTest : public ApprovalsHttpTest {};

TEST_F(LongPollTest, ReturnsSoonAfterTheDecidingVote) {
  StartDefault();
  const std::string id = SubmitId(kBot, "ops.deploy", DeployParams());
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(StatusOf(Vote("alice", id)), 200);

  // Three waiters, one of them the requester.
  struct Waiter {
    std::string identity;
    int status = 0;
    json body;
    std::chrono::steady_clock::time_point returned;
  };
  std::vector<Waiter> waiters(3);
  waiters[0].identity = kBot;
  waiters[1].identity = "carol";
  waiters[2].identity = "frank";
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (Waiter& waiter : waiters) {
    threads.emplace_back([&, w = &waiter] {
      httplib::Result result =
          GetAs(w->identity, "/v1/requests/" + id + "?wait=10s");
      w->returned = std::chrono::steady_clock::now();
      w->status = StatusOf(result);
      w->body = JsonOf(result);
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const auto vote_sent = std::chrono::steady_clock::now();
  httplib::Result vote = Vote("bob", id);
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(StatusOf(vote), 200);
  EXPECT_EQ(JsonOf(vote)["status"], "approved");
  for (const Waiter& w : waiters) {
    SCOPED_TRACE(w.identity);
    ASSERT_EQ(w.status, 200);
    EXPECT_EQ(w.body["status"], "approved");
    EXPECT_EQ(w.body.contains("grant"), w.identity == kBot);
    // Not before the vote, and well within the wait.
    EXPECT_GE(w.returned, vote_sent);
    EXPECT_LT(std::chrono::duration<double>(w.returned - vote_sent).count(),
              3.0);
  }
  EXPECT_LT(SecondsSince(start), 8.0);
}

TEST_F(LongPollTest, TimesOutPendingAndAnswersFinalAtOnce) {
  StartDefault();
  const std::string id = SubmitId(kBot, "ops.deploy", DeployParams());
  ASSERT_FALSE(id.empty());
  for (const char* wait : {"1s", "1"}) {
    SCOPED_TRACE(wait);
    const auto start = std::chrono::steady_clock::now();
    httplib::Result result =
        GetAs("bob", "/v1/requests/" + id + "?wait=" + std::string(wait));
    const double elapsed = SecondsSince(start);
    ASSERT_EQ(StatusOf(result), 200);
    EXPECT_EQ(JsonOf(result)["status"], "pending");
    EXPECT_GE(elapsed, 0.9);
    EXPECT_LT(elapsed, 5.0);
  }
  // wait=0 and a final request answer without waiting.
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(StatusOf(GetAs("bob", "/v1/requests/" + id + "?wait=0s")), 200);
  EXPECT_LT(SecondsSince(start), 3.0);
  const std::string allowed = SubmitId(kBot, "ops.read");
  start = std::chrono::steady_clock::now();
  httplib::Result final_result =
      GetAs(kBot, "/v1/requests/" + allowed + "?wait=30s");
  EXPECT_LT(SecondsSince(start), 3.0);
  ASSERT_EQ(StatusOf(final_result), 200);
  EXPECT_EQ(JsonOf(final_result)["status"], "approved");
  EXPECT_TRUE(JsonOf(final_result)["grant"].is_string());
  // A cancel wakes a waiter too.
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_EQ(StatusOf(Cancel(kBot, id)), 200);
  });
  start = std::chrono::steady_clock::now();
  httplib::Result cancelled = GetAs("bob", "/v1/requests/" + id + "?wait=20s");
  canceller.join();
  EXPECT_LT(SecondsSince(start), 5.0);
  ASSERT_EQ(StatusOf(cancelled), 200);
  EXPECT_EQ(JsonOf(cancelled)["status"], "cancelled");
}

}  // namespace
}  // namespace signoff::server::testing
