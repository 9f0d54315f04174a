// The durable outbox of channel messages (RUNTIME.md §8): messages are
// written with the change they announce, in the same store transaction
// (Enqueue), and delivered afterwards by one background worker per channel,
// so a slow or dead channel never delays a decision or another channel.
//
//   Outbox outbox(&store, std::move(channels), {});
//   outbox.Start();                       // releases leases of a dead process
//   store.Write([&](WriteTx& tx) {        // ... the change, its audit, and
//     return Outbox::Enqueue(tx, {"sre_room"}, request_id, payload, now);
//   });
//   outbox.WakeAll();                     // after the commit: deliver now
//
// Delivery. A worker claims the oldest due message of its channel (one
// request's messages are delivered in order: a message waits while an
// older one of its request is pending), reads the channel's reference for
// the request, calls Channel::Send, and records the result in one write
// together with its audit entry:
//   delivered  -> sent; the new reference stored;   notify.sent
//   retry      -> pending again after BackoffMs (at least the receiver's
//                 Retry-After);                      notify.failed
//   rejected, or retry after the last attempt
//              -> dead (the dead letter);            notify.failed, dead
// The same write claims the worker's next message, so a delivery costs one
// commit. A claim is always attempted, also when stopping (Stop waits for
// it), so a lease only outlives a process that died.
// Each message carries its idempotency key on every attempt (the webhook's
// Idempotency-Key header, Slack message metadata, Teams channelData), so a
// receiver can drop a repeat after a crash between its answer and our
// record of it.
//
// Crashes. A claim leases the message (attempts + 1, due again after
// lease_ms); Start() makes every lease left by a dead process due at once
// and audits the interrupted attempt as notify.failed ("interrupted"), so a
// kill -9 delays nothing and loses nothing.
//
// Thread safety: Enqueue is a static function for any thread's
// transaction; Wake/WakeAll are thread-safe and never block; Start/Stop are
// called by the owner.
#ifndef SIGNOFF_RUNTIME_CHANNELS_OUTBOX_H_
#define SIGNOFF_RUNTIME_CHANNELS_OUTBOX_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "runtime/channels/channel.h"
#include "runtime/channels/delivery.h"
#include "runtime/store/store.h"

namespace signoff::channels {

struct OutboxOptions {
  RetryPolicy retry;
  // How long a claimed message is reserved for its sender: longer than any
  // channel's Send can take (their timeouts are 5 s per call).
  int64_t lease_ms = 60'000;
  // A worker looks at the store at least this often (retries come due
  // without a wake-up).
  int64_t poll_ms = 500;
  // Unix milliseconds; the system clock when empty.
  std::function<int64_t()> clock;
  // Receives one line per dead letter and per store failure. Unset: silent.
  std::function<void(std::string_view line)> log;
  // Called after each attempt is recorded, from the channel's worker, with
  // the channel, whether it was delivered, and whether the message went to
  // the dead letter (for metrics). Must be thread-safe and quick.
  std::function<void(std::string_view channel, bool delivered, bool dead)>
      on_attempt;
};

// Counts since Start, for metrics and tests.
struct OutboxCounts {
  int64_t sent = 0;
  int64_t failed = 0;  // failed attempts, including those that went dead
  int64_t dead = 0;
};

class Outbox {
 public:
  // `store` must outlive the outbox. Channels are keyed by name().
  Outbox(store::Store* store, std::vector<std::unique_ptr<Channel>> channels,
         OutboxOptions options = {});
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Adds one message per name in `channels` (duplicates once) for request
  // `request_id`: kind = payload["event"], a fresh id and idempotency key,
  // due at `now`. Inside the caller's transaction: the messages commit or
  // vanish with the change they announce.
  static absl::Status Enqueue(store::WriteTx& tx,
                              const std::vector<std::string>& channels,
                              std::string_view request_id,
                              const nlohmann::json& payload, int64_t now);

  // Releases leases left by a previous process (each audited as an
  // interrupted attempt) and starts one worker per channel. Idempotent.
  absl::Status Start();
  // Stops and joins the workers; an attempt in flight finishes first (its
  // Send is bounded by the channel's timeouts). Idempotent.
  void Stop();

  // Wakes the worker of `channel` (unknown names are ignored) / all
  // workers, e.g. after a commit that enqueued messages.
  void Wake(std::string_view channel);
  void WakeAll();

  // The channel named `name`, or null.
  Channel* Find(std::string_view name) const;
  // Whether a worker delivers messages of `name`.
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  OutboxCounts counts() const;

 private:
  struct Worker {
    std::unique_ptr<Channel> channel;
    std::mutex mu;
    std::condition_variable cv;
    bool woken = false;  // guarded by mu
    // The earliest retry this worker scheduled and has not reached yet
    // (unix ms; 0: none): it sleeps no longer than until then.
    std::atomic<int64_t> next_retry{0};
    std::thread thread;
  };

  // A message claimed for one attempt and its channel's reference.
  struct Claimed {
    store::OutboxRecord message;
    std::string ref;
  };

  void Loop(Worker& worker);
  // In `tx`: claims the oldest due message of the worker's channel.
  absl::StatusOr<std::optional<Claimed>> ClaimNext(store::WriteTx& tx,
                                                   Worker& worker);
  // Sends `claimed` and records the outcome; in the same write claims the
  // next due message (unless stopping) and returns it.
  std::optional<Claimed> Deliver(Worker& worker, const Claimed& claimed);
  int64_t Now() const;
  uint64_t Random();
  void Log(std::string_view line) const;

  store::Store* const store_;
  const OutboxOptions options_;
  std::map<std::string, std::unique_ptr<Worker>, std::less<>> workers_;
  std::atomic<bool> stop_{false};
  bool started_ = false;
  std::mutex start_mu_;
  std::atomic<int64_t> sent_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> dead_{0};
  std::mutex random_mu_;
  uint64_t random_state_;
};

}  // namespace signoff::channels

#endif  // SIGNOFF_RUNTIME_CHANNELS_OUTBOX_H_
