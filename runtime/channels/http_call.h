// One outgoing HTTP exchange of a channel (Slack Web API, Bot Connector,
// webhooks): the request, its answer, and what the answer means for the
// message (delivery.h Classify). Shared by every channel so that timeouts,
// TCP_NODELAY and URL handling are the same everywhere.
//
// Thread safety: CallHttp opens its own connection; safe from any thread.
#ifndef SIGNOFF_RUNTIME_CHANNELS_HTTP_CALL_H_
#define SIGNOFF_RUNTIME_CHANNELS_HTTP_CALL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signoff::channels {

struct HttpCall {
  std::string method = "POST";  // POST, PUT or GET
  std::string url;              // http(s)://host[:port]/path[?query]
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
  int64_t timeout_ms = 5000;  // connect, write and read, each
};

struct HttpAnswer {
  int status = 0;        // 0: no answer (refused, timed out, bad URL)
  std::string body;      // the answer's body
  std::string error;     // why there is no answer; "" when there is one
  bool bad_url = false;  // the URL cannot be called at all (never will)
  // Retry-After of a 429/503, in seconds; 0 when absent or not a number.
  int64_t retry_after_seconds = 0;
};

// Makes the call. Never throws.
HttpAnswer CallHttp(const HttpCall& call);

// RFC 3986 percent-encoding of every byte but the unreserved characters
// (A-Z a-z 0-9 - . _ ~): safe as one path segment or one form value.
std::string PercentEncode(std::string_view text);

// "scheme://host[:port]" and "/path?query" of `url`; false when `url` has
// no scheme.
bool SplitUrl(const std::string& url, std::string& origin, std::string& path);

}  // namespace signoff::channels

#endif  // SIGNOFF_RUNTIME_CHANNELS_HTTP_CALL_H_
