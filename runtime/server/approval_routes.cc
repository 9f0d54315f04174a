// The approval workflow over HTTP (RUNTIME.md §7): thin handlers that parse
// strictly, call the context's ApprovalService as the authenticated
// identity, and map its status codes (approvals/service.h) to HTTP.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "compiler/eval/decision.h"
#include "nlohmann/json.hpp"
#include "runtime/approvals/service.h"
#include "runtime/audit/timestamp.h"
#include "runtime/server/routes.h"
#include "runtime/store/records.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::server {
namespace {

using nlohmann::json;

// Comments longer than this are refused (they are stored and audited).
constexpr size_t kMaxCommentBytes = 4096;

// Statuses from the service, with the one code the generic mapping gets
// wrong for a server: "no policy is loaded" is unavailability, not a
// conflict.
HttpResponse ServiceError(const absl::Status& status) {
  if (absl::IsFailedPrecondition(status) &&
      status.message() == "no policy is loaded") {
    return ErrorResponse(503, "unavailable", "no policy is loaded");
  }
  return StatusResponse(status);
}

// `?wait=`: a duration literal ("30s", "1m") or plain seconds ("30").
absl::StatusOr<std::chrono::seconds> ParseWait(std::string_view text) {
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(AsAbsl(text), &seconds)) {
    absl::StatusOr<int64_t> parsed = stdlib::ParseDuration(text);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "`wait` must be a duration like 30s, not `", AsAbsl(text), "`"));
    }
    seconds = *parsed;
  }
  if (seconds < 0) {
    return absl::InvalidArgumentError("`wait` must not be negative");
  }
  return std::chrono::seconds(std::min(seconds, kMaxWaitSeconds));
}

HttpResponse Submit(ServerContext& context, const HttpRequest& request) {
  if (absl::Status s = OnlyQueryParams(request, {}); !s.ok()) {
    return StatusResponse(s);
  }
  // The service refuses what is not a valid request (not JSON, duplicate
  // or unknown keys, `requester`, params that break the schema) with 400
  // before storing anything.
  absl::StatusOr<approvals::SubmitResult> submitted =
      context.approvals().Submit(request.identity->id, request.body,
                                 request.peer_ip);
  if (!submitted.ok()) return ServiceError(submitted.status());
  context.metrics()
      .Decisions(submitted->status == store::kStateApproved
                     ? eval::DecisionKind::kAllow
                 : submitted->status == store::kStateDenied
                     ? eval::DecisionKind::kDeny
                     : eval::DecisionKind::kRequireApproval)
      .Increment();
  return JsonResponse(200, approvals::ToJson(*submitted));
}

HttpResponse Get(ServerContext& context, const HttpRequest& request) {
  if (absl::Status s = OnlyQueryParams(request, {"wait"}); !s.ok()) {
    return StatusResponse(s);
  }
  absl::StatusOr<std::optional<std::string>> wait = request.Query("wait");
  if (!wait.ok()) return StatusResponse(wait.status());
  const std::string& id = request.path_params.at("id");
  if (wait->has_value()) {
    absl::StatusOr<std::chrono::seconds> seconds = ParseWait(**wait);
    if (!seconds.ok()) return StatusResponse(seconds.status());
    absl::StatusOr<std::string> state = context.approvals().WaitForChange(
        id, std::chrono::steady_clock::now() + *seconds);
    if (!state.ok()) return ServiceError(state.status());
  }
  absl::StatusOr<approvals::RequestView> view =
      context.approvals().Get(id, request.identity->id);
  if (!view.ok()) return ServiceError(view.status());
  return JsonResponse(200, approvals::ToJson(*view));
}

HttpResponse Inbox(ServerContext& context, const HttpRequest& request) {
  if (absl::Status s = OnlyQueryParams(request, {"status"}); !s.ok()) {
    return StatusResponse(s);
  }
  absl::StatusOr<std::optional<std::string>> status = request.Query("status");
  if (!status.ok()) return StatusResponse(status.status());
  if (status->has_value() && **status != "pending") {
    return ErrorResponse(400, "bad_request",
                         absl::StrCat("`status` must be pending (the inbox "
                                      "lists pending requests), not `",
                                      **status, "`"));
  }
  absl::StatusOr<std::vector<approvals::RequestView>> inbox =
      context.approvals().Inbox(request.identity->id);
  if (!inbox.ok()) return ServiceError(inbox.status());
  json requests = json::array();
  for (const approvals::RequestView& view : *inbox) {
    requests.push_back(approvals::ToJson(view));
  }
  return JsonResponse(200, {{"requests", std::move(requests)}});
}

