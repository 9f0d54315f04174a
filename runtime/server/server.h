// `signoff serve`: the runtime's HTTP server (RUNTIME.md §7) on
// cpp-httplib.
//
//   absl::StatusOr<config::Config> config = config::LoadConfigFile(path);
//   absl::StatusOr<std::unique_ptr<server::Server>> server =
//       server::Server::Start(*config);
//   ... (*server)->Reload("runtime", "sighup");   // on SIGHUP
//   (*server)->Stop();                            // on SIGTERM
//
// Start opens the context (ServerContext::Create: key, store, secrets,
// policy set and directory), builds the route table (routes.h, then
// Options::routes), binds `listen` (port 0: any free port, see port()) and
// serves from `threads` worker threads. Each worker serves one connection
// at a time, keep-alive included, so `threads` bounds the connections
// served at once; further connections wait for a free worker. Responses
// carry `Connection: keep-alive` unless the client asks otherwise; an idle
// connection is closed after Options::keep_alive_timeout_seconds.
//
// Every `checkpoint_interval` a background thread signs a checkpoint of the
// audit head (when it moved); another expires pending requests and unused
// grants whose deadline passed (ApprovalService::Runner, every 200 ms).
// Stop is graceful: it stops accepting, answers long-polls at once, lets
// the requests in flight finish (idle keep-alive connections are closed
// within keep_alive_timeout_seconds), then writes a final checkpoint.
//
// The process should ignore SIGPIPE (a client that hangs up mid-response
// must not kill the server): Start sets SIGPIPE to SIG_IGN.
//
// Thread safety: Reload, port, address and context are thread-safe; Stop
// may be called from any thread, more than once (later calls do nothing),
// but not concurrently with the destructor.
#ifndef SIGNOFF_RUNTIME_SERVER_SERVER_H_
#define SIGNOFF_RUNTIME_SERVER_SERVER_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/config/config.h"
#include "runtime/server/context.h"
#include "runtime/server/http.h"
#include "runtime/server/router.h"

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

namespace signoff::server {

class Server {
 public:
  struct Options {
    ServerContext::Options context;
    // Routes added to the built-in ones or replacing them (same method and
    // pattern): how the approval workflow plugs in. Called once, after the
    // context exists and before the server listens.
    std::function<std::vector<Route>(ServerContext& context)> routes;
    int keep_alive_timeout_seconds = 5;
  };

  // Errors: those of ServerContext::Create (InvalidArgument: errors in the
  // policy), or Unavailable when `listen` cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(config::Config config,
                                                       Options options);
  static absl::StatusOr<std::unique_ptr<Server>> Start(config::Config config);

  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // See the file comment. Logs "stopped; audit checkpoint at entry N".
  void Stop();

  // ServerContext::Reload, logged: "reloaded (TRIGGER): policy sha256:..."
  // or "reload (TRIGGER) refused; still serving sha256:...: why".
  absl::Status Reload(std::string_view actor, std::string_view trigger);

  // The bound port (the real one when `listen` asked for port 0).
  int port() const { return port_; }
  // "host:port" as bound.
  std::string address() const;
  ServerContext& context() { return *context_; }
  const Router& router() const { return router_; }

 private:
  Server() = default;
  absl::Status Bind(const Options& options);  // configures and binds
  void Run();                                 // starts the listener thread
  void Handle(const httplib::Request& request, httplib::Response& response,
              const httplib::ContentReader* reader);
  void CheckpointLoop();

  std::unique_ptr<ServerContext> context_;
  Router router_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
  bool started_ = false;  // the listener ran: Stop has work to do
  std::thread listener_;
  std::thread checkpointer_;
  std::unique_ptr<approvals::ApprovalService::Runner> expirer_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
};

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_SERVER_H_
