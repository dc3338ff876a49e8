#include "client/cluster_prepare.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "config/cluster_file.h"

namespace uc::client {
namespace {

ClusterSpec default_spec() {
  auto spec =
      parse_cluster_toml("", "default", /*check_kernel_exists=*/false);  // the paper's 2 nodes
  EXPECT_TRUE(spec) << spec.error().message;
  return *spec;
}

TEST(ClusterPrepare, TheSameClusterGiveOrTakeAddedNodesPoliciesAndOrder) {
  ClusterSpec recorded = default_spec();
  ClusterSpec wanted = recorded;
  EXPECT_TRUE(same_cluster(recorded, wanted));
  // A node added since (`node add`) stays the recorded cluster's.
  NodeSpec added = recorded.nodes.back();
  added.name = "node9";
  added.number = 9;
  recorded.nodes.push_back(added);
  EXPECT_TRUE(same_cluster(recorded, wanted));
  EXPECT_FALSE(same_cluster(wanted, recorded));
  // The manager's settings may change between runs.
  wanted.nodes[0].restart = RestartPolicy::kNo;
  wanted.manager.restart_limit += 3;
  EXPECT_TRUE(same_cluster(recorded, wanted));
  ClusterSpec taken = with_policies_of(recorded, wanted);
  EXPECT_EQ(taken.nodes[0].restart, RestartPolicy::kNo);
  EXPECT_EQ(taken.manager.restart_limit, wanted.manager.restart_limit);
  EXPECT_EQ(taken.nodes.size(), 3u);
  // A cluster.conf may list its nodes in any order.
  std::reverse(wanted.nodes.begin(), wanted.nodes.end());
  EXPECT_TRUE(same_cluster(recorded, wanted));
  // Anything else is another cluster.
  wanted.nodes[0].memory *= 2;
  EXPECT_FALSE(same_cluster(recorded, wanted));
}

TEST(ClusterPrepare, NoFileNoLab) { EXPECT_EQ(lab_of("", default_spec()), ""); }

}  // namespace
}  // namespace uc::client
