#include "config/node_add.h"

#include <gtest/gtest.h>

#include "config/cluster_file.h"
#include "support/test_text.h"

namespace uc {
namespace {

using test_support::paper;

std::vector<std::string> errors_of(const NodeAddPlan& p) { return p.errors; }

TEST(NodeAdd, TheNewNodeTakesTheNextNumberAndTheFirstNodesSettings) {
  auto c = paper();
  c.nodes[0].memory = 256 * kMiB;
  c.nodes[0].restart = RestartPolicy::kAlways;
  auto plan = plan_node_add(c, {"node2", "192.168.0.120"});
  ASSERT_EQ(errors_of(plan), std::vector<std::string>{});
  EXPECT_EQ(plan.node.name, "node2");
  EXPECT_EQ(plan.node.address.str(), "192.168.0.120");
  EXPECT_EQ(plan.node.number, 2);
  EXPECT_EQ(plan.node.memory, 256 * kMiB);
  EXPECT_EQ(plan.node.restart, RestartPolicy::kAlways);
}

TEST(NodeAdd, OptionsSetNumberAndMemory) {
  auto plan = plan_node_add(paper(), {"node2", "192.168.0.120", 9, "512M"});
  ASSERT_EQ(errors_of(plan), std::vector<std::string>{});
  EXPECT_EQ(plan.node.number, 9);
  EXPECT_EQ(plan.node.memory, 512 * kMiB);
}

TEST(NodeAdd, PastTheHighestNumberTheLowestFreeOne) {
  auto c = paper();
  c.nodes[1].number = 254;
  EXPECT_EQ(plan_node_add(c, {"node2", "192.168.0.120"}).node.number, 1);
}

TEST(NodeAdd, EachOptionsProblemNamesTheOption) {
  struct Case {
    NodeAddRequest req;
    std::vector<std::string> errors;
  };
  for (const auto& k : std::vector<Case>{
           {{"node1", "192.168.0.120"}, {"name: duplicate node name \"node1\" (also node[1])"}},
           {{"Node_2", "192.168.0.120"},
            {"name: \"Node_2\" is not a valid hostname (1-63 of a-z, 0-9 and '-', not starting "
             "or ending with '-')"}},
           {{"node2", "192.168.0.1234"}, {"--ip: \"192.168.0.1234\" is not an IPv4 address"}},
           {{"node2", "192.168.0.116"},
            {"--ip: duplicate address 192.168.0.116 (already node1's address, node[1])"}},
           {{"node2", "192.168.0.0"},
            {"--ip: 192.168.0.0 is the network or broadcast address of 192.168.0.0/24"}},
           {{"node2", "10.0.0.1"}, {"--ip: 10.0.0.1 is outside the subnet 192.168.0.0/24"}},
           {{"node2", "192.168.0.120", 1},
            {"--number: duplicate node number 1 (already node1's number, node[1])"}},
           {{"node2", "192.168.0.120", 300}, {"--number: must be 0-254, not 300"}},
           {{"node2", "192.168.0.120", -1, "32M"},
            {"--memory: 32M is too small: a node needs at least 64M"}},
           {{"node2", "192.168.0.120", -1, "lots"},
            {"--memory: \"lots\" is not a size such as \"128M\" or \"1G\""}},
           // Every problem at once.
           {{"node1", "192.168.0.116", 0, "20G"},
            {"name: duplicate node name \"node1\" (also node[1])",
             "--ip: duplicate address 192.168.0.116 (already node1's address, node[1])",
             "--number: duplicate node number 0 (already node0's number, node[0])",
             "--memory: 20G is too large (at most 16G)"}},
       }) {
    auto plan = plan_node_add(paper(), k.req);
    EXPECT_EQ(errors_of(plan), k.errors) << k.req.name << " " << k.req.ip;
    EXPECT_TRUE(plan.bad_input);
  }
}

TEST(NodeAdd, AFormattedVolumeWithEverySlotTakenHasNoRoom) {
  auto plan = plan_node_add(paper(), {"node2", "192.168.0.120"}, {{"shared", 2}});
  EXPECT_EQ(errors_of(plan),
            std::vector<std::string>{"volume shared: 2 node slots for 3 attached nodes: each node "
                                     "that mounts the volume needs one (its slots were fixed "
                                     "when it was formatted)"});
  EXPECT_FALSE(plan.bad_input);
  // A free slot, or a volume not formatted yet (it gets its slots then): room.
  EXPECT_TRUE(plan_node_add(paper(), {"node2", "192.168.0.120"}, {{"shared", 3}}).errors.empty());
  EXPECT_TRUE(plan_node_add(paper(), {"node2", "192.168.0.120"}).errors.empty());
}

TEST(NodeAdd, AVolumeTheNewNodeDoesNotMountIsNotItsConcern) {
  auto c = paper();
  c.disks[0].nodes = {"node0"};
  EXPECT_TRUE(plan_node_add(c, {"node2", "192.168.0.120"}, {{"shared", 1}}).errors.empty());
}

TEST(NodeAdd, WhatTheClusterHadBeforeIsNotTheNewNodesProblem) {
  auto c = paper();
  c.disks[0].label = std::string(70, 'x');  // a rule newer than this cluster's record
  EXPECT_TRUE(plan_node_add(c, {"node2", "192.168.0.120"}).errors.empty());
}

}  // namespace
}  // namespace uc
