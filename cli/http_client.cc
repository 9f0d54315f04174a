#include "cli/http_client.h"

#include <httplib.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "runtime/channels/http_call.h"
#include "stdlib/absl_compat.h"

namespace signoff::cli {
namespace {

using nlohmann::json;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::string DescribeTransportError(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "cannot connect (is `signoff serve` running there?)";
    case httplib::Error::ConnectionTimeout:
      return "the connection timed out";
    case httplib::Error::Read:
      return "no answer (the connection broke or timed out)";
    case httplib::Error::Write:
      return "the request could not be sent";
    case httplib::Error::SSLConnection:
      return "the TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return "cannot load the CA certificates";
    case httplib::Error::SSLServerVerification:
      return "the server's TLS certificate is not trusted";
    default:
      return absl::StrCat("HTTP client error (", httplib::to_string(error),
                          ")");
  }
}

}  // namespace

absl::StatusOr<ServerOptions> ParseServerUrl(std::string_view url) {
  const std::string trimmed(absl::StripAsciiWhitespace(AsAbsl(url)));
  ServerOptions options;
  options.url = trimmed;
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad server URL `", trimmed, "`: ", AsAbsl(why),
                     " (expected http://HOST[:PORT] or https://HOST[:PORT])"));
  };
  std::string_view rest = trimmed;
  if (size_t sep = rest.find("://"); sep != std::string_view::npos) {
    options.scheme = absl::AsciiStrToLower(AsAbsl(rest.substr(0, sep)));
    rest.remove_prefix(sep + 3);
    if (options.scheme != "http" && options.scheme != "https") {
      return bad(absl::StrCat("unsupported scheme `", options.scheme, "`"));
    }
  } else {
    options.scheme = "http";
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return bad("a query or fragment is not allowed");
  }
  if (rest.find_first_of(" \t\r\n") != std::string_view::npos) {
    return bad("it contains whitespace");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return bad(
        "credentials in the URL are not supported (set SIGNOFF_API_KEY "
        "instead)");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed `[`");
    options.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("junk after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("empty port");
    }
  } else {
    size_t colon = authority.rfind(':');
    options.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad("empty port");
    }
  }
  if (options.host.empty()) return bad("no host");
  options.port = options.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    int port = 0;
    if (!absl::SimpleAtoi(AsAbsl(port_text), &port) || port <= 0 ||
        port > 65535) {
      return bad(absl::StrCat("bad port `", AsAbsl(port_text), "`"));
    }
    options.port = port;
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  options.base = std::string(path);
  return options;
}

absl::StatusOr<ServerOptions> ServerOptionsFromArgs(const Args& args) {
  std::string url = args.Get("server").value_or(Env("SIGNOFF_SERVER"));
  if (url.empty()) {
    return absl::InvalidArgumentError(
        "no server: pass --server URL or set SIGNOFF_SERVER");
  }
  absl::StatusOr<ServerOptions> options = ParseServerUrl(url);
  if (!options.ok()) return options.status();

  std::string key;
  if (std::optional<std::string> file = args.Get("api-key-file")) {
    absl::StatusOr<std::string> text = ReadInput(*file);
    if (!text.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read the API key file `", *file, "`"));
    }
    key = std::string(absl::StripAsciiWhitespace(*text));
    if (key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the API key file `", *file, "` is empty"));
    }
  } else {
    key = std::string(absl::StripAsciiWhitespace(Env("SIGNOFF_API_KEY")));
    if (key.empty()) {
      return absl::InvalidArgumentError(
          "no API key: set SIGNOFF_API_KEY or pass --api-key-file FILE");
    }
  }
  for (char c : key) {
    if (std::iscntrl(static_cast<unsigned char>(c)) || c == ' ') {
      return absl::InvalidArgumentError(
          "the API key contains spaces or control characters");
    }
  }
  options->api_key = std::move(key);
  options->ca_file = args.Get("ca-file").value_or(Env("SIGNOFF_CA_FILE"));
  return options;
}

std::string ApiKeyOnCommandLine(const std::vector<std::string>& argv) {
  for (const std::string& arg : argv) {
    if (arg == "--") break;
    if (arg == "--api-key" || arg.rfind("--api-key=", 0) == 0) {
      return "the API key is not taken on the command line (every user "
             "sees it in ps): set SIGNOFF_API_KEY or pass --api-key-file "
             "FILE";
    }
  }
  return "";
}

