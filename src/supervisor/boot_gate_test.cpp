#include "supervisor/boot_gate.h"

#include <gtest/gtest.h>

namespace uc::cluster {
namespace {

using Names = std::vector<std::string>;

TEST(BootGate, LetsLimitBootAndQueuesTheRestInOrder) {
  BootGate g(2);
  EXPECT_TRUE(g.request("node0"));
  EXPECT_TRUE(g.request("node1"));
  EXPECT_FALSE(g.request("node2"));
  EXPECT_FALSE(g.request("node3"));
  EXPECT_EQ(g.booting(), 2u);
  EXPECT_EQ(g.queued(), 2u);
  EXPECT_EQ(g.admit(), Names{});
  g.done("node1");
  EXPECT_EQ(g.admit(), Names{"node2"});
  g.done("node0");
  g.done("node2");
  EXPECT_EQ(g.admit(), Names{"node3"});
  EXPECT_EQ(g.queued(), 0u);
}

TEST(BootGate, AskingTwiceKeepsOnePlace) {
  BootGate g(1);
  EXPECT_TRUE(g.request("node0"));
  EXPECT_TRUE(g.request("node0"));
  EXPECT_FALSE(g.request("node1"));
  EXPECT_FALSE(g.request("node1"));
  EXPECT_EQ(g.queued(), 1u);
}

TEST(BootGate, DoneOfANodeNotBootingChangesNothing) {
  BootGate g(1);
  EXPECT_TRUE(g.request("node0"));
  EXPECT_FALSE(g.request("node1"));
  g.done("node7");
  EXPECT_EQ(g.admit(), Names{});
}

TEST(BootGate, CancelTakesAWaitingNodeOutOfTheQueue) {
  BootGate g(1);
  EXPECT_TRUE(g.request("node0"));
  EXPECT_FALSE(g.request("node1"));
  EXPECT_FALSE(g.request("node2"));
  EXPECT_TRUE(g.cancel("node1"));
  EXPECT_FALSE(g.waiting("node1"));
  EXPECT_FALSE(g.cancel("node0"));  // it was booting: its place is freed
  EXPECT_EQ(g.admit(), Names{"node2"});
}

TEST(BootGate, ZeroMeansNoLimit) {
  BootGate g(0);
  for (int i = 0; i < 300; ++i) EXPECT_TRUE(g.request("node" + std::to_string(i)));
  EXPECT_EQ(g.queued(), 0u);
}

TEST(BootGate, AutoLimitFollowsTheCores) {
  EXPECT_EQ(auto_boot_parallel(1), 2u);
  EXPECT_EQ(auto_boot_parallel(2), 4u);
  EXPECT_EQ(auto_boot_parallel(8), 16u);
}

}  // namespace
}  // namespace uc::cluster
