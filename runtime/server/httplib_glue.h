// The adapter between cpp-httplib (Debian's 0.11.4) and the server's own
// HttpRequest/HttpResponse. Internal to runtime/server: the only code
// besides server.cc that includes httplib.h.
//
// Request bodies are bounded by `max_body_bytes` twice:
//   - before reading (CheckDeclaredBody, from the pre-routing and the
//     `Expect: 100-continue` hooks): a Content-Length above the limit is
//     413 at once, without reading the body;
//   - while reading (ReadBody): the bytes actually received, chunked
//     bodies included (which httplib 0.11.4 does not bound itself), are
//     counted and reading stops at the limit.
// A response sent without reading the body to its end closes the
// connection (HttpResponse::close_connection), so the unread rest is never
// taken for a next request.
//
// Thread safety: pure functions over their arguments.
#ifndef SIGNOFF_RUNTIME_SERVER_HTTPLIB_GLUE_H_
#define SIGNOFF_RUNTIME_SERVER_HTTPLIB_GLUE_H_

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "runtime/server/http.h"

namespace signoff::server::internal {

// An error response (closing the connection) when the request's declared
// body cannot be accepted: multipart content (415), an invalid
// Content-Length or one together with Transfer-Encoding (400), or a
// Content-Length above `max_body_bytes` (413). A POST, PUT or PATCH with
// neither Content-Length nor Transfer-Encoding has an empty body (RFC 9112
// §6.3); "Content-Length: 0" is added to `request` so that httplib does not
// wait for the connection to close.
std::optional<HttpResponse> CheckDeclaredBody(httplib::Request& request,
                                              int64_t max_body_bytes);

// The body, read to its end. ResourceExhausted when more than
// `max_body_bytes` arrive; InvalidArgument when it cannot be read
// (malformed chunks, the client went away). Past the limit the rest is
// read and dropped up to `max_body_bytes` more, so that a client that
// overshoots a little still reads its 413 on a healthy connection
// (*consumed true); a longer body is abandoned (*consumed false: close).
absl::StatusOr<std::string> ReadBody(const httplib::ContentReader& reader,
                                     int64_t max_body_bytes, bool* consumed);

// Method (HEAD as GET), path, query, headers, peer address and `body`.
HttpRequest ToHttpRequest(const httplib::Request& request, std::string body);

// Writes status, headers and body; with close_connection the connection is
// closed once the body is sent.
void WriteResponse(const HttpResponse& response, httplib::Response& out);

// The JSON error for a status httplib produced by itself (a malformed
// request line, a URI too long, ...), when no handler wrote a response.
HttpResponse LibraryErrorResponse(int status, int64_t max_body_bytes);

}  // namespace signoff::server::internal

#endif  // SIGNOFF_RUNTIME_SERVER_HTTPLIB_GLUE_H_
