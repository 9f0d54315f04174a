// The Teams channel end to end (RUNTIME.md §8): the real `signoff serve`
// gets a bot token from a fake token endpoint, posts an Adaptive Card
// through a fake Bot Connector and replaces it in place; clicks arrive as
// invoke activities with a Bearer JWT signed by a key of the configured
// JWKS file.
//
// InvokesVoteAndTheCardIsReplacedInPlace: the card is posted with the
// token from the token endpoint; good invokes by two stewards vote at once
// and are answered with the new card; refused voters get a message; the
// posted card is updated (PUT) after each change, never posted again.
//
// BadTokensAreRefusedAndChangeNothing: a token signed by another key,
// expired beyond the skew, for another audience or issuer, malformed, or
// none at all: 401, a channel.refused entry, and nothing else changes.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "runtime/channels/slack.h"
#include "stdlib/absl_compat.h"
#include "tests/e2e/channels_testing.h"

namespace signoff::testing {
namespace {

constexpr char kCardType[] = "application/vnd.microsoft.card.adaptive";

class ChannelsTeamsTest : public ChannelsFixture {
 protected:
  // The form fields of an x-www-form-urlencoded body (values decoded).
  static std::map<std::string, std::string> Form(const std::string& body) {
    std::map<std::string, std::string> out;
    for (absl::string_view pair : absl::StrSplit(body, '&')) {
      const size_t equals = pair.find('=');
      if (equals == absl::string_view::npos) continue;
      absl::StatusOr<std::string> value =
          channels::SlackFormDecode(AsStd(pair.substr(equals + 1)));
      out[std::string(pair.substr(0, equals))] =
          value.ok() ? *value : "<bad escape>";
    }
    return out;
  }

