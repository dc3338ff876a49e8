#include "node/node_stats.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace uc::node {

TEST(NodeStats, VanishedProcessCountsNothing) {
  EXPECT_EQ(anonymous_bytes(999999999), 0u);
  EXPECT_EQ(process_tree(::getpid()).front(), ::getpid());
}

}  // namespace uc::node
