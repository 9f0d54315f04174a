// HTTP servers on 127.0.0.1 for tests that play the other side of an HTTP
// conversation (Slack, Teams, a webhook receiver) on cpp-httplib.
//
// LoopbackServer: routes the test registers, an ephemeral port, a thread.
//
//   LoopbackServer fake;
//   fake.server().Post("/hook", [](const httplib::Request& req,
//                                  httplib::Response& res) { ... });
//   ASSERT_TRUE(fake.Start());
//   PostWebhook(fake.url("/hook"), ...);
//   // fake.Stop(), or its destructor
//
// RecordingServer: answers every request with a handler the test chooses
// (200 "{}" until it chooses one) and records each request as it arrives.
//
//   RecordingServer fake;
//   fake.SetHandler([](const RecordedRequest& request) {
//     return RecordingServer::Answer{503, "busy"};
//   });
//   ...
//   std::optional<RecordedRequest> hook = fake.WaitFor(
//       [](const RecordedRequest& request) { return request.path == "/h"; });
//
// Also: WaitUntil (polls a condition) and RefusingLoopbackPort (a port on
// which connections are refused).
//
// Header-only: test binaries link signoff_httplib and nlohmann_json.
#ifndef SIGNOFF_TESTS_TESTING_LOOPBACK_SERVER_H_
#define SIGNOFF_TESTS_TESTING_LOOPBACK_SERVER_H_

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace signoff::testing {

// Polls `done` every 20 ms until it holds or `timeout` passes; its last
// answer.
inline bool WaitUntil(
    const std::function<bool()>& done,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(15000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// A port of 127.0.0.1 on which connections are refused: bound by a socket
// that never listens. The socket stays open, so the port stays reserved and
// keeps refusing until the test binary exits. 1 (where, as a rule, nothing
// listens either) when no socket could be bound.
inline int RefusingLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // the kernel picks a free one
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return 1;
  }
  return ntohs(address.sin_port);  // fd deliberately left open
}

// An httplib::Server on an ephemeral port of 127.0.0.1, serving from its own
// thread between Start() and Stop().
//
// Register routes (and settings) on server() before Start(). Handlers run on
// httplib's worker threads: what they touch must outlive the server, so a
// class holding a LoopbackServer declares it after the members its handlers
// use (it is then destroyed, and stopped, first) or calls Stop() in its
// destructor.
class LoopbackServer {
 public:
  // `threads` workers serve connections (0: httplib's default, at least 8).
  // A client keeping connections alive holds a worker for each.
  explicit LoopbackServer(int threads = 0) {
    if (threads > 0) {
      server_.new_task_queue = [threads] {
        return new httplib::ThreadPool(threads);
      };
    }
    server_.set_tcp_nodelay(true);
  }
  ~LoopbackServer() { Stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // For registering routes before Start().
  httplib::Server& server() { return server_; }

  // Binds an ephemeral port of 127.0.0.1 and serves it from a thread;
  // returns once the server accepts connections. False (and port() -1) when
  // no port could be bound or serving failed; once only.
  [[nodiscard]] bool Start() {
    if (thread_.joinable() || port_ > 0) return false;
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) {
      port_ = -1;
      return false;
    }
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      listen_returned_ = true;
    });
    while (!server_.is_running() && !listen_returned_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (listen_returned_) port_ = -1;
    return port_ > 0;
  }

  // Stops serving and waits for the thread; requests being handled finish
  // first. Idempotent, and harmless without Start().
  void Stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }

  // The bound port; -1 before Start() or when it failed.
  int port() const { return port_; }
  // "http://127.0.0.1:<port>" followed by `path` (which starts with '/').
  std::string url(std::string_view path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

 private:
  httplib::Server server_;
  int port_ = -1;
  std::atomic<bool> listen_returned_{false};
  std::thread thread_;
};

// One request a RecordingServer received, and how it was answered.
struct RecordedRequest {
  int64_t at_ms = 0;  // unix ms when it arrived
  std::string method;
  std::string path;    // as httplib routes it: percent-decoded, no query
  std::string target;  // as sent: still percent-encoded, with the query
  httplib::Headers headers;
  std::string body;
  int status = 0;      // the answer's status; 0 while the handler runs
  std::string answer;  // the answer's body

