// Channel delivery on a real SQLite file (RUNTIME.md §8, channels/outbox.h):
// what the outbox costs the decision that enqueues its messages, and how
// fast its workers deliver them to a webhook. Reported, never asserted.
//
//   1. Enqueue cost. One Store::Write per request that inserts the request
//      row and its request.created audit entry (a decision's transaction)
//      and, in the channel rows, Outbox::Enqueue of the change for 1 or 3
//      channels (the payload is a ~1.5 KB request view). For 1 and 8
//      writer threads: writes/s, per-Write latency (mean, p50, p99: the
//      caller waits for the shared, fsynced COMMIT) and the mean time spent
//      inside the body (what the transaction itself does, fsync excluded),
//      each beside the same write without channels.
//   2. Delivery throughput. N messages pre-filled (N requests x 1 webhook
//      channel, then N/3 requests x 3 channels), then an Outbox started on
//      them: the time until counts().sent reaches every message, in
//      messages/s. Each channel has its own worker; every delivery is one
//      claim write, one signed POST on a fresh loopback connection to an
//      httplib sink that answers 200 at once, and one write recording the
//      result with its notify.sent audit entry. The channels and the store
//      are wrapped in timing decorators, so one worker's time per attempt
//      is split into the POST, its waits in Store::Write (and the part of
//      those spent inside the transaction bodies) and the rest.
//   3. Retry path. The same with a sink that answers 500 to the first
//      attempt of each message (by Idempotency-Key) and 200 to the second,
//      and a backoff of 1-4 ms: every message costs two attempts, four
//      writes and two audit entries.
//
//   signoff_outbox_bench [--writes N] [--messages N] [--seconds S]
//                        [--sections 1,2,3] [--dir DIR]
//
// --writes: Writes per row of section 1 (default 2,000); --messages:
// messages pre-filled per row of sections 2 and 3 (default 4,000, as
// N/channels requests, so every row does the same work); --seconds: the
// time budget of each section (default 15), shared by its rows (a row
// may use what the rows before it left); a row that runs out of time
// reports what it did, marked "partial" (a partial retry row has no
// messages/s: first attempts go before retries). The databases live in DIR
// (default: a new directory under /tmp, removed at the end): the fsync
// cost depends on the disk.
#include <httplib.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "runtime/audit/entry.h"
#include "runtime/audit/timestamp.h"
#include "runtime/channels/channel.h"
#include "runtime/channels/outbox.h"
#include "runtime/channels/webhook.h"
#include "runtime/store/sqlite_store.h"

namespace signoff::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kPolicy =
    "sha256:5f0d3c1e9a7b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d";

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}
double Micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

std::string ChannelName(int i) { return absl::StrCat("hook", i); }
std::vector<std::string> ChannelNames(int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back(ChannelName(i));
  return names;
}

// The request of section 1's write number `n` and sections 2-3's pre-fill.
store::RequestRecord RequestOf(const std::string& id, int64_t now) {
  store::RequestRecord r;
  r.id = id;
  r.state = std::string(store::kStatePending);
  r.action = "data.export";
  r.params_json =
      R"({"classification":"confidential","destination":"s3://exports-eu/q3","resource":"warehouse.orders","rows":250000})";
  r.requester_json =
      R"({"groups":["analysts"],"id":"agent:etl","kind":"agent","team":"data"})";
  r.context_json =
      R"({"ip":"10.2.3.4","ticket":"INC-12345","time":"2026-11-21T03:00:00Z"})";
  r.decision_json =
      R"({"kind":"require_approval","rules":["exports_need_two"],"requirements":[{"group":"data_owners","needed":2}],"channels":["hook0","hook1","hook2"],"expire":"1h"})";
  r.policy = std::string(kPolicy);
  r.created_at = now;
  r.expires_at = now + 3'600'000;
  return r;
}

