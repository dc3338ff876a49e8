#include "ocfs2/mount_order.h"

#include <gtest/gtest.h>

namespace uc::ocfs2 {
namespace {

using Names = std::vector<std::string>;

TEST(MountOrder, AWaveWaitsForEveryBootingNode) {
  MountOrder o;
  o.starting("node0", 0);
  o.starting("node1", 1);
  o.starting("node2", 2);
  o.wants_heartbeat("node0", 0, 0);
  o.wants_heartbeat("node1", 1, 100);
  EXPECT_EQ(o.wave(200, false), Names{});
  EXPECT_EQ(o.next_deadline(), MountOrder::kWaveWaitMs);
  o.wants_heartbeat("node2", 2, 300);
  EXPECT_EQ(o.wave(300, false), (Names{"node0", "node1", "node2"}));
  EXPECT_EQ(o.wave(400, false), Names{});  // started once
}

TEST(MountOrder, ANodeThatNeverBootsHoldsTheWaveOnlySoLong) {
  MountOrder o;
  o.starting("node0", 0);
  o.starting("node1", 1);
  o.wants_heartbeat("node0", 0, 1000);
  EXPECT_EQ(o.wave(1000 + MountOrder::kWaveWaitMs - 1, false), Names{});
  EXPECT_EQ(o.wave(1000 + MountOrder::kWaveWaitMs, false), Names{"node0"});
}

TEST(MountOrder, ANodeThatDiesIsNotWaitedFor) {
  MountOrder o;
  o.starting("node0", 0);
  o.starting("node1", 1);
  o.wants_heartbeat("node0", 0, 0);
  o.gone("node1");
  EXPECT_EQ(o.wave(10, false), Names{"node0"});
}

TEST(MountOrder, NoWaveWhileAVolumeIsFormatted) {
  MountOrder o;
  o.wants_heartbeat("node0", 0, 0);
  EXPECT_EQ(o.wave(10, true), Names{});
  EXPECT_EQ(o.wave(20, false), Names{"node0"});
}

TEST(MountOrder, OneMountAtATimeLowestNumberFirst) {
  MountOrder o;
  o.wants_mount("node9", 9, "shared");
  o.wants_mount("node2", 2, "shared");
  o.wants_mount("node10", 10, "shared");
  auto m = o.next_mount();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->first, "node2");
  EXPECT_FALSE(o.next_mount());  // node2 still mounts
  o.mount_done("node2");
  EXPECT_EQ(o.next_mount()->first, "node9");
  o.gone("node9");  // died while mounting: the next one goes
  EXPECT_EQ(o.next_mount()->first, "node10");
}

// The memory trim waits for this: no node boots, waits for a wave or a mount, or mounts.
TEST(MountOrder, SettledOnceTheLastMountIsDone) {
  MountOrder o;
  EXPECT_TRUE(o.settled());
  o.starting("node1", 1);
  EXPECT_FALSE(o.settled());
  o.online("node1");
  o.wants_heartbeat("node1", 1, 0);
  EXPECT_FALSE(o.settled());
  ASSERT_EQ(o.wave(0, false).size(), 1u);
  EXPECT_FALSE(o.settled());
  o.heartbeat_steady("node1");
  o.wants_mount("node1", 1, "shared");
  EXPECT_FALSE(o.settled());
  ASSERT_TRUE(o.next_mount());
  EXPECT_FALSE(o.settled());
  o.mount_done("node1");
  EXPECT_TRUE(o.settled());
}

TEST(MountOrder, TheNextJoinStartsOnceTheLastJoined) {
  MountOrder o;
  o.wants_mount("node1", 1, "shared");
  o.wants_mount("node2", 2, "shared");
  EXPECT_EQ(o.next_mount()->first, "node1");
  EXPECT_TRUE(o.mounting());
  o.joined("node1");  // still mounting, but its join is done
  EXPECT_EQ(o.next_mount()->first, "node2");
  o.mount_done("node1");  // late: changes nothing
  EXPECT_FALSE(o.next_mount());
}

TEST(MountOrder, AFullWaveAboveEveryBootingNodeStartsWhileTheRestBoot) {
  MountOrder o;
  for (int i = 0; i < 40; ++i) o.starting("node" + std::to_string(i), i);
  for (int i = 39; i >= 8; --i) o.wants_heartbeat("node" + std::to_string(i), i, 0);
  o.wants_heartbeat("node3", 3, 0);  // online early, but below nodes still booting
  auto w = o.wave(1, false);
  ASSERT_EQ(w.size(), MountOrder::kWaveMax);
  EXPECT_EQ(w.front(), "node8");
  EXPECT_EQ(w.back(), "node39");
  for (auto& n : w) o.heartbeat_steady(n);
  EXPECT_EQ(o.wave(2, false), Names{});  // node3 waits for the nodes above it
  for (int i : {0, 1, 2, 4, 5, 6, 7}) o.wants_heartbeat("node" + std::to_string(i), i, 3);
  EXPECT_EQ(o.wave(4, false).size(), 8u);
}

TEST(MountOrder, LargeClustersStartHeartbeatsInWavesHighestFirst) {
  MountOrder o;
  for (int i = 0; i < 40; ++i) o.wants_heartbeat("node" + std::to_string(i), i, 0);
  auto first = o.wave(1, false);
  ASSERT_EQ(first.size(), MountOrder::kWaveMax);
  EXPECT_EQ(first.front(), "node8");  // by number, not by name; lower ones start first
  EXPECT_EQ(first.back(), "node39");
  EXPECT_EQ(o.wave(2, false), Names{});  // the first wave is not steady yet
  o.wants_mount("node0", 0, "shared");
  EXPECT_FALSE(o.next_mount());  // no mount while heartbeats start
  for (auto& n : first) o.heartbeat_steady(n);
  auto second = o.wave(3, false);
  EXPECT_EQ(second.size(), 8u);
  EXPECT_EQ(second.front(), "node0");
  EXPECT_EQ(second.back(), "node7");
  EXPECT_FALSE(o.next_mount());
  for (auto& n : second) o.heartbeat_steady(n);
  EXPECT_EQ(o.next_mount()->first, "node0");
}

TEST(MountOrder, AGoneNodesQueuedMountsGoWithIt) {
  MountOrder o;
  o.wants_mount("node1", 1, "a");
  o.wants_mount("node1", 1, "b");
  o.wants_mount("node2", 2, "a");
  o.gone("node1");
  EXPECT_EQ(o.next_mount()->first, "node2");
}

}  // namespace
}  // namespace uc::ocfs2

