#include "node/node_stats.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace uc::node {

TEST(NodeStats, ParsesSmapsRollup) {
  const char* sample =
      "55d0c0a00000-7ffd5d3f1000 ---p 00000000 00:00 0                          [rollup]\n"
      "Rss:               53924 kB\nPss:               27180 kB\nShared_Clean:       1024 kB\n"
      "Anonymous:          1200 kB\nSwap:                  0 kB\n";
  EXPECT_EQ(parse_smaps_anonymous(sample), 1200u * 1024);
  EXPECT_EQ(parse_smaps_anonymous(""), 0u);
}

TEST(NodeStats, VanishedProcessCountsNothing) {
  EXPECT_EQ(anonymous_bytes(999999999), 0u);
  EXPECT_EQ(process_tree(::getpid()).front(), ::getpid());
}

}  // namespace uc::node
