#include "events/event_fold.h"

#include <gtest/gtest.h>

namespace uc::cluster {
namespace {

Event o2net(const std::string& node, const std::string& type, int peer) {
  return Event{1796328480000 + peer, "h255", node, type, {{"peer_number", peer}}};
}

TEST(EventFold, AStormOfOneNodesO2netLinesIsKeptUpToItsBurstThenCounted) {
  EventFold fold(3, 10000);
  int kept = 0;
  for (int peer = 0; peer < 100; ++peer)
    kept += fold.admit(o2net("node7", "o2net_shutdown", peer), 1000 + peer) ? 1 : 0;
  EXPECT_EQ(kept, 3);
  EXPECT_TRUE(fold.due(10999).empty());  // the window is not over
  auto told = fold.due(11000);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].node, "node7");
  EXPECT_EQ(told[0].type, "folded");
  EXPECT_EQ(told[0].fields["of"], "o2net_shutdown");
  EXPECT_EQ(told[0].fields["count"], 97);
  EXPECT_EQ(told[0].fields["last"]["peer_number"], 99);
  EXPECT_EQ(told[0].ts_ms, 1796328480099);
  EXPECT_TRUE(fold.due(30000).empty());  // told once
}

TEST(EventFold, EachNodeAndTypeHasItsOwnWindowAndOtherEventsAreNeverFolded) {
  EventFold fold(2, 10000);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(fold.admit(o2net("node" + std::to_string(i), "o2net_idle", 1), 0));
    EXPECT_TRUE(fold.admit(o2net("node0", "died", i), 0));
    EXPECT_TRUE(fold.admit(o2net("node0", "heartbeat_node_up", i), 0));
  }
  EXPECT_TRUE(fold.admit(o2net("node0", "o2net_lost", 1), 0));
  for (int peer = 0; peer < 100; ++peer)  // every first connection is told
    EXPECT_TRUE(fold.admit(o2net("node0", "o2net_connected", peer), 0));
  EXPECT_TRUE(fold.admit(o2net("node0", "o2net_idle", 2), 0));  // node0's second o2net_idle
  EXPECT_FALSE(fold.admit(o2net("node0", "o2net_idle", 3), 0));
  EXPECT_EQ(fold.due(10000).size(), 1u);
}

// A new window that opens before due() ran: the old window's count is told, not lost.
TEST(EventFold, AWindowEndedByTheNextEventStillTellsItsCount) {
  EventFold fold(1, 10000);
  EXPECT_TRUE(fold.admit(o2net("node1", "o2net_no_connection", 1), 0));
  EXPECT_FALSE(fold.admit(o2net("node1", "o2net_no_connection", 2), 5000));
  EXPECT_TRUE(fold.admit(o2net("node1", "o2net_no_connection", 3), 12000));
  EXPECT_FALSE(fold.admit(o2net("node1", "o2net_no_connection", 4), 12001));
  auto told = fold.due(12002);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].fields["count"], 1);
  EXPECT_EQ(told[0].fields["last"]["peer_number"], 2);
  told = fold.due(22001);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].fields["last"]["peer_number"], 4);
}

}  // namespace
}  // namespace uc::cluster
