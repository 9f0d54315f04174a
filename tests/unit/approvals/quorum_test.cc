// SolveQuorum (runtime/approvals/quorum.h): bipartite matching of approvers
// to clause slots, including the overlapping groups where assigning in vote
// order (greedy) is wrong.
#include "runtime/approvals/quorum.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "gtest/gtest.h"

namespace signoff::approvals {
namespace {

using Eligible = std::vector<std::vector<int>>;

// What a greedy assignment in vote order would say: each approver takes the
// first clause it is eligible for that still needs someone.
bool Greedy(const std::vector<int64_t>& counts, const Eligible& eligible) {
  std::vector<int64_t> have(counts.size(), 0);
  for (const std::vector<int>& of : eligible) {
    for (int c : of) {
      if (have[c] < counts[c]) {
        ++have[c];
        break;
      }
    }
  }
  for (size_t i = 0; i < counts.size(); ++i) {
    if (have[i] < counts[i]) return false;
  }
  return true;
}

// Counting every eligible approver for every clause (using one approver
// twice).
bool CountEach(const std::vector<int64_t>& counts, const Eligible& eligible) {
  for (size_t c = 0; c < counts.size(); ++c) {
    int64_t n = 0;
    for (const std::vector<int>& of : eligible) {
      for (int x : of) n += x == static_cast<int>(c) ? 1 : 0;
    }
    if (n < counts[c]) return false;
  }
  return true;
}

TEST(QuorumTest, NoClausesNeedsNobody) {
  EXPECT_TRUE(SolveQuorum({}, {}).satisfied);
}

TEST(QuorumTest, SimpleCount) {
  const std::vector<int64_t> counts = {2};
  EXPECT_FALSE(SolveQuorum(counts, {}).satisfied);
  EXPECT_FALSE(SolveQuorum(counts, {{0}}).satisfied);
  QuorumResult two = SolveQuorum(counts, {{0}, {0}});
  EXPECT_TRUE(two.satisfied);
  EXPECT_EQ(two.assigned[0], (std::vector<int>{0, 1}));
  // A third approver is not needed and not assigned.
  EXPECT_EQ(SolveQuorum(counts, {{0}, {0}, {0}}).assigned[0].size(), 2u);
}

// Clauses: A = 1 of {x, y}, B = 1 of {x}. Votes: x, then y. Greedy gives x
// to A and then has nobody for B; the matching moves x to B and y to A.
TEST(QuorumTest, GreedySaysNoWhereMatchingSaysYes) {
  const std::vector<int64_t> counts = {1, 1};
  const Eligible eligible = {{0, 1}, {0}};
  EXPECT_FALSE(Greedy(counts, eligible));
  QuorumResult result = SolveQuorum(counts, eligible);
  ASSERT_TRUE(result.satisfied);
  EXPECT_EQ(result.assigned[0], std::vector<int>{1});
  EXPECT_EQ(result.assigned[1], std::vector<int>{0});
}

// The same with the clauses the other way round and a longer augmenting
// path: A = 2 of {x, y, z}, B = 1 of {x}, C = 1 of {y}; votes x, y, z, w
// where w is only in A.
TEST(QuorumTest, LongAugmentingPath) {
  const std::vector<int64_t> counts = {2, 1, 1};
  const Eligible eligible = {{0, 1}, {0, 2}, {0}, {0}};
  EXPECT_FALSE(Greedy(counts, eligible));
  QuorumResult result = SolveQuorum(counts, eligible);
  ASSERT_TRUE(result.satisfied);
  EXPECT_EQ(result.assigned[0], (std::vector<int>{2, 3}));
  EXPECT_EQ(result.assigned[1], std::vector<int>{0});
  EXPECT_EQ(result.assigned[2], std::vector<int>{1});
}

// The other way round: one approver eligible for two clauses does not fill
// both. Counting eligible approvers per clause says yes; the quorum is not
// reached until a second approver comes.
TEST(QuorumTest, NoApproverUsedTwice) {
  const std::vector<int64_t> counts = {1, 1};
  const Eligible alone = {{0, 1}};
  EXPECT_TRUE(CountEach(counts, alone));
  QuorumResult result = SolveQuorum(counts, alone);
  EXPECT_FALSE(result.satisfied);
  EXPECT_EQ(result.assigned[0].size() + result.assigned[1].size(), 1u);
  EXPECT_TRUE(SolveQuorum(counts, {{0, 1}, {1}}).satisfied);
  EXPECT_TRUE(SolveQuorum(counts, {{1}, {0, 1}}).satisfied);
}

// Counting per clause says yes when the answer is no: with 2 of {x, y, z}
// and 2 of {y, z}, approvers x, y, z fill only three of the four slots.
TEST(QuorumTest, NotEnoughDistinctApprovers) {
  const std::vector<int64_t> counts = {2, 2};
  const Eligible eligible = {{0}, {0, 1}, {0, 1}};
  EXPECT_TRUE(CountEach(counts, eligible));
  QuorumResult result = SolveQuorum(counts, eligible);
  EXPECT_FALSE(result.satisfied);
  EXPECT_EQ(result.assigned[0].size() + result.assigned[1].size(), 3u);
  // A fourth approver in the second clause completes it.
  EXPECT_TRUE(SolveQuorum(counts, {{0}, {0, 1}, {0, 1}, {1}}).satisfied);
}

TEST(QuorumTest, MissingForStatus) {
  const std::vector<int64_t> counts = {2, 1};
  QuorumResult result = SolveQuorum(counts, {{0}, {}});
  EXPECT_FALSE(result.satisfied);
  EXPECT_EQ(result.assigned[0].size(), 1u);
  EXPECT_TRUE(result.assigned[1].empty());
}

TEST(QuorumTest, HugeCountsAndBadIndexes) {
  const std::vector<int64_t> counts = {1'000'000'000, 0, -3};
  QuorumResult result = SolveQuorum(counts, {{0, 7, -1}, {0}});
  EXPECT_FALSE(result.satisfied);
  EXPECT_EQ(result.assigned[0].size(), 2u);
  // Clauses needing nobody are met.
  EXPECT_TRUE(SolveQuorum(std::vector<int64_t>{0, -1}, {}).satisfied);
}

// Every assignment the solver reports is valid: distinct approvers, each
// eligible for its clause, at most the count, and satisfied exactly when
// a brute force over all assignments finds a complete one.
TEST(QuorumTest, AgreesWithBruteForce) {
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7fff;
  };
  for (int round = 0; round < 2000; ++round) {
    const int clauses = 1 + next() % 3;
    const int approvers = next() % 6;
    std::vector<int64_t> counts;
    for (int c = 0; c < clauses; ++c) counts.push_back(1 + next() % 2);
    Eligible eligible(approvers);
    for (auto& of : eligible) {
      for (int c = 0; c < clauses; ++c) {
        if (next() % 2) of.push_back(c);
      }
    }
    // Brute force: each approver goes to one of its clauses or none.
    bool possible = false;
    std::vector<int> choice(approvers, -1);
    std::function<void(int)> search = [&](int a) {
      if (possible) return;
      if (a == approvers) {
        std::vector<int64_t> have(clauses, 0);
        for (int x : choice) {
          if (x >= 0) ++have[x];
        }
        bool ok = true;
        for (int c = 0; c < clauses; ++c) ok = ok && have[c] >= counts[c];
        possible = ok;
        return;
      }
      choice[a] = -1;
      search(a + 1);
      for (int c : eligible[a]) {
        choice[a] = c;
        search(a + 1);
      }
      choice[a] = -1;
    };
    search(0);
    QuorumResult result = SolveQuorum(counts, eligible);
    ASSERT_EQ(result.satisfied, possible) << "round " << round;
    std::vector<bool> used(approvers, false);
    for (int c = 0; c < clauses; ++c) {
      EXPECT_LE(static_cast<int64_t>(result.assigned[c].size()), counts[c]);
      for (int a : result.assigned[c]) {
        EXPECT_FALSE(used[a]);
        used[a] = true;
        EXPECT_NE(std::find(eligible[a].begin(), eligible[a].end(), c),
                  eligible[a].end());
      }
    }
  }
}

}  // namespace
}  // namespace signoff::approvals
