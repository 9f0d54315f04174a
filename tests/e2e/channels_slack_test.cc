// The Slack channel end to end (RUNTIME.md §8): the real `signoff serve`
// posts to a fake Slack Web API on loopback, and signed button clicks come
// back to POST /v1/channels/slack/interactions.
//
// ClicksApproveAndTheMessageFollows: a request is posted with its Block Kit
// message (who, what, params, rules, quorum, expiry, Approve / Reject with
// confirmations); two signed clicks by mapped stewards approve it; the
// message is updated in place after each (progress with buttons, then the
// outcome without); the requester gets the grant.
//
// RefusedClicksChangeNothingAndAreAudited: a bad signature, a stale
// timestamp, missing headers, a replayed body, an unmapped Slack user and
// mapped users who may not vote (self-approval, not eligible) change
// nothing (votes, state, outbox) and each leaves its audit entry; a replay
// is refused also after a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/channels_testing.h"

namespace signoff::testing {
namespace {

class ChannelsSlackTest : public ChannelsFixture {};

TEST_F(ChannelsSlackTest, ClicksApproveAndTheMessageFollows) {
  std::unique_ptr<ServeProcess> server;
  const std::string id = StartAndSubmit(Confidential("customers"), server);
  ASSERT_FALSE(id.empty());

  // The post: chat.postMessage with the bot token, to the policy's room.
  ASSERT_TRUE(WaitUntil([&] { return !SlackPosts(id).empty(); }))
      << server->Log();
  const RecordedRequest post = SlackPosts(id).front();
  EXPECT_EQ(post.Header("Authorization"), std::string("Bearer ") + kSlackToken);
  EXPECT_EQ(post.Header("Content-Type").rfind("application/json", 0), 0u);
  json message = post.Json();
  EXPECT_EQ(message.value("channel", ""), "#room");
  EXPECT_NE(message.value("text", "").find("data.export"), std::string::npos)
      << message.value("text", "");
  const std::string text = AllText(message["blocks"]);
  for (const char* expected : {
           "*agent:etl* (on behalf of *dana*) asks to *data.export*",
           "*Parameters*",
           "*dataset*\ncustomers",
           "*rows*\n5000",
           "*destination*\ns3://partner-exchange/q4",
           "*classification*\nconfidential",
           "*Rules*\n`exports`",
           "0/2 of *stewards*",
           "*Status*\npending",
           "*Expires*\n<!date^",
           "*Votes*: none yet",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos)
        << "no `" << expected << "` in:\n"
        << text;
  }
  // Both buttons carry the request id and ask for confirmation.
  json actions = SlackBlock(message, "actions");
  ASSERT_TRUE(actions.is_object()) << message.dump(2);
  json& buttons = actions["elements"];
  ASSERT_EQ(buttons.size(), 2u) << actions.dump(2);
  EXPECT_EQ(buttons[0].value("action_id", ""), "signoff_approve");
  EXPECT_EQ(buttons[0].value("style", ""), "primary");
  EXPECT_EQ(buttons[1].value("action_id", ""), "signoff_reject");
  EXPECT_EQ(buttons[1].value("style", ""), "danger");
  for (json& button : buttons) {
    EXPECT_EQ(button.value("type", ""), "button");
    EXPECT_EQ(button.value("value", ""), id);
    ASSERT_TRUE(button.contains("confirm")) << button.dump();
    for (const char* part : {"title", "text", "confirm", "deny"}) {
      EXPECT_TRUE(button["confirm"].contains(part)) << button.dump();
    }
    EXPECT_NE(button["confirm"]["text"].value("text", "").find("agent:etl"),
              std::string::npos);
  }
  // The message carries its outbox idempotency key.
  std::vector<OutboxRow> room = Outbox("room");
  ASSERT_EQ(room.size(), 1u);
  EXPECT_EQ(room[0].kind, "request.created");
  EXPECT_EQ(message["metadata"]["event_payload"].value("idempotency_key", ""),
            room[0].idempotency_key);
  const std::string ts = SlackTs(id);
  ASSERT_FALSE(ts.empty());

  // First click: diego. Acknowledged at once, the vote counted soon after.
  ASSERT_EQ(PostSlack(SignedClick("U0DIEGO", "signoff_approve", id, "diego")),
            200);
  ASSERT_TRUE(WaitUntil([&] { return View(id)["votes"].size() == 1; }))
      << server->Log();
  std::optional<RecordedRequest> progress =
      platform_.WaitFor([&](const RecordedRequest& call) {
        return call.path == "/api/chat.update";
      });
  ASSERT_TRUE(progress.has_value());
  {
    json update = progress->Json();
    EXPECT_EQ(update.value("channel", ""), "C1");
    EXPECT_EQ(update.value("ts", ""), ts);
    const std::string progress_text = AllText(update["blocks"]);
    EXPECT_NE(progress_text.find("1/2 of *stewards* — approvers so far: diego"),
              std::string::npos)
        << progress_text;
    EXPECT_NE(progress_text.find("• *diego*: approve — “via Slack”"),
              std::string::npos)
        << progress_text;
    EXPECT_TRUE(SlackBlock(update, "actions").is_object())
        << "the buttons stay while the request is pending: " << update.dump(2);
  }

  // Second click: erin. The request is approved, the grant minted.
  ASSERT_EQ(PostSlack(SignedClick("U0ERIN", "signoff_approve", id, "erin")),
            200);
  ASSERT_TRUE(WaitUntil([&] { return View(id)["status"] == "approved"; }))
      << server->Log();
  ASSERT_TRUE(WaitUntil([&] { return SlackUpdates(ts).size() == 2; }));
  ASSERT_TRUE(WaitUntil([&] { return OutboxAll("sent"); }));
  std::vector<RecordedRequest> updates = SlackUpdates(ts);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].body, progress->body);
  json outcome = updates[1].Json();
  const std::string outcome_text = AllText(outcome["blocks"]);
  EXPECT_NE(outcome_text.find(":white_check_mark: Approved by diego, erin"),
            std::string::npos)
      << outcome_text;
  EXPECT_NE(outcome_text.find("*Status*\napproved"), std::string::npos);
  EXPECT_TRUE(SlackBlock(outcome, "actions").is_null())
      << "no buttons once final: " << outcome.dump(2);
  EXPECT_NE(outcome.value("text", "").find("Approved by diego, erin"),
            std::string::npos)
      << outcome.value("text", "");
  // One post, edited twice: created, vote.accepted, request.approved.
  EXPECT_EQ(SlackPosts(id).size(), 1u);
  room = Outbox("room");
  ASSERT_EQ(room.size(), 3u);
  EXPECT_EQ(room[1].kind, "vote.accepted");
  EXPECT_EQ(room[2].kind, "request.approved");
  EXPECT_EQ(AuditOf("notify.sent", id).size(), 9u)  // 3 messages x 3 channels
      << "every delivery is audited";

