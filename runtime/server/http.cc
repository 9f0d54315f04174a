#include "runtime/server/http.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/eval/json_convert.h"
#include "stdlib/absl_compat.h"

namespace signoff::server {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string_view> HttpRequest::Header(
    std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<std::string>> HttpRequest::Query(
    std::string_view name) const {
  std::optional<std::string> found;
  for (const auto& [key, value] : query) {
    if (key != name) continue;
    if (found) {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter `", AsAbsl(name), "` given twice"));
    }
    found = value;
  }
  return found;
}

std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.body = DumpJson(body);
  return response;
}

std::string_view ErrorCodeFor(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 414:
      return "uri_too_long";
    case 415:
      return "unsupported_media_type";
    case 500:
      return "internal";
    case 501:
      return "not_implemented";
    case 503:
      return "unavailable";
    default:
      return "error";
  }
}

HttpResponse ErrorResponse(int status, std::string_view code,
                           std::string_view message) {
  return JsonResponse(
      status,
      {{"error",
        {{"code", std::string(code)}, {"message", std::string(message)}}}});
}

HttpResponse StatusResponse(const absl::Status& status) {
  int http = 500;
  switch (status.code()) {
    case absl::StatusCode::kOk:
      http = 200;
      break;
    case absl::StatusCode::kInvalidArgument:
      http = 400;
      break;
    case absl::StatusCode::kUnauthenticated:
      http = 401;
      break;
    case absl::StatusCode::kPermissionDenied:
      http = 403;
      break;
    case absl::StatusCode::kNotFound:
      http = 404;
      break;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
      http = 409;
      break;
    case absl::StatusCode::kResourceExhausted:
      http = 413;
      break;
    case absl::StatusCode::kUnimplemented:
      http = 501;
      break;
    case absl::StatusCode::kUnavailable:
      http = 503;
      break;
    default:
      return ErrorResponse(500, "internal", "internal error");
  }
  return ErrorResponse(http, ErrorCodeFor(http), AsStd(status.message()));
}

absl::Status OnlyQueryParams(const HttpRequest& request,
                             std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : request.query) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown query parameter `", name, "`"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> ParseJsonObject(
    std::string_view body, std::initializer_list<std::string_view> allowed) {
  // A key twice in one object is refused: parsers downstream (and the
  // audit log's readers) could disagree on which one counts.
  eval::internal::DuplicateKeyFinder duplicates;
  nlohmann::json value = nlohmann::json::parse(
      body,
      [&duplicates](int, nlohmann::json::parse_event_t event,
                    nlohmann::json& parsed) {
        return duplicates.OnEvent(event, parsed);
      },
      /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return absl::InvalidArgumentError("the body is not valid JSON");
  }
  if (!duplicates.duplicates().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the body has ", duplicates.duplicates().front()));
  }
  if (!value.is_object()) {
    return absl::InvalidArgumentError("the body must be a JSON object");
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field `", it.key(), "` (expected ",
                       absl::StrJoin(names, ", "), ")"));
    }
  }
  return value;
}

}  // namespace signoff::server
