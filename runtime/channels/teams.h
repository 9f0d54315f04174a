// The Microsoft Teams channel (RUNTIME.md §8): a bot that posts each
// approval request to one Teams conversation as an Adaptive Card (1.5) with
// Universal Actions (`Action.Execute`, verbs `approve` and `reject`) through
// the Bot Framework's Bot Connector REST API, and replaces that card in
// place as votes arrive and when the request ends.
//
// Outgoing, per message of the outbox (channel.h):
//
//   POST {token_url}  grant_type=client_credentials&client_id=...&
//                     client_secret=...&scope=https://api.botframework.com/
//                     .default                      (cached until 5 min
//                                                    before it expires)
//   POST {service_url}/v3/conversations/{conversation}/activities
//        -> {"id": "<activity id>"}; ref = {"conversation_id": ...,
//                                           "activity_id": ...}
//   PUT  {service_url}/v3/conversations/{conversation}/activities/{activity}
//        (later messages of the same request; a 404 posts anew)
//
// Inbound, the server's activities endpoint checks the Bearer JWT of the
// Bot Framework (jwt.h VerifyRs256 with kBotFrameworkIssuer and the app id
// as audience), then:
//
//   absl::StatusOr<TeamsInvoke> invoke = ParseTeamsInvoke(body);
//   // map invoke->aad_object_id to an identity, vote invoke->verb on
//   // invoke->request_id, and answer HTTP 200 with
//   InvokeCardResponse(RenderTeamsCard(payload_after_the_vote));
//   // or InvokeMessageResponse("You cannot vote on this request.")
//
// Texts a requester or voter controls (messages, justification, ticket,
// comments, identities) are put on the card as RichTextBlock TextRuns,
// which Teams does not read as Markdown; the params are a FactSet (whose
// values Teams may render as Markdown). Every text is bounded (1000 bytes a
// value, 30 facts/votes/clauses, about 16 KB in all) so that the card stays
// under the Bot Connector's message size limit.
//
// Thread safety: RenderTeamsCard, ParseTeamsInvoke and the Invoke*Response
// helpers are pure. A TeamsChannel's token cache is mutex-protected, so
// Send may be called from several threads; the outbox calls it from one.
#ifndef SIGNOFF_RUNTIME_CHANNELS_TEAMS_H_
#define SIGNOFF_RUNTIME_CHANNELS_TEAMS_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "runtime/channels/channel.h"

namespace signoff::channels {

// The issuer of the JWTs the Bot Framework sends with inbound activities.
inline constexpr std::string_view kBotFrameworkIssuer =
    "https://api.botframework.com";

struct TeamsOptions {
  std::string name;          // the policy's channel name
  std::string app_id;        // the bot's Microsoft App ID
  std::string app_password;  // its client secret
  // The Bot Connector's base URL (the activity's serviceUrl); one trailing
  // '/' is ignored.
  std::string service_url = "https://smba.trafficmanager.net/teams";
  std::string conversation_id;  // where new requests are posted
  std::string token_url =
      "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";
  int64_t timeout_ms = 5000;  // per HTTP call: connect, write and read
};

// The Adaptive Card (1.5) showing the outbox payload of channel.h: who asks
// and for what, the params, the deciding rules, the policy's messages, the
// justification and ticket, the quorum and its progress, the expiry, the
// votes and the status; Approve / Reject `Action.Execute` buttons while the
// request is pending (and its id is one a click can carry), the outcome
// once it is not. Missing or mistyped fields are left out or shown as "?";
// never throws.
nlohmann::json RenderTeamsCard(const nlohmann::json& payload);

class TeamsChannel : public Channel {
 public:
  explicit TeamsChannel(TeamsOptions options);

  const std::string& name() const override { return options_.name; }
  std::string_view kind() const override { return "teams"; }

  // Posts the card (ref "" or not a Teams ref) or replaces the posted one
  // (ref from an earlier delivery). Token failures say "teams token: ...":
  // kRejected for HTTP 400/401 of the token endpoint (bad credentials) and
  // for a URL that cannot be called, kRetry otherwise. A 401 of the Bot
  // Connector drops the cached token and is kRetry; a 404 of the update
  // posts the card anew and returns the new ref.
  SendResult Send(const Notification& message, std::string_view ref) override;

 private:
  struct Token {
    std::string value;       // "" on failure
    DeliveryResult failure;  // when value is ""
  };
  // The cached bot token, or a new one from token_url.
  Token AccessToken();
  // Forgets `token` if it is still the cached one.
  void DropToken(const std::string& token);

  const TeamsOptions options_;
  std::string service_url_;  // options_.service_url without a trailing '/'

  std::mutex mu_;  // guards token_ and token_valid_until_ms_; held while
                   // fetching, so concurrent senders fetch once
  std::string token_;
  int64_t token_valid_until_ms_ = 0;  // steady clock
};

// A click on Approve or Reject: the `adaptiveCard/action` invoke activity.
struct TeamsInvoke {
  std::string aad_object_id;    // from.aadObjectId: who clicked
  std::string verb;             // "approve" or "reject"
  std::string request_id;       // value.action.data.request_id
  std::string conversation_id;  // conversation.id; "" when absent
  std::string reply_to_id;      // replyToId: the card's activity; "" if absent
};

// The invoke in `activity_json` (the body of the activity POST), or
// InvalidArgument saying what is wrong: not JSON, not an invoke, not an
// `adaptiveCard/action`, not `Action.Execute`, another verb, a missing or
// malformed request id (1-64 of [A-Za-z0-9_-]), no `from.aadObjectId`.
absl::StatusOr<TeamsInvoke> ParseTeamsInvoke(std::string_view activity_json);

// The body of the HTTP 200 answer to an invoke: replace the clicked card by
// `card`, or show `text` to the one who clicked.
nlohmann::json InvokeCardResponse(const nlohmann::json& card);
nlohmann::json InvokeMessageResponse(std::string_view text);

}  // namespace signoff::channels

#endif  // SIGNOFF_RUNTIME_CHANNELS_TEAMS_H_
