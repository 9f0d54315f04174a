// Escalations end to end (RUNTIME.md §8, LANGUAGE.md "Escalations"): a
// `restricted` export (channels_testing.h) needs 2 of stewards, is posted
// to Slack, and `escalate after 2s to oncall notify hook`.
//
// OncallMayVoteOnceTheDelayPassed: olga (oncall) is refused before the
// delay (vote.refused not_eligible); after it the escalation fires once
// (one request.escalated entry, the webhook told, the Slack message
// updated), and olga's vote, clicked in Slack, counts.
//
// FiresOnceAcrossRestarts: the server stops right after the submit and is
// down when the delay passes; once restarted, the escalation fires, once
// (the webhook told, the Slack post of the first run edited), and a
// further restart does not fire it again.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/channels_testing.h"

namespace signoff::testing {
namespace {

constexpr int64_t kDelayMs = 2000;

class ChannelsEscalationTest : public ChannelsFixture {
 protected:
  // The webhook deliveries (2xx) of `event` for request `id`.
  std::vector<RecordedRequest> HookEvents(const std::string& id,
                                          const std::string& event) const {
    return hook_.Requests([&](const RecordedRequest& call) {
      json body = call.Json();
      return call.status == 200 && body.value("event", "") == event &&
             body["request"].value("id", "") == id;
    });
  }

  int64_t Escalations(const std::string& id) const {
    return QueryInt(
        "SELECT count(*) FROM audit WHERE type = 'request.escalated' AND "
        "request = '" +
        id + "'");
  }

  static int64_t TimeOf(const json& entry) {
    return audit::ParseTimestamp(entry.value("time", "")).value_or(-1);
  }
};

TEST_F(ChannelsEscalationTest, OncallMayVoteOnceTheDelayPassed) {
  std::unique_ptr<ServeProcess> server;
  const std::string id = StartAndSubmit(Restricted("backups"), server);
  ASSERT_FALSE(id.empty());

  // Before the delay: olga is not eligible.
  EXPECT_EQ(Vote(id, "olga"), 403);
  {
    std::vector<json> refused = AuditOf("vote.refused", id);
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused[0].value("actor", ""), "olga");
    EXPECT_EQ(refused[0]["data"].value("reason", ""), "not_eligible");
  }
  EXPECT_EQ(View(id)["votes"].size(), 0u);

  // The escalation fires after the delay, not before.
  ASSERT_TRUE(WaitUntil([&] { return Escalations(id) >= 1; })) << server->Log();
  std::vector<json> escalated = AuditOf("request.escalated", id);
  ASSERT_EQ(escalated.size(), 1u);
  std::vector<json> created = AuditOf("request.created", id);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_GE(TimeOf(escalated[0]) - TimeOf(created[0]), kDelayMs);
  EXPECT_EQ(escalated[0].value("actor", ""), "runtime");
  {
    json& data = escalated[0]["data"];
    EXPECT_EQ(data.value("group", ""), "oncall") << data.dump();
    EXPECT_EQ(data.value("after", ""), "2s") << data.dump();
    EXPECT_EQ(data["notify"], json({"hook"})) << data.dump();
    EXPECT_TRUE(data.contains("requirements")) << data.dump();
  }
  // The webhook, silent until now, hears of it; the Slack post says so.
  ASSERT_TRUE(WaitUntil([&] {
    return HookEvents(id, "request.escalated").size() == 1;
  })) << server->Log();
  {
    json body = HookEvents(id, "request.escalated")[0].Json();
    EXPECT_EQ(body["escalation"].value("group", ""), "oncall") << body.dump();
    EXPECT_EQ(body["request"].value("status", ""), "pending");
    EXPECT_EQ(hook_.Requests().size(), 1u) << "nothing before the escalation";
  }
  std::optional<RecordedRequest> update =
      platform_.WaitFor([&](const RecordedRequest& call) {
        return call.path == "/api/chat.update" &&
               AllText(call.Json()["blocks"]).find("Escalated to oncall") !=
                   std::string::npos;
      });
  ASSERT_TRUE(update.has_value());
  EXPECT_NE(AllText(update->Json()["blocks"]).find(id), std::string::npos);

