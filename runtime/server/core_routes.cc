// POST /v1/decide, GET /v1/keys, POST /v1/admin/reload, GET /healthz,
// GET /metrics.
#include <chrono>
#include <string>

#include "absl/strings/str_cat.h"
#include "compiler/eval/decision.h"
#include "runtime/grants/jwks.h"
#include "runtime/server/routes.h"
#include "stdlib/absl_compat.h"

namespace signoff::server {
namespace {

absl::StatusOr<bool> BoolQuery(const HttpRequest& request,
                               std::string_view name) {
  absl::StatusOr<std::optional<std::string>> value = request.Query(name);
  if (!value.ok()) return value.status();
  if (!value->has_value() || **value == "false" || **value == "0") {
    return false;
  }
  if (**value == "" || **value == "true" || **value == "1") return true;
  return absl::InvalidArgumentError(absl::StrCat(
      "`", AsAbsl(name), "` must be true or false, not `", **value, "`"));
}

HttpResponse Decide(ServerContext& context, const HttpRequest& request) {
  if (absl::Status s = OnlyQueryParams(request, {"explain"}); !s.ok()) {
    return StatusResponse(s);
  }
  absl::StatusOr<bool> explain = BoolQuery(request, "explain");
  if (!explain.ok()) return StatusResponse(explain.status());

  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<eval::Decision> decision =
      request.state->engine->Decide(request.body, *explain);
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  if (absl::IsInvalidArgument(decision.status())) {
    return ErrorResponse(400, "bad_request", "the body is not valid JSON");
  }
  if (!decision.ok()) return StatusResponse(decision.status());
  if (decision->invalid_request) {
    // Shape problems of the body itself are the client's error (400), not
    // a decision; only then is the body parsed a second time.
    absl::StatusOr<nlohmann::json> shape = ParseJsonObject(
        request.body, {"action", "params", "requester", "context"});
    if (!shape.ok()) return StatusResponse(shape.status());
  }
  context.metrics().decision_seconds.Observe(elapsed.count());
  context.metrics().Decisions(decision->kind).Increment();
  HttpResponse response;
  response.body = eval::DecisionToJson(*decision, *explain, /*pretty=*/false);
  return response;
}

HttpResponse Reload(ServerContext& context, const HttpRequest& request) {
  if (!request.body.empty() &&
      request.body.find_first_not_of(" \t\r\n{}") != std::string::npos) {
    return ErrorResponse(400, "bad_request",
                         "POST /v1/admin/reload takes no body (or {})");
  }
  std::string previous = request.state->digest;
  absl::StatusOr<std::shared_ptr<const ServingState>> state =
      context.Reload(request.identity->id, "api");
  if (!state.ok()) {
    context.Log(absl::StrCat("reload by ", request.identity->id,
                             " refused; still serving ", previous, ": ",
                             state.status().message()));
    int status = absl::IsInternal(state.status()) ? 500 : 409;
    return ErrorResponse(
        status, ErrorCodeFor(status),
        absl::StrCat("reload refused, still serving ", previous, ": ",
                     state.status().message()));
  }
  context.Log(absl::StrCat(
      "reloaded by ", request.identity->id, ": policy ", (*state)->digest, " (",
      AsAbsl(BackendName((*state)->engine->backend())), ")"));
  return JsonResponse(
      200, {{"ok", true},
            {"policy", (*state)->digest},
            {"previous", previous},
            {"backend", std::string(BackendName((*state)->engine->backend()))},
            {"warnings", (*state)->warnings}});
}

}  // namespace

std::vector<Route> CoreRoutes(ServerContext& context) {
  std::vector<Route> routes;
  routes.push_back({"POST", "/v1/decide", Access::kAuthenticated,
                    [&context](const HttpRequest& request) {
                      return Decide(context, request);
                    }});
  routes.push_back({"GET", "/v1/keys", Access::kAuthenticated,
                    [&context](const HttpRequest& request) {
                      HttpResponse response;
                      response.body =
                          grants::KeysJson({&context.signing_key()});
                      return response;
                    }});
  routes.push_back({"POST", "/v1/admin/reload", Access::kAdmin,
                    [&context](const HttpRequest& request) {
                      return Reload(context, request);
                    }});
  routes.push_back(
      {"GET", "/healthz", Access::kPublic, [](const HttpRequest& request) {
         return JsonResponse(
             200, {{"status", "ok"}, {"policy", request.state->digest}});
       }});
  routes.push_back(
      {"GET", "/metrics", Access::kPublic, [&context](const HttpRequest&) {
         HttpResponse response;
         response.content_type = "text/plain; version=0.0.4; charset=utf-8";
         context.RefreshPendingGauge();
         response.body = context.registry().Render();
         return response;
       }});
  return routes;
}

}  // namespace signoff::server
