#include "runtime/channels/outbox.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/audit/entry.h"
#include "runtime/audit/timestamp.h"
#include "runtime/grants/ids.h"
#include "stdlib/absl_compat.h"

namespace signoff::channels {
namespace {

using nlohmann::json;

constexpr std::string_view kActorRuntime = "runtime";

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kDelivered:
      return "delivered";
    case Outcome::kRetry:
      return "retry";
    case Outcome::kRejected:
      return "rejected";
  }
  return "retry";
}

// The policy digest of the request a message belongs to, for its audit
// entries; "" when the request cannot be read.
std::string PolicyOf(store::ReadTx& tx, std::string_view request_id) {
  absl::StatusOr<store::RequestRecord> request = tx.GetRequest(request_id);
  return request.ok() ? request->policy : std::string();
}

absl::Status AuditAttempt(store::WriteTx& tx, const store::OutboxRecord& m,
                          std::string_view type, int64_t now, json data) {
  data["channel"] = m.channel;
  data["message"] = m.id;
  data["event"] = m.kind;
  data["idempotency_key"] = m.idempotency_key;
  data["attempt"] = m.attempts;
  audit::AuditEntry entry;
  entry.time = audit::FormatTimestamp(now);
  entry.type = std::string(type);
  entry.request = m.request_id;
  entry.actor = std::string(kActorRuntime);
  entry.data = std::move(data);
  entry.policy = PolicyOf(tx, m.request_id);
  return tx.AppendAudit(std::move(entry)).status();
}

}  // namespace

Outbox::Outbox(store::Store* store,
               std::vector<std::unique_ptr<Channel>> channels,
               OutboxOptions options)
    : store_(store), options_(std::move(options)) {
  std::random_device seed;
  random_state_ = (static_cast<uint64_t>(seed()) << 32) ^ seed();
  for (std::unique_ptr<Channel>& channel : channels) {
    if (channel == nullptr) continue;
    auto worker = std::make_unique<Worker>();
    const std::string name = channel->name();
    worker->channel = std::move(channel);
    workers_.emplace(name, std::move(worker));
  }
}

Outbox::~Outbox() { Stop(); }

