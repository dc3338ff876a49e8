// Every decision of the host's heartbeat rule, with blocks made by hand and a clock in ms.
#include "supervisor/heartbeat_watch.h"

#include <gtest/gtest.h>

namespace uc::cluster {
namespace {

using ocfs2::HeartbeatBlock;

HeartbeatBlock beat(uint64_t seq, uint64_t generation) {
  return {.seq = seq, .node = 1, .generation = generation, .dead_ms = 14000, .crc_ok = true};
}

class HeartbeatWatchTest : public ::testing::Test {
 protected:
  HeartbeatWatch w{HeartbeatRules::from(O2cbSpec{})};  // threshold 7: dead 14 s, fence 11.5 s
  int64_t t = 1000;
  uint64_t seq = 100;
  // The host reads every 500 ms for `ms`; the node beats every 2 s when `beating`.
  std::vector<HeartbeatDecision> run(int64_t ms, bool beating, uint64_t gen,
                                     const std::string& node = "node1") {
    std::vector<HeartbeatDecision> all;
    for (int64_t end = t + ms; t < end;) {
      t += 500;
      if (beating && t % 2000 == 0) ++seq;
      w.observe(node, "disk0", beat(seq, gen), t);
      for (auto& d : w.decide(t)) all.push_back(d);
    }
    return all;
  }
};

TEST_F(HeartbeatWatchTest, RulesFollowTheO2cbThreshold) {
  auto r = HeartbeatRules::from(O2cbSpec{.heartbeat_threshold = 31});
  EXPECT_EQ(r.dead_ms, 62000);
  EXPECT_EQ(r.fence_after_ms, 59500);
}

TEST_F(HeartbeatWatchTest, ABeatingNodeIsNeverFencedAndItsAgeStaysUnderARound) {
  w.begin_life("node1");
  w.observe("node1", "disk0", beat(5, 77), t);  // its previous life's block
  EXPECT_TRUE(run(60000, true, 1234).empty());
  auto v = w.view("node1", t);
  ASSERT_TRUE(v && v->beating);
  EXPECT_LE(v->age_ms, 2000);
  EXPECT_EQ(v->generation, 1234u);
  EXPECT_EQ(v->dead_ms, 14000u);
}

TEST_F(HeartbeatWatchTest, AStallIsFencedAtTheDeadTimeLessTheMarginOnce) {
  w.begin_life("node1");
  run(10000, true, 1234);
  int64_t stopped = t;
  auto d = run(30000, false, 1234);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].verdict, HeartbeatVerdict::kStalled);
  EXPECT_EQ(d[0].volume, "disk0");
  EXPECT_GE(d[0].stalled_ms, 11500);
  EXPECT_LT(d[0].stalled_ms, 12000 + 2000);  // within a read of the rule (and of a beat)
  (void)stopped;
  EXPECT_GE(w.view("node1", t)->age_ms, 30000 - 2000);
}

TEST_F(HeartbeatWatchTest, ANodeThatNeverBeatThisLifeIsNotStalled) {
  // Waiting for its boot wave, or stale blocks of a whole-cluster crash: unchanged content.
  w.begin_life("node1");
  EXPECT_TRUE(run(60000, false, 999).empty());
  EXPECT_FALSE(w.view("node1", t)->beating);
  // Then it mounts: counting starts at its first beat.
  EXPECT_TRUE(run(10000, true, 1234).empty());
  EXPECT_TRUE(w.view("node1", t)->beating);
}

TEST_F(HeartbeatWatchTest, ThePreviousLifesGenerationNeverArmsTheWatch) {
  w.begin_life("node1");
  run(20000, true, 1234);
  w.begin_life("node1");  // it rebooted: its block still holds the old beat for a while
  EXPECT_TRUE(run(30000, false, 1234).empty());
  EXPECT_FALSE(w.view("node1", t)->beating);
}

TEST_F(HeartbeatWatchTest, AZombieIsFencedOnItsFirstBeatAfterItWasDeclaredDead) {
  w.begin_life("node1");
  run(6000, true, 1234);
  auto d = run(16000, false, 1234);  // past the dead time: the survivors declared it dead
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].verdict, HeartbeatVerdict::kStalled);
  ++seq;
  t += 500;
  w.observe("node1", "disk0", beat(seq, 1234), t);  // it writes again, same generation
  d = w.decide(t);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].verdict, HeartbeatVerdict::kZombie);
  EXPECT_TRUE(run(10000, true, 1234).empty());  // once a life
}

