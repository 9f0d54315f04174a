#include "runtime/channels/signatures.h"

#include <string>

#include "gtest/gtest.h"

namespace signoff::channels {
namespace {

// The example of Slack's "Verifying requests from Slack" guide.
constexpr char kSlackSecret[] = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr char kSlackTimestamp[] = "1531420618";
constexpr int64_t kSlackNow = 1531420618;
constexpr char kSlackBody[] =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain="
    "testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&"
    "user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url="
    "https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F"
    "96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
    "803a0bc887a14d10d2c447fce8b6703c";
constexpr char kSlackSignature[] =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

TEST(SlackSignatureTest, MatchesSlacksPublishedExample) {
  EXPECT_EQ(SlackSignature(kSlackSecret, kSlackTimestamp, kSlackBody),
            kSlackSignature);
  EXPECT_TRUE(VerifySlackSignature(kSlackSecret, kSlackTimestamp, kSlackBody,
                                   kSlackSignature, kSlackNow)
                  .ok());
  // 300 s either way is still fresh.
  EXPECT_TRUE(VerifySlackSignature(kSlackSecret, kSlackTimestamp, kSlackBody,
                                   kSlackSignature, kSlackNow + 300)
                  .ok());
  EXPECT_TRUE(VerifySlackSignature(kSlackSecret, kSlackTimestamp, kSlackBody,
                                   kSlackSignature, kSlackNow - 300)
                  .ok());
}

TEST(SlackSignatureTest, RefusesWhatWasNotSignedNow) {
  auto refused = [](std::string_view secret, std::string_view timestamp,
                    std::string_view body, std::string_view signature,
                    int64_t now) {
    absl::Status s =
        VerifySlackSignature(secret, timestamp, body, signature, now);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
    return std::string(s.message());
  };
  std::string body = kSlackBody;
  // Stale or from the future: a replay of a recorded click.
  EXPECT_NE(refused(kSlackSecret, kSlackTimestamp, body, kSlackSignature,
                    kSlackNow + 301)
                .find("more than 300 s"),
            std::string::npos);
  refused(kSlackSecret, kSlackTimestamp, body, kSlackSignature,
          kSlackNow - 301);
  // One byte of the body, the secret, the timestamp or the signature.
  std::string edited = body;
  edited.back() = 'd';
  EXPECT_NE(
      refused(kSlackSecret, kSlackTimestamp, edited, kSlackSignature, kSlackNow)
          .find("does not match"),
      std::string::npos);
  refused("8f742231b10e8888abcd99yyyzzz85a6", kSlackTimestamp, body,
          kSlackSignature, kSlackNow);
  refused(kSlackSecret, "1531420619", body, kSlackSignature, kSlackNow);
  std::string upper = kSlackSignature;
  upper[3] = 'A';
  refused(kSlackSecret, kSlackTimestamp, body, upper, kSlackNow);
  refused(kSlackSecret, kSlackTimestamp, body, "v1=a2114d57", kSlackNow);
  // Missing or malformed headers.
  refused(kSlackSecret, "", body, kSlackSignature, kSlackNow);
  refused(kSlackSecret, kSlackTimestamp, body, "", kSlackNow);
  EXPECT_NE(
      refused(kSlackSecret, "-1531420618", body, kSlackSignature, kSlackNow)
          .find("not unix seconds"),
      std::string::npos);
  refused(kSlackSecret, "1531420618.5", body, kSlackSignature, kSlackNow);
  refused(kSlackSecret, "99999999999999999999", body, kSlackSignature,
          kSlackNow);
}

TEST(WebhookSignatureTest, SignsTimestampDotBody) {
  const std::string body = R"({"event":"request.created","id":"r_1"})";
  const std::string signature = WebhookSignature("s3cret", 1700000000, body);
  ASSERT_EQ(signature.size(), 3u + 64u);
  EXPECT_EQ(signature.substr(0, 3), "v1=");
  // The same construction as Slack's with another prefix and separator.
  EXPECT_NE(signature.substr(3),
            SlackSignature("s3cret", "1700000000", body).substr(3));
  EXPECT_TRUE(VerifyWebhookSignature("s3cret", "1700000000", body, signature,
                                     1700000100)
                  .ok());
  EXPECT_FALSE(VerifyWebhookSignature("s3cret", "1700000001", body, signature,
                                      1700000100)
                   .ok());
  EXPECT_FALSE(
      VerifyWebhookSignature("other", "1700000000", body, signature, 1700000100)
          .ok());
  EXPECT_FALSE(VerifyWebhookSignature("s3cret", "1700000000", body + " ",
                                      signature, 1700000100)
                   .ok());
  EXPECT_FALSE(VerifyWebhookSignature("s3cret", "1700000000", body, signature,
                                      1700000400)
                   .ok());
}

}  // namespace
}  // namespace signoff::channels