  // Now olga's click counts.
  ASSERT_EQ(PostSlack(SignedClick("U0OLGA", "signoff_approve", id, "olga")),
            200);
  ASSERT_TRUE(WaitUntil([&] { return View(id)["votes"].size() == 1; }))
      << server->Log();
  {
    json view = View(id);
    EXPECT_EQ(view["votes"][0].value("identity", ""), "olga");
    EXPECT_EQ(view["votes"][0].value("counted", false), true) << view.dump(2);
    EXPECT_EQ(view["escalated_to"], json({"oncall"})) << view.dump(2);
    EXPECT_EQ(view["requirements"][0].value("have", 0), 1) << view.dump(2);
  }
  EXPECT_TRUE(Responses("olga").empty());
  EXPECT_EQ(Vote(id, "diego"), 200);
  EXPECT_EQ(View(id).value("status", ""), "approved");
  // From the escalation on, the webhook follows the request.
  ASSERT_TRUE(WaitUntil(
      [&] { return HookEvents(id, "request.approved").size() == 1; }));
  EXPECT_EQ(HookEvents(id, "vote.accepted").size(), 1u);

  // Exactly once, also after more ticks of the runner.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(AuditOf("request.escalated").size(), 1u);
  EXPECT_EQ(HookEvents(id, "request.escalated").size(), 1u);
  EXPECT_TRUE(AuditVerifies());
}

TEST_F(ChannelsEscalationTest, FiresOnceAcrossRestarts) {
  std::string id;
  int64_t submitted = 0;
  {
    std::unique_ptr<ServeProcess> server = Start("serve-1");
    ASSERT_NE(port_, 0);
    id = Submit(Restricted("backups"));
    submitted = NowMs();
    ASSERT_FALSE(id.empty());
    Stop(*server);
  }
  ASSERT_EQ(Escalations(id), 0) << "the server stopped before the delay passed";
  // Down while the delay passes.
  std::this_thread::sleep_for(
      std::chrono::milliseconds(submitted + kDelayMs + 500 - NowMs()));
  {
    std::unique_ptr<ServeProcess> server = Start("serve-2");
    ASSERT_NE(port_, 0);
    ASSERT_TRUE(WaitUntil([&] { return Escalations(id) == 1; }))
        << server->Log();
    ASSERT_TRUE(WaitUntil([&] {
      return HookEvents(id, "request.escalated").size() == 1;
    })) << server->Log();
    // The Slack post of the first run is edited, not posted again.
    const std::string ts = SlackTs(id);
    ASSERT_FALSE(ts.empty());
    ASSERT_TRUE(WaitUntil([&] { return SlackUpdates(ts).size() == 1; }));
    EXPECT_NE(AllText(SlackUpdates(ts)[0].Json()["blocks"])
                  .find("Escalated to oncall after 2s"),
              std::string::npos);
    EXPECT_EQ(SlackPosts(id).size(), 1u);
    Stop(*server);
  }
  {
    std::unique_ptr<ServeProcess> server = Start("serve-3");
    ASSERT_NE(port_, 0);
    // Several ticks of the runner (every 200 ms): nothing fires again.
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    EXPECT_EQ(AuditOf("request.escalated").size(), 1u);
    EXPECT_EQ(HookEvents(id, "request.escalated").size(), 1u);
    EXPECT_EQ(QueryInt("SELECT count(*) FROM escalations WHERE fired_at IS "
                       "NOT NULL"),
              1);
    // olga is eligible in the restarted server too.
    EXPECT_EQ(Vote(id, "olga"), 200);
    json view = View(id);
    ASSERT_EQ(view["votes"].size(), 1u) << view.dump(2);
    EXPECT_EQ(view["votes"][0].value("counted", false), true);
    EXPECT_TRUE(AuditVerifies());
    Stop(*server);
  }
}

}  // namespace
}  // namespace signoff::testing
