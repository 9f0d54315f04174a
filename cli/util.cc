#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/cli.h"
#include "compiler/diag/render.h"
#include "stdlib/absl_compat.h"

namespace signoff::cli {

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& argv,
                                 const Spec& spec) {
  auto contains = [](const std::vector<std::string>& list,
                     std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
  };
  Args args;
  bool only_positional = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (only_positional || arg.size() < 2 || arg.rfind("--", 0) != 0) {
      args.positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (contains(spec.flags, name)) {
      if (value) {
        return absl::InvalidArgumentError(
            absl::StrCat("`--", name, "` takes no value"));
      }
      args.values_[name].push_back("");
      continue;
    }
    bool repeatable = contains(spec.repeatable, name);
    if (!repeatable && !contains(spec.options, name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option `--", name, "`"));
    }
    if (!value) {
      if (i + 1 >= argv.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("`--", name, "` needs a value"));
      }
      value = argv[++i];
    }
    auto& slot = args.values_[name];
    if (!repeatable && !slot.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("`--", name, "` given more than once"));
    }
    slot.push_back(*value);
  }
  return args;
}

bool Args::Has(std::string_view flag) const {
  return values_.find(flag) != values_.end();
}

std::optional<std::string> Args::Get(std::string_view option) const {
  auto it = values_.find(option);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::GetAll(std::string_view option) const {
  auto it = values_.find(option);
  if (it == values_.end()) return {};
  return it->second;
}

bool UseColor(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return isatty(fileno(stream)) != 0;
}

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read `", path, "`"));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad())
    return absl::DataLossError(absl::StrCat("error reading `", path, "`"));
  return buffer.str();
}

std::unique_ptr<driver::Compilation> CompileOrReport(
    const std::vector<std::string>& paths, const driver::LoadOptions& options,
    int* exit_code) {
  absl::StatusOr<std::unique_ptr<driver::Compilation>> compilation =
      driver::CompilePaths(paths, options);
  if (!compilation.ok()) {
    PrintError(AsStd(compilation.status().message()));
    *exit_code = kExitUsage;
    return nullptr;
  }
  const driver::Compilation& c = **compilation;
  if (c.ok()) return *std::move(compilation);
  std::string rendered = RenderDiagnostics(
      c.sources, c.diags.all(), DiagFormat::kText, {.color = UseColor(stderr)});
  std::fputs(rendered.c_str(), stderr);
  *exit_code = kExitFailure;
  for (const Diagnostic& d : c.diags.all()) {
    if (d.kind == DiagKind::kIoError) *exit_code = kExitUsage;
  }
  return nullptr;
}

void PrintError(std::string_view message) {
  std::cerr << "signoff: error: " << message << "\n";
}

namespace {

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) {
      lines.push_back(text);
      break;
    }
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

struct Edit {
  char op;  // ' ', '-', '+'
  std::string_view line;
};

// Longest-common-subsequence line diff. Policy files are small; for very
// large inputs fall back to "replace everything" rather than use O(n*m).
std::vector<Edit> DiffLines(const std::vector<std::string_view>& a,
                            const std::vector<std::string_view>& b) {
  std::vector<Edit> edits;
  size_t n = a.size(), m = b.size();
  if (n * m > 16'000'000) {
    for (auto line : a) edits.push_back({'-', line});
    for (auto line : b) edits.push_back({'+', line});
    return edits;
  }
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1
                               : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({' ', a[i++]});
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      edits.push_back({'-', a[i++]});  // deletions first, as diff(1) does
    } else {
      edits.push_back({'+', b[j++]});
    }
  }
  return edits;
}

}  // namespace

std::string UnifiedDiff(std::string_view before, std::string_view after,
                        std::string_view before_name,
                        std::string_view after_name, int context) {
  if (before == after) return "";
  std::vector<Edit> edits = DiffLines(SplitLines(before), SplitLines(after));
  std::string out = absl::StrCat("--- ", AsAbsl(before_name), "\n+++ ",
                                 AsAbsl(after_name), "\n");
  size_t k = 0;
  while (k < edits.size()) {
    // Find the next change.
    size_t change = k;
    while (change < edits.size() && edits[change].op == ' ') ++change;
    if (change == edits.size()) break;
    size_t start =
        change >= static_cast<size_t>(context) ? change - context : 0;
    start = std::max(start, k);
    // Extend the hunk while changes are within 2*context of each other.
    size_t end = change;
    size_t last_change = change;
    while (end < edits.size()) {
      if (edits[end].op != ' ') last_change = end;
      if (end - last_change > static_cast<size_t>(2 * context)) break;
      ++end;
    }
    end = std::min(edits.size(), last_change + context + 1);
    // Line numbers of the hunk.
    size_t old_line = 1, new_line = 1;
    for (size_t e = 0; e < start; ++e) {
      if (edits[e].op != '+') ++old_line;
      if (edits[e].op != '-') ++new_line;
    }
    size_t old_count = 0, new_count = 0;
    for (size_t e = start; e < end; ++e) {
      if (edits[e].op != '+') ++old_count;
      if (edits[e].op != '-') ++new_count;
    }
    absl::StrAppend(&out, "@@ -", old_line, ",", old_count, " +", new_line, ",",
                    new_count, " @@\n");
    for (size_t e = start; e < end; ++e) {
      absl::StrAppend(&out, std::string(1, edits[e].op), AsAbsl(edits[e].line),
                      "\n");
    }
    k = end;
  }
  return out;
}

}  // namespace signoff::cli
