// The HTTP surface: body limits (declared and actual), 404/405, /healthz,
// /metrics, /v1/keys.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "runtime/grants/grants.h"
#include "runtime/grants/jwks.h"
#include "tests/unit/server/server_testing.h"

namespace signoff::server::testing {
namespace {

constexpr char kSmallRequest[] = R"({"action": "db.drop"})";

// Whether `data` holds one whole response (headers and Content-Length
// bytes of body).
bool HasWholeResponse(const std::string& data) {
  size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  size_t length = 0;
  size_t at = data.find("Content-Length: ");
  if (at != std::string::npos && at < end) {
    length = std::stoul(data.substr(at + 16));
  }
  return data.size() >= end + 4 + length;
}

// Sends `requests` on one fresh connection, each after the response to the
// one before (httplib does not serve pipelined requests), and reads until
// the server closes the connection (or 10 s pass). Returns everything
// read; `closed` says whether the server closed the connection.
std::string RawExchange(int port, const std::vector<std::string>& requests,
                        bool* closed) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  *closed = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return response;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buffer[4096];
  for (size_t i = 0; i < requests.size(); ++i) {
    const std::string& request = requests[i];
    size_t sent = 0;
    while (sent < request.size()) {
      ssize_t n =
          send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    std::string current;
    bool last = i + 1 == requests.size();
    while (std::chrono::steady_clock::now() < deadline &&
           (last || !HasWholeResponse(current))) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        *closed = true;
        break;
      }
      current.append(buffer, static_cast<size_t>(n));
    }
    response += current;
    if (*closed) break;
  }
  close(fd);
  return response;
}

std::string RawExchange(int port, const std::string& request, bool* closed) {
  return RawExchange(port, std::vector<std::string>{request}, closed);
}

std::string Headers(const std::string& extra) {
  return "POST /v1/decide HTTP/1.1\r\nHost: 127.0.0.1\r\n"
         "Authorization: Bearer demo-key-etl\r\n"
         "Content-Type: application/json\r\n" +
         extra + "\r\n";
}

TEST_F(ServerTest, DeclaredLengthOverTheLimitIs413BeforeTheBodyIsSent) {
  Start();
  bool closed = false;
  // Only the headers go out: the answer cannot wait for 100 MB.
  std::string response = RawExchange(
      server_->port(), Headers("Content-Length: 100000000\r\n"), &closed);
  EXPECT_EQ(response.rfind("HTTP/1.1 413", 0), 0u) << response;
  EXPECT_NE(response.find("\"code\":\"payload_too_large\""), std::string::npos)
      << response;
  EXPECT_TRUE(closed);
  // The same through a client that sends the body.
  ExpectError(Post("/v1/decide", std::string(5000, ' ')), 413,
              "payload_too_large");
}

