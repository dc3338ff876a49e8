#include "supervisor/fault_rules.h"

#include <gtest/gtest.h>

namespace uc::cluster {
namespace {

const std::vector<std::string> kNodes{"node0", "node1", "node2"};
const std::map<std::string, net::Mac> kMacs{{"node0", 0x10}, {"node1", 0x11}, {"node2", 0x12}};

TEST(FaultRules, PartitionChecks) {
  EXPECT_TRUE(check_partition({{"node0"}, {"node1", "node2"}}, kNodes).ok());
  EXPECT_TRUE(check_partition({{"node0"}, {"node1"}}, kNodes).ok());  // node2 keeps both sides
  auto unknown = check_partition({{"node0"}, {"node9"}}, kNodes);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("node9"), std::string::npos);
  EXPECT_FALSE(check_partition({{"node0"}, {"node0", "node1"}}, kNodes).ok());
  EXPECT_FALSE(check_partition({{"node0", "node1"}}, kNodes).ok());
  EXPECT_FALSE(check_partition({{"node0"}, {}}, kNodes).ok());
}

TEST(FaultRules, PartitionBlocksBothWaysOrOne) {
  FaultBook book;
  book.add("partition", "", 0, 0, 0, {{"groups", {{"node0"}, {"node1", "node2"}}}});
  auto r = net_rules(book, kMacs);
  EXPECT_EQ(r.blocked.size(), 4u);
  EXPECT_TRUE(r.blocked.count({0x10, 0x11}));
  EXPECT_TRUE(r.blocked.count({0x12, 0x10}));
  EXPECT_FALSE(r.blocked.count({0x11, 0x12}));
  FaultBook one;
  one.add("partition", "", 0, 0, 0, {{"groups", {{"node0"}, {"node1"}}}, {"one_way", true}});
  auto o = net_rules(one, kMacs);
  ASSERT_EQ(o.blocked.size(), 1u);
  EXPECT_TRUE(o.blocked.count({0x10, 0x11}));
}

TEST(FaultRules, SlowLinksAndNothing) {
  FaultBook book;
  EXPECT_TRUE(net_rules(book, kMacs).blocked.empty());
  book.add("net", "node1", 0, 0, 0, {{"delay_ms", 200}, {"jitter_ms", 20}, {"loss_pct", 5.0}});
  book.add("freeze", "node2", 0, 0, 0);
  auto r = net_rules(book, kMacs);
  ASSERT_EQ(r.links.size(), 1u);
  EXPECT_EQ(r.links.at(0x11).delay_ms, 200u);
  EXPECT_EQ(r.links.at(0x11).jitter_ms, 20u);
  EXPECT_DOUBLE_EQ(r.links.at(0x11).loss_pct, 5.0);
  book.remove("net", "node1");
  EXPECT_TRUE(net_rules(book, kMacs).links.empty());
}

TEST(FaultRules, NodeDeathKeepsItsSlowLink) {
  FaultBook book;
  book.add("net", "node1", 0, 0, 0, {{"delay_ms", 100}});
  book.add("disk-stall", "node1", 0, 0, 0);
  auto ended = book.remove_node("node1");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].kind, "disk-stall");
  EXPECT_TRUE(book.has("net", "node1"));
}

}  // namespace
}  // namespace uc::cluster
