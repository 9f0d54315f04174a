// POST /v1/decide over real HTTP: the same decisions as Engine::Decide,
// authentication, and the 400s of the body's shape.
#include <string>
#include <vector>

#include "compiler/eval/decision.h"
#include "runtime/directory/directory.h"
#include "runtime/engine/engine.h"
#include "tests/unit/server/server_testing.h"

namespace signoff::server::testing {
namespace {

// A reference engine deciding like the server's: the same policy files,
// directory and default lifetimes.
std::unique_ptr<Engine> ReferenceEngine(const std::string& policy_dir) {
  static const runtime::Directory directory = *runtime::Directory::LoadFile(
      SourceDir() + "/examples/server/directory.yaml");
  EngineOptions options;
  options.directory_member = [](std::string_view group, std::string_view id) {
    return directory.IsMember(group, id);
  };
  std::unique_ptr<Engine> engine = Engine::Create(std::move(options));
  EXPECT_TRUE(engine->LoadFiles({policy_dir}).ok());
  return engine;
}

std::vector<std::string> Requests() {
  std::vector<std::string> requests = {
      ReadFile(SourceDir() +
               "/examples/data-exports/requests/confidential-export.json"),
      ReadFile(SourceDir() +
               "/examples/data-exports/requests/public-bucket.json"),
      // allow: small internal export in the daytime
      R"({"action": "data.export", "params": {"dataset": "d", "rows": 10,
          "destination": "s3://warehouse/x", "classification": "internal"},
          "requester": {"id": "agent:etl", "kind": "agent", "on_behalf_of": "dana"},
          "context": {"time": "2026-11-20T10:00:00Z"}})",
      // night export: a directory group (data-oncall) in the requirements
      R"({"action": "data.export", "params": {"dataset": "d", "rows": 10,
          "destination": "s3://warehouse/x", "classification": "internal"},
          "requester": {"id": "carol", "kind": "human"},
          "context": {"time": "2026-11-20T23:00:00Z"}})",
      // schema errors are a deny decision, not an HTTP error
      R"({"action": "data.export", "params": {"rows": "many"}})",
      // undeclared action: the default
      R"({"action": "db.drop"})",
  };
  return requests;
}

TEST_F(ServerTest, DecideOverHttpEqualsEngineDecide) {
  Start();
  std::unique_ptr<Engine> engine = ReferenceEngine(dir() + "/policies");
  auto client = Client();
  client->set_keep_alive(true);  // several requests on one connection
  for (const std::string& request : Requests()) {
    for (bool explain : {false, true}) {
      absl::StatusOr<eval::Decision> expected =
          engine->Decide(request, explain);
      ASSERT_TRUE(expected.ok());
      httplib::Result result =
          client->Post(explain ? "/v1/decide?explain=true" : "/v1/decide",
                       Auth(kEtlKey), request, "application/json");
      ASSERT_TRUE(result) << httplib::to_string(result.error());
      EXPECT_EQ(result->status, 200) << result->body;
      EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
      EXPECT_EQ(result->body, eval::DecisionToJson(*expected, explain, false));
    }
  }
  nlohmann::json decision = JsonOf(Post("/v1/decide", Requests()[0]));
  EXPECT_EQ(decision["decision"], "require_approval");
  EXPECT_EQ(decision["policy"], server_->context().state()->digest);
}

TEST_F(ServerTest, DecideNeedsAKnownApiKey) {
  Start();
  const std::string request = Requests()[0];
  httplib::Result none = Post("/v1/decide", request, "");
  ExpectError(none, 401, "unauthenticated");
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"),
            "Bearer realm=\"signoff\"");
  ExpectError(Post("/v1/decide", request, "demo-key-mallory"), 401,
              "unauthenticated");
  ExpectError(Post("/v1/decide", request, std::string(kEtlKey) + "x"), 401,
              "unauthenticated");
  auto client = Client();
  ExpectError(client->Post("/v1/decide", {{"Authorization", "Basic YWxpY2U="}},
                           request, "application/json"),
              401, "unauthenticated");
  ExpectError(client->Post("/v1/decide", {{"X-Signoff-Key", kEtlKey}}, request,
                           "application/json"),
              401, "unauthenticated");
  // The scheme is case-insensitive.
  httplib::Result lower = client->Post(
      "/v1/decide", {{"Authorization", std::string("bearer ") + kEtlKey}},
      request, "application/json");
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->status, 200);
}

TEST_F(ServerTest, MalformedBodiesAre400) {
  Start();
  ExpectError(Post("/v1/decide", "{\"action\": "), 400, "bad_request");
  ExpectError(Post("/v1/decide", ""), 400, "bad_request");
  ExpectError(Post("/v1/decide", "[1, 2]"), 400, "bad_request");
  httplib::Result unknown =
      Post("/v1/decide", R"({"action": "data.export", "whatif": true})");
  ExpectError(unknown, 400, "bad_request");
  EXPECT_NE(unknown->body.find("unknown field `whatif`"), std::string::npos);
  ExpectError(Post("/v1/decide?explain=maybe", Requests()[0]), 400,
              "bad_request");
  ExpectError(Post("/v1/decide?verbose=1", Requests()[0]), 400, "bad_request");
  // Nothing was decided.
  EXPECT_EQ(server_->context().metrics().decisions_deny.value(), 0u);
}

TEST_F(ServerTest, ApprovalRoutesNeedAnApiKeyChannelCallbacksASignature) {
  Start();
  for (const char* path :
       {"/v1/requests", "/v1/requests/r_1/votes", "/v1/requests/r_1/cancel",
        "/v1/grants/verify", "/v1/grants/consume"}) {
    ExpectError(Post(path, "{}", ""), 401, "unauthenticated");
  }
  ExpectError(Get("/v1/requests/r_1"), 404, "not_found");
  // Channel callbacks authenticate by signature or token, not API key.
  ExpectError(Post("/v1/channels/slack/interactions", "{}", ""), 401,
              "unauthenticated");
  ExpectError(Post("/v1/channels/teams/activities", "{}", ""), 401,
              "unauthenticated");
}

TEST_F(ServerTest, ReplacedRoutesServeInsteadOfBuiltIns) {
  Server::Options options;
  options.routes = [](ServerContext&) {
    return std::vector<Route>{
        {"POST", "/v1/requests", Access::kAuthenticated,
         [](const HttpRequest& request) {
           return JsonResponse(200, {{"requester", request.identity->id},
                                     {"peer", request.peer_ip}});
         }},
        {"GET", "/v1/requests/{id}", Access::kAuthenticated,
         [](const HttpRequest& request) {
           return JsonResponse(200, {{"id", request.path_params.at("id")}});
         }},
    };
  };
  Start("", std::move(options));
  nlohmann::json submitted = JsonOf(Post("/v1/requests", "{}"));
  EXPECT_EQ(submitted["requester"], "agent:etl");
  EXPECT_EQ(submitted["peer"], "127.0.0.1");
  EXPECT_EQ(JsonOf(Get("/v1/requests/r_42"))["id"], "r_42");
  // Routes not replaced keep their built-in handlers.
  ExpectError(Post("/v1/requests/r_42/votes", R"({"vote": "approve"})"), 404,
              "not_found");
  ExpectError(Post("/v1/channels/slack/interactions", "{}"), 401,
              "unauthenticated");
}

}  // namespace
}  // namespace signoff::server::testing
