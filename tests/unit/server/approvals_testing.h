// Helpers for the HTTP acceptance tests of the approval workflow: a
// directory of test identities with API keys (`key-<id>`, stored as their
// SHA-256), a policy covering every effect, a ServerTest that serves them,
// and HTTP helpers acting as one identity (submit, vote, view, audit,
// metrics).
#ifndef SIGNOFF_TESTS_UNIT_SERVER_APPROVALS_TESTING_H_
#define SIGNOFF_TESTS_UNIT_SERVER_APPROVALS_TESTING_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "nlohmann/json.hpp"
#include "runtime/crypto/encoding.h"
#include "tests/unit/server/server_testing.h"

namespace signoff::server::testing {

// One entry of directory.yaml: `attributes` is the body of its flow mapping
// ("kind: human, team: sre, mfa: true").
struct TestIdentity {
  std::string id;
  std::string attributes;
};

// The API key of a test identity.
inline std::string ApiKeyOf(std::string_view id) {
  return "key-" + std::string(id);
}

// directory.yaml for `identities`, each with the API key ApiKeyOf(id).
inline std::string DirectoryYaml(const std::vector<TestIdentity>& identities) {
  std::string text = "identities:\n";
  for (const TestIdentity& identity : identities) {
    text += "  " + identity.id + ": { " + identity.attributes + " }\n";
  }
  text += "api_keys:\n";
  for (const TestIdentity& identity : identities) {
    text += "  - { identity: " + identity.id + ", sha256: " +
            crypto::HexEncode(crypto::Sha256(ApiKeyOf(identity.id))) + " }\n";
  }
  return text;
}

// alice (the admin of ConfigText), bob and carol (the auditor) are SREs;
// only alice and carol made their votes with MFA. dana and erin are humans
// of other teams; agent:bot acts for dana; frank is in no group; exec is a
// service that executes granted actions.
inline std::vector<TestIdentity> DefaultIdentities() {
  return {
      {"alice", "kind: human, team: sre, mfa: true"},
      {"bob", "kind: human, team: sre"},
      {"carol", "kind: human, team: sre, mfa: true"},
      {"dana", "kind: human, team: data"},
      {"erin", "kind: human, team: ops"},
      {"frank", "kind: human, team: ops"},
      {"agent:bot", "kind: agent, team: data, on_behalf_of: dana"},
      {"exec", "kind: service, team: platform"},
  };
}

inline constexpr char kBot[] = "agent:bot";

// One action per effect and quorum shape the tests need.
inline constexpr char kPolicy[] =
    R"(# The approval workflow's acceptance policy.
group approvers = ["alice", "bob", "carol", "dana", "erin"]
group ab = ["alice", "bob"]
group bc = ["bob", "carol"]
group a_only = ["alice"]

action ops.read { service: string }
action ops.drop { service: string }
action ops.deploy {
  service: string
  version: int
  note: string?
}
action ops.quick { service: string }
action ops.brief { service: string }
action ops.veto { service: string }
action ops.overlap { service: string }
action ops.distinct { service: string }
action ops.where { service: string }
action ops.three { service: string }

rule reads_are_free {
  on ops.read
  allow
}

rule drops_are_denied {
  on ops.drop
  deny "drops are forbidden"
}

rule deploys_need_two {
  on ops.deploy
  require 2 of approvers
  veto 2
  expire 1h
  grant 10m
}

rule quick_expiry {
  on ops.quick
  require 1 of approvers
  expire 2s
}

rule brief_grant {
  on ops.brief
  require 1 of approvers
  grant 1s
}

rule one_veto {
  on ops.veto
  require 2 of approvers
  veto 1
}

# Clause 0 {alice, bob}, clause 1 {alice}: alice first takes clause 0 in a
# greedy assignment, and bob then finds it full.
rule overlapping {
  on ops.overlap
  require 1 of ab
  require 1 of a_only
}

# alice is eligible for both clauses but counts for one.
rule distinct {
  on ops.distinct
  require 1 of a_only
  require 1 of ab
}

# The same group with two conditions: alice meets both, bob only the first.
rule wheres {
  on ops.where
  require 1 of ab where approver.team == "sre"
  require 1 of ab where approver.mfa
}

rule three {
  on ops.three
  require 1 of ab
  require 1 of bc
  require 1 of a_only
}
)";

