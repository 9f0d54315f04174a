// The channel callbacks (RUNTIME.md §8): Slack interactions and Teams
// activities. Both are public routes that authenticate the platform
// themselves (Slack's v0 signature, the Bot Framework's JWT), then map the
// platform's user to an identity of the directory and vote as that
// identity through the ApprovalService, with every rule of a vote by API
// (eligibility, self-approval, one vote each) applying unchanged.
//
// Whatever is refused before a vote (bad or missing signature or token, a
// stale timestamp, a replayed body, a malformed payload, a user the
// directory does not know) changes nothing but one `channel.refused` audit
// entry saying why; refused votes are audited by the service
// (`vote.refused`).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "runtime/audit/entry.h"
#include "runtime/audit/timestamp.h"
#include "runtime/channels/jwt.h"
#include "runtime/channels/signatures.h"
#include "runtime/channels/slack.h"
#include "runtime/channels/teams.h"
#include "runtime/server/routes.h"
#include "runtime/server/serving_state.h"
#include "stdlib/absl_compat.h"

namespace signoff::server {
namespace {

using nlohmann::json;

// Slack signs each request afresh; one seen again within this window (the
// 300 s timestamp window on both sides, with a margin) is a replay.
constexpr int64_t kReplayWindowMs = 11 * 60 * 1000;

struct Refusal {
  Refusal(std::string kind, std::string reason, std::string message,
          std::string request = "", std::string user = "")
      : kind(std::move(kind)),
        reason(std::move(reason)),
        message(std::move(message)),
        request(std::move(request)),
        user(std::move(user)) {}

