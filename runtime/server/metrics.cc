#include "runtime/server/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "stdlib/absl_compat.h"

namespace signoff::server {
namespace {

bool IsName(std::string_view name, bool allow_colon) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || (allow_colon && c == ':');
  });
}

void CheckOrDie(bool ok, std::string_view what) {
  if (ok) return;
  std::fprintf(stderr, "signoff: metrics: %.*s\n",
               static_cast<int>(what.size()), what.data());
  std::abort();
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Go's strconv.FormatFloat(v, 'g', -1, 64) is what Prometheus clients
// print; "%.17g" trimmed is equivalent for parsing purposes.
std::string FormatDouble(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  // Prefer the shortest text that reads back the same.
  for (int precision = 1; precision < 17; ++precision) {
    char shorter[64];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, value);
    if (std::strtod(shorter, nullptr) == value) return shorter;
  }
  return buffer;
}

std::string LabelText(const Labels& labels, std::string_view extra_name = "",
                      std::string_view extra_value = "") {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    absl::StrAppend(&out, first ? "" : ",", name, "=\"",
                    EscapeLabelValue(value), "\"");
    first = false;
  }
  if (!extra_name.empty()) {
    absl::StrAppend(&out, first ? "" : ",", AsAbsl(extra_name), "=\"",
                    AsAbsl(extra_value), "\"");
  }
  out += "}";
  return out;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  CheckOrDie(std::is_sorted(bounds_.begin(), bounds_.end()),
             "histogram bounds must ascend");
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  size_t i =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<double> LatencyBuckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
          0.01,    0.025,  0.05,    0.1,    0.25,  0.5,    1.0};
}

MetricsRegistry::Series& MetricsRegistry::Find(std::string_view name,
                                               std::string_view help, Kind kind,
                                               const Labels& labels) {
  CheckOrDie(IsName(name, /*allow_colon=*/true),
             absl::StrCat("bad metric name `", AsAbsl(name), "`"));
  for (const auto& [label, value] : labels) {
    CheckOrDie(IsName(label, /*allow_colon=*/false) && label != "le",
               absl::StrCat("bad label name `", label, "`"));
  }
  auto family = std::find_if(families_.begin(), families_.end(),
                             [&](const Family& f) { return f.name == name; });
  if (family == families_.end()) {
    families_.push_back({std::string(name), std::string(help), kind, {}});
    family = families_.end() - 1;
  }
  CheckOrDie(
      family->kind == kind,
      absl::StrCat("metric `", AsAbsl(name), "` registered as another kind"));
  for (Series& series : family->series) {
    if (series.labels == labels) return series;
  }
  family->series.push_back({labels, nullptr, nullptr, nullptr});
  return family->series.back();
}

Counter& MetricsRegistry::AddCounter(std::string_view name,
                                     std::string_view help,
                                     const Labels& labels) {
  std::lock_guard lock(mu_);
  Series& series = Find(name, help, Kind::kCounter, labels);
  if (!series.counter) series.counter = std::make_unique<Counter>();
  return *series.counter;
}

Gauge& MetricsRegistry::AddGauge(std::string_view name, std::string_view help,
                                 const Labels& labels) {
  std::lock_guard lock(mu_);
  Series& series = Find(name, help, Kind::kGauge, labels);
  if (!series.gauge) series.gauge = std::make_unique<Gauge>();
  return *series.gauge;
}

Histogram& MetricsRegistry::AddHistogram(std::string_view name,
                                         std::string_view help,
                                         std::vector<double> bounds,
                                         const Labels& labels) {
  std::lock_guard lock(mu_);
  Series& series = Find(name, help, Kind::kHistogram, labels);
  if (!series.histogram) {
    series.histogram = std::make_unique<Histogram>(std::move(bounds));
  }
  return *series.histogram;
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const Family& family : families_) {
    std::string_view type = family.kind == Kind::kCounter ? "counter"
                            : family.kind == Kind::kGauge ? "gauge"
                                                          : "histogram";
    absl::StrAppend(&out, "# HELP ", family.name, " ", EscapeHelp(family.help),
                    "\n# TYPE ", family.name, " ", AsAbsl(type), "\n");
    for (const Series& series : family.series) {
      if (series.counter) {
        absl::StrAppend(&out, family.name, LabelText(series.labels), " ",
                        series.counter->value(), "\n");
      } else if (series.gauge) {
        absl::StrAppend(&out, family.name, LabelText(series.labels), " ",
                        series.gauge->value(), "\n");
      } else if (series.histogram) {
        const Histogram& h = *series.histogram;
        uint64_t cumulative = 0;
        for (size_t i = 0; i <= h.bounds().size(); ++i) {
          cumulative += h.bucket(i);
          std::string le =
              i < h.bounds().size() ? FormatDouble(h.bounds()[i]) : "+Inf";
          absl::StrAppend(&out, family.name, "_bucket",
                          LabelText(series.labels, "le", le), " ", cumulative,
                          "\n");
        }
        absl::StrAppend(&out, family.name, "_sum", LabelText(series.labels),
                        " ", FormatDouble(h.sum()), "\n", family.name, "_count",
                        LabelText(series.labels), " ", cumulative, "\n");
      }
    }
  }
  return out;
}

}  // namespace signoff::server