  // The requester sees the grant; the votes came from the directory's
  // identities of the Slack users.
  json view = View(id, kRequester);
  EXPECT_EQ(view.value("status", ""), "approved");
  EXPECT_FALSE(view.value("grant", "").empty()) << view.dump(2);
  std::set<std::string> voters;
  const json& votes = view["votes"];
  for (const json& vote : votes) {
    voters.insert(vote.value("identity", ""));
    EXPECT_EQ(vote.value("comment", ""), "via Slack");
    EXPECT_EQ(vote.value("counted", false), true);
  }
  EXPECT_EQ(voters, (std::set<std::string>{"diego", "erin"}));
  EXPECT_FALSE(View(id, "diego").contains("grant"));
  EXPECT_TRUE(AuditVerifies());
}

// What must stay as it was after a refused click.
struct Snapshot {
  std::string status;
  std::string votes;
  size_t outbox = 0;
  size_t accepted = 0;

  bool operator==(const Snapshot&) const = default;
};

TEST_F(ChannelsSlackTest, RefusedClicksChangeNothingAndAreAudited) {
  std::unique_ptr<ServeProcess> server;
  const std::string id = StartAndSubmit(Confidential("payroll"), server);
  ASSERT_FALSE(id.empty());
  auto snapshot = [&] {
    json view = View(id);
    size_t outbox = 0;
    std::vector<OutboxRow> rows = Outbox();
    for (const OutboxRow& row : rows) outbox += row.request_id == id;
    return Snapshot{view.value("status", ""), view["votes"].dump(), outbox,
                    AuditOf("vote.accepted", id).size()};
  };
  ASSERT_TRUE(WaitUntil([&] { return !SlackTs(id).empty(); }));
  const Snapshot before = snapshot();
  ASSERT_EQ(before.status, "pending");
  ASSERT_EQ(before.votes, "[]");
  ASSERT_EQ(before.outbox, 3u);  // request.created, to room, sec and hook
  auto refusals = [&](const std::string& reason) {
    size_t n = 0;
    std::vector<json> entries = AuditOf("channel.refused");
    for (json& entry : entries) {
      n += entry["data"].value("reason", "") == reason &&
           entry["data"].value("channel_kind", "") == "slack";
    }
    return n;
  };

  // A signature made with another secret.
  {
    SlackClick click = SignedClick("U0DIEGO", "signoff_approve", id, "forged");
    click.signature =
        SlackV0Signature("not-the-secret", click.timestamp, click.body);
    EXPECT_EQ(PostSlack(click), 401);
    EXPECT_EQ(refusals("bad_signature"), 1u);
    // A body changed after signing.
    SlackClick altered =
        SignedClick("U0DIEGO", "signoff_approve", id, "forged");
    altered.body = SignedClick("U0ERIN", "signoff_approve", id, "forged").body;
    EXPECT_EQ(PostSlack(altered), 401);
    EXPECT_EQ(refusals("bad_signature"), 2u);
  }
  // Signed correctly, 400 s ago (the window is 300 s).
  EXPECT_EQ(PostSlack(SignedClick("U0DIEGO", "signoff_approve", id, "stale",
                                  UnixSeconds() - 400)),
            401);
  EXPECT_EQ(refusals("stale"), 1u);
  // No Slack headers at all.
  EXPECT_EQ(PostSlack(SignedClick("U0DIEGO", "signoff_approve", id, "bare"),
                      /*signed_headers=*/false),
            401);
  EXPECT_EQ(refusals("missing_signature"), 1u);
  // A Slack user the directory does not know: acknowledged, told why.
  EXPECT_EQ(
      PostSlack(SignedClick("U0MALLORY", "signoff_approve", id, "mallory")),
      200);
  EXPECT_EQ(refusals("unmapped_user"), 1u);
  ASSERT_TRUE(WaitUntil([&] { return Responses("mallory").size() == 1; }));
  {
    const json answer = Responses("mallory")[0].Json();
    EXPECT_EQ(answer.value("response_type", ""), "ephemeral");
    EXPECT_NE(answer.value("text", "").find("U0MALLORY"), std::string::npos)
        << answer.dump();
  }
  // Mapped, but not allowed to vote: dana (the agent acts for her) and bob
  // (in no group). Acknowledged; the service refuses and audits the vote.
  EXPECT_EQ(PostSlack(SignedClick("U0DANA", "signoff_approve", id, "dana")),
            200);
  EXPECT_EQ(PostSlack(SignedClick("U0BOB", "signoff_reject", id, "bob")), 200);
  ASSERT_TRUE(WaitUntil([&] {
    return AuditOf("vote.refused", id).size() == 2;
  })) << server->Log();
  {
    std::map<std::string, std::string> reasons;
    std::vector<json> refused = AuditOf("vote.refused", id);
    for (json& entry : refused) {
      reasons[entry.value("actor", "")] = entry["data"].value("reason", "");
    }
    EXPECT_EQ(reasons,
              (std::map<std::string, std::string>{{"bob", "not_eligible"},
                                                  {"dana", "self_approval"}}));
  }
  for (const char* who : {"dana", "bob"}) {
    ASSERT_TRUE(WaitUntil([&] { return Responses(who).size() == 1; })) << who;
    const json answer = Responses(who)[0].Json();
    EXPECT_EQ(answer.value("response_type", ""), "ephemeral");
    EXPECT_NE(answer.value("text", "").find("Your vote was not counted"),
              std::string::npos)
        << answer.dump();
  }
  // Nobody else was told anything: no refusal reached the response_url of
  // the clicks refused before a vote.
  for (const char* who : {"forged", "stale", "bare"}) {
    EXPECT_TRUE(Responses(who).empty()) << who;
  }
  EXPECT_EQ(snapshot(), before);
  EXPECT_TRUE(SlackUpdates(SlackTs(id)).empty());

  // A good click counts once; the very same signed request again is a
  // replay, refused before it reaches the vote (no second vote.refused).
  const SlackClick diego =
      SignedClick("U0DIEGO", "signoff_approve", id, "diego");
  ASSERT_EQ(PostSlack(diego), 200);
  ASSERT_TRUE(WaitUntil([&] { return View(id)["votes"].size() == 1; }));
  ASSERT_TRUE(WaitUntil([&] { return snapshot().outbox == 6u; }));
  const Snapshot voted = snapshot();
  EXPECT_EQ(voted.status, "pending");
  EXPECT_EQ(voted.accepted, 1u);
  EXPECT_EQ(PostSlack(diego), 401);
  EXPECT_EQ(refusals("replay"), 1u);
  // Give a wrongly accepted replay the time to vote (it would be refused
  // as a second vote and audited).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(snapshot(), voted);
  EXPECT_EQ(AuditOf("vote.refused", id).size(), 2u);
  EXPECT_TRUE(Responses("diego").empty());

  // The signatures seen are kept in the database: a restarted server
  // refuses the replay too.
  Stop(*server);
  server = Start("serve-2");
  ASSERT_NE(port_, 0);
  EXPECT_EQ(PostSlack(diego), 401);
  EXPECT_EQ(refusals("replay"), 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(snapshot(), voted);

  // Every refusal before a vote is one channel.refused entry: 2 bad
  // signatures, stale, missing, unmapped, 2 replays.
  EXPECT_EQ(AuditOf("channel.refused").size(), 7u);
  EXPECT_TRUE(AuditVerifies());
}

// A timestamp that is not unix seconds at all ("abc", or more than 12
// digits) is a malformed request, not an honest old one: audited as
// `malformed`, never as `stale`.
TEST_F(ChannelsSlackTest, MalformedTimestampIsNotAuditedAsStale) {
  std::unique_ptr<ServeProcess> server;
  const std::string id = StartAndSubmit(Confidential("payroll"), server);
  ASSERT_FALSE(id.empty());
  for (const char* timestamp : {"abc", "99999999999999"}) {
    SCOPED_TRACE(timestamp);
    SlackClick click = SignedClick("U0DIEGO", "signoff_approve", id, "x");
    click.timestamp = timestamp;
    click.signature =
        SlackV0Signature(kSlackSigningSecret, timestamp, click.body);
    EXPECT_EQ(PostSlack(click), 401);
    std::vector<json> refused = AuditOf("channel.refused");
    ASSERT_FALSE(refused.empty());
    const std::string reason = refused.back()["data"].value("reason", "");
    EXPECT_EQ(reason, "malformed");
  }
  EXPECT_EQ(View(id)["votes"].size(), 0u);
}

}  // namespace
}  // namespace signoff::testing