  // The value of header `name` (case-insensitive); "" when absent.
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  // The body as JSON; discarded (is_discarded()) when it is not JSON.
  nlohmann::json Json() const {
    return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  }
};

// A LoopbackServer answering every GET, POST, PUT, PATCH and DELETE with the
// handler the test sets, recording each request before the handler runs (so
// a test sees a request its handler still holds, with status 0). Serves
// from construction to destruction.
class RecordingServer {
 public:
  struct Answer {
    int status = 200;
    std::string body = "{}";
    std::string content_type = "application/json";
  };
  // Runs on a worker thread, possibly after the test's locals are gone:
  // state it shares with the test belongs in a shared_ptr.
  using Handler = std::function<Answer(const RecordedRequest&)>;

  // Enough workers by default for every connection a server under test may
  // hold open.
  explicit RecordingServer(int threads = 32) : server_(threads) {
    auto handle = [this](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res);
    };
    httplib::Server& routes = server_.server();
    routes.Get(".*", handle);
    routes.Post(".*", handle);
    routes.Put(".*", handle);
    routes.Patch(".*", handle);
    routes.Delete(".*", handle);
    started_ = server_.Start();
  }
  RecordingServer(const RecordingServer&) = delete;
  RecordingServer& operator=(const RecordingServer&) = delete;

  // Whether it serves (see LoopbackServer::Start()).
  bool started() const { return started_; }
  int port() const { return server_.port(); }
  std::string url(std::string_view path = "") const {
    return server_.url(path);
  }

  // Answers the requests from now on (null: 200 "{}").
  void SetHandler(Handler handler) {
    std::lock_guard lock(mu_);
    handler_ = std::move(handler);
  }

  // Every request so far, in arrival order (a copy).
  std::vector<RecordedRequest> Requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // The requests so far for which `match` holds.
  std::vector<RecordedRequest> Requests(
      const std::function<bool(const RecordedRequest&)>& match) const {
    std::vector<RecordedRequest> all = Requests();
    std::vector<RecordedRequest> out;
    for (RecordedRequest& request : all) {
      if (match(request)) out.push_back(std::move(request));
    }
    return out;
  }
  // Waits (WaitUntil) for a request matching `match`; the first one, or
  // nullopt after `timeout`.
  std::optional<RecordedRequest> WaitFor(
      const std::function<bool(const RecordedRequest&)>& match,
      std::chrono::milliseconds timeout =
          std::chrono::milliseconds(15000)) const {
    std::optional<RecordedRequest> found;
    WaitUntil(
        [&] {
          std::vector<RecordedRequest> matching = Requests(match);
          if (matching.empty()) return false;
          found = std::move(matching.front());
          return true;
        },
        timeout);
    return found;
  }

 private:
  static int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  void Handle(const httplib::Request& req, httplib::Response& res) {
    RecordedRequest request;
    request.at_ms = NowMs();
    request.method = req.method;
    request.path = req.path;
    request.target = req.target;
    request.headers = req.headers;
    request.body = req.body;
    Handler handler;
    size_t index = 0;
    {
      std::lock_guard lock(mu_);
      index = requests_.size();
      requests_.push_back(request);
      handler = handler_;
    }
    const Answer answer = handler ? handler(request) : Answer();
    {
      std::lock_guard lock(mu_);
      requests_[index].status = answer.status;
      requests_[index].answer = answer.body;
    }
    res.status = answer.status;
    res.set_content(answer.body, answer.content_type.c_str());
  }

  mutable std::mutex mu_;
  Handler handler_;                        // guarded by mu_
  std::vector<RecordedRequest> requests_;  // guarded by mu_
  bool started_ = false;
  // Last: destroyed (and so stopped) before what its handler uses.
  LoopbackServer server_;
};

}  // namespace signoff::testing

#endif  // SIGNOFF_TESTS_TESTING_LOOPBACK_SERVER_H_
