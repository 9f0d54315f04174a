#include "runtime/approvals/quorum.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace signoff::approvals {
namespace {

// Clause slots and the approver holding each (-1: free).
class Matcher {
 public:
  Matcher(std::span<const int64_t> counts,
          const std::vector<std::vector<int>>& eligible)
      : eligible_(eligible) {
    const int64_t approvers = static_cast<int64_t>(eligible.size());
    first_slot_.reserve(counts.size() + 1);
    size_t slots = 0;
    for (int64_t count : counts) {
      first_slot_.push_back(slots);
      // More slots than approvers can never be filled.
      slots += static_cast<size_t>(std::clamp<int64_t>(count, 0, approvers));
    }
    first_slot_.push_back(slots);
    owner_.assign(slots, -1);
    visited_.assign(slots, false);
  }

  // Finds an augmenting path from approver `a`; true when `a` got a slot.
  bool Augment(int a) {
    for (int clause : eligible_[a]) {
      if (clause < 0 || static_cast<size_t>(clause) + 1 >= first_slot_.size()) {
        continue;
      }
      for (size_t s = first_slot_[clause]; s < first_slot_[clause + 1]; ++s) {
        if (visited_[s]) continue;
        visited_[s] = true;
        if (owner_[s] < 0 || Augment(owner_[s])) {
          owner_[s] = a;
          return true;
        }
      }
    }
    return false;
  }

  void Run() {
    for (size_t a = 0; a < eligible_.size(); ++a) {
      std::fill(visited_.begin(), visited_.end(), false);
      Augment(static_cast<int>(a));
    }
  }

  QuorumResult Result(std::span<const int64_t> counts) const {
    QuorumResult result;
    result.satisfied = true;
    result.assigned.resize(counts.size());
    for (size_t clause = 0; clause < counts.size(); ++clause) {
      for (size_t s = first_slot_[clause]; s < first_slot_[clause + 1]; ++s) {
        if (owner_[s] >= 0) result.assigned[clause].push_back(owner_[s]);
      }
      std::sort(result.assigned[clause].begin(), result.assigned[clause].end());
      if (static_cast<int64_t>(result.assigned[clause].size()) <
          counts[clause]) {
        result.satisfied = false;
      }
    }
    return result;
  }

 private:
  const std::vector<std::vector<int>>& eligible_;
  std::vector<size_t> first_slot_;  // per clause, plus the end
  std::vector<int> owner_;
  std::vector<bool> visited_;
};

}  // namespace

QuorumResult SolveQuorum(std::span<const int64_t> counts,
                         const std::vector<std::vector<int>>& eligible) {
  Matcher matcher(counts, eligible);
  matcher.Run();
  return matcher.Result(counts);
}

}  // namespace signoff::approvals
