#include "runtime/server/httplib_glue.h"

#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace signoff::server::internal {
namespace {

HttpResponse Closing(int status, std::string_view message) {
  HttpResponse response = ErrorResponse(status, ErrorCodeFor(status), message);
  response.close_connection = true;
  return response;
}

std::string TooLarge(int64_t max_body_bytes) {
  return absl::StrCat("the request body is larger than ", max_body_bytes,
                      " bytes (`max_body_bytes`)");
}

}  // namespace

std::optional<HttpResponse> CheckDeclaredBody(httplib::Request& request,
                                              int64_t max_body_bytes) {
  std::string type =
      absl::AsciiStrToLower(request.get_header_value("Content-Type"));
  if (type.rfind("multipart/", 0) == 0) {
    return Closing(415, "multipart bodies are not accepted; send JSON");
  }
  bool chunked = request.has_header("Transfer-Encoding");
  if (request.has_header("Content-Length")) {
    if (chunked) {
      return Closing(400,
                     "a request may not have both Content-Length and "
                     "Transfer-Encoding");
    }
    std::string text = request.get_header_value("Content-Length");
    uint64_t length = 0;
    if (text.empty() ||
        text.find_first_not_of("0123456789") != std::string::npos ||
        !absl::SimpleAtoi(text, &length)) {
      return Closing(400, absl::StrCat("invalid Content-Length `", text, "`"));
    }
    if (length > static_cast<uint64_t>(max_body_bytes)) {
      return Closing(413, TooLarge(max_body_bytes));
    }
  } else if (!chunked && (request.method == "POST" || request.method == "PUT" ||
                          request.method == "PATCH")) {
    request.set_header("Content-Length", "0");
  }
  return std::nullopt;
}

absl::StatusOr<std::string> ReadBody(const httplib::ContentReader& reader,
                                     int64_t max_body_bytes, bool* consumed) {
  const size_t max = static_cast<size_t>(max_body_bytes);
  std::string body;
  size_t dropped = 0;
  bool ok = reader([&](const char* data, size_t length) {
    if (dropped > 0 || body.size() + length > max) {
      dropped += length;
      return dropped <= max;
    }
    body.append(data, length);
    return true;
  });
  *consumed = ok;
  if (dropped > 0) {
    return absl::ResourceExhaustedError(TooLarge(max_body_bytes));
  }
  if (!ok) {
    return absl::InvalidArgumentError("the request body could not be read");
  }
  return body;
}

HttpRequest ToHttpRequest(const httplib::Request& request, std::string body) {
  HttpRequest out;
  out.method = request.method == "HEAD" ? "GET" : request.method;
  out.path = request.path;
  for (const auto& [name, value] : request.params) {
    out.query.emplace_back(name, value);
  }
  for (const auto& [name, value] : request.headers) {
    out.headers.emplace_back(name, value);
  }
  out.body = std::move(body);
  out.peer_ip = request.remote_addr;
  return out;
}

void WriteResponse(const HttpResponse& response, httplib::Response& out) {
  out.status = response.status;
  for (const auto& [name, value] : response.headers) {
    out.set_header(name.c_str(), value);
  }
  if (!response.close_connection || response.body.empty()) {
    out.set_content(response.body, response.content_type.c_str());
    if (response.close_connection) out.set_header("Connection", "close");
    return;
  }
  // httplib 0.11.4 has no way for a handler to close the connection, but
  // it closes it when a content provider reports failure. This one writes
  // the whole body first, so the client gets a complete response.
  out.set_header("Connection", "close");
  auto body = std::make_shared<const std::string>(response.body);
  out.set_content_provider(
      body->size(), response.content_type.c_str(),
      [body](size_t offset, size_t length, httplib::DataSink& sink) {
        sink.write(body->data() + offset, length);
        return false;
      });
}

HttpResponse LibraryErrorResponse(int status, int64_t max_body_bytes) {
  std::string message;
  switch (status) {
    case 400:
      message = "malformed HTTP request";
      break;
    case 404:
      message = "no such endpoint";
      break;
    case 413:
      message = TooLarge(max_body_bytes);
      break;
    case 414:
      message = "the request URI is too long";
      break;
    case 415:
      message = "unsupported content encoding";
      break;
    default:
      message = absl::StrCat("HTTP error ", status);
  }
  return ErrorResponse(status, ErrorCodeFor(status), message);
}

}  // namespace signoff::server::internal