absl::Status Outbox::Enqueue(store::WriteTx& tx,
                             const std::vector<std::string>& channels,
                             std::string_view request_id,
                             const nlohmann::json& payload, int64_t now) {
  std::set<std::string_view> done;
  std::string kind = "update";
  if (payload.is_object()) {
    auto event = payload.find("event");
    if (event != payload.end() && event->is_string()) {
      kind = event->get<std::string>();
    }
  }
  const std::string text = Dump(payload);
  for (const std::string& channel : channels) {
    if (!done.insert(channel).second) continue;
    store::OutboxRecord message;
    // Random (CSPRNG), so an idempotency key never repeats across
    // processes or restarts.
    message.id = grants::NewId("m_");
    message.request_id = std::string(request_id);
    message.channel = channel;
    message.kind = kind;
    message.payload_json = text;
    message.idempotency_key = message.id;
    message.next_attempt_at = now;
    if (absl::Status s = tx.InsertOutbox(message); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Outbox::Start() {
  std::lock_guard<std::mutex> lock(start_mu_);
  if (started_) return absl::OkStatus();
  const int64_t now = Now();
  std::vector<store::OutboxRecord> released;
  absl::Status status = store_->Write([&](store::WriteTx& tx) -> absl::Status {
    absl::StatusOr<std::vector<store::OutboxRecord>> leases =
        tx.ReleaseOutboxLeases(now);
    if (!leases.ok()) return leases.status();
    released = *std::move(leases);
    for (const store::OutboxRecord& m : released) {
      if (absl::Status s = AuditAttempt(
              tx, m, audit::kTypeNotifyFailed, now,
              {{"outcome", "interrupted"},
               {"detail", "the process stopped during this attempt"},
               {"next_attempt", audit::FormatTimestamp(now)}});
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  stop_ = false;
  for (auto& [name, worker] : workers_) {
    Worker* w = worker.get();
    w->thread = std::thread([this, w] { Loop(*w); });
  }
  started_ = true;
  return absl::OkStatus();
}

void Outbox::Stop() {
  std::lock_guard<std::mutex> lock(start_mu_);
  if (!started_) return;
  stop_ = true;
  WakeAll();
  for (auto& [name, worker] : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  started_ = false;
}

void Outbox::Wake(std::string_view channel) {
  auto it = workers_.find(channel);
  if (it == workers_.end()) return;
  {
    std::lock_guard<std::mutex> lock(it->second->mu);
    it->second->woken = true;
  }
  it->second->cv.notify_one();
}

void Outbox::WakeAll() {
  for (auto& [name, worker] : workers_) Wake(name);
}

Channel* Outbox::Find(std::string_view name) const {
  auto it = workers_.find(name);
  return it == workers_.end() ? nullptr : it->second->channel.get();
}

OutboxCounts Outbox::counts() const {
  return OutboxCounts{sent_.load(), failed_.load(), dead_.load()};
}

int64_t Outbox::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t Outbox::Random() {
  std::lock_guard<std::mutex> lock(random_mu_);
  // splitmix64: jitter only needs to differ between retries.
  uint64_t z = (random_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void Outbox::Log(std::string_view line) const {
  if (options_.log) options_.log(line);
}

void Outbox::Loop(Worker& worker) {
  std::optional<Claimed> claimed;
  for (;;) {
    if (!claimed) {
      if (stop_) return;
      absl::Status status =
          store_->Write([&](store::WriteTx& tx) -> absl::Status {
            absl::StatusOr<std::optional<Claimed>> next = ClaimNext(tx, worker);
            if (!next.ok()) return next.status();
            claimed = *std::move(next);
            return absl::OkStatus();
          });
      if (!status.ok()) {
        claimed.reset();
        Log(absl::StrCat("outbox ", worker.channel->name(),
                         ": cannot claim: ", status.ToString()));
      }
    }
    if (claimed) {
      // A claim is an attempt: it is made even when stopping (bounded by
      // the channel's timeouts), so no lease is left behind untried.
      claimed = Deliver(worker, *claimed);
      continue;
    }
    // Nothing due: sleep until woken, the next retry this worker scheduled,
    // or the poll interval (messages of other writers, lost wake-ups).
    int64_t wait_ms = options_.poll_ms;
    const int64_t next = worker.next_retry.load();
    if (next > 0) {
      const int64_t until = next - Now();
      if (until <= 0) {
        worker.next_retry = 0;
        continue;
      }
      wait_ms = std::min(wait_ms, until);
    }
    std::unique_lock<std::mutex> lock(worker.mu);
    worker.cv.wait_for(lock, std::chrono::milliseconds(wait_ms),
                       [&] { return worker.woken || stop_; });
    worker.woken = false;
  }
}

absl::StatusOr<std::optional<Outbox::Claimed>> Outbox::ClaimNext(
    store::WriteTx& tx, Worker& worker) {
  const std::string& channel = worker.channel->name();
  absl::StatusOr<std::vector<store::OutboxRecord>> due =
      tx.ClaimOutbox(channel, Now(), options_.lease_ms, 1);
  if (!due.ok()) return due.status();
  if (due->empty()) return std::nullopt;
  Claimed claimed;
  claimed.message = std::move(due->front());
  absl::StatusOr<std::string> stored =
      tx.GetChannelRef(claimed.message.request_id, channel);
  if (stored.ok()) {
    claimed.ref = *std::move(stored);
  } else if (!absl::IsNotFound(stored.status())) {
    return stored.status();
  }
  return claimed;
}

std::optional<Outbox::Claimed> Outbox::Deliver(Worker& worker,
                                               const Claimed& claimed) {
  Channel& channel = *worker.channel;
  const std::string& ref = claimed.ref;
  const store::OutboxRecord& m = claimed.message;

  Notification note;
  note.id = m.id;
  note.idempotency_key = m.idempotency_key;
  note.request_id = m.request_id;
  note.event = m.kind;
  note.payload = json::parse(m.payload_json, nullptr, false);
  if (note.payload.is_discarded()) note.payload = json::object();
  note.attempt = m.attempts;
  note.now_ms = Now();
  SendResult sent = channel.Send(note, ref);

  const int64_t now = Now();
  const DeliveryResult& result = sent.delivery;
  const bool last_try = m.attempts >= options_.retry.max_attempts;
  const bool delivered = result.outcome == Outcome::kDelivered;
  const bool dead =
      !delivered && (result.outcome == Outcome::kRejected || last_try);
  int64_t next = 0;
  if (!delivered && !dead) {
    next = now + std::max(BackoffMs(options_.retry,
                                    static_cast<int>(m.attempts), Random()),
                          result.retry_after_ms);
  }
  json data = {{"outcome", OutcomeName(result.outcome)},
               {"status", result.status},
               {"detail", result.detail}};
  // The outcome, its audit entry and (unless stopping) the claim of the
  // next message in one write: one commit per delivery, not two.
  std::optional<Claimed> next_claim;
  auto record = [&](store::WriteTx& tx) -> absl::Status {
    if (delivered) {
      if (absl::Status s = tx.MarkOutboxSent(m.id); !s.ok()) return s;
      if (!sent.ref.empty()) {
        if (absl::Status s =
                tx.PutChannelRef(m.request_id, channel.name(), sent.ref);
            !s.ok()) {
          return s;
        }
      }
      return AuditAttempt(tx, m, audit::kTypeNotifySent, now, data);
    }
    json failed = data;
    if (dead) {
      const std::string why = result.outcome == Outcome::kRejected
                                  ? absl::StrCat("rejected: ", result.detail)
                                  : absl::StrCat("gave up after ", m.attempts,
                                                 " attempts: ", result.detail);
      if (absl::Status s = tx.MarkOutboxDead(m.id, why); !s.ok()) return s;
      failed["dead"] = true;
    } else {
      if (absl::Status s = tx.RescheduleOutbox(m.id, next, result.detail);
          !s.ok()) {
        return s;
      }
      failed["next_attempt"] = audit::FormatTimestamp(next);
    }
    return AuditAttempt(tx, m, audit::kTypeNotifyFailed, now, failed);
  };
  absl::Status status = store_->Write([&](store::WriteTx& tx) -> absl::Status {
    next_claim.reset();
    if (absl::Status s = record(tx); !s.ok()) return s;
    if (stop_) return absl::OkStatus();
    absl::StatusOr<std::optional<Claimed>> next = ClaimNext(tx, worker);
    if (!next.ok()) return next.status();
    next_claim = *std::move(next);
    return absl::OkStatus();
  });
  if (!status.ok()) {
    // The message stays leased and is retried when the lease ends (the
    // receiver drops the repeat by its idempotency key).
    Log(absl::StrCat("outbox ", channel.name(), ": cannot record attempt ",
                     m.attempts, " of ", m.id, ": ", status.ToString()));
    return std::nullopt;
  }
  if (next > 0) {
    const int64_t earliest = worker.next_retry.load();
    if (earliest == 0 || next < earliest) worker.next_retry = next;
  }
  if (options_.on_attempt) options_.on_attempt(channel.name(), delivered, dead);
  if (delivered) {
    ++sent_;
  } else {
    ++failed_;
    if (dead) {
      ++dead_;
      Log(absl::StrCat("outbox ", channel.name(), ": message ", m.id, " (",
                       m.kind, " of ", m.request_id,
                       ") is in the dead letter: ", result.detail));
    }
  }
  return next_claim;
}

}  // namespace signoff::channels
