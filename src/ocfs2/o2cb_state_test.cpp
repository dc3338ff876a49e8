#include <gtest/gtest.h>

#include "ocfs2/o2cb_scripts.h"

namespace uc::ocfs2 {
namespace {

TEST(O2cbState, ReadFromTheGuestsFilesWithoutAProcess) {
  std::map<std::string, std::string> files{
      {"/proc/modules",
       "ocfs2 600000 1 - Live 0x0\nocfs2_dlmfs 20000 1 - Live 0x0\nocfs2_dlm 80000 1 ocfs2 Live "
       "0x0\nocfs2_nodemanager 90000 5 ocfs2 Live 0x0\n"},
      {"/proc/mounts",
       "/dev/root / ext4 rw 0 0\nconfigfs /sys/kernel/config configfs rw 0 0\nocfs2_dlmfs /dlm "
       "ocfs2_dlmfs rw 0 0\n/dev/ubdb /cluster ocfs2 rw,relatime 0 0\n"},
      {"/sys/kernel/config/cluster/", "ocfs2\n"},
      {"/sys/kernel/config/cluster/ocfs2/heartbeat/",
       "dead_threshold\nmode\n0F1E2D3C4B5A69788796A5B4C3D2E1F0\n"}};
  auto s = o2cb_state_from_files(files, "ocfs2");
  EXPECT_TRUE(s.modules["ocfs2_nodemanager"]);
  EXPECT_TRUE(s.modules["ocfs2_dlm"]);
  EXPECT_TRUE(s.modules["ocfs2_dlmfs"]);
  EXPECT_FALSE(s.modules["configfs"]);  // built in: not in /proc/modules
  EXPECT_TRUE(s.configfs_mounted);
  EXPECT_TRUE(s.dlmfs_mounted);
  EXPECT_TRUE(s.online);
  EXPECT_EQ(s.heartbeat_regions, 1);
  EXPECT_EQ(s.mounts, std::vector<std::string>{"/cluster"});
  // Another cluster's name is not this one online.
  EXPECT_FALSE(o2cb_state_from_files(files, "other").online);
}

TEST(O2cbState, AnOfflineNodeAndAbsentFilesReadAsNothing) {
  auto s = o2cb_state_from_files({{"/proc/mounts", "/dev/root / ext4 rw 0 0\n"}}, "ocfs2");
  EXPECT_FALSE(s.online);
  EXPECT_FALSE(s.configfs_mounted);
  EXPECT_EQ(s.heartbeat_regions, 0);
  EXPECT_TRUE(s.mounts.empty());
  EXPECT_EQ(s.modules.size(), 4u);
}

}  // namespace
}  // namespace uc::ocfs2
