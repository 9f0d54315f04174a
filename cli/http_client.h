// A small JSON-over-HTTP client for the commands that talk to
// `signoff serve` (RUNTIME.md §7): `signoff request`, `approve`, `reject`,
// `status`, `cancel`.
//
//   absl::StatusOr<ServerOptions> options = ServerOptionsFromArgs(args);
//   absl::StatusOr<std::unique_ptr<ApiClient>> client =
//       ApiClient::Create(*options);
//   absl::StatusOr<ApiResponse> response =
//       (*client)->Post("/v1/requests", body);
//   if (response.ok() && !response->ok()) PrintApiError(*response);
//
// The server URL comes from `--server URL` or $SIGNOFF_SERVER; the API key
// from $SIGNOFF_API_KEY or `--api-key-file FILE` (never from the command
// line: argv is visible to every user in ps). https:// needs cpp-httplib
// built with OpenSSL (Debian's is); the server's certificate is checked
// against the system's CAs, or `--ca-file FILE` / $SIGNOFF_CA_FILE.
//
// Thread safety: an ApiClient is used by one thread at a time.
#ifndef SIGNOFF_CLI_HTTP_CLIENT_H_
#define SIGNOFF_CLI_HTTP_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/cli.h"
#include "nlohmann/json.hpp"

namespace httplib {
class ClientImpl;
}

namespace signoff::cli {

// Where the server is and how to authenticate.
struct ServerOptions {
  std::string url;      // as given, for messages
  std::string scheme;   // "http" or "https"
  std::string host;     // without brackets for IPv6 literals
  int port = 0;         // defaulted from the scheme
  std::string base;     // path prefix without a trailing '/', often ""
  std::string api_key;  // never printed
  std::string ca_file;  // https: CA bundle; "" for the system's
};

// The options every client command accepts, for Args::Spec.
inline const std::vector<std::string>& ServerArgOptions() {
  static const std::vector<std::string> options = {"server", "api-key-file",
                                                   "ca-file"};
  return options;
}

// Parses `http://host[:port][/base]` or `https://...`; a URL without a
// scheme is http. InvalidArgument when it is not one.
absl::StatusOr<ServerOptions> ParseServerUrl(std::string_view url);

// The server and key from the arguments (--server, --api-key-file,
// --ca-file) and the environment ($SIGNOFF_SERVER, $SIGNOFF_API_KEY,
// $SIGNOFF_CA_FILE; an option wins over its variable). InvalidArgument
// saying what is missing or wrong (a usage error for the caller).
absl::StatusOr<ServerOptions> ServerOptionsFromArgs(const Args& args);

// When `argv` tries to pass the API key as a value (`--api-key KEY`,
// `--api-key=KEY`, `--key ...`), the refusal to print; "" otherwise.
std::string ApiKeyOnCommandLine(const std::vector<std::string>& argv);

// One answer of the server.
struct ApiResponse {
  int status = 0;
  std::string body;
  nlohmann::json json;  // the parsed body; discarded when not JSON

  bool ok() const { return status >= 200 && status < 300; }
  // From {"error": {"code", "message"}}; fall back to the HTTP status and
  // body when the body is not such an object.
  std::string ErrorCode() const;
  std::string ErrorMessage() const;
};

// "<status> <code>: <message>", as printed after "signoff: ".
std::string FormatApiError(const ApiResponse& response);
// Prints "signoff: <status> <code>: <message>" to stderr.
void PrintApiError(const ApiResponse& response);

class ApiClient {
 public:
  // InvalidArgument for an https:// server when this build has no TLS.
  static absl::StatusOr<std::unique_ptr<ApiClient>> Create(
      const ServerOptions& options);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // `path` starts with '/' and may carry a query; it is appended to the
  // server's base path. The read timeout bounds the wait for the answer
  // (a long poll needs more than its `wait`). Transport failures (no
  // connection, timeout, TLS) are Unavailable with a message naming the
  // server; any HTTP answer, 4xx and 5xx included, is a response.
  absl::StatusOr<ApiResponse> Get(
      std::string_view path,
      std::chrono::seconds read_timeout = std::chrono::seconds(30));
  absl::StatusOr<ApiResponse> Post(
      std::string_view path, const nlohmann::json& body,
      std::chrono::seconds read_timeout = std::chrono::seconds(30));

  const ServerOptions& options() const { return options_; }

 private:
  explicit ApiClient(ServerOptions options);

  ServerOptions options_;
  std::unique_ptr<httplib::ClientImpl> client_;
};

// Percent-encodes one path segment (a request id from the command line).
std::string EscapePathSegment(std::string_view segment);

}  // namespace signoff::cli

#endif  // SIGNOFF_CLI_HTTP_CLIENT_H_
