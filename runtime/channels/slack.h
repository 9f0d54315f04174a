// The Slack channel (RUNTIME.md §8): a request is posted once with
// chat.postMessage as a Block Kit message (who asks, what, the params, the
// deciding rules and messages, the quorum still needed, the expiry, the
// votes and Approve / Reject buttons) and then edited in place with
// chat.update after every change; once the request is final the buttons are
// gone and an outcome line says how it ended.
//
//   SlackChannel slack({.name = "sre_room", .token = "xoxb-...",
//                       .channel = "C0123"});
//   SendResult r = slack.Send(message, stored_ref);  // ref: {"channel","ts"}
//
// Clicks on the buttons come back to the interactions endpoint as a form
// post (`payload=<URL-encoded JSON>`), signed by Slack (signatures.h):
// ParseSlackInteraction turns the verified body into a SlackClick, and
// PostSlackResponse tells the clicker privately why a vote was refused.
//
// Everything the policy's users wrote (params, justification, comments,
// identities) is escaped for mrkdwn, so it cannot mention @channel or forge
// links, and every text is cut to Slack's limits (with "…") instead of
// making Slack refuse the message.
//
// Thread safety: Send is called from one thread at a time (channel.h); the
// free functions are pure or open their own connection.
#ifndef SIGNOFF_RUNTIME_CHANNELS_SLACK_H_
#define SIGNOFF_RUNTIME_CHANNELS_SLACK_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "runtime/channels/channel.h"

namespace signoff::channels {

struct SlackOptions {
  std::string name;  // the policy's channel name
  std::string api_base = "https://slack.com/api";
  std::string token;    // bot token, xoxb-...
  std::string channel;  // Slack conversation id or #name to post in
  int64_t timeout_ms = 5000;
};

// The body of chat.postMessage / chat.update without "channel" and "ts":
// {"text": <plain fallback summary>, "blocks": [...]} for the outbox
// payload of channel.h. Never throws; missing or odd fields show as "?" or
// are left out.
nlohmann::json RenderSlackMessage(const nlohmann::json& payload);

class SlackChannel : public Channel {
 public:
  explicit SlackChannel(SlackOptions options);

  const std::string& name() const override { return options_.name; }
  std::string_view kind() const override { return "slack"; }

  // chat.postMessage when `ref` is "" (or not a {"channel","ts"} object),
  // else chat.update of that post; a post deleted in Slack
  // (message_not_found) is posted anew. The ref of a new post is returned
  // as {"channel": C, "ts": T}.
  SendResult Send(const Notification& message, std::string_view ref) override;

 private:
  const SlackOptions options_;
};

// One click on an Approve / Reject button.
struct SlackClick {
  std::string user_id;  // Slack user id; map through the directory
  std::string team_id;
  std::string action;      // "approve" or "reject"
  std::string request_id;  // the button's value
  std::string response_url;
  std::string channel_id;
  std::string message_ts;
};

// The click in a Slack interactivity request body (form data with one field
// `payload`, the URL-encoded JSON). Only block_actions whose first action is
// signoff_approve or signoff_reject with a request id as value ([A-Za-z0-9_-],
// at most 64 characters) and a user id; anything else is InvalidArgument
// saying why. The signature must have been checked before (signatures.h).
absl::StatusOr<SlackClick> ParseSlackInteraction(std::string_view form_body);

// Tells the clicker privately (an ephemeral message through the click's
// response_url) `text`, e.g. why the vote was refused. `text` is plain: it
// is escaped here (EscapeSlackText), so it cannot mention or link. Unavailable
// when there is no answer or it is not 2xx; InvalidArgument for a URL that
// cannot be called.
absl::Status PostSlackResponse(const std::string& response_url,
                               std::string_view text,
                               int64_t timeout_ms = 5000);

// application/x-www-form-urlencoded decoding of one name or value: "+" is a
// space, "%XX" the byte XX. An invalid escape is InvalidArgument.
absl::StatusOr<std::string> SlackFormDecode(std::string_view text);

// `text` with &, < and > escaped as Slack mrkdwn requires (&amp; &lt; &gt;).
std::string EscapeSlackText(std::string_view text);

}  // namespace signoff::channels

#endif  // SIGNOFF_RUNTIME_CHANNELS_SLACK_H_
