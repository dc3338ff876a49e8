#include "monitor/sampler.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace uc::monitor {

TEST(NodeSampler, VanishedProcessCountsNothing) {
  auto gone = NodeSampler().sample_one(999999999, /*with_pss=*/true);
  EXPECT_TRUE(gone.pids.empty());
  EXPECT_EQ(gone.memory, 0u);
  EXPECT_EQ(gone.pss, 0u);
  EXPECT_EQ(NodeSampler().sample_one(::getpid(), false).pids.front(), ::getpid());
}

}  // namespace uc::monitor
