// The runtime's metrics, registered once per server. The server moves the
// decision, HTTP and reload metrics itself; the approval workflow (votes,
// grants, pending requests) increments the ones it owns through this struct
// (ServerContext::metrics()).
//
//   signoff_decisions_total{decision="allow"|"deny"|"require_approval"}
//   signoff_decision_duration_seconds            histogram of Engine::Decide
//   signoff_requests_pending                     gauge: approval requests open
//   signoff_votes_total{vote="approve"|"reject"} votes accepted
//   signoff_votes_refused_total                  votes refused (403/409)
//   signoff_grants_total{event="minted"|"consumed"|"refused"}
//   signoff_http_responses_total{code="2xx"|"4xx"|"5xx"}
//   signoff_policy_reloads_total{result="ok"|"refused"}
//   signoff_audit_checkpoints_total              checkpoints of a new head
//   signoff_notifications_total{outcome="sent"|"failed"|"dead"}
//                                                channel delivery attempts
//                                                (failed: retried later;
//                                                dead: the dead letter)
//
// Thread safety: the members are metrics (see metrics.h): lock-free to
// update from any thread.
#ifndef SIGNOFF_RUNTIME_SERVER_SERVER_METRICS_H_
#define SIGNOFF_RUNTIME_SERVER_SERVER_METRICS_H_

#include "compiler/eval/decision.h"
#include "runtime/server/metrics.h"

namespace signoff::server {

struct ServerMetrics {
  explicit ServerMetrics(MetricsRegistry& registry);

  Counter& Decisions(eval::DecisionKind kind) {
    return kind == eval::DecisionKind::kAllow  ? decisions_allow
           : kind == eval::DecisionKind::kDeny ? decisions_deny
                                               : decisions_require_approval;
  }
  // By status: 2xx, 4xx or 5xx (1xx and 3xx count as 2xx).
  Counter& HttpResponses(int status) {
    return status >= 500 ? http_5xx : status >= 400 ? http_4xx : http_2xx;
  }

  Counter& decisions_allow;
  Counter& decisions_deny;
  Counter& decisions_require_approval;
  Histogram& decision_seconds;
  Gauge& requests_pending;
  Counter& votes_approve;
  Counter& votes_reject;
  Counter& votes_refused;
  Counter& grants_minted;
  Counter& grants_consumed;
  Counter& grants_refused;
  Counter& http_2xx;
  Counter& http_4xx;
  Counter& http_5xx;
  Counter& reloads_ok;
  Counter& reloads_refused;
  Counter& checkpoints;
  Counter& notifications_sent;
  Counter& notifications_failed;
  Counter& notifications_dead;
};

}  // namespace signoff::server

#endif  // SIGNOFF_RUNTIME_SERVER_SERVER_METRICS_H_