std::string ApiResponse::ErrorCode() const {
  if (json.is_object()) {
    auto error = json.find("error");
    if (error != json.end() && error->is_object()) {
      auto code = error->find("code");
      if (code != error->end() && code->is_string()) return *code;
    }
  }
  return "error";
}

std::string ApiResponse::ErrorMessage() const {
  if (json.is_object()) {
    auto error = json.find("error");
    if (error != json.end() && error->is_object()) {
      auto message = error->find("message");
      if (message != error->end() && message->is_string()) return *message;
    }
  }
  // Not the server's error object (a proxy's page, say): its first line.
  std::string_view text = AsStd(absl::StripAsciiWhitespace(body));
  text = text.substr(0, text.find('\n'));
  if (text.size() > 200) text = text.substr(0, 200);
  if (text.empty()) return "(no message)";
  return std::string(text);
}

std::string FormatApiError(const ApiResponse& response) {
  return absl::StrCat(response.status, " ", response.ErrorCode(), ": ",
                      response.ErrorMessage());
}

void PrintApiError(const ApiResponse& response) {
  std::fprintf(stderr, "signoff: %s\n", FormatApiError(response).c_str());
}

absl::StatusOr<std::unique_ptr<ApiClient>> ApiClient::Create(
    const ServerOptions& options) {
  std::unique_ptr<ApiClient> client(new ApiClient(options));
  if (options.scheme == "https") {
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    auto tls = std::make_unique<httplib::SSLClient>(options.host, options.port);
    if (!options.ca_file.empty()) {
      std::error_code error;
      if (!std::filesystem::is_regular_file(options.ca_file, error)) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot read the CA file `", options.ca_file, "`"));
      }
      tls->set_ca_cert_path(options.ca_file);
    }
    tls->enable_server_certificate_verification(true);
    client->client_ = std::move(tls);
#else
    return absl::InvalidArgumentError(absl::StrCat(
        "`", options.url,
        "`: this signoff was built without TLS support (cpp-httplib "
        "without OpenSSL); use an http:// URL, e.g. through a local "
        "TLS-terminating proxy"));
#endif
  } else {
    client->client_ =
        std::make_unique<httplib::ClientImpl>(options.host, options.port);
  }
  client->client_->set_connection_timeout(std::chrono::seconds(10));
  client->client_->set_write_timeout(std::chrono::seconds(30));
  client->client_->set_default_headers({
      {"Authorization", absl::StrCat("Bearer ", options.api_key)},
      {"Accept", "application/json"},
      {"User-Agent", absl::StrCat("signoff/", SIGNOFF_VERSION)},
  });
  return client;
}

ApiClient::ApiClient(ServerOptions options) : options_(std::move(options)) {}
ApiClient::~ApiClient() = default;

namespace {

absl::StatusOr<ApiResponse> ToResponse(const ServerOptions& options,
                                       httplib::Result result) {
  if (!result) {
    return absl::UnavailableError(
        absl::StrCat("cannot reach ", options.url, ": ",
                     DescribeTransportError(result.error())));
  }
  ApiResponse response;
  response.status = result->status;
  response.body = std::move(result->body);
  response.json = json::parse(response.body, nullptr, /*allow_exceptions=*/
                              false);
  if (response.json.is_discarded()) response.json = json();
  return response;
}

}  // namespace

absl::StatusOr<ApiResponse> ApiClient::Get(std::string_view path,
                                           std::chrono::seconds read_timeout) {
  client_->set_read_timeout(read_timeout);
  return ToResponse(options_,
                    client_->Get(absl::StrCat(options_.base, AsAbsl(path))));
}

absl::StatusOr<ApiResponse> ApiClient::Post(std::string_view path,
                                            const nlohmann::json& body,
                                            std::chrono::seconds read_timeout) {
  client_->set_read_timeout(read_timeout);
  const std::string text =
      body.dump(-1, ' ', false, json::error_handler_t::replace);
  return ToResponse(
      options_, client_->Post(absl::StrCat(options_.base, AsAbsl(path)), text,
                              "application/json"));
}

std::string EscapePathSegment(std::string_view segment) {
  return channels::PercentEncode(segment);
}

}  // namespace signoff::cli
