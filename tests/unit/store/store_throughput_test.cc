// Throughput of the typical approval flow (five Writes, each with its audit
// entry) on a file in /tmp, with and without group commit. Disabled by
// default (it measures fsync, not correctness); run with
//   signoff_store_tests --gtest_also_run_disabled_tests
//     --gtest_filter='*Throughput*'
// SIGNOFF_STORE_BENCH_SECONDS sets the time per configuration (default 3).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/store/sqlite_store.h"
#include "tests/unit/store/store_testing.h"

namespace signoff::store {
namespace {

struct Figures {
  double flows_per_second;
  double writes_per_second;
  double writes_per_transaction;
};

Figures Measure(int max_group, int threads, double seconds) {
  testing::TempDir dir;
  SqliteStore::Options options;
  options.max_group = max_group;
  auto store = SqliteStore::Open(dir.path() + "/bench.db", options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return {};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> flows{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        absl::Status status = testing::RunFlow(**store, id);
        EXPECT_TRUE(status.ok()) << status;
        if (!status.ok()) return;
        ++flows;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& worker : workers) worker.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  auto verified = (*store)->VerifyAudit(nullptr);
  EXPECT_TRUE(verified.ok() && verified->ok);
  EXPECT_EQ(verified->entries, flows.load() * 5);
  return {flows.load() / elapsed, (*store)->writes() / elapsed,
          static_cast<double>((*store)->writes()) /
              std::max<int64_t>(1, (*store)->transactions())};
}

TEST(StoreThroughputTest, DISABLED_FlowThroughput) {
  const char* env = std::getenv("SIGNOFF_STORE_BENCH_SECONDS");
  const double seconds = env != nullptr ? std::atof(env) : 3.0;
  std::printf("%-14s %8s %10s %10s %12s\n", "group commit", "threads",
              "flows/s", "writes/s", "writes/txn");
  for (int max_group : {1, 128}) {
    for (int threads : {1, 8, 32, 64}) {
      const Figures f = Measure(max_group, threads, seconds);
      std::printf("%-14s %8d %10.0f %10.0f %12.1f\n",
                  max_group == 1 ? "off" : "on (128)", threads,
                  f.flows_per_second, f.writes_per_second,
                  f.writes_per_transaction);
      std::fflush(stdout);
    }
  }
}

}  // namespace
}  // namespace signoff::store
