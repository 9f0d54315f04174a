#include "runtime/channels/http_call.h"

#include <httplib.h>

#include <charconv>
#include <ctime>

#include "absl/strings/str_cat.h"

namespace signoff::channels {

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

bool SplitUrl(const std::string& url, std::string& origin, std::string& path) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) return false;
  const size_t path_start = url.find('/', scheme_end + 3);
  origin = url.substr(0, path_start);
  path = path_start == std::string::npos ? "/" : url.substr(path_start);
  return origin.size() > scheme_end + 3;
}

HttpAnswer CallHttp(const HttpCall& call) {
  HttpAnswer answer;
  std::string origin;
  std::string path;
  if (!SplitUrl(call.url, origin, path)) {
    answer.bad_url = true;
    answer.error = absl::StrCat("not a URL: ", call.url);
    return answer;
  }
  httplib::Client client(origin);
  if (!client.is_valid()) {
    answer.bad_url = true;
    answer.error = absl::StrCat("unsupported URL: ", call.url);
    return answer;
  }
  const time_t seconds = static_cast<time_t>(call.timeout_ms / 1000);
  const time_t micros = static_cast<time_t>((call.timeout_ms % 1000) * 1000);
  client.set_connection_timeout(seconds, micros);
  client.set_read_timeout(seconds, micros);
  client.set_write_timeout(seconds, micros);
  client.set_tcp_nodelay(true);
  httplib::Headers headers = {{"User-Agent", "signoff"}};
  for (const auto& [name, value] : call.headers) headers.emplace(name, value);
  if (call.method != "GET" && call.method != "PUT" && call.method != "POST") {
    answer.bad_url = true;
    answer.error = absl::StrCat("unsupported method ", call.method);
    return answer;
  }
  httplib::Result result =
      call.method == "GET"   ? client.Get(path.c_str(), headers)
      : call.method == "PUT" ? client.Put(path.c_str(), headers, call.body,
                                          call.content_type.c_str())
                             : client.Post(path.c_str(), headers, call.body,
                                           call.content_type.c_str());
  if (!result) {
    answer.error = httplib::to_string(result.error());
    return answer;
  }
  answer.status = result->status;
  answer.body = result->body;
  const std::string retry_after = result->get_header_value("Retry-After");
  int64_t value = 0;
  auto [end, ec] = std::from_chars(
      retry_after.data(), retry_after.data() + retry_after.size(), value);
  if (ec == std::errc() && end == retry_after.data() + retry_after.size() &&
      value > 0) {
    answer.retry_after_seconds = value;
  }
  return answer;
}

}  // namespace signoff::channels
