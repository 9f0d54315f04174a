// The client commands of the approval workflow (RUNTIME.md §7), for agents,
// pipelines and people without a chat channel:
//
//   signoff request --action NAME [--params JSON|@FILE] [--justification T]
//                   [--ticket T] [--wait] [--timeout DURATION]
//   signoff status ID [--wait] [--timeout DURATION] [--json]
//   signoff approve ID [--comment TEXT]
//   signoff reject ID [--comment TEXT]
//   signoff cancel ID
//
// all with --server URL (or $SIGNOFF_SERVER) and the API key from
// $SIGNOFF_API_KEY or --api-key-file FILE (http_client.h).
//
// stdout carries only what a script needs: the grant token when the request
// is approved (so `TOKEN=$(signoff request ...)` works), the request id
// while it is still pending, or the request JSON for `status --json`.
// Everything for people goes to stderr: the outcome, and while waiting a
// status line (who approved, what is missing, time left), rewritten in
// place on a terminal and printed again only when it changes otherwise.
//
// Exit codes (cli.h): 0 approved / vote or cancel accepted; 1 vote or
// cancel refused (403, 409); 2 usage, configuration, network, or any other
// error of the server; 3 denied or rejected; 4 expired; 5 still pending
// (no --wait, or --timeout reached); 6 cancelled; 130 interrupted.
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/cli.h"
#include "cli/http_client.h"
#include "nlohmann/json.hpp"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::cli {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// The long-poll of one status refresh: short on a terminal so the time
// left counts down; longer otherwise (a new line is printed only on
// change, and the server answers at once when the request is decided).
constexpr int64_t kTtyPollSeconds = 1;
constexpr int64_t kPlainPollSeconds = 2;
// Consecutive failed refreshes tolerated while waiting, with backoff.
constexpr int kMaxRetries = 5;
constexpr std::chrono::milliseconds kFirstBackoff(500);
constexpr std::chrono::milliseconds kMaxBackoff(8000);

// --- JSON helpers (the server's answers are checked, never trusted) -------