// What a channel is told about request `id` (channel.h): the request view
// of GET /v1/requests/{id} after request.created, ~1.5 KB of JSON.
json PayloadOf(const std::string& id, int64_t now) {
  const std::string time = audit::FormatTimestamp(now);
  return {{"event", "request.created"},
          {"time", time},
          {"actor", "agent:etl"},
          {"request",
           {{"id", id},
            {"status", "pending"},
            {"action", "data.export"},
            {"params",
             {{"classification", "confidential"},
              {"destination", "s3://exports-eu/q3"},
              {"resource", "warehouse.orders"},
              {"rows", 250000}}},
            {"requester",
             {{"id", "agent:etl"},
              {"kind", "agent"},
              {"team", "data"},
              {"groups", {"analysts"}}}},
            {"context",
             {{"ip", "10.2.3.4"},
              {"ticket", "INC-12345"},
              {"time", "2026-11-21T03:00:00Z"}}},
            {"decision",
             {{"kind", "require_approval"},
              {"policy", kPolicy},
              {"rules", {"exports_need_two"}},
              {"reasons",
               {"confidential exports leave the warehouse only with two data "
                "owners' approval"}},
              {"requirements", {{{"group", "data_owners"}, {"needed", 2}}}},
              {"channels", {"hook0", "hook1", "hook2"}}}},
            {"created", time},
            {"expires", audit::FormatTimestamp(now + 3'600'000)},
            {"resolved", nullptr},
            {"resolved_by", nullptr},
            {"votes", json::array()},
            {"requirements",
             {{{"group", "data_owners"},
               {"needed", 2},
               {"have", 0},
               {"approvers", {"alice", "bob", "carol", "dave"}},
               {"satisfiable", true}}}},
            {"rejections", 0},
            {"veto", false},
            {"time_left_seconds", 3600}}}};
}

// The request row, its request.created audit entry and, when `channels`
// is not empty, the messages announcing it: a decision's transaction.
absl::Status WriteRequest(store::WriteTx& tx, const std::string& id,
                          const std::vector<std::string>& channels,
                          int64_t now) {
  store::RequestRecord record = RequestOf(id, now);
  if (absl::Status s = tx.InsertRequest(record); !s.ok()) return s;
  audit::AuditEntry entry;
  entry.time = audit::FormatTimestamp(now);
  entry.type = std::string(audit::kTypeRequestCreated);
  entry.request = id;
  entry.actor = "agent:etl";
  entry.policy = record.policy;
  entry.data = {{"action", record.action},
                {"params", json::parse(record.params_json)},
                {"requester", json::parse(record.requester_json)},
                {"context", json::parse(record.context_json)}};
  if (absl::Status s = tx.AppendAudit(std::move(entry)).status(); !s.ok()) {
    return s;
  }
  if (channels.empty()) return absl::OkStatus();
  return channels::Outbox::Enqueue(tx, channels, id, PayloadOf(id, now), now);
}

// A fresh database file in `dir`.
std::unique_ptr<store::SqliteStore> OpenFresh(const std::string& dir,
                                              const std::string& name) {
  const std::string path = absl::StrCat(dir, "/", name, ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix);
  }
  absl::StatusOr<std::unique_ptr<store::SqliteStore>> store =
      store::SqliteStore::Open(path);
  if (!store.ok()) {
    std::fprintf(stderr, "outbox_bench: %s: %s\n", path.c_str(),
                 std::string(store.status().message()).c_str());
    std::exit(1);
  }
  return *std::move(store);
}

void RemoveDb(store::SqliteStore& store) {
  const std::string path = store.path();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix);
  }
}

int64_t NowMs() { return audit::NowUnixMillis(); }

// ---- 1. Enqueue cost -------------------------------------------------------

struct WriteFigures {
  int64_t writes = 0;
  double seconds = 0;
  double mean_us = 0, p50_us = 0, p99_us = 0, max_us = 0;
  double body_us = 0;  // mean time inside the body
  double per_txn = 0;  // Write bodies per committed transaction
  bool partial = false;
};

