// Full approval flows per second over HTTP on a SQLite file (issue 4's
// second throughput target): an in-process `signoff serve` (server::Server
// on a loopback port) with a fresh database, and client threads that each
// repeat one flow on their own keep-alive connections:
//
//   POST /v1/requests (pending) -> two POST .../votes (the second approves)
//   -> GET /v1/requests/{id} (the requester reads its grant)
//   -> POST /v1/grants/consume
//
// Every response is checked; a flow that fails stops the run (exit 1).
// Prints flows/s and per-flow latency percentiles for each client count.
//
//   signoff_http_bench [--seconds S] [--clients N,N,...] [--dir DIR]
//
// The database lives in DIR (default: a new directory under /tmp, removed
// at the end), so point --dir at the disk you want to measure.
#include <httplib.h>
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "runtime/config/config.h"
#include "runtime/crypto/encoding.h"
#include "runtime/server/server.h"

namespace signoff::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kVoters = 64;

std::string VoterName(int i) { return absl::StrCat("voter", i); }
std::string KeyOf(const std::string& identity) {
  return absl::StrCat("bench-key-", identity);
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// The policy, directory and configuration of the run, in `dir`.
std::string WriteSetup(const std::string& dir) {
  std::filesystem::create_directories(dir + "/policies");
  WriteFile(dir + "/policies/bench.signoff",
            R"(group voters = directory("voters")

action db.migrate {
  db: string
  version: int
}

rule migrations_need_two {
  on db.migrate
  require 2 of voters
  expire 1h
  grant 5m
}
)");
  std::string directory =
      "identities:\n  agent:ci: { kind: agent, team: platform }\n";
  std::string keys = "api_keys:\n";
  auto add_key = [&keys](const std::string& identity) {
    absl::StrAppend(&keys, "  - { identity: \"", identity, "\", sha256: ",
                    crypto::HexEncode(crypto::Sha256(KeyOf(identity))), " }\n");
  };
  add_key("agent:ci");
  for (int i = 0; i < kVoters; ++i) {
    absl::StrAppend(&directory, "  ", VoterName(i),
                    ": { kind: human, team: sre, groups: [voters] }\n");
    add_key(VoterName(i));
  }
  WriteFile(dir + "/directory.yaml", directory + keys);
  const std::string config = dir + "/signoff.yaml";
  WriteFile(config, R"(listen: 127.0.0.1:0
policies: ./policies
store: sqlite:./signoff.db
directory: ./directory.yaml
keys: ./keys
threads: 256
checkpoint_interval: 0s
)");
  return config;
}

struct Client {
  explicit Client(int port) : http("127.0.0.1", port) {
    http.set_keep_alive(true);
    http.set_tcp_nodelay(true);  // headers and body go in separate writes
    http.set_read_timeout(30, 0);
  }
  // `identity`'s request; the JSON body of a 200, or nullopt.
  std::optional<json> Call(const std::string& method, const std::string& path,
                           const std::string& identity,
                           const std::string& body = "") {
    httplib::Headers headers = {
        {"Authorization", absl::StrCat("Bearer ", KeyOf(identity))}};
    httplib::Result result =
        method == "GET"
            ? http.Get(path.c_str(), headers)
            : http.Post(path.c_str(), headers, body, "application/json");
    if (!result || result->status != 200) {
      std::fprintf(stderr, "http_bench: %s %s as %s: %s\n", method.c_str(),
                   path.c_str(), identity.c_str(),
                   result
                       ? absl::StrCat(result->status, " ", result->body).c_str()
                       : httplib::to_string(result.error()).c_str());
      return std::nullopt;
    }
    json parsed = json::parse(result->body, nullptr, false);
    if (parsed.is_discarded()) return std::nullopt;
    return parsed;
  }
  httplib::Client http;
  // Summed wall time per step of the flow (submit, vote, deciding vote,
  // read, consume), in ms.
  std::array<double, 5> step_ms = {};
};

// Times one step of a flow into client.step_ms[step].
template <typename F>
auto Step(Client& client, int step, F&& call) {
  const Clock::time_point begin = Clock::now();
  auto result = call();
  client.step_ms[step] +=
      std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
  return result;
}

// One flow; false when any step did not answer as expected.
bool Flow(Client& client, int thread, int64_t n) {
  const json params = {{"db", absl::StrCat("db", thread)}, {"version", n}};
  const json body = {{"action", "db.migrate"}, {"params", params}};
  std::optional<json> submitted = Step(client, 0, [&] {
    return client.Call("POST", "/v1/requests", "agent:ci", body.dump());
  });
  if (!submitted || (*submitted)["status"] != "pending") return false;
  const std::string id = (*submitted)["id"];
  const int first = static_cast<int>((thread * 2 + n) % kVoters);
  const int second = (first + 1 + thread % (kVoters - 1)) % kVoters;
  const std::string votes = absl::StrCat("/v1/requests/", id, "/votes");
  if (!Step(client, 1, [&] {
        return client.Call("POST", votes, VoterName(first),
                           R"({"vote":"approve"})");
      })) {
    return false;
  }
  std::optional<json> decided = Step(client, 2, [&] {
    return client.Call("POST", votes, VoterName(second),
                       R"({"vote":"approve"})");
  });
  if (!decided || (*decided)["status"] != "approved") return false;
  std::optional<json> view = Step(client, 3, [&] {
    return client.Call("GET", absl::StrCat("/v1/requests/", id), "agent:ci");
  });
  if (!view || !view->contains("grant")) return false;
  const json consume = {{"token", (*view)["grant"]},
                        {"request",
                         {{"action", "db.migrate"},
                          {"params", params},
                          {"requester", {{"id", "agent:ci"}}}}}};
  std::optional<json> consumed = Step(client, 4, [&] {
    return client.Call("POST", "/v1/grants/consume", "agent:ci",
                       consume.dump());
  });
  return consumed && (*consumed)["consumed"] == true;
}

struct Figures {
  int64_t flows = 0;
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0;
  std::array<double, 5> step_ms = {};  // mean per flow
  bool failed = false;
};

Figures Run(int port, int clients, double seconds) {
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  std::vector<std::vector<double>> latencies(clients);
  std::vector<std::array<double, 5>> steps(clients);
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now();
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      Client client(port);
      for (int64_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {
        const Clock::time_point begin = Clock::now();
        if (!Flow(client, t, n)) {
          failed = true;
          stop = true;
          return;
        }
        latencies[t].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - begin)
                .count());
      }
      steps[t] = client.step_ms;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& thread : threads) thread.join();
  Figures f;
  f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  f.failed = failed;
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  f.flows = static_cast<int64_t>(all.size());
  for (const auto& per_thread : steps) {
    for (size_t i = 0; i < f.step_ms.size(); ++i) {
      f.step_ms[i] += per_thread[i] / std::max<int64_t>(f.flows, 1);
    }
  }
  if (!all.empty()) {
    std::sort(all.begin(), all.end());
    f.p50_ms = all[all.size() / 2];
    f.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  return f;
}