  // The Action.Execute verbs of `card` (its buttons).
  static std::vector<std::string> Verbs(json card, const std::string& id) {
    std::vector<std::string> verbs;
    json& actions = card["actions"];
    for (json& action : actions) {
      EXPECT_EQ(action.value("type", ""), "Action.Execute") << action.dump();
      EXPECT_EQ(action["data"].value("request_id", ""), id) << action.dump();
      verbs.push_back(action.value("verb", ""));
    }
    return verbs;
  }
};

TEST_F(ChannelsTeamsTest, InvokesVoteAndTheCardIsReplacedInPlace) {
  std::unique_ptr<ServeProcess> server;
  const std::string id = StartAndSubmit(Confidential("invoices"), server);
  ASSERT_FALSE(id.empty());

  // The card, posted with the token of the token endpoint.
  std::optional<RecordedRequest> posted =
      platform_.WaitFor([&](const RecordedRequest& call) {
        return call.method == "POST" &&
               call.path.rfind("/teams/v3/conversations/", 0) == 0;
      });
  ASSERT_TRUE(posted.has_value()) << server->Log();
  std::vector<RecordedRequest> token_calls = platform_.Requests(
      [](const RecordedRequest& c) { return c.path == "/token"; });
  ASSERT_EQ(token_calls.size(), 1u);
  EXPECT_LT(token_calls[0].at_ms, posted->at_ms + 1);
  EXPECT_EQ(token_calls[0].method, "POST");
  EXPECT_EQ(token_calls[0]
                .Header("Content-Type")
                .rfind("application/x-www-form-urlencoded", 0),
            0u);
  EXPECT_EQ(Form(token_calls[0].body),
            (std::map<std::string, std::string>{
                {"grant_type", "client_credentials"},
                {"client_id", kTeamsAppId},
                {"client_secret", kTeamsPassword},
                {"scope", "https://api.botframework.com/.default"}}));
  EXPECT_EQ(posted->Header("Authorization"),
            std::string("Bearer ") + kTeamsToken);
  EXPECT_TRUE(
      posted->path == "/teams/v3/conversations/19:sec@thread/activities" ||
      posted->path == "/teams/v3/conversations/19%3Asec%40thread/activities")
      << posted->path;
  {
    json activity = posted->Json();
    EXPECT_EQ(activity.value("type", ""), "message");
    ASSERT_EQ(activity["attachments"].size(), 1u) << activity.dump(2);
    json& attachment = activity["attachments"][0];
    EXPECT_EQ(attachment.value("contentType", ""), kCardType);
    const json& card = attachment["content"];
    EXPECT_EQ(card.value("type", ""), "AdaptiveCard");
    EXPECT_EQ(card.value("version", ""), "1.5");
    EXPECT_EQ(Verbs(card, id), (std::vector<std::string>{"approve", "reject"}));
    std::vector<OutboxRow> sec = Outbox("sec");
    ASSERT_EQ(sec.size(), 1u);
    EXPECT_EQ(activity["channelData"]["signoff"],
              json({{"request_id", id},
                    {"idempotency_key", sec[0].idempotency_key}}));
  }

  // diego approves: the vote is cast before the answer, which is the card
  // as it is now (1 of 2, buttons still there).
  httplib::Result answer =
      PostTeams(TeamsToken(), TeamsClick("aad-diego", "approve", id));
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;
  {
    json invoke = ParseJson(answer->body);
    EXPECT_EQ(invoke.value("statusCode", 0), 200) << answer->body;
    EXPECT_EQ(invoke.value("type", ""), kCardType);
    EXPECT_EQ(invoke["value"].value("version", ""), "1.5");
    EXPECT_EQ(Verbs(invoke["value"], id),
              (std::vector<std::string>{"approve", "reject"}));
    EXPECT_NE(AllText(invoke["value"]).find("diego"), std::string::npos)
        << answer->body;
  }
  {
    json view = View(id);
    ASSERT_EQ(view["votes"].size(), 1u) << view.dump(2);
    EXPECT_EQ(view["votes"][0].value("identity", ""), "diego");
    EXPECT_EQ(view["votes"][0].value("comment", ""), "via Teams");
  }
  // The posted card is replaced in place.
  std::optional<RecordedRequest> progress = platform_.WaitFor(
      [&](const RecordedRequest& call) { return call.method == "PUT"; });
  ASSERT_TRUE(progress.has_value());
  EXPECT_EQ(progress->path.substr(progress->path.rfind('/')), "/act-1");
  EXPECT_EQ(progress->Header("Authorization"),
            std::string("Bearer ") + kTeamsToken);
  {
    json activity = progress->Json();
    EXPECT_EQ(activity.value("id", ""), "act-1");
    const json& card = activity["attachments"][0]["content"];
    EXPECT_EQ(Verbs(card, id), (std::vector<std::string>{"approve", "reject"}));
    EXPECT_NE(AllText(card).find("diego"), std::string::npos) << card.dump(2);
  }

  // dana may not approve (the agent acts for her); a stranger is unknown.
  // Both are told why, nothing changes.
  for (const auto& [aad, audit_type] :
       std::vector<std::pair<std::string, std::string>>{
           {"aad-dana", "vote.refused"}, {"aad-mallory", "channel.refused"}}) {
    httplib::Result refused =
        PostTeams(TeamsToken(), TeamsClick(aad, "approve", id));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 200) << refused->body;
    json invoke = ParseJson(refused->body);
    EXPECT_EQ(invoke.value("type", ""),
              "application/vnd.microsoft.activity.message");
    EXPECT_FALSE(invoke.value("value", "").empty()) << refused->body;
  }
  {
    std::vector<json> refused = AuditOf("vote.refused", id);
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused[0].value("actor", ""), "dana");
    EXPECT_EQ(refused[0]["data"].value("reason", ""), "self_approval");
    std::vector<json> unmapped = AuditOf("channel.refused", id);
    ASSERT_EQ(unmapped.size(), 1u);
    EXPECT_EQ(unmapped[0]["data"].value("reason", ""), "unmapped_user");
    EXPECT_EQ(View(id)["votes"].size(), 1u);
  }