WriteFigures RunWrites(const std::string& dir, int threads, int channels,
                       int64_t writes, double budget) {
  std::unique_ptr<store::SqliteStore> store =
      OpenFresh(dir, absl::StrCat("enqueue-", threads, "-", channels));
  const std::vector<std::string> names = ChannelNames(channels);
  // Warm-up (untimed): the WAL exists, the statements are prepared.
  for (int i = 0; i < 32; ++i) {
    absl::Status s = store->Write([&](store::WriteTx& tx) {
      return WriteRequest(tx, absl::StrCat("r_warm_", i), names, NowMs());
    });
    if (!s.ok()) {
      std::fprintf(stderr, "outbox_bench: %s\n", s.ToString().c_str());
      std::exit(1);
    }
  }
  const int64_t transactions0 = store->transactions();
  const int64_t writes0 = store->writes();

  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::vector<double>> latencies(threads);
  std::vector<double> body_us(threads, 0);
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(budget));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      latencies[t].reserve(static_cast<size_t>(writes / threads + 16));
      while (Clock::now() < deadline) {
        const int64_t n = next.fetch_add(1);
        if (n >= writes) break;
        const std::string id = absl::StrCat("r_", n);
        // The body may run on another caller's thread (group commit); Write
        // returns after it ran.
        double inside_us = 0;
        const Clock::time_point begin = Clock::now();
        absl::Status s = store->Write([&](store::WriteTx& tx) {
          const Clock::time_point in = Clock::now();
          absl::Status written = WriteRequest(tx, id, names, NowMs());
          inside_us = Micros(Clock::now() - in);
          return written;
        });
        latencies[t].push_back(Micros(Clock::now() - begin));
        body_us[t] += inside_us;
        if (!s.ok()) {
          std::fprintf(stderr, "outbox_bench: %s\n", s.ToString().c_str());
          failed = true;
          return;
        }
      }
    });
  }
  for (std::thread& thread : pool) thread.join();
  WriteFigures f;
  f.seconds = Seconds(Clock::now() - start);
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  f.writes = static_cast<int64_t>(all.size());
  f.partial = f.writes < writes;
  if (!all.empty()) {
    double sum = 0, body = 0;
    for (double v : all) sum += v;
    for (double v : body_us) body += v;
    f.mean_us = sum / all.size();
    f.body_us = body / all.size();
    std::sort(all.begin(), all.end());
    f.p50_us = all[all.size() / 2];
    f.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
    f.max_us = all.back();
  }
  const int64_t txns = store->transactions() - transactions0;
  f.per_txn = txns > 0 ? double(store->writes() - writes0) / txns : 0;
  RemoveDb(*store);
  if (failed) std::exit(1);
  return f;
}

void SectionEnqueue(const std::string& dir, int64_t writes, double budget) {
  std::printf(
      "== 1. enqueue cost: Write(request row + request.created audit "
      "[+ Outbox::Enqueue]), up to %lld writes per row ==\n",
      static_cast<long long>(writes));
  std::printf("%7s %8s %8s %9s %9s %9s %9s %8s %8s %8s   %s\n", "threads",
              "channels", "writes", "writes/s", "mean us", "p50 us", "p99 us",
              "max ms", "body us", "per txn", "vs 0 channels: mean, p50, body");
  const std::vector<int> thread_counts = {1, 8};
  const std::vector<int> channel_counts = {0, 1, 3};
  double used = 0;  // timed seconds so far
  int rows_left =
      static_cast<int>(thread_counts.size() * channel_counts.size());
  for (int threads : thread_counts) {
    WriteFigures base;
    for (int channels : channel_counts) {
      const double row_budget = std::max(0.1, (budget - used) / rows_left--);
      WriteFigures f = RunWrites(dir, threads, channels, writes, row_budget);
      used += f.seconds;
      std::string delta;
      if (channels == 0) {
        base = f;
      } else {
        delta = absl::StrFormat(
            "%+.0f us, %+.0f us, %+.1f us", f.mean_us - base.mean_us,
            f.p50_us - base.p50_us, f.body_us - base.body_us);
      }
      std::printf(
          "%7d %8d %8lld %9.0f %9.0f %9.0f %9.0f %8.1f %8.1f %8.1f   %s%s\n",
          threads, channels, static_cast<long long>(f.writes),
          f.writes / f.seconds, f.mean_us, f.p50_us, f.p99_us, f.max_us / 1000,
          f.body_us, f.per_txn, delta.c_str(),
          f.partial ? "  (partial: out of time)" : "");
      std::fflush(stdout);
    }
  }
  std::printf("\n");
}

// ---- 2-3. Delivery ---------------------------------------------------------

