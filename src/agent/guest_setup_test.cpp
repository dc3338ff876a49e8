#include "agent/guest_setup.h"

#include <gtest/gtest.h>

namespace uc::agent {

TEST(BootParams, OnlyUmlclusterWords) {
  auto p = read_boot_params("root=/dev/ubda uc.name=node0 uc.addr=192.168.0.112/24 uc.hosts=a@1,b@2 rw\n");
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
