// A small metrics registry with the Prometheus text exposition format
// (version 0.0.4), for `GET /metrics`.
//
//   MetricsRegistry registry;
//   Counter& allowed = registry.AddCounter(
//       "signoff_decisions_total", "Decisions by outcome.",
//       {{"decision", "allow"}});
//   allowed.Increment();
//   std::string text = registry.Render();
//
// Metrics are registered once (usually at startup) and live as long as the
// registry: the references Add* return stay valid. Several series of one
// name differ by their labels and share one HELP/TYPE header; adding the
// same name and labels again returns the existing metric (its kind must
// match, or the process aborts: a programming error).
//
// Thread safety: every method is thread-safe. Increment/Add/Set/Observe are
// lock-free (std::atomic, relaxed); Add* and Render take the registry's
// mutex, so Render sees every metric registered before it began, each
// value read atomically (a scrape is not one snapshot across metrics).
#ifndef SIGNOFF_RUNTIME_SERVER_METRICS_H_
#define SIGNOFF_RUNTIME_SERVER_METRICS_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signoff::server {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count.
class Counter {
 public:
  void Increment(uint64_t by = 1) {
    value_.fetch_add(by, std::memory_order_relaxed);
  }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down (e.g. pending requests).
class Gauge {
 public:
  void Set(int64_t value) { value_.store(value, std::memory_order_relaxed); }
  void Add(int64_t by) { value_.fetch_add(by, std::memory_order_relaxed); }
  void Sub(int64_t by) { value_.fetch_sub(by, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Observations counted into fixed buckets (upper bounds, ascending), with
// their sum and count.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);

  const std::vector<double>& bounds() const { return bounds_; }
  // Non-cumulative count of bucket `i`; i == bounds().size() is +Inf.
  uint64_t bucket(size_t i) const {
    return buckets_[i].load(std::memory_order_relaxed);
  }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Bucket bounds for request latencies in seconds: 50 µs to 1 s.
std::vector<double> LatencyBuckets();

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*; label names [a-zA-Z_][a-zA-Z0-9_]*
  // (checked: the process aborts otherwise). Label values are escaped.
  Counter& AddCounter(std::string_view name, std::string_view help,
                      const Labels& labels = {});
  Gauge& AddGauge(std::string_view name, std::string_view help,
                  const Labels& labels = {});
  Histogram& AddHistogram(std::string_view name, std::string_view help,
                          std::vector<double> bounds,
                          const Labels& labels = {});

  // Every metric, grouped by name in registration order, in the text
  // format ("# HELP", "# TYPE", then one line per series; histograms as
  // cumulative `_bucket{le=...}`, `_sum` and `_count`).
  std::string Render() const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    std::string name;
    std::string help;
    Kind kind;
    std::deque<Series> series;
  };
  Series& Find(std::string_view name, std::string_view help, Kind kind,
               const Labels& labels);

  mutable std::mutex mu_;
  std::deque<Family> families_;  // guarded by mu_
};

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_METRICS_H_