// A webhook receiver on a loopback port: 200 at once, or, with
// `fail_first`, 500 to the first attempt of each Idempotency-Key.
class Sink {
 public:
  explicit Sink(bool fail_first) : fail_first_(fail_first) {
    server_.set_tcp_nodelay(true);
    server_.Post(
        "/hook", [this](const httplib::Request& req, httplib::Response& res) {
          posts_.fetch_add(1, std::memory_order_relaxed);
          if (fail_first_) {
            const std::string key = req.get_header_value("Idempotency-Key");
            bool first;
            {
              std::lock_guard<std::mutex> lock(mu_);
              first = seen_.insert(key).second;
            }
            if (first) {
              res.status = 500;
              return;
            }
          }
          res.status = 200;
        });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) {
      std::fprintf(stderr, "outbox_bench: cannot bind the sink\n");
      std::exit(1);
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~Sink() {
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& channel) const {
    return absl::StrCat("http://127.0.0.1:", port_, "/hook?c=", channel);
  }
  int64_t posts() const { return posts_.load(); }

 private:
  const bool fail_first_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int64_t> posts_{0};
  std::mutex mu_;
  std::unordered_set<std::string> seen_;  // guarded by mu_
};

// The webhook channel, timing its Send calls (the HTTP part of a delivery).
class TimedChannel : public channels::Channel {
 public:
  explicit TimedChannel(std::unique_ptr<channels::Channel> inner)
      : inner_(std::move(inner)) {}
  const std::string& name() const override { return inner_->name(); }
  std::string_view kind() const override { return inner_->kind(); }
  channels::SendResult Send(const channels::Notification& message,
                            std::string_view ref) override {
    const Clock::time_point begin = Clock::now();
    channels::SendResult result = inner_->Send(message, ref);
    send_us_ += static_cast<int64_t>(Micros(Clock::now() - begin));
    ++calls_;
    return result;
  }
  std::atomic<int64_t> send_us_{0};
  std::atomic<int64_t> calls_{0};

 private:
  std::unique_ptr<channels::Channel> inner_;
};

// The store as the outbox sees it, timing each Write: as its caller waits
// (the body, the queue and the shared fsynced commit) and inside the body.
class TimedStore : public store::Store {
 public:
  explicit TimedStore(store::Store* inner) : inner_(inner) {}
  absl::Status Write(
      absl::FunctionRef<absl::Status(store::WriteTx&)> body) override {
    const Clock::time_point begin = Clock::now();
    int64_t inside_ns = 0;
    absl::Status status = inner_->Write([&](store::WriteTx& tx) {
      const Clock::time_point in = Clock::now();
      absl::Status result = body(tx);
      inside_ns = (Clock::now() - in).count();
      return result;
    });
    wait_ns_ += (Clock::now() - begin).count();
    body_ns_ += inside_ns;
    ++writes_;
    return status;
  }
  absl::Status Read(
      absl::FunctionRef<absl::Status(store::ReadTx&)> body) const override {
    return inner_->Read(body);
  }
  std::atomic<int64_t> wait_ns_{0};
  std::atomic<int64_t> body_ns_{0};
  std::atomic<int64_t> writes_{0};

