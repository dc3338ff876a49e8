// On a plain folder: the names and the clean-up of session cgroups. (A folder that is not
// empty refuses rmdir as a cgroup with a process in it does.) The cgroup itself is tested
// in a real guest: tests/integration/agent_session_test.cpp.
#include "agent/session_cgroups.h"

#include <gtest/gtest.h>

#include "sys/files.h"

namespace uc::agent {
namespace {

TEST(SessionCgroups, EachSessionGetsANewCgroup) {
  auto tmp = TempDir::create("/tmp", "uc-cg-");
  ASSERT_TRUE(tmp);
  auto cgs = SessionCgroups::at_folder(tmp->path());
  auto a = cgs.create();
  auto b = cgs.create();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, tmp->path() + "/1");
  EXPECT_EQ(*b, tmp->path() + "/2");
  EXPECT_TRUE(is_directory(*a));
  EXPECT_TRUE(is_directory(*b));
}

TEST(SessionCgroups, ARetiredCgroupGoesOnceItIsEmpty) {
  auto tmp = TempDir::create("/tmp", "uc-cg-");
  ASSERT_TRUE(tmp);
  auto cgs = SessionCgroups::at_folder(tmp->path());
  auto empty = cgs.create();
  auto busy = cgs.create();
  ASSERT_TRUE(empty && busy);
  ASSERT_TRUE(write_file_atomic(*busy + "/daemon", "still running"));
  cgs.retire(*empty);
  cgs.retire(*busy);
  EXPECT_FALSE(path_exists(*empty));
  EXPECT_TRUE(path_exists(*busy));
  EXPECT_EQ(cgs.lingering(), 1u);
  cgs.sweep();
  EXPECT_EQ(cgs.lingering(), 1u);
  ASSERT_EQ(::unlink((*busy + "/daemon").c_str()), 0);
  cgs.sweep();
  EXPECT_FALSE(path_exists(*busy));
  EXPECT_EQ(cgs.lingering(), 0u);
  cgs.retire(tmp->path() + "/gone-already");  // removed by someone else: nothing to wait for
  EXPECT_EQ(cgs.lingering(), 0u);
}

TEST(SessionCgroups, AFolderWithoutCgroupFilesSaysWhichFile) {
  auto tmp = TempDir::create("/tmp", "uc-cg-");
  ASSERT_TRUE(tmp);
  auto cgs = SessionCgroups::at_folder(tmp->path());
  auto cg = cgs.create();
  ASSERT_TRUE(cg);
  auto k = cgs.kill(*cg);
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message.find(*cg + "/cgroup.kill"), std::string::npos) << k.error().message;
  auto a = cgs.add(*cg, 1);
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("cgroup.procs"), std::string::npos) << a.error().message;
}

TEST(Mounts, FindsAMountByPointAndType) {
  std::string m =
      "/dev/root / ext4 rw 0 0\nproc /proc proc rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n";
  EXPECT_TRUE(is_mounted(m, "/sys/fs/cgroup", "cgroup2"));
  EXPECT_FALSE(is_mounted(m, "/sys/fs/cgroup", "tmpfs"));
  EXPECT_FALSE(is_mounted(m, "/sys/fs", "cgroup2"));
  EXPECT_FALSE(is_mounted("", "/sys/fs/cgroup", "cgroup2"));
}

}  // namespace
}  // namespace uc::agent
