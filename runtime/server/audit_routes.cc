// GET /v1/audit and GET /v1/audit/verify (RUNTIME.md §4, §7).
#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "runtime/audit/checkpoint.h"
#include "runtime/audit/entry.h"
#include "runtime/audit/verifier.h"
#include "runtime/server/routes.h"
#include "stdlib/absl_compat.h"

namespace signoff::server {
namespace {

constexpr int64_t kDefaultLimit = 100;
constexpr int64_t kMaxLimit = 1000;

// The integer query parameter `name` (>= `min`), or `fallback` when absent.
absl::StatusOr<int64_t> IntQuery(const HttpRequest& request,
                                 std::string_view name, int64_t min,
                                 int64_t fallback) {
  absl::StatusOr<std::optional<std::string>> text = request.Query(name);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return fallback;
  int64_t value = 0;
  if (!absl::SimpleAtoi(**text, &value) || value < min) {
    return absl::InvalidArgumentError(
        absl::StrCat("`", AsAbsl(name), "` must be an integer >= ", min,
                     ", not `", **text, "`"));
  }
  return value;
}

HttpResponse ListAudit(ServerContext& context, const HttpRequest& request) {
  if (absl::Status s = OnlyQueryParams(request, {"after", "limit"}); !s.ok()) {
    return StatusResponse(s);
  }
  absl::StatusOr<int64_t> after = IntQuery(request, "after", 0, 0);
  if (!after.ok()) return StatusResponse(after.status());
  absl::StatusOr<int64_t> limit = IntQuery(request, "limit", 1, kDefaultLimit);
  if (!limit.ok()) return StatusResponse(limit.status());
  absl::StatusOr<std::vector<audit::AuditEntry>> entries =
      context.store().ListAudit(*after, std::min(*limit, kMaxLimit));
  if (!entries.ok()) return StatusResponse(entries.status());
  nlohmann::json list = nlohmann::json::array();
  for (const audit::AuditEntry& entry : *entries) {
    list.push_back(audit::EntryToJson(entry));
  }
  int64_t next = entries->empty() ? *after : entries->back().seq;
  return JsonResponse(200,
                      {{"entries", std::move(list)}, {"next_after", next}});
}

HttpResponse VerifyAudit(ServerContext& context, const HttpRequest& request) {
  if (absl::Status s = OnlyQueryParams(request, {}); !s.ok()) {
    return StatusResponse(s);
  }
  absl::StatusOr<audit::VerifyResult> result = context.store().VerifyAudit(
      audit::SingleKeyLookup(context.signing_key().public_key()));
  if (!result.ok()) return StatusResponse(result.status());
  return JsonResponse(200, audit::VerifyResultToJson(*result));
}

}  // namespace

std::vector<Route> AuditRoutes(ServerContext& context) {
  std::vector<Route> routes;
  routes.push_back({"GET", "/v1/audit", Access::kAuditor,
                    [&context](const HttpRequest& request) {
                      return ListAudit(context, request);
                    }});
  routes.push_back({"GET", "/v1/audit/verify", Access::kAuditor,
                    [&context](const HttpRequest& request) {
                      return VerifyAudit(context, request);
                    }});
  return routes;
}

}  // namespace signoff::server
