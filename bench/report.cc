// signoff_bench_report BENCH.json [CEDAR.json]: the one table bench/run
// prints, from Google Benchmark's JSON output (medians) and, when given,
// the Cedar peer's results (bench/peers/cedar/run.js --json).
//
// Targets are reported, never asserted: the exit status says only whether
// the inputs could be read and the engines agreed.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace {

using nlohmann::json;

struct Row {
  std::optional<double> interp, interp_json, jit, jit_json, limit, compile_ms,
      rss_mb, rss_compile_mb, bind, combine, floor, jit_decision, optimized_ms;
  std::string jit_note;       // why the JIT was not measured, when it was not
  std::string compile_label;  // "parse->native", "parse->IR (no JIT)", ...
};

std::optional<json> ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

double ToNs(double value, const std::string& unit) {
  if (unit == "us") return value * 1e3;
  if (unit == "ms") return value * 1e6;
  if (unit == "s") return value * 1e9;
  return value;
}

std::string Fmt(std::optional<double> v, const char* format = "%.0f") {
  if (!v) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, *v);
  return buf;
}

std::string Ratio(std::optional<double> a, std::optional<double> b) {
  if (!a || !b || *b == 0) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1fx", *a / *b);
  return buf;
}

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// `caveat`, when set, qualifies the figure: "IR only, no JIT" still gives a
// verdict; "JIT skipped" means the figure is not the one the target is about.
void Target(const std::string& what, std::optional<double> value,
            const std::string& unit, double limit, bool at_most,
            const std::string& caveat = "") {
  std::string verdict = !value ? "not measured"
                        : (at_most ? *value <= limit : *value >= limit)
                            ? "met"
                            : "missed";
  if (value && caveat.find("skipped") != std::string::npos) {
    verdict = "not measured";
  }
  if (!caveat.empty()) verdict += " (" + caveat + ")";
  char buf[256];
  std::snprintf(buf, sizeof buf, "  %-42s %10s %-3s (target %s %g)  %s\n",
                what.c_str(), Fmt(value, "%.2f").c_str(), unit.c_str(),
                at_most ? "<=" : ">=", limit, verdict.c_str());
  std::cout << buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: signoff_bench_report BENCH.json [CEDAR.json]\n";
    return 2;
  }
  std::optional<json> bench = ReadJson(argv[1]);
  if (!bench) {
    std::cerr << "signoff_bench_report: cannot read " << argv[1] << "\n";
    return 1;
  }
  std::map<int, Row> rows;
  std::string jit_state = "unknown";
  if (bench->contains("context") &&
      (*bench)["context"].contains("signoff_jit")) {
    jit_state = (*bench)["context"]["signoff_jit"].get<std::string>();
  }
  for (const json& b : (*bench)["benchmarks"]) {
    std::string name = b.value("run_name", b.value("name", ""));
    bool aggregate = b.value("run_type", "") == "aggregate";
    size_t slash = name.find('/');
    if (slash == std::string::npos) continue;
    std::string family = name.substr(0, slash);
    int rules = std::stoi(name.substr(slash + 1));
    Row& row = rows[rules];
    if (b.value("error_occurred", false)) {
      if (family.rfind("BM_Jit", 0) == 0)
        row.jit_note = b.value("error_message", "");
      continue;
    }
    if (family == "BM_Compile") row.compile_label = b.value("label", "");
    if (family == "BM_Memory") {
      row.rss_mb = b.value("rss_mb", 0.0);
      row.rss_compile_mb = b.value("rss_compile_mb", 0.0);
      continue;
    }
    // Everything else: the median of the repetitions.
    if (!aggregate || b.value("aggregate_name", "") != "median") continue;
    double ns = ToNs(b["real_time"].get<double>(), b.value("time_unit", "ns"));
    if (family == "BM_Compile") {
      row.compile_ms = ns / 1e6;
      if (b.value("optimized_ms", 0.0) > 0) {
        row.optimized_ms = b.value("optimized_ms", 0.0);
      }
    }
    if (family == "BM_Interp") row.interp = ns;
    if (family == "BM_InterpJson") row.interp_json = ns;
    if (family == "BM_JitPrebound") row.jit = ns;
    if (family == "BM_JitJson") row.jit_json = ns;
    if (family == "BM_JitJsonDecision") row.jit_decision = ns;
    if (family == "BM_Limit") row.limit = ns;
    if (family == "BM_BindJson") row.bind = ns;
    if (family == "BM_Combine") row.combine = ns;
    if (family == "BM_OutcomeFloor") row.floor = ns;
  }

  std::optional<double> limit;
  for (auto& [rules, row] : rows) {
    if (row.limit) limit = row.limit;
  }

  std::cout << "Signoff decision benchmark: median ns per decision (JIT: "
            << jit_state << ")\n\n";
  const std::vector<std::pair<std::string, size_t>> columns = {
      {"rules", 6},      {"interp", 9},          {"interp json", 12},
      {"jit", 9},        {"jit json", 9},        {"limit", 7},
      {"jit/limit", 10}, {"interp/jit", 11},     {"compile ms", 11},
      {"rss MB", 8},     {"compile peak MB", 16}};
  for (auto& [title, width] : columns) std::cout << Pad(title, width) << " ";
  std::cout << "\n";
  for (auto& [rules, row] : rows) {
    // The limit is the hand-written function for the 1,000-rule set; the
    // ratio is shown on that row only.
    std::optional<double> row_limit;
    if (rules == 1000) row_limit = row.limit;
    std::vector<std::string> cells = {
        std::to_string(rules),
        Fmt(row.interp),
        Fmt(row.interp_json),
        row.jit_note.empty() ? Fmt(row.jit) : "skipped",
        row.jit_note.empty() ? Fmt(row.jit_json) : "skipped",
        Fmt(row_limit),
        Ratio(row.jit, row_limit),
        Ratio(row.interp, row.jit),
        Fmt(row.compile_ms, "%.1f"),
        Fmt(row.rss_mb, "%.1f"),
        Fmt(row.rss_compile_mb, "%.1f")};
    for (size_t i = 0; i < cells.size(); ++i) {
      std::cout << Pad(cells[i], columns[i].second) << " ";
    }
    std::cout << "\n";
  }

  // Where the time goes on the JSON path, and anything not measured.
  std::cout << "\n  full decision from json ns (BindJson + JIT Evaluate + "
               "Combine):";
  for (auto& [rules, row] : rows)
    std::cout << " " << rules << ": " << Fmt(row.jit_decision);
  std::cout << "\n  optimised tier in use after ms (background compile "
               "included):";
  for (auto& [rules, row] : rows)
    std::cout << " " << rules << ": " << Fmt(row.optimized_ms, "%.1f");
  std::cout << "\n  bind json ns (BindJson alone):";
  for (auto& [rules, row] : rows)
    std::cout << " " << rules << ": " << Fmt(row.bind);
  std::cout << "\n  combine ns (Combine alone):   ";
  for (auto& [rules, row] : rows)
    std::cout << " " << rules << ": " << Fmt(row.combine);
  std::cout << "\n  outcome floor ns (eval::Outcome of N rules, allocated and "
               "freed):";
  for (auto& [rules, row] : rows)
    std::cout << " " << rules << ": " << Fmt(row.floor);
  std::cout << "\n  compile is";
  for (auto& [rules, row] : rows) {
    std::cout << " " << rules << ": "
              << (row.compile_label.empty() ? "?" : row.compile_label) << ";";
  }
  std::cout << "\n";
  for (auto& [rules, row] : rows) {
    if (!row.jit_note.empty())
      std::cout << "  " << rules << " rules: " << row.jit_note << "\n";
  }

  // Cedar, side by side.
  int status = 0;
  std::map<int, json> cedar;
  if (argc >= 3) {
    std::optional<json> c = ReadJson(argv[2]);
    if (!c) {
      std::cout << "\nCedar peer: no results (" << argv[2] << " unreadable)\n";
    } else {
      for (const json& r : (*c)["results"]) cedar[r["rules"].get<int>()] = r;
      std::cout << "\nCedar " << c->value("cedar_version", "?")
                << " (@cedar-policy/cedar-wasm under Node "
                << c->value("node", "?")
                << "): median ns per decision, same requests\n\n";
      const std::vector<std::pair<std::string, size_t>> cc = {
          {"rules", 6},       {"cedar", 10},        {"cedar json", 11},
          {"signoff", 9},     {"signoff json", 13}, {"cedar/signoff", 14},
          {"json ratio", 11}, {"agree", 10},        {"signoff is", 11}};
      for (auto& [title, width] : cc) std::cout << Pad(title, width) << " ";
      std::cout << "\n";
      for (auto& [rules, r] : cedar) {
        const Row& row = rows[rules];
        std::optional<double> ours = row.jit ? row.jit : row.interp;
        std::optional<double> ours_json =
            row.jit_json ? row.jit_json : row.interp_json;
        std::optional<double> ns, ns_json;
        if (r.contains("median_ns")) ns = r["median_ns"].get<double>();
        if (r.contains("median_ns_json"))
          ns_json = r["median_ns_json"].get<double>();
        int agree = r.value("agree", 0), total = r.value("requests", 0);
        if (agree != total) status = 1;
        std::vector<std::string> cells = {
            std::to_string(rules),
            Fmt(ns),
            Fmt(ns_json),
            Fmt(ours),
            Fmt(ours_json),
            Ratio(ns, ours),
            Ratio(ns_json, ours_json),
            std::to_string(agree) + "/" + std::to_string(total),
            row.jit ? "jit" : "interp"};
        for (size_t i = 0; i < cells.size(); ++i) {
          std::cout << Pad(cells[i], cc[i].second) << " ";
        }
        std::cout << "\n";
      }
      std::cout
          << "  'signoff' is the JIT on pre-bound input where it was measured, "
             "else the interpreter;\n  'cedar' passes prebuilt JS objects; the "
             "'json' columns start from JSON text on both sides\n";
    }
  }

  // Targets (reported, never asserted).
  std::cout << "\nTargets (reported, not asserted):\n";
  Row& r1k = rows[1000];
  Row& r10k = rows[10000];
  Target("JIT pre-bound, 1,000 rules", r1k.jit, "ns", 50, true);
  Target("JIT pre-bound, 10,000 rules", r10k.jit, "ns", 100, true);
  Target("JIT from ~400-byte JSON, 1,000 rules", r1k.jit_json, "ns", 1000,
         true);
  std::optional<double> jl, ij;
  if (r1k.jit && limit) jl = *r1k.jit / *limit;
  if (r1k.jit && r1k.interp) ij = *r1k.interp / *r1k.jit;
  Target("JIT / limit, 1,000 rules", jl, "x", 2, true);
  Target("interpreter / JIT, 1,000 rules", ij, "x", 5, false);
  auto caveat = [](const Row& row) -> std::string {
    if (row.compile_label.find("skipped") != std::string::npos) {
      return "JIT skipped: IR only";
    }
    if (row.compile_label.find("no JIT") != std::string::npos)
      return "IR only, no JIT";
    return "";
  };
  Target("compile 1,000 rules",
         r1k.compile_ms ? std::optional(*r1k.compile_ms / 1e3) : std::nullopt,
         "s", 0.5, true, caveat(r1k));
  Target("compile 10,000 rules",
         r10k.compile_ms ? std::optional(*r10k.compile_ms / 1e3) : std::nullopt,
         "s", 5, true, caveat(r10k));
  Target("resident memory, compiled 10,000-rule set", r10k.rss_mb, "MB", 50,
         true, caveat(r10k));
  if (!cedar.empty() && cedar.count(1000)) {
    std::optional<double> ours = r1k.jit ? r1k.jit : r1k.interp;
    std::optional<double> ratio;
    if (ours && cedar[1000].contains("median_ns")) {
      ratio = cedar[1000]["median_ns"].get<double>() / *ours;
    }
    Target(std::string("Cedar / Signoff ") + (r1k.jit ? "JIT" : "interp") +
               ", 1,000 rules",
           ratio, "x", 20, false);
  }
  return status;
}
