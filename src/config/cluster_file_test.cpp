#include "config/cluster_file.h"

#include <gtest/gtest.h>

namespace uc {
namespace {

Result<ClusterSpec> parse(const std::string& text) {
  return parse_cluster_toml(text, "cluster.toml", /*check_kernel_exists=*/false);
}

std::string error_of(const std::string& text) {
  auto r = parse(text);
  EXPECT_FALSE(r.ok()) << "expected an error for:\n" << text;
  return r.ok() ? "" : r.error().message;
}

TEST(ClusterFile, EmptyFileIsThePapersCluster) {
  auto r = parse("");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name, "ocfs2");
  EXPECT_EQ(r->port, 7777);
  EXPECT_EQ(r->subnet.str(), "192.168.0.0/24");
  ASSERT_EQ(r->nodes.size(), 2u);
  EXPECT_EQ(r->nodes[0].name, "node0");
  EXPECT_EQ(r->nodes[0].address.str(), "192.168.0.112");
  EXPECT_EQ(r->nodes[1].name, "node1");
  EXPECT_EQ(r->nodes[1].address.str(), "192.168.0.116");
  EXPECT_EQ(r->nodes[0].memory, 128 * kMiB);
  EXPECT_EQ(r->nodes[1].number, 1);
  EXPECT_EQ(r->nodes[0].kernel, "/usr/bin/linux.uml");
  ASSERT_EQ(r->disks.size(), 1u);
  EXPECT_EQ(r->disks[0].mount, "/cluster");
}

TEST(ClusterFile, FullFile) {
  auto r = parse(R"(
[cluster]
name = "lab1"
port = 7000
subnet = "10.9.0.0/16"

[defaults]
memory = "256M"
kernel_args = ["loglevel=4"]

[[node]]
name = "alpha"
address = "10.9.1.1"

[[node]]
name = "beta"
address = "10.9.1.2"
memory = 512
number = 7

[[disk]]
name = "data"
size = "2G"
mount = "/data"
nodes = ["alpha"]
heartbeat = "global"

[image]
packages = ["strace"]
)");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name, "lab1");
  EXPECT_EQ(r->port, 7000);
  EXPECT_EQ(r->nodes[0].memory, 256 * kMiB);
  EXPECT_EQ(r->nodes[0].kernel_args, std::vector<std::string>{"loglevel=4"});
  EXPECT_EQ(r->nodes[1].memory, 512 * kMiB);
  EXPECT_EQ(r->nodes[1].number, 7);
  EXPECT_EQ(r->disks[0].size, 2048 * kMiB);
  EXPECT_EQ(r->disks[0].heartbeat, "global");
  EXPECT_EQ(r->image.packages, std::vector<std::string>{"strace"});
}

TEST(ClusterFile, NodeCountGeneratesPaperStyleNodes) {
  auto r = parse("[cluster]\nnode_count = 32\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->nodes.size(), 32u);
  EXPECT_EQ(r->nodes[31].name, "node31");
  EXPECT_EQ(r->nodes[31].address.str(), "192.168.0.236");
}

TEST(ClusterFile, SyntaxErrorNamesFileAndLine) {
  auto e = error_of("[cluster]\nname = \"x\n");
  EXPECT_NE(e.find("cluster.toml:2:"), std::string::npos) << e;
}

TEST(ClusterFile, DuplicateNames) {
  auto e = error_of("[[node]]\nname = \"a\"\naddress = \"192.168.0.1\"\n"
                    "[[node]]\nname = \"a\"\naddress = \"192.168.0.2\"\n");
  EXPECT_NE(e.find("cluster.toml:5: node[1].name: duplicate node name \"a\""), std::string::npos) << e;
}

TEST(ClusterFile, DuplicateAddresses) {
  auto e = error_of("[[node]]\nname = \"a\"\naddress = \"192.168.0.1\"\n"
                    "[[node]]\nname = \"b\"\naddress = \"192.168.0.1\"\n");
  EXPECT_NE(e.find("cluster.toml:6: node[1].address: duplicate address 192.168.0.1"),
            std::string::npos) << e;
}

TEST(ClusterFile, AddressOutsideSubnet) {
  auto e = error_of("[[node]]\nname = \"a\"\naddress = \"10.0.0.1\"\n");
  EXPECT_NE(e.find("cluster.toml:3: node[0].address: 10.0.0.1 is outside the subnet 192.168.0.0/24"),
            std::string::npos) << e;
}

TEST(ClusterFile, NetworkAndBroadcastAddressesAreRefused) {
  EXPECT_NE(error_of("[[node]]\naddress = \"192.168.0.255\"\n").find("broadcast"), std::string::npos);
  EXPECT_NE(error_of("[[node]]\naddress = \"192.168.0.0\"\n").find("network"), std::string::npos);
}

TEST(ClusterFile, BadAddressSyntax) {
  auto e = error_of("[[node]]\naddress = \"192.168.0.1234\"\n");
  EXPECT_NE(e.find("cluster.toml:2: node[0].address: \"192.168.0.1234\" is not an IPv4 address"),
            std::string::npos) << e;
}

TEST(ClusterFile, InvalidHostname) {
  for (const char* bad : {"Node_0", "-x", "x-", "", "a.b"}) {
    auto e = error_of(std::string("[[node]]\nname = \"") + bad + "\"\n");
    EXPECT_NE(e.find("cluster.toml:2: node[0].name:"), std::string::npos) << e;
    EXPECT_NE(e.find("not a valid hostname"), std::string::npos) << e;
  }
}

TEST(ClusterFile, MemoryTooSmall) {
  auto e = error_of("[[node]]\nmemory = \"16M\"\n");
  EXPECT_NE(e.find("cluster.toml:2: node[0].memory: 16M is too small"), std::string::npos) << e;
}

TEST(ClusterFile, MemoryTooSmallInDefaultsPointsAtDefaults) {
  auto e = error_of("[defaults]\nmemory = \"32M\"\n");
  EXPECT_NE(e.find("cluster.toml:2: node[0].memory: 32M is too small"), std::string::npos) << e;
}

TEST(ClusterFile, MissingKernel) {
  auto r = parse_cluster_toml("[[node]]\nkernel = \"/nonexistent/linux\"\n", "cluster.toml", true);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cluster.toml:2: node[0].kernel: kernel /nonexistent/linux does not exist"),
            std::string::npos) << r.error().message;
}

TEST(ClusterFile, UnknownFieldIsAnError) {
  auto e = error_of("[cluster]\nnmae = \"x\"\n");
  EXPECT_NE(e.find("cluster.toml:2: cluster.nmae: unknown field"), std::string::npos) << e;
}

TEST(ClusterFile, WrongType) {
  auto e = error_of("[cluster]\nport = \"7777\"\n");
  EXPECT_NE(e.find("cluster.toml:2: cluster.port: expected an integer"), std::string::npos) << e;
}

TEST(ClusterFile, ClusterNameFollowsOcfs2Rules) {
  auto e = error_of("[cluster]\nname = \"this-is-too-long-for-ocfs2\"\n");
  EXPECT_NE(e.find("cluster.toml:2: cluster.name:"), std::string::npos) << e;
}

TEST(ClusterFile, BadSubnet) {
  auto e = error_of("[cluster]\nsubnet = \"192.168.0.1/24\"\n");
  EXPECT_NE(e.find("cluster.toml:2: cluster.subnet:"), std::string::npos) << e;
}

TEST(ClusterFile, DiskNamesUnknownNode) {
  auto e = error_of("[[disk]]\nnodes = [\"node9\"]\n");
  EXPECT_NE(e.find("disk[0].nodes: no node named \"node9\""), std::string::npos) << e;
}

TEST(ClusterFile, ReportsEveryErrorAtOnce) {
  auto e = error_of("[[node]]\nname = \"A\"\nmemory = \"1M\"\n");
  EXPECT_NE(e.find("node[0].name"), std::string::npos);
  EXPECT_NE(e.find("node[0].memory"), std::string::npos);
}

TEST(ClusterFile, SpecRoundTripsThroughJson) {
  auto r = parse("[cluster]\nnode_count = 3\n");
  ASSERT_TRUE(r.ok());
  nlohmann::json j = *r;
  ClusterSpec back = j.get<ClusterSpec>();
  EXPECT_EQ(nlohmann::json(back), j);
}

TEST(Sizes, ParseAndFormat) {
  EXPECT_EQ(parse_size("128M"), 128 * kMiB);
  EXPECT_EQ(parse_size("1G"), 1024 * kMiB);
  EXPECT_EQ(parse_size("64MiB"), 64 * kMiB);
  EXPECT_EQ(parse_size("100"), 100 * kMiB);
  EXPECT_FALSE(parse_size("12X"));
  EXPECT_FALSE(parse_size("M"));
  EXPECT_EQ(format_size(128 * kMiB), "128M");
}

}  // namespace
}  // namespace uc
