// Quorum (RUNTIME.md §2): can the approving identities fill every clause?
//
// A request needs clauses {count k_i, group G_i, where P_i}. Each approving
// identity is eligible for some of them (eligibility.h decides which). The
// quorum is reached when every clause i can be given k_i distinct approvers
// with no approver used for two clauses: a bipartite matching between
// approvers and clause *slots* (clause i expanded into k_i slots), solved
// here with augmenting paths (Kuhn's algorithm). Greedy assignment in vote
// order is wrong when groups overlap: with clauses {1 of {x, y}} and
// {1 of {x}}, giving x to the first clause leaves the second unfilled
// although y could have taken the first.
//
// Pure functions of their arguments; thread-safe.
#ifndef SIGNOFF_RUNTIME_APPROVALS_QUORUM_H_
#define SIGNOFF_RUNTIME_APPROVALS_QUORUM_H_

#include <cstdint>
#include <span>
#include <vector>

namespace signoff::approvals {

struct QuorumResult {
  // Every clause got its count.
  bool satisfied = false;
  // Per clause: approvers assigned to it by a maximum matching (indexes into
  // the approvers given), at most its count. When the quorum is not reached
  // this is one maximum assignment, which says what is still missing
  // (count - assigned[i].size()) for status displays.
  std::vector<std::vector<int>> assigned;
};

// `counts[i]` is clause i's k (values <= 0 need nobody). `eligible[a]`
// lists the clause indexes approver a may fill (out-of-range indexes are
// ignored; repeats are harmless). Runs in O(A * S * E) for A approvers,
// S = sum of min(k_i, A) slots and E eligibility entries: a handful of
// approvers and clauses in practice.
QuorumResult SolveQuorum(std::span<const int64_t> counts,
                         const std::vector<std::vector<int>>& eligible);

}  // namespace signoff::approvals

#endif  // SIGNOFF_RUNTIME_APPROVALS_QUORUM_H_