std::string Str(const json& object, std::string_view key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

int64_t Int(const json& object, std::string_view key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

const json& Arr(const json& object, std::string_view key) {
  static const json kEmpty = json::array();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

std::vector<std::string> Strings(const json& array) {
  std::vector<std::string> out;
  for (const json& item : array) {
    out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  }
  return out;
}

// --- what to print ----------------------------------------------------------

// 7212 -> "2h0m12s", 59 -> "59s", 90061 -> "1d1h1m1s".
std::string Countdown(int64_t seconds) {
  seconds = std::max<int64_t>(seconds, 0);
  const int64_t d = seconds / 86400, h = seconds / 3600 % 24,
                m = seconds / 60 % 60, s = seconds % 60;
  if (d > 0) return absl::StrCat(d, "d", h, "h", m, "m", s, "s");
  if (h > 0) return absl::StrCat(h, "h", m, "m", s, "s");
  if (m > 0) return absl::StrCat(m, "m", s, "s");
  return absl::StrCat(s, "s");
}

// "data_stewards 1/1 (diego); privacy_office 0/1 where approver.team !=
// requester.team", plus the rejections when there are any.
std::string Progress(const json& view) {
  std::vector<std::string> parts;
  for (const json& clause : Arr(view, "requirements")) {
    std::string part =
        absl::StrCat(Str(clause, "group"), " ", Int(clause, "have"), "/",
                     Int(clause, "needed"));
    std::vector<std::string> approvers = Strings(Arr(clause, "approvers"));
    if (!approvers.empty()) {
      absl::StrAppend(&part, " (", absl::StrJoin(approvers, ", "), ")");
    }
    if (std::string where = Str(clause, "where"); !where.empty()) {
      absl::StrAppend(&part, " where ", where);
    }
    auto satisfiable = clause.find("satisfiable");
    if (satisfiable != clause.end() && satisfiable->is_boolean() &&
        !satisfiable->get<bool>()) {
      absl::StrAppend(&part, " (can no longer be met)");
    }
    parts.push_back(std::move(part));
  }
  if (const int64_t rejections = Int(view, "rejections"); rejections > 0) {
    parts.push_back(
        absl::StrCat("rejections ", rejections, "/", Int(view, "veto")));
  }
  return absl::StrJoin(parts, "; ");
}

// Identities whose approving votes count, in the order cast.
std::vector<std::string> Approvers(const json& view) {
  std::vector<std::string> out;
  for (const json& vote : Arr(view, "votes")) {
    auto counted = vote.find("counted");
    if (Str(vote, "vote") == "approve" && counted != vote.end() &&
        counted->is_boolean() && counted->get<bool>()) {
      out.push_back(Str(vote, "identity"));
    }
  }
  return out;
}

// "bob (\"not with prod frozen\")" for each counted rejection.
std::vector<std::string> Rejecters(const json& view) {
  std::vector<std::string> out;
  for (const json& vote : Arr(view, "votes")) {
    if (Str(vote, "vote") != "reject") continue;
    std::string who = Str(vote, "identity");
    if (std::string comment = Str(vote, "comment"); !comment.empty()) {
      absl::StrAppend(&who, " (\"", comment, "\")");
    }
    out.push_back(std::move(who));
  }
  return out;
}

// "data.export by agent:etl (for dana)".
std::string Summary(const json& view) {
  std::string out = Str(view, "action");
  const json& requester = view.is_object() && view.contains("requester")
                              ? view["requester"]
                              : json::object();
  if (std::string id = Str(requester, "id"); !id.empty()) {
    absl::StrAppend(&out, " by ", id);
  }
  if (std::string sponsor = Str(requester, "on_behalf_of"); !sponsor.empty()) {
    absl::StrAppend(&out, " (for ", sponsor, ")");
  }
  return out;
}

void PrintLine(std::string_view line) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
}

// --- the status line --------------------------------------------------------

// A one-line display on stderr: on a terminal rewritten in place (the time
// left counts down), otherwise a new line whenever the text apart from the
// time changes.
class StatusLine {
 public:
  StatusLine() : tty_(isatty(STDERR_FILENO) != 0) {}
  ~StatusLine() { Clear(); }

  bool tty() const { return tty_; }

  // `text` is what changes rarely; `suffix` (the time left) is shown on a
  // terminal and whenever a new line is printed.
  void Show(const std::string& text, const std::string& suffix) {
    const std::string line =
        suffix.empty() ? text : absl::StrCat(text, "; ", suffix);
    if (tty_) {
      const std::string fitted = Fit(line);
      std::fprintf(stderr, "\r\033[2K%s", fitted.c_str());
      std::fflush(stderr);
      shown_ = true;
    } else if (text != last_) {
      PrintLine(line);
    }
    last_ = text;
  }

  // The next Show prints a new line even when the text is unchanged (after
  // other output came between).
  void Forget() { last_.clear(); }

  // Removes the in-place line (before other output).
  void Clear() {
    if (tty_ && shown_) {
      std::fputs("\r\033[2K", stderr);
      std::fflush(stderr);
      shown_ = false;
    }
  }

 private:
  // Cut to the terminal's width: a line that wraps cannot be rewritten.
  static std::string Fit(const std::string& line) {
    winsize size{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col < 10) {
      return line;
    }
    const size_t width = size.ws_col - 1;
    size_t chars = 0, i = 0;
    for (; i < line.size(); ++i) {
      if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
      if (chars == width - 1) break;
      ++chars;
    }
    if (i >= line.size()) return line;
    return absl::StrCat(line.substr(0, i), "…");
  }

  const bool tty_;
  bool shown_ = false;
  std::string last_;
};

// --- SIGINT while waiting ---------------------------------------------------

char g_interrupt_message[1024];
size_t g_interrupt_length = 0;

extern "C" void OnInterrupt(int signal) {
  // Async-signal-safe: write(2) and _exit(2) only. The status line is
  // cleared, and the request stays as it is on the server.
  if (g_interrupt_length > 0) {
    ssize_t ignored =
        write(STDERR_FILENO, g_interrupt_message, g_interrupt_length);
    (void)ignored;
  }
  _exit(128 + signal);
}

// Until destroyed, SIGINT and SIGTERM clear the status line and say that
// request `id` is left pending.
class InterruptGuard {
 public:
  InterruptGuard(std::string_view id, bool tty) {
    std::string message =
        absl::StrCat(tty ? "\r\033[2K" : "", "signoff: interrupted; request ",
                     AsAbsl(id), " is still pending (`signoff status ",
                     AsAbsl(id), " --wait` to wait again)\n");
    g_interrupt_length = std::min(message.size(), sizeof g_interrupt_message);
    std::memcpy(g_interrupt_message, message.data(), g_interrupt_length);
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    g_interrupt_length = 0;
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// --- outcomes ---------------------------------------------------------------

std::string RequestPath(std::string_view id) {
  return absl::StrCat("/v1/requests/", EscapePathSegment(id));
}

// The pending line: "pending: <progress>" and "<time> left".
void ShowPending(StatusLine& line, const json& view,
                 std::optional<SteadyClock::time_point> local_deadline) {
  std::string progress = Progress(view);
  std::string text =
      progress.empty() ? "pending" : absl::StrCat("pending: ", progress);
  int64_t left = Int(view, "time_left_seconds");
  if (local_deadline) {
    left = std::chrono::ceil<std::chrono::seconds>(*local_deadline -
                                                   SteadyClock::now())
               .count();
  }
  line.Show(text, absl::StrCat(Countdown(left), " left"));
}

// Reports a request that is no longer pending (or pending: 5) on stderr
// and returns the exit code. With `print_token`, prints the grant token on
// stdout when the view has one.
int ReportFinal(const json& view, bool print_token) {
  const std::string status = Str(view, "status");
  const std::string id = Str(view, "id");
  if (status == "approved") {
    std::vector<std::string> approvers = Approvers(view);
    std::string by = approvers.empty()
                         ? std::string("by policy")
                         : absl::StrCat("by ", absl::StrJoin(approvers, ", "));
    const std::string grant = Str(view, "grant");
    if (grant.empty()) {
      PrintLine(absl::StrCat("approved ", by,
                             "; the grant token is shown to the requester "
                             "only"));
      return kExitOk;
    }
    std::string expires = Str(view, "grant_expires");
    PrintLine(absl::StrCat("approved ", by, "; single-use grant",
                           expires.empty() ? "" : " valid until ", expires));
    if (print_token) {
      std::printf("%s\n", grant.c_str());
      std::fflush(stdout);
    }
    return kExitOk;
  }
  if (status == "consumed") {
    PrintLine("approved; the grant has been used (consumed)");
    return kExitOk;
  }
  if (status == "pending") {
    PrintLine(absl::StrCat("pending: ", Progress(view), "; ",
                           Countdown(Int(view, "time_left_seconds")), " left"));
    return kExitPending;
  }
  if (status == "denied") {
    const json& decision = view.is_object() && view.contains("decision")
                               ? view["decision"]
                               : json::object();
    std::vector<std::string> reasons = Strings(Arr(decision, "reasons"));
    std::vector<std::string> rules = Strings(Arr(decision, "rules"));
    PrintLine(absl::StrCat(
        "denied",
        rules.empty() ? "" : absl::StrCat(" by ", absl::StrJoin(rules, ", ")),
        reasons.empty() ? ""
                        : absl::StrCat(": ", absl::StrJoin(reasons, "; "))));
    for (const std::string& error : Strings(Arr(decision, "errors"))) {
      PrintLine(absl::StrCat("  error: ", error));
    }
    return kExitRejected;
  }
  if (status == "rejected") {
    std::vector<std::string> rejecters = Rejecters(view);
    PrintLine(absl::StrCat(
        "rejected",
        rejecters.empty()
            ? ""
            : absl::StrCat(" by ", absl::StrJoin(rejecters, ", "))));
    return kExitRejected;
  }
  if (status == "expired") {
    bool met = true;
    for (const json& clause : Arr(view, "requirements")) {
      if (Int(clause, "have") < Int(clause, "needed")) met = false;
    }
    if (met && !Arr(view, "requirements").empty()) {
      PrintLine("expired: the grant expired unused");
    } else {
      PrintLine(absl::StrCat("expired before the quorum was reached (",
                             Progress(view), ")"));
    }
    return kExitExpired;
  }
  if (status == "cancelled") {
    PrintLine("cancelled by the requester");
    return kExitCancelled;
  }
  PrintError(
      absl::StrCat("request ", id, " has an unknown status `", status, "`"));
  return kExitUsage;
}

bool Retryable(int status) {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

bool LooksLikeView(const json& view) {
  return view.is_object() && !Str(view, "id").empty() &&
         !Str(view, "status").empty();
}

// Polls request `id` until it is no longer pending or `deadline` passes,
// showing the status line; then reports it. `view` is its latest state.
// Transport failures and 5xx answers are retried with backoff.
int WaitFor(ApiClient& client, const std::string& id, json view,
            std::optional<SteadyClock::time_point> deadline,
            const std::string& timeout_text, bool json_output) {
  StatusLine line;
  InterruptGuard guard(id, line.tty());
  const int64_t poll = line.tty() ? kTtyPollSeconds : kPlainPollSeconds;
  int failures = 0;
  auto backoff = kFirstBackoff;
  std::optional<SteadyClock::time_point> local_deadline =
      SteadyClock::now() + std::chrono::seconds(Int(view, "time_left_seconds"));
  while (Str(view, "status") == "pending") {
    ShowPending(line, view, local_deadline);
    const auto now = SteadyClock::now();
    if (deadline && now >= *deadline) {
      line.Clear();
      const int64_t left =
          std::chrono::ceil<std::chrono::seconds>(*local_deadline - now)
              .count();
      PrintLine(absl::StrCat("signoff: still pending after ", timeout_text,
                             ": ", Progress(view), "; ", Countdown(left),
                             " left"));
      if (json_output) {
        std::printf("%s\n", view.dump(2).c_str());
      } else {
        std::printf("%s\n", id.c_str());
      }
      return kExitPending;
    }
    int64_t wait = poll;
    if (deadline) {
      const int64_t remaining =
          std::chrono::ceil<std::chrono::seconds>(*deadline - now).count();
      wait = std::clamp<int64_t>(remaining, 1, poll);
    }
    absl::StatusOr<ApiResponse> response =
        client.Get(absl::StrCat(RequestPath(id), "?wait=", wait, "s"),
                   std::chrono::seconds(wait + 30));
    if (response.ok() && response->ok() && LooksLikeView(response->json)) {
      view = std::move(response->json);
      local_deadline = SteadyClock::now() +
                       std::chrono::seconds(Int(view, "time_left_seconds"));
      failures = 0;
      backoff = kFirstBackoff;
      continue;
    }
    std::string problem;
    if (!response.ok()) {
      problem = AsStd(response.status().message());
    } else if (response->ok()) {
      problem = "the server's answer is not a request";
    } else if (Retryable(response->status)) {
      problem = FormatApiError(*response);
    } else {
      line.Clear();
      PrintApiError(*response);
      return kExitUsage;
    }
    if (++failures > kMaxRetries) {
      line.Clear();
      PrintError(absl::StrCat(problem, "; gave up after ", kMaxRetries,
                              " retries (request ", id,
                              " is still pending on the server)"));
      return kExitUsage;
    }
    line.Clear();
    line.Forget();
    PrintLine(absl::StrCat("signoff: ", problem, "; retrying in ",
                           backoff.count() >= 1000
                               ? absl::StrCat(backoff.count() / 1000, "s")
                               : absl::StrCat(backoff.count(), "ms")));
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
  line.Clear();
  // With --json the token is on stdout inside the JSON.
  if (json_output) std::printf("%s\n", view.dump(2).c_str());
  return ReportFinal(view, /*print_token=*/!json_output);
}

// The view of a request just submitted, from its decision: every clause
// 0/needed, the whole `expire` left.
json PendingView(const std::string& id, const json& decision) {
  json requirements = json::array();
  for (const json& clause : Arr(decision, "requirements")) {
    json progress = {{"group", Str(clause, "group")},
                     {"needed", Int(clause, "count")},
                     {"have", 0},
                     {"approvers", json::array()},
                     {"satisfiable", true}};
    if (std::string where = Str(clause, "where"); !where.empty()) {
      progress["where"] = where;
    }
    requirements.push_back(std::move(progress));
  }
  absl::StatusOr<int64_t> expire =
      stdlib::ParseDuration(Str(decision, "expire"));
  return {{"id", id},
          {"status", "pending"},
          {"requirements", std::move(requirements)},
          {"votes", json::array()},
          {"rejections", 0},
          {"veto", Int(decision, "veto")},
          {"time_left_seconds", expire.ok() ? *expire : 0}};
}

// --- shared setup -----------------------------------------------------------

// Parses the arguments of a client command; prints the problem and returns
// nullopt on a usage error.
std::optional<Args> ParseClientArgs(const std::vector<std::string>& argv,
                                    Args::Spec spec, std::string_view usage) {
  if (std::string refusal = ApiKeyOnCommandLine(argv); !refusal.empty()) {
    PrintError(refusal);
    return std::nullopt;
  }
  for (const std::string& option : ServerArgOptions()) {
    spec.options.push_back(option);
  }
  absl::StatusOr<Args> args = Args::Parse(argv, spec);
  if (!args.ok()) {
    PrintError(
        absl::StrCat(args.status().message(), "\nusage: ", AsAbsl(usage)));
    return std::nullopt;
  }
  return *std::move(args);
}

std::unique_ptr<ApiClient> Connect(const Args& args) {
  absl::StatusOr<ServerOptions> options = ServerOptionsFromArgs(args);
  if (!options.ok()) {
    PrintError(AsStd(options.status().message()));
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<ApiClient>> client =
      ApiClient::Create(*options);
  if (!client.ok()) {
    PrintError(AsStd(client.status().message()));
    return nullptr;
  }
  return *std::move(client);
}

// --wait and --timeout: nullopt deadline without --timeout. Returns false
// (after printing) when the duration is bad.
bool ParseTimeout(const Args& args, bool* wait,
                  std::optional<SteadyClock::time_point>* deadline,
                  std::string* text) {
  *wait = args.Has("wait");
  std::optional<std::string> timeout = args.Get("timeout");
  if (!timeout) return true;
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(*timeout, &seconds)) {
    absl::StatusOr<int64_t> parsed = stdlib::ParseDuration(*timeout);
    if (!parsed.ok()) {
      PrintError(
          absl::StrCat("--timeout must be a duration like 30s or 10m, "
                       "not `",
                       *timeout, "`"));
      return false;
    }
    seconds = *parsed;
  }
  if (seconds < 0) {
    PrintError("--timeout must not be negative");
    return false;
  }
  *wait = true;  // --timeout bounds a wait, so it implies one
  *deadline = SteadyClock::now() + std::chrono::seconds(seconds);
  *text = stdlib::FormatDuration(seconds);
  return true;
}

// GET /v1/requests/{id} once; prints the problem and returns nullopt (with
// *exit_code set) on failure.
std::optional<json> FetchView(ApiClient& client, const std::string& id,
                              int* exit_code) {
  absl::StatusOr<ApiResponse> response = client.Get(RequestPath(id));
  *exit_code = kExitUsage;
  if (!response.ok()) {
    PrintError(AsStd(response.status().message()));
    return std::nullopt;
  }
  if (!response->ok()) {
    PrintApiError(*response);
    return std::nullopt;
  }
  if (!LooksLikeView(response->json)) {
    PrintError(absl::StrCat("unexpected answer from ", client.options().url,
                            ": not a request"));
    return std::nullopt;
  }
  return std::move(response->json);
}

constexpr std::string_view kRequestUsage =
    "signoff request --server URL --action NAME [--params JSON|@FILE] "
    "[--justification TEXT] [--ticket TEXT] [--wait] [--timeout DURATION]";
constexpr std::string_view kStatusUsage =
    "signoff status ID --server URL [--wait] [--timeout DURATION] [--json]";
constexpr std::string_view kCancelUsage = "signoff cancel ID --server URL";

// POSTs a change (a vote, a cancel) once, never retried; on 200 fills
// `view` and returns kExitOk. Otherwise prints why and returns the exit
// code: 1 for a refusal (403, 409), 2 for anything else.
int PostChange(ApiClient& client, const std::string& path, const json& body,
               json& view) {
  absl::StatusOr<ApiResponse> response = client.Post(path, body);
  if (!response.ok()) {
    PrintError(AsStd(response.status().message()));
    return kExitUsage;
  }
  if (!response->ok()) {
    PrintApiError(*response);
    return response->status == 403 || response->status == 409 ? kExitFailure
                                                              : kExitUsage;
  }
  view = response->json;
  return kExitOk;
}

}  // namespace

int RunRequest(const std::vector<std::string>& argv) {
  std::optional<Args> args = ParseClientArgs(
      argv,
      {.flags = {"wait"},
       .options = {"action", "params", "justification", "ticket", "timeout"}},
      kRequestUsage);
  if (!args) return kExitUsage;
  std::optional<std::string> action = args->Get("action");
  if (!action || action->empty() || !args->positional().empty()) {
    PrintError(absl::StrCat(
        args->positional().empty()
            ? "--action is required"
            : absl::StrCat("unexpected argument `", args->positional()[0], "`"),
        "\nusage: ", AsAbsl(kRequestUsage)));
    return kExitUsage;
  }
  if (args->Get("params") == "@-" && args->Get("api-key-file") == "-") {
    PrintError("--params @- and --api-key-file - cannot both read stdin");
    return kExitUsage;
  }
  json params = json::object();
  if (std::optional<std::string> text = args->Get("params")) {
    std::string source = *text;
    std::string where = "--params";
    if (!source.empty() && source[0] == '@') {
      where = source.substr(1) == "-"
                  ? "standard input"
                  : absl::StrCat("`", source.substr(1), "`");
      absl::StatusOr<std::string> file = ReadInput(source.substr(1));
      if (!file.ok()) {
        PrintError(AsStd(file.status().message()));
        return kExitUsage;
      }
      source = *std::move(file);
    }
    params = json::parse(source, nullptr, /*allow_exceptions=*/false);
    if (params.is_discarded() || !params.is_object()) {
      PrintError(absl::StrCat(
          where,
          " must be a JSON object, e.g. '{\"dataset\": \"customers\"}'"));
      return kExitUsage;
    }
  }
  bool wait = false;
  std::optional<SteadyClock::time_point> deadline;
  std::string timeout_text;
  if (!ParseTimeout(*args, &wait, &deadline, &timeout_text)) return kExitUsage;
  std::unique_ptr<ApiClient> client = Connect(*args);
  if (client == nullptr) return kExitUsage;

  json body = {{"action", *action}, {"params", std::move(params)}};
  json context = json::object();
  if (std::optional<std::string> j = args->Get("justification")) {
    context["justification"] = *j;
  }
  if (std::optional<std::string> t = args->Get("ticket"))
    context["ticket"] = *t;
  if (!context.empty()) body["context"] = std::move(context);

  // Never retried: a second POST would open a second request.
  absl::StatusOr<ApiResponse> submitted = client->Post("/v1/requests", body);
  if (!submitted.ok()) {
    PrintError(AsStd(submitted.status().message()));
    return kExitUsage;
  }
  if (!submitted->ok()) {
    PrintApiError(*submitted);
    return kExitUsage;
  }
  const json& result = submitted->json;
  const std::string id = Str(result, "id");
  const std::string status = Str(result, "status");
  if (id.empty() || status.empty()) {
    PrintError(absl::StrCat("unexpected answer from ", client->options().url,
                            ": not a submitted request"));
    return kExitUsage;
  }
  const json& decision =
      result.contains("decision") ? result["decision"] : json::object();
  if (status == "approved") {
    std::vector<std::string> rules = Strings(Arr(decision, "rules"));
    std::string grant_for = Str(decision, "grant");
    PrintLine(absl::StrCat(
        "approved by policy",
        rules.empty() ? ""
                      : absl::StrCat(" (", absl::StrJoin(rules, ", "), ")"),
        "; single-use grant",
        grant_for.empty() ? "" : absl::StrCat(", valid for ", grant_for)));
    const std::string grant = Str(result, "grant");
    if (grant.empty()) {
      PrintError("the server approved the request but sent no grant");
      return kExitUsage;
    }
    std::printf("%s\n", grant.c_str());
    std::fflush(stdout);
    return kExitOk;
  }
  if (status == "denied") {
    return ReportFinal({{"id", id}, {"status", status}, {"decision", decision}},
                       /*print_token=*/false);
  }
  if (status != "pending") {
    PrintError(
        absl::StrCat("request ", id, " has an unknown status `", status, "`"));
    return kExitUsage;
  }

  for (const std::string& message : Strings(Arr(decision, "messages"))) {
    PrintLine(absl::StrCat("signoff: ", message));
  }
  PrintLine(absl::StrCat("signoff: request ", id, " needs approval",
                         wait ? "; waiting (Ctrl-C stops waiting, the request "
                                "stays pending)"
                              : ""));
  // Nobody has voted yet: the decision says what is needed (no second
  // round trip that could fail after the request exists).
  json view = PendingView(id, decision);
  if (!wait) {
    PrintLine(absl::StrCat("pending: ", Progress(view), "; ",
                           Countdown(Int(view, "time_left_seconds")), " left"));
    PrintLine(absl::StrCat("signoff: wait for it with `signoff status ", id,
                           " --wait`"));
    std::printf("%s\n", id.c_str());
    return kExitPending;
  }
  return WaitFor(*client, id, std::move(view), deadline, timeout_text,
                 /*json_output=*/false);
}

int RunStatus(const std::vector<std::string>& argv) {
  std::optional<Args> args = ParseClientArgs(
      argv, {.flags = {"wait", "json"}, .options = {"timeout"}}, kStatusUsage);
  if (!args) return kExitUsage;
  if (args->positional().size() != 1 || args->positional()[0].empty()) {
    PrintError(absl::StrCat("one request ID is required\nusage: ",
                            AsAbsl(kStatusUsage)));
    return kExitUsage;
  }
  const std::string id = args->positional()[0];
  bool wait = false;
  std::optional<SteadyClock::time_point> deadline;
  std::string timeout_text;
  if (!ParseTimeout(*args, &wait, &deadline, &timeout_text)) return kExitUsage;
  const bool json_output = args->Has("json");
  std::unique_ptr<ApiClient> client = Connect(*args);
  if (client == nullptr) return kExitUsage;
  int exit_code = kExitUsage;
  std::optional<json> view = FetchView(*client, id, &exit_code);
  if (!view) return exit_code;
  PrintLine(absl::StrCat("request ", id, ": ", Summary(*view)));
  if (view->contains("params")) {
    PrintLine(absl::StrCat("  params: ", (*view)["params"].dump()));
  }
  const json& decision =
      view->contains("decision") ? (*view)["decision"] : json::object();
  for (const std::string& message : Strings(Arr(decision, "messages"))) {
    PrintLine(absl::StrCat("  message: ", message));
  }
  if (wait && Str(*view, "status") == "pending") {
    return WaitFor(*client, id, *std::move(view), deadline, timeout_text,
                   json_output);
  }
  if (json_output) std::printf("%s\n", view->dump(2).c_str());
  const int code = ReportFinal(*view, /*print_token=*/!json_output);
  if (code == kExitPending && !json_output) std::printf("%s\n", id.c_str());
  return code;
}

int RunVote(const std::vector<std::string>& argv, std::string_view vote) {
  const std::string usage = absl::StrCat("signoff ", AsAbsl(vote),
                                         " ID --server URL [--comment TEXT]");
  std::optional<Args> args =
      ParseClientArgs(argv, {.options = {"comment"}}, usage);
  if (!args) return kExitUsage;
  if (args->positional().size() != 1 || args->positional()[0].empty()) {
    PrintError(absl::StrCat("one request ID is required\nusage: ", usage));
    return kExitUsage;
  }
  const std::string id = args->positional()[0];
  std::unique_ptr<ApiClient> client = Connect(*args);
  if (client == nullptr) return kExitUsage;
  json body = {{"vote", std::string(vote)}};
  if (std::optional<std::string> comment = args->Get("comment")) {
    body["comment"] = *comment;
  }
  // Not retried: the vote may have been counted before the connection
  // broke (a second one would be refused as a duplicate anyway).
  json view;
  if (int failed = PostChange(*client, absl::StrCat(RequestPath(id), "/votes"),
                              body, view);
      failed != kExitOk) {
    return failed;
  }
  PrintLine(
      absl::StrCat("signoff: ", vote == "approve" ? "approval" : "rejection",
                   " of ", id, " recorded (", Summary(view), ")"));
  const std::string status = Str(view, "status");
  auto resolved = view.is_object() ? view.find("resolved") : view.end();
  if (resolved != view.end() && resolved->is_boolean() &&
      resolved->get<bool>()) {
    PrintLine(absl::StrCat("resolved: ", status));
  } else if (status == "pending") {
    PrintLine(absl::StrCat("pending: ", Progress(view), "; ",
                           Countdown(Int(view, "time_left_seconds")), " left"));
  } else {
    PrintLine(absl::StrCat("status: ", status));
  }
  return kExitOk;
}

int RunCancel(const std::vector<std::string>& argv) {
  std::optional<Args> args = ParseClientArgs(argv, {}, kCancelUsage);
  if (!args) return kExitUsage;
  if (args->positional().size() != 1 || args->positional()[0].empty()) {
    PrintError(absl::StrCat("one request ID is required\nusage: ",
                            AsAbsl(kCancelUsage)));
    return kExitUsage;
  }
  const std::string id = args->positional()[0];
  std::unique_ptr<ApiClient> client = Connect(*args);
  if (client == nullptr) return kExitUsage;
  json view;
  if (int failed = PostChange(*client, absl::StrCat(RequestPath(id), "/cancel"),
                              json::object(), view);
      failed != kExitOk) {
    return failed;
  }
  PrintLine(absl::StrCat("signoff: request ", id, " cancelled (", Summary(view),
                         ")"));
  return kExitOk;
}

}  // namespace signoff::cli