 private:
  store::Store* const inner_;
};

struct DeliveryFigures {
  int64_t messages = 0;
  int64_t sent = 0, failed = 0, dead = 0;
  int64_t posts = 0;  // what the sink received
  double seconds = 0;
  double send_us = 0;       // mean Send per attempt
  double write_us = 0;      // mean Write as the worker waits
  double body_us = 0;       // mean time inside a Write's body
  double store_writes = 0;  // Writes of the outbox (Start's included)
  double per_txn = 0;       // bodies per transaction
  bool partial = false;
};

DeliveryFigures RunDelivery(const std::string& dir, int channels,
                            int64_t messages, bool fail_first, double budget) {
  const int64_t requests = (messages + channels - 1) / channels;
  std::unique_ptr<store::SqliteStore> store = OpenFresh(
      dir, absl::StrCat(fail_first ? "retry-" : "deliver-", channels));
  const std::vector<std::string> names = ChannelNames(channels);
  DeliveryFigures f;
  f.messages = requests * channels;
  // Pre-fill (untimed): 250 requests per Write.
  const int64_t now = NowMs();
  for (int64_t first = 0; first < requests; first += 250) {
    absl::Status s = store->Write([&](store::WriteTx& tx) -> absl::Status {
      for (int64_t n = first; n < std::min(requests, first + 250); ++n) {
        if (absl::Status w =
                WriteRequest(tx, absl::StrCat("r_", n), names, now);
            !w.ok()) {
          return w;
        }
      }
      return absl::OkStatus();
    });
    if (!s.ok()) {
      std::fprintf(stderr, "outbox_bench: pre-fill: %s\n",
                   s.ToString().c_str());
      std::exit(1);
    }
  }

  Sink sink(fail_first);
  std::vector<std::unique_ptr<channels::Channel>> built;
  std::vector<TimedChannel*> timed;
  for (const std::string& name : names) {
    channels::WebhookOptions options;
    options.name = name;
    options.url = sink.Url(name);
    options.secret = "bench-secret";
    auto channel = std::make_unique<TimedChannel>(
        std::make_unique<channels::WebhookChannel>(options));
    timed.push_back(channel.get());
    built.push_back(std::move(channel));
  }
  channels::OutboxOptions options;
  if (fail_first) {
    options.retry.base_ms = 1;
    options.retry.max_ms = 4;
  }
  std::atomic<int64_t> log_lines{0};
  options.log = [&log_lines](std::string_view line) {
    if (log_lines.fetch_add(1) < 5) {
      std::fprintf(stderr, "outbox_bench: %.*s\n",
                   static_cast<int>(line.size()), line.data());
    }
  };
  TimedStore timed_store(store.get());
  channels::Outbox outbox(&timed_store, std::move(built), options);

  const int64_t transactions0 = store->transactions();
  const int64_t writes0 = store->writes();
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(budget));
  if (absl::Status s = outbox.Start(); !s.ok()) {
    std::fprintf(stderr, "outbox_bench: start: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  Clock::time_point done = start;
  while (true) {
    done = Clock::now();
    if (outbox.counts().sent >= f.messages || done >= deadline) break;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  const channels::OutboxCounts counts = outbox.counts();
  const int64_t writes = store->writes() - writes0;
  const int64_t txns = store->transactions() - transactions0;
  outbox.Stop();
  f.seconds = Seconds(done - start);
  f.sent = counts.sent;
  f.failed = counts.failed;
  f.dead = counts.dead;
  f.posts = sink.posts();
  f.partial = f.sent < f.messages;
  int64_t send_us = 0, calls = 0;
  for (TimedChannel* channel : timed) {
    send_us += channel->send_us_.load();
    calls += channel->calls_.load();
  }
  f.send_us = calls > 0 ? double(send_us) / calls : 0;
  const int64_t timed_writes = timed_store.writes_.load();
  if (timed_writes > 0) {
    f.write_us = timed_store.wait_ns_.load() / 1000.0 / timed_writes;
    f.body_us = timed_store.body_ns_.load() / 1000.0 / timed_writes;
  }
  f.store_writes = double(writes);
  f.per_txn = txns > 0 ? double(writes) / txns : 0;
  RemoveDb(*store);
  return f;
}

void SectionDelivery(const std::string& dir, int64_t messages, double budget,
                     bool fail_first) {
  if (fail_first) {
    std::printf(
        "== 3. retry path: 500 to each message's first attempt, then 200; "
        "backoff 1-4 ms; %lld messages per row ==\n",
        static_cast<long long>(messages));
  } else {
    std::printf(
        "== 2. delivery: webhook to a loopback sink answering 200; "
        "%lld messages per row, one worker per channel ==\n",
        static_cast<long long>(messages));
  }
  std::printf("%8s %9s %9s %8s %8s %9s %10s %7s %7s   %s\n", "channels",
              "messages", "delivered", "seconds", "msg/s", "msg/s/ch",
              "attempts/s", "wr/att", "per txn",
              "one worker's us per attempt = POST + writes (bodies) + rest");
  const std::vector<int> channel_counts = {1, 3};
  double used = 0;  // timed seconds so far (the pre-fills are not charged)
  int rows_left = static_cast<int>(channel_counts.size());
  for (int channels : channel_counts) {
    const double row_budget = std::max(0.1, (budget - used) / rows_left--);
    DeliveryFigures f =
        RunDelivery(dir, channels, messages, fail_first, row_budget);
    used += f.seconds;
    const double rate = f.sent / f.seconds;
    const double attempts = std::max(1.0, double(f.sent + f.failed));
    // Each worker handles its messages one after the other: the time per
    // attempt of one worker, and where it goes.
    const double worker_us = f.seconds * 1e6 * channels / attempts;
    const double writes_per_attempt = f.store_writes / attempts;
    const double writes_us = f.write_us * writes_per_attempt;
    const std::string dead =
        f.dead > 0 ? absl::StrCat("  (", f.dead, " dead)") : std::string();
    // First attempts go before retries: the rate of a retry row that ran
    // out of time means nothing.
    const bool no_rate = fail_first && f.partial;
    std::printf(
        "%8d %9lld %9lld %8.2f %8s %9s %10.0f %7.2f %7.2f   "
        "%.0f = %.0f + %.0f (%.0f) + %.0f%s%s\n",
        channels, static_cast<long long>(f.messages),
        static_cast<long long>(f.sent), f.seconds,
        no_rate ? "n/a" : absl::StrFormat("%.0f", rate).c_str(),
        no_rate ? "n/a" : absl::StrFormat("%.0f", rate / channels).c_str(),
        attempts / f.seconds, writes_per_attempt, f.per_txn, worker_us,
        f.send_us, writes_us, f.body_us * writes_per_attempt,
        worker_us - f.send_us - writes_us,
        f.partial ? "  (partial: out of time)" : "", dead.c_str());
    if (!f.partial && f.posts != f.sent + f.failed) {
      std::printf("%8s sink received %lld POSTs for %lld attempts\n", "",
                  static_cast<long long>(f.posts),
                  static_cast<long long>(f.sent + f.failed));
    }
    std::fflush(stdout);
  }
  std::printf("\n");
}

int Main(int argc, char** argv) {
  int64_t writes = 2000;
  int64_t messages = 4000;
  double seconds = 15;
  std::vector<int> sections = {1, 2, 3};
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::string value = i + 1 < argc ? argv[i + 1] : "";
    bool ok = false;
    if (arg == "--writes") {
      ok = absl::SimpleAtoi(value, &writes) && writes > 0;
    } else if (arg == "--messages") {
      ok = absl::SimpleAtoi(value, &messages) && messages > 0;
    } else if (arg == "--seconds") {
      ok = absl::SimpleAtod(value, &seconds) && seconds > 0;
    } else if (arg == "--sections") {
      sections.clear();
      ok = true;
      for (absl::string_view part : absl::StrSplit(value, ',')) {
        int n = 0;
        if (!absl::SimpleAtoi(part, &n) || n < 1 || n > 3) ok = false;
        sections.push_back(n);
      }
    } else if (arg == "--dir") {
      dir = value;
      ok = !dir.empty();
    }
    if (!ok) {
      std::fprintf(stderr,
                   "usage: signoff_outbox_bench [--writes N] [--messages N] "
                   "[--seconds S] [--sections 1,2,3] [--dir DIR]\n");
      return 2;
    }
    ++i;
  }
  const bool own_dir = dir.empty();
  if (own_dir) {
    char pattern[] = "/tmp/signoff-outbox-bench-XXXXXX";
    if (mkdtemp(pattern) == nullptr) return 1;
    dir = pattern;
  } else {
    std::filesystem::create_directories(dir);
  }
  std::printf(
      "outbox on SQLite in %s (WAL, synchronous=FULL, group commit), "
      "%u cores, budget %.0f s per section\n\n",
      dir.c_str(), std::thread::hardware_concurrency(), seconds);
  for (int section : sections) {
    if (section == 1) SectionEnqueue(dir, writes, seconds);
    if (section == 2) SectionDelivery(dir, messages, seconds, false);
    if (section == 3) SectionDelivery(dir, messages, seconds, true);
  }
  std::printf(
      "1: us per Write as its caller waits (queue, commit and fsync "
      "included); body: inside the transaction; per txn: Write bodies per "
      "commit (group commit).\n"
      "2-3: wr/att: store writes per attempt; POST: WebhookChannel::Send "
      "(a new loopback connection each); writes: the worker's waits in "
      "Store::Write (bodies: inside the transactions); rest: parsing, "
      "scheduling, polling.\n");
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace signoff::bench

int main(int argc, char** argv) { return signoff::bench::Main(argc, argv); }
