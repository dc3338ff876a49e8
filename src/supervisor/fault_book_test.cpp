#include "supervisor/fault_book.h"

#include <gtest/gtest.h>

namespace uc::cluster {
namespace {

TEST(FaultBook, TimedFaultsComeDueInOrderAndUntimedOnesStay) {
  FaultBook b;
  b.add("freeze", "node1", 1000, 50000, 3000);
  b.add("freeze", "node2", 1000, 50000, 0);
  b.add("freeze", "node0", 2000, 51000, 1000);
  EXPECT_EQ(b.next_deadline(), 3000);
  EXPECT_TRUE(b.due(2999).empty());
  auto d = b.due(3000);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].node, "node0");
  EXPECT_EQ(b.next_deadline(), 4000);
  EXPECT_EQ(b.due(10000).size(), 1u);
  EXPECT_EQ(b.next_deadline(), std::nullopt);
  ASSERT_EQ(b.active().size(), 1u);
  EXPECT_EQ(to_json(b.active()[0])["ends_at_ms"], nullptr);
}

TEST(FaultBook, RemoveByKindNodeAndAll) {
  FaultBook b;
  b.add("freeze", "node1", 0, 0, 0);
  EXPECT_TRUE(b.has("freeze", "node1"));
  EXPECT_FALSE(b.has("freeze", "node0"));
  EXPECT_EQ(b.remove("freeze", "node0"), std::nullopt);
  ASSERT_TRUE(b.remove("freeze", "node1"));
  EXPECT_TRUE(b.active().empty());
  b.add("freeze", "node1", 0, 0, 5);
  b.add("freeze", "node2", 0, 0, 0);
  EXPECT_EQ(b.remove_node("node2").size(), 1u);
  auto all = b.clear();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].node, "node1");
  EXPECT_EQ(to_json(all[0])["ends_at_ms"], 5);
  EXPECT_TRUE(b.active().empty());
}

}  // namespace
}  // namespace uc::cluster
