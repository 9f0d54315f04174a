#include "runtime/server/server_metrics.h"

namespace signoff::server {
namespace {

constexpr char kDecisions[] = "signoff_decisions_total";
constexpr char kDecisionsHelp[] = "Decisions made, by outcome.";
constexpr char kVotes[] = "signoff_votes_total";
constexpr char kVotesHelp[] = "Votes accepted, by vote.";
constexpr char kGrants[] = "signoff_grants_total";
constexpr char kGrantsHelp[] = "Grant events: minted, consumed, refused.";
constexpr char kHttp[] = "signoff_http_responses_total";
constexpr char kHttpHelp[] = "HTTP responses, by status class.";
constexpr char kReloads[] = "signoff_policy_reloads_total";
constexpr char kReloadsHelp[] = "Policy reloads, by result.";
constexpr char kNotifications[] = "signoff_notifications_total";
constexpr char kNotificationsHelp[] =
    "Channel delivery attempts: sent, failed (to be retried), dead (the "
    "dead letter).";

}  // namespace

ServerMetrics::ServerMetrics(MetricsRegistry& r)
    : decisions_allow(
          r.AddCounter(kDecisions, kDecisionsHelp, {{"decision", "allow"}})),
      decisions_deny(
          r.AddCounter(kDecisions, kDecisionsHelp, {{"decision", "deny"}})),
      decisions_require_approval(r.AddCounter(
          kDecisions, kDecisionsHelp, {{"decision", "require_approval"}})),
      decision_seconds(r.AddHistogram(
          "signoff_decision_duration_seconds",
          "Time to decide one request (Engine::Decide).", LatencyBuckets())),
      requests_pending(r.AddGauge("signoff_requests_pending",
                                  "Approval requests waiting for votes.")),
      votes_approve(r.AddCounter(kVotes, kVotesHelp, {{"vote", "approve"}})),
      votes_reject(r.AddCounter(kVotes, kVotesHelp, {{"vote", "reject"}})),
      votes_refused(r.AddCounter("signoff_votes_refused_total",
                                 "Votes refused (ineligible, twice, final).")),
      grants_minted(r.AddCounter(kGrants, kGrantsHelp, {{"event", "minted"}})),
      grants_consumed(
          r.AddCounter(kGrants, kGrantsHelp, {{"event", "consumed"}})),
      grants_refused(
          r.AddCounter(kGrants, kGrantsHelp, {{"event", "refused"}})),
      http_2xx(r.AddCounter(kHttp, kHttpHelp, {{"code", "2xx"}})),
      http_4xx(r.AddCounter(kHttp, kHttpHelp, {{"code", "4xx"}})),
      http_5xx(r.AddCounter(kHttp, kHttpHelp, {{"code", "5xx"}})),
      reloads_ok(r.AddCounter(kReloads, kReloadsHelp, {{"result", "ok"}})),
      reloads_refused(
          r.AddCounter(kReloads, kReloadsHelp, {{"result", "refused"}})),
      checkpoints(
          r.AddCounter("signoff_audit_checkpoints_total",
                       "Audit checkpoints of a new head (signed and stored).")),
      notifications_sent(r.AddCounter(kNotifications, kNotificationsHelp,
                                      {{"outcome", "sent"}})),
      notifications_failed(r.AddCounter(kNotifications, kNotificationsHelp,
                                        {{"outcome", "failed"}})),
      notifications_dead(r.AddCounter(kNotifications, kNotificationsHelp,
                                      {{"outcome", "dead"}})) {}

}  // namespace signoff::server
