// Start, reload and stop: refused reloads keep the old set serving, good
// ones swap atomically and are audited, a graceful stop finishes requests
// in flight and signs a checkpoint, and startup refuses bad configurations.
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "runtime/audit/entry.h"
#include "tests/unit/server/server_testing.h"

namespace signoff::server::testing {
namespace {

constexpr char kRequest[] = R"({"action": "data.export",
  "params": {"dataset": "d", "rows": 10, "destination": "s3://warehouse/x",
             "classification": "internal"},
  "requester": {"id": "agent:etl", "kind": "agent", "on_behalf_of": "dana"},
  "context": {"time": "2026-11-20T10:00:00Z"}})";

// A whole replacement policy: everything is denied.
constexpr char kDenyAll[] = R"(import "std/actions"

channel data_approvals = slack("#data-approvals")
channel privacy_reviews = teams("privacy/reviews")

rule frozen {
  on data.export
  deny "exports are frozen"
}
)";

std::string DecisionOf(const httplib::Result& result) {
  if (!result || result->status != 200) return "error";
  return JsonOf(result)["decision"].get<std::string>();
}

TEST_F(ServerTest, ReloadRefusesABrokenSetAndKeepsServing) {
  Start();
  const std::string digest = server_->context().state()->digest;
  ASSERT_EQ(DecisionOf(Post("/v1/decide", kRequest)), "allow");

  WriteFile(policy_path(), "rule broken {\n  on data.export\n  allow 3\n}\n");
  httplib::Result refused = Post("/v1/admin/reload", "", kAliceKey);
  ExpectError(refused, 409, "conflict");
  EXPECT_NE(refused->body.find("still serving " + digest), std::string::npos)
      << refused->body;
  EXPECT_NE(refused->body.find("exports.signoff:3:"), std::string::npos)
      << refused->body;
  EXPECT_EQ(DecisionOf(Post("/v1/decide", kRequest)), "allow");
  EXPECT_EQ(server_->context().state()->digest, digest);
  EXPECT_FALSE(server_->Reload("runtime", "sighup").ok());
  EXPECT_EQ(server_->context().metrics().reloads_refused.value(), 2u);

  WriteFile(policy_path(), kDenyAll);
  httplib::Result accepted = Post("/v1/admin/reload", "{}", kAliceKey);
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->status, 200) << accepted->body;
  nlohmann::json body = JsonOf(accepted);
  EXPECT_EQ(body["ok"], true);
  EXPECT_EQ(body["previous"], digest);
  EXPECT_NE(body["policy"], digest);
  EXPECT_EQ(DecisionOf(Post("/v1/decide", kRequest)), "deny");

  // Audited: start, then the accepted reload by alice (refusals are not).
  absl::StatusOr<std::vector<audit::AuditEntry>> entries =
      server_->context().store().ListAudit(0, 0);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[1].type, audit::kTypePolicyLoaded);
  EXPECT_EQ((*entries)[1].actor, "alice");
  EXPECT_EQ((*entries)[1].policy, body["policy"]);
  EXPECT_EQ((*entries)[1].data["trigger"], "api");
  EXPECT_EQ((*entries)[1].data["previous"], digest);
}

TEST_F(ServerTest, ReloadNeedsAnAdmin) {
  Start();
  ExpectError(Post("/v1/admin/reload", "", kBobKey), 403, "forbidden");
  ExpectError(Post("/v1/admin/reload", "", ""), 401, "unauthenticated");
  ExpectError(Post("/v1/admin/reload", R"({"force": true})", kAliceKey), 400,
              "bad_request");
}

TEST_F(ServerTest, ReloadRefusesAPolicyWithAnUnconfiguredChannel) {
  Start();
  std::string policy = ReadFile(policy_path());
  WriteFile(policy_path(), policy +
                               "\nchannel pager = webhook(\"pager\")\n"
                               "rule page {\n  on data.purge\n  require 1 of "
                               "data_stewards\n  notify pager\n}\n");
  absl::Status status = server_->Reload("runtime", "sighup");
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_NE(status.message().find("channel `pager`"), std::string::npos)
      << status;
}