TEST_F(HeartbeatWatchTest, ZombieOnlyLetsAStallGoAndFencesTheBeatAfterTheDeadTime) {
  HeartbeatWatch z{HeartbeatRules::from(O2cbSpec{}, "zombie")};
  w = z;
  w.begin_life("node1");
  run(6000, true, 1234);
  EXPECT_TRUE(run(20000, false, 1234).empty());  // OCFS2's own fence, or none: left to it
  auto d = run(2500, true, 1234);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].verdict, HeartbeatVerdict::kZombie);
  HeartbeatWatch off{HeartbeatRules::from(O2cbSpec{}, "off")};
  w = off;
  w.begin_life("node1");
  run(6000, true, 1234);
  run(20000, false, 1234);
  EXPECT_TRUE(run(4000, true, 1234).empty());
}

TEST_F(HeartbeatWatchTest, AResumedBeatBeforeTheDeadTimeIsNoZombie) {
  w.begin_life("node1");
  run(6000, true, 1234);
  auto d = run(12500, false, 1234);  // fenced (stalled), but not yet declared dead
  ASSERT_EQ(d.size(), 1u);
  EXPECT_TRUE(run(10000, true, 1234).empty());
}

TEST_F(HeartbeatWatchTest, ASlowDiskThatStillBeatsIsNotFenced) {
  w.begin_life("node1");
  run(4000, true, 1234);
  // A beat every 8 s (500 ms per I/O and a busy round): late, never 11.5 s late.
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(run(8000, false, 1234).empty());
    ++seq;
  }
}

TEST_F(HeartbeatWatchTest, NoFreshReadNoDecision) {
  w.begin_life("node1");
  run(6000, true, 1234);
  t += 30000;  // the host could not read for 30 s (page cache misses, a busy loop)
  EXPECT_TRUE(w.decide(t).empty());
  w.observe("node1", "disk0", beat(seq + 10, 1234), t);  // it beat meanwhile
  EXPECT_TRUE(w.decide(t).empty());
}

TEST_F(HeartbeatWatchTest, ABadChecksumIsAMissedBeat) {
  w.begin_life("node1");
  run(6000, true, 1234);
  std::vector<HeartbeatDecision> d;
  for (int i = 0; i < 30; ++i) {
    t += 500;
    auto b = beat(++seq, 1234);
    b.crc_ok = false;  // moves, but not as the kernel would count it
    w.observe("node1", "disk0", b, t);
    for (auto& x : w.decide(t)) d.push_back(x);
  }
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].verdict, HeartbeatVerdict::kStalled);
}

TEST_F(HeartbeatWatchTest, ACleanStopAndANodeInDownAreNotStalls) {
  w.begin_life("node1");
  run(6000, true, 1234);
  EXPECT_TRUE(run(30000, false, 0).empty());  // umount: generation 0, then nothing moves
  w.begin_life("node2");
  run(6000, true, 55, "node2");
  w.end_life("node2");  // down
  EXPECT_TRUE(run(30000, false, 55, "node2").empty());
  EXPECT_FALSE(w.view("node2", t).has_value());
}

TEST_F(HeartbeatWatchTest, ARemountStartsANewGenerationAndCountsAfresh) {
  w.begin_life("node1");
  run(6000, true, 1234);
  run(8000, false, 1234);
  EXPECT_TRUE(run(8000, true, 5678).empty());  // a new generation moved: not stalled
  EXPECT_EQ(w.view("node1", t)->generation, 5678u);
}

TEST_F(HeartbeatWatchTest, TheAgeIsThatOfTheOldestVolume) {
  w.begin_life("node1");
  for (int i = 0; i < 20; ++i) {
    t += 500;
    if (t % 2000 == 0) ++seq;
    w.observe("node1", "disk0", beat(seq, 1), t);
    w.observe("node1", "disk1", beat(i < 8 ? seq : 3, 2), t);  // disk1 stops after 4 s
  }
  auto v = w.view("node1", t);
  ASSERT_TRUE(v);
  EXPECT_GE(v->age_ms, 5000);
}

}  // namespace
}  // namespace uc::cluster
