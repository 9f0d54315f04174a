#include "runtime/server/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <csignal>
#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/server/dispatch.h"
#include "runtime/server/httplib_glue.h"
#include "runtime/server/routes.h"
#include "stdlib/absl_compat.h"

namespace signoff::server {
namespace {

std::string Describe(const ServingState& state) {
  return absl::StrCat("policy ", state.digest, " (",
                      AsAbsl(BackendName(state.engine->backend())), ")");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(config::Config config) {
  return Start(std::move(config), Options());
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(config::Config config,
                                                      Options options) {
  std::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<Server> server(new Server());
  absl::StatusOr<std::unique_ptr<ServerContext>> context =
      ServerContext::Create(std::move(config), options.context);
  if (!context.ok()) return context.status();
  server->context_ = *std::move(context);
  ServerContext& ctx = *server->context_;
  for (std::vector<Route> group : {CoreRoutes(ctx), AuditRoutes(ctx),
                                   ApprovalRoutes(ctx), ChannelRoutes(ctx)}) {
    for (Route& route : group) server->router_.Add(std::move(route));
  }
  if (options.routes) {
    for (Route& route : options.routes(ctx)) {
      server->router_.Add(std::move(route));
    }
  }
  if (absl::Status s = server->Bind(options); !s.ok()) return s;
  // Recorded before the first request can be decided with it.
  if (absl::Status s = ctx.AuditStart(); !s.ok()) return s;
  // Undelivered messages of a previous run go out first.
  if (absl::Status s = ctx.StartChannels(); !s.ok()) return s;
  server->Run();

  std::shared_ptr<const ServingState> state = ctx.state();
  ctx.Log(absl::StrCat("serving on ", server->address(), ": ", Describe(*state),
                       ", ", state->api_keys.size(), " API keys, ",
                       ctx.config().threads, " threads"));
  for (const std::string& warning : state->warnings) {
    ctx.Log(absl::StrCat("warning: ", warning));
  }
  // Expiries of pending requests and unused grants, from the stored
  // deadlines (so those due while the server was down expire now).
  server->expirer_ =
      std::make_unique<approvals::ApprovalService::Runner>(ctx.approvals());
  if (ctx.config().checkpoint_interval_seconds > 0) {
    server->checkpointer_ =
        std::thread([s = server.get()] { s->CheckpointLoop(); });
  }
  return server;
}

absl::Status Server::Bind(const Options& options) {
  const config::Config& config = context_->config();
  const int64_t max_body = config.max_body_bytes;
  http_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *http_;
  const int threads = config.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_keep_alive_max_count(100000);
  http.set_keep_alive_timeout(options.keep_alive_timeout_seconds);
  http.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which would let a second
  // server bind the same port and silently take half of the connections.
  int listen_fd = -1;
  http.set_socket_options([&listen_fd](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = sock;  // the last socket tried is the one bound
  });
  http.set_payload_max_length(static_cast<size_t>(max_body));

  constexpr auto Handled = httplib::Server::HandlerResponse::Handled;
  constexpr auto Unhandled = httplib::Server::HandlerResponse::Unhandled;
  http.set_pre_routing_handler(
      [max_body](const httplib::Request& req, httplib::Response& res) {
        // The request object is ours to adjust before routing (see
        // CheckDeclaredBody); httplib hands it over as const.
        auto& mutable_req = const_cast<httplib::Request&>(req);
        if (auto error = internal::CheckDeclaredBody(mutable_req, max_body)) {
          internal::WriteResponse(*error, res);
          return Handled;
        }
        return Unhandled;
      });
  http.set_expect_100_continue_handler(
      [max_body](const httplib::Request& req, httplib::Response& res) {
        auto& mutable_req = const_cast<httplib::Request&>(req);
        if (auto error = internal::CheckDeclaredBody(mutable_req, max_body)) {
          internal::WriteResponse(*error, res);
          return error->status;
        }
        return 100;
      });
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [max_body](const httplib::Request&, httplib::Response& res) {
        if (res.has_header("Content-Type")) return Unhandled;  // ours
        internal::WriteResponse(
            internal::LibraryErrorResponse(res.status, max_body), res);
        return Handled;
      }));
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        internal::WriteResponse(
            ErrorResponse(500, "internal", "internal error"), res);
      });
  ServerMetrics& metrics = context_->metrics();
  http.set_logger(
      [&metrics](const httplib::Request&, const httplib::Response& res) {
        metrics.HttpResponses(res.status).Increment();
      });