int Main(int argc, char** argv) {
  double seconds = 5;
  std::vector<int> client_counts = {1, 8, 32, 64};
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value = i + 1 < argc ? argv[i + 1] : "";
    if (arg == "--seconds" && absl::SimpleAtod(value, &seconds)) {
      ++i;
    } else if (arg == "--clients" && !value.empty()) {
      client_counts.clear();
      for (absl::string_view part : absl::StrSplit(value, ',')) {
        int n = 0;
        if (!absl::SimpleAtoi(part, &n) || n <= 0) {
          std::fprintf(stderr, "http_bench: bad --clients %s\n", value.c_str());
          return 2;
        }
        client_counts.push_back(n);
      }
      ++i;
    } else if (arg == "--dir" && !value.empty()) {
      dir = value;
      ++i;
    } else {
      std::fprintf(stderr,
                   "usage: signoff_http_bench [--seconds S] "
                   "[--clients N,N,...] [--dir DIR]\n");
      return 2;
    }
  }
  const bool own_dir = dir.empty();
  if (own_dir) {
    char pattern[] = "/tmp/signoff-http-bench-XXXXXX";
    if (mkdtemp(pattern) == nullptr) return 1;
    dir = pattern;
  }
  absl::StatusOr<config::Config> config =
      config::LoadConfigFile(WriteSetup(dir));
  if (!config.ok()) {
    std::fprintf(stderr, "http_bench: %s\n",
                 std::string(config.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<server::Server>> server =
      server::Server::Start(*std::move(config));
  if (!server.ok()) {
    std::fprintf(stderr, "http_bench: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  std::printf(
      "full flows over HTTP (submit, 2 votes, read grant, consume), "
      "SQLite in %s, %.0f s per row\n",
      dir.c_str(), seconds);
  std::printf("%8s %10s %12s %10s %10s   %s\n", "clients", "flows", "flows/s",
              "p50 ms", "p99 ms", "mean ms: submit vote decide read consume");
  int status = 0;
  for (int clients : client_counts) {
    Figures f = Run((*server)->port(), clients, seconds);
    std::printf(
        "%8d %10lld %12.0f %10.2f %10.2f   %.2f %.2f %.2f %.2f %.2f%s\n",
        clients, static_cast<long long>(f.flows), f.flows / f.seconds, f.p50_ms,
        f.p99_ms, f.step_ms[0], f.step_ms[1], f.step_ms[2], f.step_ms[3],
        f.step_ms[4], f.failed ? "  (a flow failed)" : "");
    std::fflush(stdout);
    if (f.failed) {
      status = 1;
      break;
    }
  }
  (*server)->Stop();
  server->reset();
  if (own_dir) std::filesystem::remove_all(dir);
  return status;
}

}  // namespace
}  // namespace signoff::bench

int main(int argc, char** argv) { return signoff::bench::Main(argc, argv); }
