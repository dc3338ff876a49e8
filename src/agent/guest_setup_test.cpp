#include "agent/guest_setup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "sys/files.h"

namespace uc::agent {

TEST(BootParams, OnlyUmlclusterWords) {
  auto p = read_boot_params(
      "root=/dev/ubda uc.name=node0 uc.addr=192.168.0.112/24 uc.hosts=a@1,b@2 rw\n");
  EXPECT_EQ(p.size(), 3u);
  EXPECT_EQ(p["name"], "node0");
  EXPECT_EQ(p["addr"], "192.168.0.112/24");
  EXPECT_EQ(p["hosts"], "a@1,b@2");
}

}  // namespace uc::agent

TEST(BootParams, ModulesDiskMustBeAUbdDevice) {
  using uc::agent::modules_device;
  EXPECT_EQ(modules_device({{"modules", "/dev/ubdc"}}), "/dev/ubdc");
  EXPECT_EQ(modules_device({{"modules", "/dev/ubdp"}}), "/dev/ubdp");
  EXPECT_EQ(modules_device({}), "");
  EXPECT_EQ(modules_device({{"modules", "/dev/sda"}}), "");
  EXPECT_EQ(modules_device({{"modules", "/dev/ubdq"}}), "");
  EXPECT_EQ(modules_device({{"modules", "/dev/ubd../x"}}), "");
  EXPECT_EQ(modules_device({{"modules", "/etc/passwd"}}), "");
}

namespace uc::agent {
namespace {

std::string link_target(const std::string& path) {
  char buf[256];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

TEST(DevLinks, FdStdinStdoutStderrPointIntoProcSelf) {
  auto tmp = TempDir::create("/tmp", "uc-dev-");
  ASSERT_TRUE(tmp);
  ASSERT_TRUE(make_dev_links(tmp->path()));
  EXPECT_EQ(link_target(tmp->path() + "/fd"), "/proc/self/fd");
  EXPECT_EQ(link_target(tmp->path() + "/stdin"), "/proc/self/fd/0");
  EXPECT_EQ(link_target(tmp->path() + "/stdout"), "/proc/self/fd/1");
  EXPECT_EQ(link_target(tmp->path() + "/stderr"), "/proc/self/fd/2");
  EXPECT_EQ(list_dir(tmp->path()).size(), 4u);
}

TEST(DevLinks, ASecondRunAndLinksThatExistAlreadyChangeNothing) {
  auto tmp = TempDir::create("/tmp", "uc-dev-");
  ASSERT_TRUE(tmp);
  ASSERT_EQ(::symlink("/somewhere/else", (tmp->path() + "/stderr").c_str()), 0);
  ASSERT_TRUE(make_dev_links(tmp->path()));
  ASSERT_TRUE(make_dev_links(tmp->path()));
  EXPECT_EQ(link_target(tmp->path() + "/fd"), "/proc/self/fd");
  EXPECT_EQ(link_target(tmp->path() + "/stderr"), "/somewhere/else");
}

TEST(DevLinks, AMissingDevFolderIsAnErrorNamingThePath) {
  auto s = make_dev_links("/nonexistent-uc-dev");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("/nonexistent-uc-dev/fd"), std::string::npos)
      << s.error().message;
}

}  // namespace
}  // namespace uc::agent