  auto plain = [this](const httplib::Request& req, httplib::Response& res) {
    Handle(req, res, nullptr);
  };
  auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) {
    Handle(req, res, &reader);
  };
  // Every method and path reaches Handle, which routes with the Router
  // (so unknown paths and methods get the JSON 404/405).
  const std::string any = ".*";
  http.Get(any, plain);
  http.Options(any, plain);
  http.Delete(any, plain);
  http.Post(any, with_body);
  http.Put(any, with_body);
  http.Patch(any, with_body);
  http.Delete(any, with_body);

  const config::ListenAddress& listen = config.listen;
  if (listen.port == 0) {
    port_ = http.bind_to_any_port(listen.host);
  } else {
    port_ = http.bind_to_port(listen.host, listen.port) ? listen.port : -1;
  }
  if (port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config::FormatListenAddress(listen),
                     " (address in use, or not an address of this host)"));
  }
  // Debian's httplib listens with a backlog of 5: a burst of connections
  // (64 clients starting at once) overflows it and the kernel drops
  // established connections. Listening again only raises the backlog.
  if (listen_fd >= 0) ::listen(listen_fd, SOMAXCONN);
  return absl::OkStatus();
}

void Server::Run() {
  httplib::Server& http = *http_;
  listener_ = std::thread([&http] { http.listen_after_bind(); });
  // stop() before the loop runs would be lost: wait until it runs (the
  // first thing listen_after_bind does).
  while (!http.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  started_ = true;
}

void Server::Handle(const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader* reader) {
  std::string body;
  if (reader != nullptr) {
    bool consumed = false;
    absl::StatusOr<std::string> read = internal::ReadBody(
        *reader, context_->config().max_body_bytes, &consumed);
    if (!read.ok()) {
      HttpResponse error = StatusResponse(read.status());
      error.close_connection = !consumed;
      internal::WriteResponse(error, res);
      return;
    }
    body = *std::move(read);
  }
  HttpRequest request = internal::ToHttpRequest(req, std::move(body));
  internal::WriteResponse(Dispatch(router_, *context_, request), res);
}

void Server::CheckpointLoop() {
  const auto interval =
      std::chrono::seconds(context_->config().checkpoint_interval_seconds);
  std::unique_lock lock(stop_mu_);
  while (!stop_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    absl::StatusOr<std::optional<audit::Checkpoint>> checkpoint =
        context_->Checkpoint();
    if (!checkpoint.ok()) {
      context_->Log(absl::StrCat("audit checkpoint failed: ",
                                 checkpoint.status().message()));
    }
    lock.lock();
  }
}

void Server::Stop() {
  if (!started_) return;  // Start failed before serving
  {
    std::lock_guard lock(stop_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  // Long-polls answer at once, so the workers can finish.
  context_->approvals().StopWaits();
  if (http_ != nullptr) http_->stop();
  if (listener_.joinable()) listener_.join();
  if (expirer_ != nullptr) expirer_->Stop();
  // After the last change that could enqueue; an attempt in flight ends
  // within its timeouts.
  context_->StopChannels();
  absl::StatusOr<std::optional<audit::Checkpoint>> checkpoint =
      context_->Checkpoint();
  if (!checkpoint.ok()) {
    context_->Log(absl::StrCat("stopped; audit checkpoint failed: ",
                               checkpoint.status().message()));
  } else if (!checkpoint->has_value()) {
    context_->Log("stopped; the audit log is empty");
  } else {
    context_->Log(absl::StrCat("stopped; audit checkpoint at entry ",
                               (*checkpoint)->seq));
  }
}

Server::~Server() { Stop(); }

absl::Status Server::Reload(std::string_view actor, std::string_view trigger) {
  std::string previous = context_->state()->digest;
  absl::StatusOr<std::shared_ptr<const ServingState>> state =
      context_->Reload(actor, trigger);
  if (!state.ok()) {
    context_->Log(absl::StrCat("reload (", AsAbsl(trigger),
                               ") refused; still serving ", previous, ": ",
                               state.status().message()));
    return state.status();
  }
  context_->Log(
      absl::StrCat("reloaded (", AsAbsl(trigger), "): ", Describe(**state)));
  for (const std::string& warning : (*state)->warnings) {
    context_->Log(absl::StrCat("warning: ", warning));
  }
  return absl::OkStatus();
}

std::string Server::address() const {
  config::ListenAddress bound = context_->config().listen;
  bound.port = port_;
  return config::FormatListenAddress(bound);
}

}  // namespace signoff::server