  std::string kind;     // "slack" or "teams"
  std::string reason;   // bad_signature, stale, missing_signature, replay,
                        // bad_token, malformed, unmapped_user
  std::string message;  // what was wrong
  std::string request;  // the request id when known
  std::string user;     // the platform's user id when known
};

// Appends the channel.refused entry of `refusal` in its own write.
void AuditRefusal(ServerContext& context, const HttpRequest& http,
                  const Refusal& refusal) {
  audit::AuditEntry entry;
  entry.time = audit::FormatTimestamp(context.approvals().Now());
  entry.type = std::string(audit::kTypeChannelRefused);
  entry.request = refusal.request;
  entry.actor = refusal.user.empty()
                    ? std::string()
                    : absl::StrCat(refusal.kind, ":", refusal.user);
  entry.data = {{"channel_kind", refusal.kind},
                {"reason", refusal.reason},
                {"message", refusal.message},
                {"peer", http.peer_ip}};
  entry.policy = http.state != nullptr ? http.state->digest : std::string();
  absl::Status written = context.store().Write(
      [&](store::WriteTx& tx) { return tx.AppendAudit(entry).status(); });
  if (!written.ok()) {
    context.Log(absl::StrCat("cannot audit a refused ", refusal.kind,
                             " callback: ", written.ToString()));
  }
}

// The reason name of a refused Slack signature, from the refusals of
// signatures.h: headers missing, timestamp too far from now, timestamp not
// a number, signature not matching.
std::string SignatureReason(const absl::Status& status) {
  const absl::string_view message = status.message();
  if (absl::StrContains(message, "without timestamp")) {
    return "missing_signature";
  }
  if (absl::StrContains(message, "s from now")) return "stale";
  if (absl::StrContains(message, "not unix seconds")) return "malformed";
  return "bad_signature";
}

std::string MessageOf(const absl::Status& status) {
  return std::string(status.message());
}

// The identity of a platform user (`slack:` / `teams:` handle) in the
// directory this request is served with; null when none.
const runtime::Identity* Mapped(
    const HttpRequest& http,
    const runtime::Identity* (runtime::Directory::*find)(std::string_view)
        const,
    std::string_view handle) {
  if (http.state == nullptr || http.state->directory == nullptr) return nullptr;
  return ((*http.state->directory).*find)(handle);
}

// The vote of a button: the parsers admit only "approve" and "reject";
// anything else would count as a rejection (fail closed).
approvals::VoteChoice ChoiceOf(std::string_view action) {
  return approvals::ParseVoteChoice(action).value_or(
      approvals::VoteChoice::kReject);
}

// An empty 200: the callback is taken (Slack wants nothing more).
HttpResponse Acknowledged() {
  HttpResponse response;
  response.content_type = "text/plain";
  return response;
}

HttpResponse NotConfigured(std::string_view kind) {
  return ErrorResponse(
      404, "not_found",
      absl::StrCat("no ", AsAbsl(kind), " channel is configured"));
}

HttpResponse SlackInteraction(ServerContext& context, const HttpRequest& http) {
  if (context.slack_inbound().empty()) return NotConfigured("slack");
  const int64_t now_ms = context.approvals().Now();
  const std::string timestamp(
      http.Header("X-Slack-Request-Timestamp").value_or(""));
  const std::string signature(http.Header("X-Slack-Signature").value_or(""));
  absl::Status verified = absl::UnauthenticatedError("no signing secret");
  for (const SlackInbound& inbound : context.slack_inbound()) {
    verified = channels::VerifySlackSignature(
        inbound.signing_secret, timestamp, http.body, signature, now_ms / 1000);
    if (verified.ok()) break;
  }
  if (!verified.ok()) {
    AuditRefusal(context, http,
                 {"slack", SignatureReason(verified), MessageOf(verified)});
    return StatusResponse(verified);
  }
  // A valid signature seen before: the same body sent again.
  bool fresh = false;
  absl::Status remembered =
      context.store().Write([&](store::WriteTx& tx) -> absl::Status {
        absl::StatusOr<bool> r = tx.RememberCallback(
            absl::StrCat("slack:", signature), now_ms, kReplayWindowMs);
        if (!r.ok()) return r.status();
        fresh = *r;
        return absl::OkStatus();
      });
  if (!remembered.ok()) return StatusResponse(remembered);
  if (!fresh) {
    AuditRefusal(
        context, http,
        {"slack", "replay", "this signed request was received before"});
    return ErrorResponse(401, "unauthenticated",
                         "this signed request was received before");
  }
  absl::StatusOr<channels::SlackClick> click =
      channels::ParseSlackInteraction(http.body);
  if (!click.ok()) {
    AuditRefusal(context, http,
                 {"slack", "malformed", MessageOf(click.status())});
    return StatusResponse(click.status());
  }
  const runtime::Identity* who =
      Mapped(http, &runtime::Directory::FindBySlack, click->user_id);
  if (who == nullptr) {
    const std::string why = absl::StrCat(
        "Slack user ", click->user_id,
        " is not in the Signoff directory (no identity has this `slack:` id)");
    AuditRefusal(
        context, http,
        {"slack", "unmapped_user", why, click->request_id, click->user_id});
    context.background().Post([url = click->response_url, why] {
      if (!url.empty()) channels::PostSlackResponse(url, why).IgnoreError();
    });
    return Acknowledged();
  }
  // Acknowledged now (Slack wants an answer within 3 s); the vote, and the
  // private note when it is refused, happen in the background. The message
  // itself is updated through the outbox once the vote commits.
  context.background().Post([&context, click = *std::move(click),
                             identity = who->id] {
    absl::StatusOr<approvals::VoteResult> voted = context.approvals().Vote(
        click.request_id, identity, ChoiceOf(click.action), "via Slack");
    if (!voted.ok() && !click.response_url.empty()) {
      channels::PostSlackResponse(
          click.response_url,
          absl::StrCat("Your vote was not counted: ", voted.status().message()))
          .IgnoreError();
    }
  });
  return Acknowledged();
}

HttpResponse TeamsActivity(ServerContext& context, const HttpRequest& http) {
  if (context.teams_inbound().empty()) return NotConfigured("teams");
  const int64_t now_ms = context.approvals().Now();
  const std::string authorization(http.Header("Authorization").value_or(""));
  absl::Status verified =
      absl::UnauthenticatedError("no Bearer token in Authorization");
  if (authorization.rfind("Bearer ", 0) == 0) {
    const std::string_view token = std::string_view(authorization).substr(7);
    verified = absl::UnauthenticatedError(
        "no signing keys are configured (channels.NAME.jwks_file)");
    for (const TeamsInbound& inbound : context.teams_inbound()) {
      if (inbound.keys == nullptr) continue;
      channels::JwtCheck check;
      check.issuer = std::string(channels::kBotFrameworkIssuer);
      check.audience = inbound.app_id;
      check.now = now_ms / 1000;
      absl::StatusOr<json> claims =
          channels::VerifyRs256(token, *inbound.keys, check);
      verified = claims.status();
      if (verified.ok()) break;
    }
  }
  if (!verified.ok()) {
    AuditRefusal(context, http, {"teams", "bad_token", MessageOf(verified)});
    return ErrorResponse(401, "unauthenticated", MessageOf(verified));
  }
  absl::StatusOr<channels::TeamsInvoke> invoke =
      channels::ParseTeamsInvoke(http.body);
  if (!invoke.ok()) {
    AuditRefusal(context, http,
                 {"teams", "malformed", MessageOf(invoke.status())});
    return StatusResponse(invoke.status());
  }
  const runtime::Identity* who =
      Mapped(http, &runtime::Directory::FindByTeams, invoke->aad_object_id);
  if (who == nullptr) {
    const std::string why = absl::StrCat(
        "Teams user ", invoke->aad_object_id,
        " is not in the Signoff directory (no identity has this `teams:` id)");
    AuditRefusal(context, http,
                 {"teams", "unmapped_user", why, invoke->request_id,
                  invoke->aad_object_id});
    return JsonResponse(200, channels::InvokeMessageResponse(why));
  }
  // Teams waits for the invoke's answer: vote now, answer the new card.
  absl::StatusOr<approvals::VoteResult> voted = context.approvals().Vote(
      invoke->request_id, who->id, ChoiceOf(invoke->verb), "via Teams");
  if (!voted.ok()) {
    // The vote refusals of RUNTIME.md §7 (401, 403, 404, 409) are told to
    // the clicker; anything else stays an error.
    HttpResponse error = StatusResponse(voted.status());
    if (error.status != 401 && error.status != 403 && error.status != 404 &&
        error.status != 409) {
      return error;
    }
    return JsonResponse(
        200, channels::InvokeMessageResponse(absl::StrCat(
                 "Your vote was not counted: ", voted.status().message())));
  }
  const std::string event = voted->resolved
                                ? absl::StrCat("request.", voted->status)
                                : std::string(audit::kTypeVoteAccepted);
  return JsonResponse(
      200, channels::InvokeCardResponse(
               channels::RenderTeamsCard(channels::ChangePayload(
                   event, now_ms, who->id, approvals::ToJson(voted->view)))));
}

}  // namespace

std::vector<Route> ChannelRoutes(ServerContext& context) {
  return {
      Route{"POST", "/v1/channels/slack/interactions", Access::kPublic,
            [&context](const HttpRequest& request) {
              return SlackInteraction(context, request);
            }},
      Route{"POST", "/v1/channels/teams/activities", Access::kPublic,
            [&context](const HttpRequest& request) {
              return TeamsActivity(context, request);
            }},
  };
}

}  // namespace signoff::server