HttpResponse Vote(ServerContext& context, const HttpRequest& request) {
  if (absl::Status s = OnlyQueryParams(request, {}); !s.ok()) {
    return StatusResponse(s);
  }
  absl::StatusOr<json> body =
      ParseJsonObject(request.body, {"vote", "comment"});
  if (!body.ok()) return StatusResponse(body.status());
  auto vote = body->find("vote");
  std::optional<approvals::VoteChoice> choice;
  if (vote != body->end() && vote->is_string()) {
    choice = approvals::ParseVoteChoice(vote->get<std::string>());
  }
  if (!choice) {
    return ErrorResponse(400, "bad_request",
                         "`vote` must be \"approve\" or \"reject\"");
  }
  std::string comment;
  if (auto it = body->find("comment"); it != body->end()) {
    if (!it->is_string()) {
      return ErrorResponse(400, "bad_request", "`comment` must be a string");
    }
    comment = it->get<std::string>();
    if (comment.size() > kMaxCommentBytes) {
      return ErrorResponse(400, "bad_request",
                           absl::StrCat("`comment` is longer than ",
                                        kMaxCommentBytes, " bytes"));
    }
  }
  absl::StatusOr<approvals::VoteResult> voted = context.approvals().Vote(
      request.path_params.at("id"), request.identity->id, *choice, comment);
  if (!voted.ok()) {
    if (absl::IsPermissionDenied(voted.status()) ||
        absl::IsAlreadyExists(voted.status()) ||
        absl::IsFailedPrecondition(voted.status())) {
      context.metrics().votes_refused.Increment();
    }
    return ServiceError(voted.status());
  }
  (*choice == approvals::VoteChoice::kApprove ? context.metrics().votes_approve
                                              : context.metrics().votes_reject)
      .Increment();
  json view = approvals::ToJson(voted->view);
  view["resolved"] = voted->resolved;
  return JsonResponse(200, view);
}

HttpResponse Cancel(ServerContext& context, const HttpRequest& request) {
  if (absl::Status s = OnlyQueryParams(request, {}); !s.ok()) {
    return StatusResponse(s);
  }
  if (!request.body.empty() &&
      request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    absl::StatusOr<json> body = ParseJsonObject(request.body, {});
    if (!body.ok()) return StatusResponse(body.status());
  }
  absl::Status cancelled = context.approvals().Cancel(
      request.path_params.at("id"), request.identity->id);
  if (!cancelled.ok()) return ServiceError(cancelled);
  absl::StatusOr<approvals::RequestView> view = context.approvals().Get(
      request.path_params.at("id"), request.identity->id);
  if (!view.ok()) return ServiceError(view.status());
  return JsonResponse(200, approvals::ToJson(*view));
}

json ClaimsJson(const grants::GrantClaims& claims) {
  return {{"grant_id", claims.grant_id},
          {"request_id", claims.request_id},
          {"requester", claims.requester},
          {"action", claims.action},
          {"digest", claims.digest},
          {"issued", audit::FormatTimestamp(claims.issued * 1000)},
          {"expires", audit::FormatTimestamp(claims.expires * 1000)}};
}

// POST /v1/grants/verify and /consume: {"token", "request"}.
HttpResponse Grant(ServerContext& context, const HttpRequest& request,
                   bool consume) {
  if (absl::Status s = OnlyQueryParams(request, {}); !s.ok()) {
    return StatusResponse(s);
  }
  absl::StatusOr<json> body =
      ParseJsonObject(request.body, {"token", "request"});
  if (!body.ok()) return StatusResponse(body.status());
  auto token = body->find("token");
  if (token == body->end() || !token->is_string()) {
    return ErrorResponse(400, "bad_request",
                         "`token` (the grant, a string) is required");
  }
  auto action = body->find("request");
  if (action == body->end() || !action->is_object()) {
    return ErrorResponse(400, "bad_request",
                         "`request` (the action the grant is presented "
                         "for, an object) is required");
  }
  const std::string& text = token->get_ref<const std::string&>();
  absl::StatusOr<grants::GrantClaims> claims =
      consume ? context.approvals().ConsumeGrantParsed(text, *action,
                                                       request.identity->id)
              : context.approvals().VerifyGrantParsed(text, *action,
                                                      request.identity->id);
  if (!claims.ok()) {
    const std::string reason = approvals::GrantRefusalReason(claims.status());
    if (reason.empty()) return ServiceError(claims.status());
    context.metrics().grants_refused.Increment();
    HttpResponse response = StatusResponse(claims.status());
    json error = json::parse(response.body, nullptr, false);
    if (error.is_object() && error.contains("error")) {
      error["error"]["reason"] = reason;
      response.body = DumpJson(error);
    }
    return response;
  }
  json out = {{"valid", true}, {"grant", ClaimsJson(*claims)}};
  if (consume) out["consumed"] = true;
  return JsonResponse(200, out);
}

}  // namespace

std::vector<Route> ApprovalRoutes(ServerContext& context) {
  auto bind =
      [&context](HttpResponse (*handler)(ServerContext&, const HttpRequest&)) {
        return [&context, handler](const HttpRequest& request) {
          return handler(context, request);
        };
      };
  return {
      {"POST", "/v1/requests", Access::kAuthenticated, bind(Submit)},
      {"GET", "/v1/requests", Access::kAuthenticated, bind(Inbox)},
      {"GET", "/v1/requests/{id}", Access::kAuthenticated, bind(Get)},
      {"POST", "/v1/requests/{id}/votes", Access::kAuthenticated, bind(Vote)},
      {"POST", "/v1/requests/{id}/cancel", Access::kAuthenticated,
       bind(Cancel)},
      {"POST", "/v1/grants/verify", Access::kAuthenticated,
       [&context](const HttpRequest& request) {
         return Grant(context, request, /*consume=*/false);
       }},
      {"POST", "/v1/grants/consume", Access::kAuthenticated,
       [&context](const HttpRequest& request) {
         return Grant(context, request, /*consume=*/true);
       }},
  };
}

}  // namespace signoff::server
