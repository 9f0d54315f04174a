// Slack and Teams as the channel tests play them. What they send to
// signoff's callbacks, built the way their documentation says (not with the
// runtime's own code): a signed Slack button click for
// POST /v1/channels/slack/interactions, and a Bot Framework token and
// `adaptiveCard/action` invoke for POST /v1/channels/teams/activities. And
// what a reader sees of what signoff posts to them (AllText).
//
//   SlackClick click = SignedSlackClick(secret, "U0DIEGO", "signoff_approve",
//                                       request_id, response_url);
//   client.Post("/v1/channels/slack/interactions", click.Headers(),
//               click.body, "application/x-www-form-urlencoded");
//
//   client.Post("/v1/channels/teams/activities",
//               {{"Authorization",
//                 "Bearer " + BotFrameworkToken(key, "k1", app_id)}},
//               TeamsInvoke(aad, "approve", request_id, conversation, "1"),
//               "application/json");
//
// Header-only: needs signoff_crypto (through signoff_channels), httplib and
// OpenSSL (tests/testing/rsa_jwt.h).
#ifndef SIGNOFF_TESTS_TESTING_CHAT_PLATFORMS_H_
#define SIGNOFF_TESTS_TESTING_CHAT_PLATFORMS_H_

#include <httplib.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "runtime/crypto/encoding.h"
#include "tests/testing/rsa_jwt.h"

namespace signoff::testing {

// application/x-www-form-urlencoded encoding of one value: letters, digits
// and -_.~ as they are, every other byte (a space too) as %XX.
inline std::string FormEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The X-Slack-Signature of `body` sent at `timestamp` (unix seconds, as
// text): "v0=" and the hex HMAC-SHA256 of "v0:<timestamp>:<body>" under the
// app's signing secret.
inline std::string SlackV0Signature(std::string_view signing_secret,
                                    std::string_view timestamp,
                                    std::string_view body) {
  const std::string base =
      "v0:" + std::string(timestamp) + ":" + std::string(body);
  return "v0=" + crypto::HexEncode(crypto::HmacSha256(signing_secret, base));
}

// A POST of Slack's interactivity: the form body and its signature headers.
struct SlackClick {
  std::string body;       // payload=<the block_actions JSON, form-encoded>
  std::string timestamp;  // X-Slack-Request-Timestamp
  std::string signature;  // X-Slack-Signature

  httplib::Headers Headers() const {
    return {{"X-Slack-Request-Timestamp", timestamp},
            {"X-Slack-Signature", signature}};
  }
};

// A click by Slack user `user` on the button `action_id` (signoff_approve
// or signoff_reject) of the message posted for `request_id`, with the
// `response_url` Slack offers for private answers; signed with
// `signing_secret` now (or at `timestamp`, unix seconds).
inline SlackClick SignedSlackClick(
    std::string_view signing_secret, const std::string& user,
    const std::string& action_id, const std::string& request_id,
    const std::string& response_url,
    std::optional<int64_t> timestamp = std::nullopt) {
  const nlohmann::json payload = {{"type", "block_actions"},
                                  {"user", {{"id", user}, {"team_id", "T1"}}},
                                  {"team", {{"id", "T1"}}},
                                  {"channel", {{"id", "C1"}}},
                                  {"container",
                                   {{"type", "message"},
                                    {"channel_id", "C1"},
                                    {"message_ts", "1700000000.000001"}}},
                                  {"message", {{"ts", "1700000000.000001"}}},
                                  {"response_url", response_url},
                                  {"actions",
                                   {{{"type", "button"},
                                     {"block_id", "signoff_vote"},
                                     {"action_id", action_id},
                                     {"value", request_id}}}}};
  SlackClick click;
  click.body = "payload=" + FormEncode(payload.dump());
  click.timestamp = std::to_string(timestamp.value_or(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count()));
  click.signature =
      SlackV0Signature(signing_secret, click.timestamp, click.body);
  return click;
}

// A token as the Bot Framework signs the activities it sends to a bot:
// RS256 by `key` (published as the JWK `kid`), issued by
// https://api.botframework.com for the bot `app_id`, valid from 10 s ago for
// 10 minutes; `overrides` adds or replaces claims.
inline std::string BotFrameworkToken(
    EVP_PKEY* key, const std::string& kid, const std::string& app_id,
    const nlohmann::json& overrides = nlohmann::json::object()) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  nlohmann::json claims = {{"iss", "https://api.botframework.com"},
                           {"aud", app_id},
                           {"nbf", now - 10},
                           {"exp", now + 600}};
  for (const auto& [name, value] : overrides.items()) claims[name] = value;
  return Rs256Token(key, {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid}},
                    claims);
}

// The invoke activity Teams sends when the user with AAD object id `aad`
// clicks `verb` (approve or reject) on the card of `request_id`, posted as
// activity `reply_to_id` in `conversation`.
inline std::string TeamsInvoke(const std::string& aad, const std::string& verb,
                               const std::string& request_id,
                               const std::string& conversation,
                               const std::string& reply_to_id) {
  return nlohmann::json({{"type", "invoke"},
                         {"name", "adaptiveCard/action"},
                         {"id", "inv-1"},
                         {"channelId", "msteams"},
                         {"from", {{"id", "29:" + aad}, {"aadObjectId", aad}}},
                         {"conversation", {{"id", conversation}}},
                         {"replyToId", reply_to_id},
                         {"value",
                          {{"action",
                            {{"type", "Action.Execute"},
                             {"verb", verb},
                             {"data", {{"request_id", request_id}}}}}}}})
      .dump();
}

// The text of every "text" member anywhere in `value`, one a line: what a
// reader of a Slack message (or its blocks) or a Teams card sees, to search
// in.
inline void CollectTexts(const nlohmann::json& value, std::string& out) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (key == "text" && member.is_string()) {
        out += member.get<std::string>();
        out += '\n';
      } else {
        CollectTexts(member, out);
      }
    }
  } else if (value.is_array()) {
    for (const nlohmann::json& item : value) CollectTexts(item, out);
  }
}
inline std::string AllText(const nlohmann::json& value) {
  std::string out;
  CollectTexts(value, out);
  return out;
}

}  // namespace signoff::testing

#endif  // SIGNOFF_TESTS_TESTING_CHAT_PLATFORMS_H_
