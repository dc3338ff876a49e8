#include "agent/tree_kill.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace uc::agent {
namespace {

std::vector<pid_t> sorted(std::vector<pid_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The reaper is 100; 1 is init, 7 some daemon of the guest that is none of the session's.
TEST(TreeKill, KillsEveryLiveDescendantOnceThenNeedsTwoCleanRounds) {
  TreeKill k(100);
  std::vector<ProcEntry> snap = {{1, 0, 'S', 1},      {7, 1, 'S', 2},      {100, 1, 'T', 10},
                                 {101, 100, 'S', 11}, {102, 101, 'S', 12}, {103, 100, 'Z', 13}};
  EXPECT_EQ(sorted(k.step(snap)), (std::vector<pid_t>{101, 102}));
  EXPECT_FALSE(k.done());
  // Killed but still dying: not killed again, and not a reason to go on.
  EXPECT_TRUE(k.step(snap).empty());
  EXPECT_FALSE(k.done());
  EXPECT_TRUE(k.step(snap).empty());
  EXPECT_TRUE(k.done());
  EXPECT_FALSE(k.gave_up());
  EXPECT_EQ(k.killed(), 2u);
  EXPECT_TRUE(k.step(snap).empty());  // done stays done
}

TEST(TreeKill, AChildForkedBeforeItsParentWasKilledIsFoundNextRound) {
  TreeKill k(100);
  EXPECT_EQ(k.step({{100, 1, 'T', 10}, {101, 100, 'S', 11}}), (std::vector<pid_t>{101}));
  // 101 had forked 102 just before the SIGKILL landed, then died: 102 is the reaper's now.
  EXPECT_EQ(k.step({{100, 1, 'T', 10}, {101, 100, 'Z', 11}, {102, 100, 'R', 12}}),
            (std::vector<pid_t>{102}));
  EXPECT_TRUE(k.step({{100, 1, 'T', 10}, {102, 100, 'Z', 12}}).empty());
  EXPECT_TRUE(k.step({{100, 1, 'T', 10}}).empty());
  EXPECT_TRUE(k.done());
  EXPECT_EQ(k.killed(), 2u);
}

TEST(TreeKill, ATornSnapshotDoesNotEndItOnItsOwn) {
  TreeKill k(100);
  EXPECT_EQ(k.step({{100, 1, 'T', 10}, {101, 100, 'S', 11}}), (std::vector<pid_t>{101}));
  // 103's parent 102 exited between two reads: this snapshot misses 103 ...
  EXPECT_TRUE(k.step({{100, 1, 'T', 10}, {101, 100, 'Z', 11}, {103, 102, 'S', 13}}).empty());
  EXPECT_FALSE(k.done());
  // ... the next one has it under the reaper.
  EXPECT_EQ(k.step({{100, 1, 'T', 10}, {103, 100, 'S', 13}}), (std::vector<pid_t>{103}));
  EXPECT_FALSE(k.done());
}

TEST(TreeKill, APidGivenToANewProcessIsKilledAgain) {
  TreeKill k(100);
  EXPECT_EQ(k.step({{100, 1, 'T', 10}, {101, 100, 'S', 11}}), (std::vector<pid_t>{101}));
  EXPECT_EQ(k.step({{100, 1, 'T', 10}, {101, 100, 'S', 99}}), (std::vector<pid_t>{101}));
}

TEST(TreeKill, GivesUpAfterTheRoundLimitWhenProcessesKeepComing) {
  TreeKill k(100);
  for (int i = 0; i < TreeKill::kMaxRounds; ++i) {
    ASSERT_FALSE(k.done());
    pid_t p = 1000 + i;
    EXPECT_EQ(k.step({{100, 1, 'T', 10}, {p, 100, 'R', static_cast<uint64_t>(p)}}),
              (std::vector<pid_t>{p}));
  }
  EXPECT_TRUE(k.done());
  EXPECT_TRUE(k.gave_up());
  EXPECT_TRUE(k.step({{100, 1, 'T', 10}, {5000, 100, 'R', 5000}}).empty());
}

TEST(TreeKill, AnEmptyTreeIsDoneInTwoRounds) {
  TreeKill k(100);
  EXPECT_TRUE(k.step({{100, 1, 'T', 10}, {7, 1, 'S', 2}}).empty());
  EXPECT_TRUE(k.step({{100, 1, 'T', 10}, {7, 1, 'S', 2}}).empty());
  EXPECT_TRUE(k.done());
  EXPECT_EQ(k.killed(), 0u);
}

}  // namespace
}  // namespace uc::agent