TEST_F(ServerTest, ChunkedBodiesAreCountedToo) {
  Start();
  std::string chunk(3000, ' ');
  std::string body;
  for (int i = 0; i < 3; ++i) body += "bb8\r\n" + chunk + "\r\n";  // 0xbb8=3000
  body += "0\r\n\r\n";
  bool closed = false;
  std::string response =
      RawExchange(server_->port(),
                  Headers("Transfer-Encoding: chunked\r\n") + body, &closed);
  EXPECT_EQ(response.rfind("HTTP/1.1 413", 0), 0u) << response;
  EXPECT_NE(response.find("payload_too_large"), std::string::npos);

  // A chunked body within the limit is served.
  std::string ok_body = std::string(kSmallRequest);
  char size[16];
  std::snprintf(size, sizeof size, "%zx", ok_body.size());
  response = RawExchange(server_->port(),
                         Headers("Transfer-Encoding: chunked\r\n"
                                 "Connection: close\r\n") +
                             size + "\r\n" + ok_body + "\r\n0\r\n\r\n",
                         &closed);
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;

  // A body a little over the limit is read to its end and refused, and the
  // connection serves the next request.
  std::string over = "bb8\r\n" + std::string(3000, ' ') + "\r\n7d0\r\n" +
                     std::string(2000, ' ') + "\r\n0\r\n\r\n";
  response = RawExchange(
      server_->port(),
      {Headers("Transfer-Encoding: chunked\r\n") + over,
       "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      &closed);
  EXPECT_EQ(response.rfind("HTTP/1.1 413", 0), 0u) << response;
  EXPECT_NE(response.find("HTTP/1.1 200"), std::string::npos) << response;
  EXPECT_NE(response.find("\"status\":\"ok\""), std::string::npos) << response;
}

TEST_F(ServerTest, ConflictingLengthsAndBadLengthsAre400) {
  Start();
  bool closed = false;
  std::string response = RawExchange(
      server_->port(),
      Headers("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") +
          "0\r\n\r\n",
      &closed);
  EXPECT_EQ(response.rfind("HTTP/1.1 400", 0), 0u) << response;
  response =
      RawExchange(server_->port(), Headers("Content-Length: -1\r\n"), &closed);
  EXPECT_EQ(response.rfind("HTTP/1.1 400", 0), 0u) << response;
  EXPECT_NE(response.find("bad_request"), std::string::npos);
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  Start();
  auto client = Client();
  httplib::Result get = client->Get("/v1/decide", Auth(kEtlKey));
  ExpectError(get, 405, "method_not_allowed");
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
  ExpectError(client->Delete("/healthz"), 405, "method_not_allowed");
  ExpectError(client->Put("/v1/keys", "{}", "application/json"), 405,
              "method_not_allowed");
  ExpectError(client->Post("/metrics", "", "text/plain"), 405,
              "method_not_allowed");
}

TEST_F(ServerTest, UnknownPathsAre404) {
  Start();
  ExpectError(Get("/v1/nope"), 404, "not_found");
  ExpectError(Get("/v1/decide/"), 404, "not_found");
  ExpectError(Client()->Post("/nope", std::string(100, 'x'), "text/plain"), 404,
              "not_found");
}

TEST_F(ServerTest, HealthzNeedsNoKey) {
  Start();
  httplib::Result result = Client()->Get("/healthz");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  nlohmann::json body = JsonOf(result);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["policy"], server_->context().state()->digest);
}

// name{labels} -> value, for the sample lines of a Prometheus text page;
// fails the test on a line that does not parse.
std::map<std::string, double> ParseMetrics(const std::string& text) {
  std::map<std::string, double> samples;
  for (const std::string& line :
       std::vector<std::string>(absl::StrSplit(text, '\n'))) {
    if (line.empty() || line[0] == '#') {
      if (!line.empty()) {
        EXPECT_TRUE(line.rfind("# HELP ", 0) == 0 ||
                    line.rfind("# TYPE ", 0) == 0)
            << line;
      }
      continue;
    }
    size_t space = line.rfind(' ');
    double value = 0;
    EXPECT_NE(space, std::string::npos) << line;
    std::string number(line.substr(space + 1));
    EXPECT_TRUE(number == "+Inf" || absl::SimpleAtod(number, &value)) << line;
    samples[line.substr(0, space)] = value;
  }
  return samples;
}

TEST_F(ServerTest, MetricsMoveAfterDecisions) {
  Start();
  auto client = Client();
  httplib::Result before = client->Get("/metrics");
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200);
  EXPECT_EQ(before->get_header_value("Content-Type"),
            "text/plain; version=0.0.4; charset=utf-8");
  std::map<std::string, double> m0 = ParseMetrics(before->body);
  EXPECT_EQ(m0.at("signoff_decisions_total{decision=\"deny\"}"), 0);
  EXPECT_EQ(m0.count("signoff_requests_pending"), 1u);
  EXPECT_EQ(m0.count("signoff_votes_total{vote=\"approve\"}"), 1u);
  EXPECT_EQ(m0.count("signoff_grants_total{event=\"minted\"}"), 1u);

  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Post("/v1/decide", kSmallRequest)->status, 200);
  }
  ASSERT_EQ(Post("/v1/decide", "{").value().status, 400);
  std::map<std::string, double> m1 =
      ParseMetrics(client->Get("/metrics")->body);
  EXPECT_EQ(m1.at("signoff_decisions_total{decision=\"deny\"}"), 3);
  EXPECT_EQ(m1.at("signoff_decision_duration_seconds_count"), 3);
  EXPECT_EQ(m1.at("signoff_decision_duration_seconds_bucket{le=\"+Inf\"}"), 3);
  EXPECT_GT(m1.at("signoff_decision_duration_seconds_sum"), 0);
  // Responses are counted once written, so the last ones may still be
  // uncounted when the client has them: wait a little.
  const std::string k2xx = "signoff_http_responses_total{code=\"2xx\"}";
  const std::string k4xx = "signoff_http_responses_total{code=\"4xx\"}";
  for (int i = 0; i < 100 && (m1.at(k2xx) < m0.at(k2xx) + 4 ||
                              m1.at(k4xx) < m0.at(k4xx) + 1);
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    m1 = ParseMetrics(client->Get("/metrics")->body);
  }
  EXPECT_GE(m1.at(k2xx), m0.at(k2xx) + 4);
  EXPECT_EQ(m1.at(k4xx), m0.at(k4xx) + 1);
  // Other code increments the registered counters.
  server_->context().metrics().votes_approve.Increment();
  std::map<std::string, double> m2 =
      ParseMetrics(client->Get("/metrics")->body);
  EXPECT_EQ(m2.at("signoff_votes_total{vote=\"approve\"}"), 1);
  // The pending gauge is read from the store at each scrape.
  EXPECT_EQ(m2.at("signoff_requests_pending"), 0);
}

TEST_F(ServerTest, KeysVerifyAGrantMintedWithTheServersKey) {
  Start();
  httplib::Result keys = Get("/v1/keys");
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->status, 200);
  absl::StatusOr<grants::PublicKeySet> set =
      grants::PublicKeySet::FromJwks(keys->body);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(set->size(), 1u);

  grants::GrantClaims claims;
  claims.grant_id = "g_test";
  claims.request_id = "r_test";
  claims.requester = "agent:etl";
  claims.action = "data.export";
  claims.digest =
      grants::ActionDigest("data.export", {{"rows", 1}}, "agent:etl");
  claims.issued = 1'800'000'000;
  claims.expires = claims.issued + 300;
  std::string token =
      grants::MintToken(claims, server_->context().signing_key());
  absl::StatusOr<grants::GrantClaims> verified =
      grants::VerifyToken(token, *set, claims.issued + 10);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->grant_id, "g_test");
  EXPECT_EQ(verified->key_id, server_->context().signing_key().key_id());
  // A token from another key does not verify against the served set.
  auto other = crypto::SigningKey::Generate();
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(grants::VerifyToken(grants::MintToken(claims, **other), *set,
                                   claims.issued + 10)
                   .ok());
  ExpectError(Get("/v1/keys", ""), 401, "unauthenticated");
}

TEST_F(ServerTest, PostWithoutContentLengthHasAnEmptyBody) {
  Start();
  bool closed = false;
  std::string response = RawExchange(
      server_->port(),
      "POST /v1/admin/reload HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer demo-key-alice\r\nConnection: close\r\n\r\n",
      &closed);
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
}

}  // namespace
}  // namespace signoff::server::testing