inline const nlohmann::json& DefaultParams() {
  static const nlohmann::json* params =
      new nlohmann::json({{"service", "web"}});
  return *params;
}

inline nlohmann::json DeployParams(int version = 7) {
  return {{"service", "web"}, {"version", version}};
}

// The LANGUAGE.md §6 request a grant is presented with.
inline nlohmann::json GrantRequest(const std::string& action,
                                   const nlohmann::json& params,
                                   const std::string& requester) {
  return {{"action", action},
          {"params", params},
          {"requester", {{"id", requester}}}};
}

// name{labels} -> value of a Prometheus text page (comments skipped).
inline std::map<std::string, double> MetricSamples(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    double value = 0;
    if (absl::SimpleAtod(line.substr(space + 1), &value)) {
      samples[line.substr(0, space)] = value;
    }
  }
  return samples;
}

// The `reason` of a refused grant's error object ("" when none).
inline std::string ReasonOf(const httplib::Result& result) {
  nlohmann::json body = JsonOf(result);
  if (!body.is_object() || !body.contains("error") ||
      !body["error"].is_object() || !body["error"].contains("reason") ||
      !body["error"]["reason"].is_string()) {
    return "";
  }
  return body["error"]["reason"].get<std::string>();
}

// The status of a response, -1 when there was none.
inline int StatusOf(const httplib::Result& result) {
  return result ? result->status : -1;
}

// The identities listed in a requirement of the request view.
inline std::vector<std::string> ApproversOf(const nlohmann::json& requirement) {
  std::vector<std::string> ids;
  if (!requirement.contains("approvers")) return ids;
  for (const nlohmann::json& id : requirement["approvers"]) {
    ids.push_back(id.get<std::string>());
  }
  return ids;
}