namespace uc::ocfs2 {
namespace {

TEST(MountOrder, APatchedClusterMountsOneWholeMountAtATime) {
  MountOrder o;
  o.one_mount_at_a_time(true);
  o.online("node0");
  o.online("node1");
  o.wants_mount("node0", 0, "shared");
  o.wants_mount("node1", 1, "shared");
  auto first = o.next_mount();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->first, "node0");
  o.joined("node0");
  EXPECT_FALSE(o.next_mount());  // joined is not mounted
  o.mount_done("node0");
  auto second = o.next_mount();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->first, "node1");
}

TEST(MountOrder, OnlyWhenEveryNodesKernelHintsMasters) {
  std::vector<std::string> hinted{
      "kernel/patches/ocfs2-append-stale-eof.patch",
      "/usr/share/umlcluster/kernel/patches/ocfs2-mount-master-hint.patch"};
  EXPECT_TRUE(kernels_hint_masters({hinted, hinted}));
  EXPECT_FALSE(kernels_hint_masters({hinted, {}}));  // one node boots Debian's kernel
  EXPECT_FALSE(kernels_hint_masters({}));
  EXPECT_FALSE(kernels_hint_masters({{"my-ocfs2-mount-master-hint.patch.orig"}}));
}

}  // namespace
}  // namespace uc::ocfs2