TEST_F(ServerTest, DecisionsDuringReloadsAllSucceed) {
  Start();
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, decided{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto client = Client();
      client->set_keep_alive(true);
      while (!done.load()) {
        httplib::Result r = client->Post("/v1/decide", Auth(kEtlKey), kRequest,
                                         "application/json");
        std::string d = r && r->status == 200
                            ? JsonOf(r)["decision"].get<std::string>()
                            : "error";
        if (d != "allow" && d != "deny") failures.fetch_add(1);
        decided.fetch_add(1);
      }
    });
  }
  std::string original = ReadFile(policy_path());
  for (int i = 0; i < 4; ++i) {
    WriteFile(policy_path(), i % 2 == 0 ? kDenyAll : original);
    EXPECT_TRUE(server_->Reload("runtime", "sighup").ok());
  }
  done.store(true);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(decided.load(), 0);
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequestsAndCheckpoints) {
  Server::Options options;
  std::atomic<bool> entered{false};
  options.routes = [&entered](ServerContext&) {
    return std::vector<Route>{{"POST", "/v1/requests", Access::kAuthenticated,
                               [&entered](const HttpRequest&) {
                                 entered.store(true);
                                 std::this_thread::sleep_for(
                                     std::chrono::milliseconds(500));
                                 return JsonResponse(200, {{"slow", true}});
                               }}};
  };
  Start("", std::move(options));
  ASSERT_EQ(Post("/v1/decide", kRequest)->status, 200);

  int slow_status = 0;
  std::string slow_error;
  std::thread caller([&] {
    httplib::Result slow = Post("/v1/requests", "{}");
    if (slow) {
      slow_status = slow->status;
    } else {
      slow_error = httplib::to_string(slow.error());
    }
  });
  while (!entered.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server_->Stop();
  caller.join();
  EXPECT_EQ(slow_status, 200) << slow_error;

  // The listener is gone ...
  EXPECT_FALSE(Client()->Get("/healthz"));
  // ... and the head of the log (entry 1, policy.loaded) is checkpointed.
  absl::StatusOr<std::vector<audit::Checkpoint>> checkpoints =
      server_->context().store().ListCheckpoints();
  ASSERT_TRUE(checkpoints.ok());
  ASSERT_EQ(checkpoints->size(), 1u);
  EXPECT_EQ((*checkpoints)[0].seq, 1);
  EXPECT_EQ((*checkpoints)[0].kid, server_->context().signing_key().key_id());
  server_->Stop();  // again: nothing happens
}

TEST_F(ServerTest, PeriodicCheckpoints) {
  Start("checkpoint_interval: 1s\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  absl::StatusOr<std::vector<audit::Checkpoint>> checkpoints =
      server_->context().store().ListCheckpoints();
  ASSERT_TRUE(checkpoints.ok());
  EXPECT_EQ(checkpoints->size(), 1u);
}

TEST_F(ServerTest, StartRefusesBadSetups) {
  // Errors in the policy: InvalidArgument with the diagnostics.
  WriteFile(policy_path(), "rule broken {\n  on x\n  allow 3\n}\n");
  absl::StatusOr<std::unique_ptr<Server>> server = TryStart();
  EXPECT_TRUE(absl::IsInvalidArgument(server.status())) << server.status();

  // A policy channel without configuration.
  WriteFile(policy_path(),
            ReadFile(SourceDir() + "/examples/data-exports/exports.signoff"));
  WriteFile(dir() + "/signoff.yaml", ConfigText());
  std::string yaml = ConfigText();
  yaml = yaml.substr(0, yaml.find("  privacy_reviews"));
  WriteFile(dir() + "/signoff.yaml", yaml);
  absl::StatusOr<config::Config> config =
      config::LoadConfigFile(dir() + "/signoff.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  Server::Options options;
  options.context.env = FakeEnv();
  server = Server::Start(*config, options);
  EXPECT_TRUE(absl::IsFailedPrecondition(server.status())) << server.status();
  EXPECT_NE(server.status().message().find("`privacy_reviews`"),
            std::string::npos);

  // A secret whose variable is unset.
  WriteFile(dir() + "/signoff.yaml", ConfigText());
  config = config::LoadConfigFile(dir() + "/signoff.yaml");
  ASSERT_TRUE(config.ok());
  options.context.env = [](std::string_view) { return std::nullopt; };
  server = Server::Start(*config, options);
  EXPECT_TRUE(absl::IsFailedPrecondition(server.status())) << server.status();
  EXPECT_NE(server.status().message().find("SLACK_BOT_TOKEN"),
            std::string::npos);

  // A port already taken.
  Start();
  config = config::LoadConfigFile(dir() + "/signoff.yaml");
  config->listen.port = server_->port();
  options.context.env = FakeEnv();
  server = Server::Start(*config, options);
  EXPECT_TRUE(absl::IsUnavailable(server.status())) << server.status();
}

}  // namespace
}  // namespace signoff::server::testing
