#include "node/kernel_cmdline.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "config/cluster_file.h"

namespace uc::node {
namespace {

bool has(const std::vector<std::string>& v, const std::string& w) {
  return std::find(v.begin(), v.end(), w) != v.end();
}

TEST(KernelCmdline, PapersNode0) {
  auto c = parse_cluster_toml("", "t", false).value();
  auto args = kernel_command_line(c, c.nodes[0]);
  EXPECT_EQ(args[0], "/usr/bin/linux.uml");
  EXPECT_TRUE(has(args, "umid=node0"));
  EXPECT_TRUE(has(args, "mem=128M"));
  EXPECT_TRUE(has(args, "ubd0=/node/root.cow,/image/rootfs.img"));
  EXPECT_TRUE(has(args, "root=/dev/ubda"));
  EXPECT_TRUE(has(args, "eth0=daemon,fe:fd:c0:a8:00:70,unix,/net/switch.ctl"));
  EXPECT_TRUE(has(args, "init=/usr/sbin/umlcluster-agent"));
  EXPECT_TRUE(has(args, "con=null"));
  EXPECT_TRUE(has(args, "con0=null,fd:1"));
  EXPECT_TRUE(has(args, "con1=fd:3,fd:4"));
  EXPECT_TRUE(has(args, "uc.name=node0"));
  EXPECT_TRUE(has(args, "uc.addr=192.168.0.112/24"));
  EXPECT_TRUE(has(args, "uc.hosts=node0@192.168.0.112,node1@192.168.0.116"));
  // No transport that touches the host's network stack.
  for (const auto& a : args) {
    EXPECT_EQ(a.find("tuntap"), std::string::npos);
    EXPECT_EQ(a.find("mcast"), std::string::npos);
    EXPECT_EQ(a.find("slirp"), std::string::npos);
  }
}

TEST(KernelCmdline, ALargeClustersHostsStayOffTheCommandLine) {
  auto r =
      parse_cluster_toml("[cluster]\nnode_count = 255\nsubnet = \"192.168.0.0/21\"\n", "t", false);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& c = *r;
  auto args = kernel_command_line(c, c.nodes[254]);
  size_t total = 0;
  for (const auto& a : args) {
    EXPECT_NE(a.rfind("uc.hosts=", 0), 0u) << a.substr(0, 40);
    total += a.size() + 1;
  }
  EXPECT_LT(total, 4096u - 200);  // room for the disks' arguments and the user's
}

TEST(KernelCmdline, NodeSettingsAndExtraArgs) {
  auto c = parse_cluster_toml(
               "[[node]]\nname=\"big\"\naddress=\"192.168.0.9\"\nmemory=\"1G\"\nkernel_args=["
               "\"loglevel=7\"]\n",
               "t", false)
               .value();
  auto args = kernel_command_line(c, c.nodes[0]);
  EXPECT_TRUE(has(args, "mem=1024M"));
  EXPECT_TRUE(has(args, "umid=big"));
  EXPECT_EQ(args.back(), "loglevel=7");
  EXPECT_EQ(node_mac(c.nodes[0]), "fe:fd:c0:a8:00:09");
}

}  // namespace
}  // namespace uc::node