class ApprovalsHttpTest : public ServerTest {
 protected:
  // Serves `policy` (replacing the example's) with a directory of
  // `identities`; `extra` is appended to signoff.yaml as in ConfigText.
  void StartWith(const std::string& policy,
                 const std::vector<TestIdentity>& identities,
                 const std::string& extra = "", int threads = 8) {
    WriteFile(policy_path(), policy);
    WriteFile(dir() + "/directory.yaml", DirectoryYaml(identities));
    std::string config = ConfigText(extra);
    ASSERT_TRUE(Replace(config, SourceDir() + "/examples/server/directory.yaml",
                        "./directory.yaml"));
    ASSERT_TRUE(Replace(config, "threads: 8\n",
                        "threads: " + std::to_string(threads) + "\n"));
    absl::StatusOr<std::unique_ptr<Server>> server = TryStartWithConfig(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void StartDefault() { StartWith(kPolicy, DefaultIdentities()); }

  // A client with TCP_NODELAY (httplib writes headers and body separately:
  // without it a POST can wait for a delayed ACK).
  std::unique_ptr<httplib::Client> FastClient() const {
    std::unique_ptr<httplib::Client> client = Client();
    client->set_tcp_nodelay(true);
    return client;
  }

  httplib::Result PostAs(const std::string& id, const std::string& path,
                         const std::string& body) {
    return FastClient()->Post(path.c_str(), Auth(ApiKeyOf(id)), body,
                              "application/json");
  }
  httplib::Result GetAs(const std::string& id, const std::string& path) {
    return FastClient()->Get(path.c_str(), Auth(ApiKeyOf(id)));
  }

  // POST /v1/requests as `id`; the answer, or null (and a failure) when it
  // is not 200.
  nlohmann::json Submit(const std::string& id, const std::string& action,
                        const nlohmann::json& params = DefaultParams()) {
    nlohmann::json body = {{"action", action}, {"params", params}};
    httplib::Result result = PostAs(id, "/v1/requests", body.dump());
    EXPECT_EQ(StatusOf(result), 200) << (result ? result->body : "");
    if (StatusOf(result) != 200) return nlohmann::json();
    return JsonOf(result);
  }
  // The id of a submitted request ("" on failure).
  std::string SubmitId(const std::string& id, const std::string& action,
                       const nlohmann::json& params = DefaultParams()) {
    nlohmann::json submitted = Submit(id, action, params);
    if (!submitted.is_object() || !submitted["id"].is_string()) return "";
    return submitted["id"].get<std::string>();
  }

  httplib::Result Vote(const std::string& id, const std::string& request,
                       const std::string& vote = "approve",
                       const std::string& comment = "") {
    nlohmann::json body = {{"vote", vote}};
    if (!comment.empty()) body["comment"] = comment;
    return PostAs(id, "/v1/requests/" + request + "/votes", body.dump());
  }
  httplib::Result Cancel(const std::string& id, const std::string& request) {
    return PostAs(id, "/v1/requests/" + request + "/cancel", "");
  }

  // GET /v1/requests/{request} as `id`: the view, or null (and a failure).
  nlohmann::json View(const std::string& id, const std::string& request) {
    httplib::Result result = GetAs(id, "/v1/requests/" + request);
    EXPECT_EQ(StatusOf(result), 200) << (result ? result->body : "");
    if (StatusOf(result) != 200) return nlohmann::json();
    return JsonOf(result);
  }
  std::string StatusOfRequest(const std::string& request) {
    nlohmann::json view = View("carol", request);
    return view.is_object() && view["status"].is_string()
               ? view["status"].get<std::string>()
               : "";
  }

  httplib::Result Grant(const std::string& op, const std::string& token,
                        const nlohmann::json& request,
                        const std::string& caller = "exec") {
    return PostAs(
        caller, "/v1/grants/" + op,
        nlohmann::json({{"token", token}, {"request", request}}).dump());
  }

  // Every audit entry, read page by page through GET /v1/audit as the
  // auditor (carol).
  std::vector<nlohmann::json> AuditEntries() {
    std::vector<nlohmann::json> entries;
    int64_t after = 0;
    for (int page = 0; page < 10000; ++page) {
      httplib::Result result =
          GetAs("carol", "/v1/audit?limit=1000&after=" + std::to_string(after));
      EXPECT_EQ(StatusOf(result), 200) << (result ? result->body : "");
      if (StatusOf(result) != 200) break;
      nlohmann::json body = JsonOf(result);
      if (!body["entries"].is_array() || body["entries"].empty()) break;
      for (nlohmann::json& entry : body["entries"]) {
        entries.push_back(std::move(entry));
      }
      after = body["next_after"].get<int64_t>();
    }
    return entries;
  }
  // The entries about `request`, of `type` unless "".
  std::vector<nlohmann::json> AuditOf(const std::string& request,
                                      const std::string& type = "") {
    std::vector<nlohmann::json> out;
    for (nlohmann::json& entry : AuditEntries()) {
      if (entry["request"] == request &&
          (type.empty() || entry["type"] == type)) {
        out.push_back(std::move(entry));
      }
    }
    return out;
  }
  // The audit types of `request`, in order.
  std::vector<std::string> AuditTypesOf(const std::string& request) {
    std::vector<std::string> types;
    for (const nlohmann::json& entry : AuditOf(request)) {
      types.push_back(entry["type"].get<std::string>());
    }
    return types;
  }

  std::map<std::string, double> Metrics() {
    httplib::Result result = FastClient()->Get("/metrics");
    EXPECT_EQ(StatusOf(result), 200);
    return result ? MetricSamples(result->body)
                  : std::map<std::string, double>();
  }

  // The ids of `id`'s inbox (GET /v1/requests?status=pending).
  std::set<std::string> InboxOf(const std::string& id) {
    std::set<std::string> ids;
    httplib::Result result = GetAs(id, "/v1/requests?status=pending");
    EXPECT_EQ(StatusOf(result), 200) << (result ? result->body : "");
    nlohmann::json body = JsonOf(result);
    if (!body.is_object() || !body["requests"].is_array()) return ids;
    for (const nlohmann::json& view : body["requests"]) {
      EXPECT_EQ(view["status"], "pending") << view;
      ids.insert(view["id"].get<std::string>());
    }
    return ids;
  }

  // Polls `condition` every 20 ms for up to `timeout`.
  template <typename Condition>
  static bool Eventually(
      Condition condition,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  static bool Replace(std::string& text, const std::string& from,
                      const std::string& to) {
    size_t at = text.find(from);
    if (at == std::string::npos) return false;
    text.replace(at, from.size(), to);
    return true;
  }
};

}  // namespace signoff::server::testing

#endif  // SIGNOFF_TESTS_UNIT_SERVER_APPROVALS_TESTING_H_