  // erin approves: the answer is the final card, without buttons.
  answer = PostTeams(TeamsToken(), TeamsClick("aad-erin", "approve", id));
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;
  {
    json invoke = ParseJson(answer->body);
    EXPECT_EQ(invoke.value("type", ""), kCardType);
    EXPECT_TRUE(Verbs(invoke["value"], id).empty()) << answer->body;
    EXPECT_NE(AllText(invoke["value"]).find("Approved by diego, erin"),
              std::string::npos)
        << answer->body;
  }
  EXPECT_EQ(View(id).value("status", ""), "approved");
  EXPECT_FALSE(View(id, kRequester).value("grant", "").empty());

  ASSERT_TRUE(WaitUntil([&] { return OutboxAll("sent", "sec"); }));
  std::vector<RecordedRequest> calls = TeamsActivities(id);
  ASSERT_EQ(calls.size(), 3u);  // posted once, replaced twice
  EXPECT_EQ(calls[0].method, "POST");
  EXPECT_EQ(calls[1].method, "PUT");
  EXPECT_EQ(calls[2].method, "PUT");
  EXPECT_EQ(calls[2].path, calls[1].path);
  const json final_card = calls[2].Json()["attachments"][0]["content"];
  EXPECT_TRUE(Verbs(final_card, id).empty()) << final_card.dump(2);
  EXPECT_NE(AllText(final_card).find("Approved by diego, erin"),
            std::string::npos)
      << final_card.dump(2);
  // The token was fetched once and reused.
  EXPECT_EQ(
      platform_
          .Requests([](const RecordedRequest& c) { return c.path == "/token"; })
          .size(),
      1u);
  EXPECT_TRUE(AuditVerifies());
}

TEST_F(ChannelsTeamsTest, BadTokensAreRefusedAndChangeNothing) {
  std::unique_ptr<ServeProcess> server;
  const std::string id = StartAndSubmit(Confidential("ledger"), server);
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(WaitUntil([&] { return OutboxAll("sent"); }));
  auto state = [&] {
    json view = View(id);
    return view.value("status", "") + " " + view["votes"].dump() + " " +
           std::to_string(Outbox().size()) + " " +
           std::to_string(AuditOf("vote.refused").size());
  };
  const std::string before = state();
  ASSERT_EQ(before, "pending [] 3 0");

  const int64_t now = UnixSeconds();
  RsaKey stranger = NewRsaKey();
  const std::string invoke = TeamsClick("aad-diego", "approve", id);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"signed by another key", TeamsToken(json::object(), stranger.get())},
      {"expired beyond the skew",
       TeamsToken({{"exp", now - 400}, {"nbf", now - 1000}})},
      {"another audience", TeamsToken({{"aud", "app-2"}})},
      {"another issuer", TeamsToken({{"iss", "https://login.example.com"}})},
      {"not yet valid", TeamsToken({{"nbf", now + 400}})},
      {"not a JWT", "not.a.jwt"},
      {"no Authorization", ""},
  };
  size_t expected_refusals = 0;
  for (const auto& [name, token] : cases) {
    SCOPED_TRACE(name);
    httplib::Result result = PostTeams(token, invoke);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 401) << result->body;
    EXPECT_EQ(ParseJson(result->body)["error"].value("code", ""),
              "unauthenticated")
        << result->body;
    ++expected_refusals;
    std::vector<json> refused = AuditOf("channel.refused");
    ASSERT_EQ(refused.size(), expected_refusals);
    EXPECT_EQ(refused.back()["data"].value("channel_kind", ""), "teams");
    EXPECT_EQ(refused.back()["data"].value("reason", ""), "bad_token");
    EXPECT_EQ(state(), before);
  }
  // No card update was sent for any of them.
  EXPECT_EQ(TeamsActivities(id).size(), 1u);

  // Within the 5 minutes of skew a token is still good.
  httplib::Result late = PostTeams(TeamsToken({{"exp", now - 200}}), invoke);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 200) << late->body;
  EXPECT_EQ(View(id)["votes"].size(), 1u);
  EXPECT_TRUE(AuditVerifies());
}

}  // namespace
}  // namespace signoff::testing
