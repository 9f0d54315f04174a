// Who may approve a request (RUNTIME.md §2).
//
// Identity `a` is eligible for a clause {count k, group G, where P} of a
// request when
//   - `a` is in G: a static member, or a member of one of G's
//     `directory(...)` groups in the runtime directory;
//   - P holds with `approver` bound to a's directory entry (id, team,
//     groups, attrs, mfa), evaluated by the reference interpreter; an
//     evaluation error means not eligible (fail closed);
//   - `a` is neither requester.id nor requester.on_behalf_of, so nobody
//     approves their own request, also not through an agent acting for
//     them.
// An identity missing from the directory is eligible for nothing.
//
// Which policy judges `where` when policies were reloaded while the request
// was pending. The stored decision names the clauses by group name and
// `where` text (LANGUAGE.md §7) and the request keeps the digest of the
// policy set that decided it. Per clause:
//   1. the set that decided the request, when it is still the engine's
//      current set or is kept in the service's SnapshotCache of recent sets
//      (by digest): its requirement with that group name and `where` text;
//   2. otherwise (e.g. after a restart, or once that set left the cache)
//      the current set's requirement with the same group name and the same
//      `where` text, with the current set's group of that name;
//   3. otherwise the clause cannot be satisfied: nobody is eligible for it
//      and the request can only be rejected, cancelled or expire. A policy
//      change never loosens a pending request silently; it fails closed.
// Membership of directory groups and the approver's attributes always come
// from the directory in force when the vote is judged, and every quorum is
// recomputed from all approve votes with that directory: an approver who
// left a group no longer counts.
//
// Thread safety: SnapshotCache is thread-safe; a ClauseSet is immutable
// after Resolve and its const methods may be called from any thread.
#ifndef SIGNOFF_RUNTIME_APPROVALS_ELIGIBILITY_H_
#define SIGNOFF_RUNTIME_APPROVALS_ELIGIBILITY_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/eval/request.h"
#include "compiler/ir/ir.h"
#include "runtime/directory/directory.h"
#include "runtime/engine/engine.h"
#include "runtime/store/records.h"

namespace signoff::approvals {

// Recently used policy sets by digest, the newest `capacity` kept alive.
class SnapshotCache {
 public:
  explicit SnapshotCache(size_t capacity) : capacity_(capacity) {}

  // Keeps `snapshot` (null is ignored); a digest already kept moves to the
  // front.
  void Remember(std::shared_ptr<const PolicySnapshot> snapshot);
  // The kept set with this digest, or null.
  std::shared_ptr<const PolicySnapshot> Find(std::string_view digest) const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<const PolicySnapshot>> entries_;  // newest first
};

// One clause as the stored decision names it.
struct ClauseSpec {
  int64_t count = 0;
  std::string group;
  std::string where;  // formatted source; "" when none
  // Groups whose members are eligible too (with the same `where`): the
  // groups of the request's fired escalations that widen this clause.
  std::vector<std::string> also;
};

// One `escalate after D to G notify C...` of a stored decision.
struct EscalationSpec {
  int64_t after_seconds = 0;
  std::string group;
  std::vector<std::string> notify;    // channel names
  std::vector<int64_t> requirements;  // the clauses it widens
};

// What the runtime needs of a stored LANGUAGE.md §7 decision.
struct StoredDecision {
  std::string decision;  // "allow", "deny" or "require_approval"
  std::vector<ClauseSpec> clauses;
  int64_t veto = 0;
  int64_t expire_seconds = 0;
  int64_t grant_seconds = 0;
  std::string policy;
  std::vector<std::string> channels;
  std::vector<EscalationSpec> escalations;  // "escalations", when present
};
// InvalidArgument when the text is not such a decision.
absl::StatusOr<StoredDecision> ParseStoredDecision(std::string_view json);

// Widens the clauses of `decision` by the escalations whose indexes are in
// `fired` (ClauseSpec::also); indexes out of range are ignored.
void ApplyEscalations(StoredDecision& decision,
                      const std::vector<int64_t>& fired);

// The LANGUAGE.md §6 request of a stored record ({action, params,
// requester, context}), as JSON text.
std::string RequestJsonOf(const store::RequestRecord& record);

// The clauses of one request, resolved against a policy as described in
// the file comment.
class ClauseSet {
 public:
  // `decided` is the set whose digest is record.policy, or null when it is
  // no longer at hand; `current` is the engine's current set, or null.
  static ClauseSet Resolve(const store::RequestRecord& record,
                           const StoredDecision& decision,
                           std::shared_ptr<const PolicySnapshot> decided,
                           std::shared_ptr<const PolicySnapshot> current);

  size_t size() const { return specs_.size(); }
  const std::vector<ClauseSpec>& specs() const { return specs_; }
  // Whether clause `i` was found in a policy (see the file comment); an
  // unresolved clause has no eligible approver.
  bool resolved(size_t i) const { return clauses_[i].judge >= 0; }
  // The counts of the clauses, for SolveQuorum.
  std::vector<int64_t> counts() const;

  const std::string& requester_id() const { return requester_id_; }
  const std::string& on_behalf_of() const { return on_behalf_of_; }
  // Whether `id` is requester.id or requester.on_behalf_of.
  bool IsRequesterSide(std::string_view id) const;
  // Whether `voter` is on the requester's side: its id is, or it acts for
  // (its on_behalf_of is) requester.id or requester.on_behalf_of. An agent
  // acting for dana approves neither dana's requests nor those of another
  // agent acting for dana: nobody approves their own request, also not
  // through an agent.
  bool IsRequesterSide(const runtime::Identity& voter) const;

  // Indexes of the clauses `approver` is eligible for, ascending.
  std::vector<int> EligibleClauses(const runtime::Identity& approver,
                                   const runtime::Directory& directory) const;
  // The same by id: empty when `id` is not in the directory.
  std::vector<int> EligibleClauses(std::string_view id,
                                   const runtime::Directory& directory) const;

 private:
  // A policy set and the request bound to it.
  struct Judge {
    std::shared_ptr<const PolicySnapshot> snapshot;
    eval::BoundRequest request;
  };
  struct Resolved {
    int judge = -1;  // index into judges_; -1: unresolved
    int group = -1;  // index into the judge's Policy::groups
    ir::NodeId where = ir::kNoNode;
    // The judge's groups named by ClauseSpec::also that it declares.
    std::vector<int> also;
  };

  // Adds a judge for `snapshot` (once per set); -1 when the request does
  // not bind validly against it.
  int JudgeFor(const std::shared_ptr<const PolicySnapshot>& snapshot,
               const std::string& request_json);

  std::vector<ClauseSpec> specs_;
  std::vector<Resolved> clauses_;
  std::vector<Judge> judges_;
  std::string requester_id_;
  std::string on_behalf_of_;
};

}  // namespace signoff::approvals

#endif  // SIGNOFF_RUNTIME_APPROVALS_ELIGIBILITY_H_
