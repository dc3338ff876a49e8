#include "ocfs2/cluster_conf.h"

#include <gtest/gtest.h>

#include "config/cluster_file.h"

namespace uc::ocfs2 {
namespace {

const char* kPaper =
    "cluster:\n\tnode_count = 2\n\tname = ocfs2\n\n"
    "node:\n\tip_port = 7777\n\tip_address = 192.168.0.112\n\tnumber = 0\n\tname = "
    "node0\n\tcluster = ocfs2\n\n"
    "node:\n\tip_port = 7777\n\tip_address = 192.168.0.116\n\tnumber = 1\n\tname = "
    "node1\n\tcluster = ocfs2\n";

std::string error_of(const std::string& text) {
  auto r = parse_cluster_conf(text, "cluster.conf");
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().message;
}

TEST(ClusterConf, WritesOcfs2Layout) {
  auto spec = parse_cluster_toml("", "t", false).value();
  std::string conf = write_cluster_conf(spec);
  EXPECT_EQ(conf,
            "cluster:\n\tnode_count = 2\n\theartbeat_mode = local\n\tname = ocfs2\n\n"
            "node:\n\tip_port = 7777\n\tip_address = 192.168.0.112\n\tnumber = 0\n\tname = "
            "node0\n\tcluster = ocfs2\n\n"
            "node:\n\tip_port = 7777\n\tip_address = 192.168.0.116\n\tnumber = 1\n\tname = "
            "node1\n\tcluster = ocfs2\n");
}

TEST(ClusterConf, PapersTable3) {
  auto r = parse_cluster_conf(kPaper, "paper.conf");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name, "ocfs2");
  EXPECT_EQ(r->port, 7777);
  ASSERT_EQ(r->nodes.size(), 2u);
  EXPECT_EQ(r->nodes[0].name, "node0");
  EXPECT_EQ(r->nodes[0].address.str(), "192.168.0.112");
  EXPECT_EQ(r->nodes[1].address.str(), "192.168.0.116");
  EXPECT_EQ(r->nodes[1].number, 1);
  EXPECT_EQ(r->subnet.str(), "192.168.0.0/24");
  // The same cluster as the default cluster file.
  EXPECT_EQ(nlohmann::json(*r), nlohmann::json(parse_cluster_toml("", "t", false).value()));
}

TEST(ClusterConf, RoundTrip) {
  auto spec =
      parse_cluster_toml("[cluster]\nname=\"lab\"\nport=7000\nnode_count=5\n", "t", false).value();
  auto back = parse_cluster_conf(write_cluster_conf(spec), "x");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(write_cluster_conf(*back), write_cluster_conf(spec));
  EXPECT_EQ(back->nodes.size(), 5u);
  EXPECT_EQ(back->port, 7000);
}

TEST(ClusterConf, ParameterNeedsTab) {
  std::string t = kPaper;
  t.replace(t.find("\tname = ocfs2"), 1, "    ");
  EXPECT_NE(error_of(t).find("cluster.conf:3: indent: parameters must be indented with a TAB"),
            std::string::npos);
}

TEST(ClusterConf, StanzaInColumnOne) {
  std::string t = kPaper;
  t.replace(t.find("node:"), 5, "foo:");
  EXPECT_NE(error_of(t).find("cluster.conf:5: stanza: unknown stanza \"foo\""), std::string::npos);
}

TEST(ClusterConf, NodeCountMustMatch) {
  std::string t = kPaper;
  t.replace(t.find("node_count = 2"), 14, "node_count = 3");
  EXPECT_NE(
      error_of(t).find("cluster.conf:2: cluster.node_count: 3 does not match the 2 node stanzas"),
      std::string::npos);
}

TEST(ClusterConf, ClusterNameRules) {
  std::string t = kPaper;
  t.replace(t.find("name = ocfs2"), 12, "name = a-very-long-cluster-name");
  EXPECT_NE(error_of(t).find("cluster.conf:3: cluster.name:"), std::string::npos);
}

TEST(ClusterConf, NodeNumberRange) {
  std::string t = kPaper;
  t.replace(t.find("number = 1"), 10, "number = 255");
  EXPECT_NE(error_of(t).find("cluster.conf:15: node[1].number: must be 0-254"), std::string::npos);
}

TEST(ClusterConf, DuplicateNamesAndNumbers) {
  std::string t = kPaper;
  t.replace(t.find("name = node1"), 12, "name = node0");
  t.replace(t.find("number = 1"), 10, "number = 0");
  auto e = error_of(t);
  EXPECT_NE(e.find("node[1].name: duplicate node name \"node0\""), std::string::npos) << e;
  EXPECT_NE(e.find("node[1].number: duplicate node number 0"), std::string::npos) << e;
}

TEST(ClusterConf, NodeNameIsAHostname) {
  std::string t = kPaper;
  t.replace(t.find("name = node1"), 12, "name = Node_1");
  EXPECT_NE(error_of(t).find("cluster.conf:16: node[1].name: \"Node_1\" is not a valid hostname"),
            std::string::npos);
}

TEST(ClusterConf, BadAddressAndWrongCluster) {
  std::string t = kPaper;
  t.replace(t.find("192.168.0.116"), 13, "192.168.0.999");
  t.replace(t.rfind("cluster = ocfs2"), 15, "cluster = other");
  auto e = error_of(t);
  EXPECT_NE(e.find("cluster.conf:14: node[1].ip_address:"), std::string::npos) << e;
  EXPECT_NE(e.find("cluster.conf:17: node[1].cluster:"), std::string::npos) << e;
}

TEST(ClusterConf, NoClusterStanza) {
  EXPECT_NE(error_of("node:\n\tname = a\n").find("no cluster: stanza"), std::string::npos);
}

TEST(ClusterConf, ImportTakesTheManagerDefaults) {
  auto r = parse_cluster_conf(kPaper, "paper.conf");
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (const auto& n : r->nodes) EXPECT_EQ(n.restart, RestartPolicy::kOnFailure);
  EXPECT_EQ(nlohmann::json(*r)["manager"], nlohmann::json(ClusterSpec{})["manager"]);
  EXPECT_EQ(r->manager.restart_limit, 5);
  EXPECT_EQ(r->manager.hung_after(r->o2cb), 12000);
}

TEST(ClusterConf, DuplicateAddressNamesItsLine) {
  std::string t = kPaper;
  t.replace(t.find("192.168.0.116"), 13, "192.168.0.112");
  EXPECT_EQ(error_of(t),
            "cluster.conf:14: node[1].ip_address: duplicate address 192.168.0.112 "
            "(already node0's address, node[0])");
}

TEST(ClusterConf, AddressOutsideTheFirstNodesSubnetNamesItsLine) {
  std::string t = kPaper;
  t.replace(t.find("192.168.0.116"), 13, "192.168.1.116");
  EXPECT_EQ(error_of(t),
            "cluster.conf:14: node[1].ip_address: 192.168.1.116 is outside the "
            "subnet 192.168.0.0/24");
}

TEST(ClusterConf, BroadcastAddressIsRefused) {
  std::string t = kPaper;
  t.replace(t.find("192.168.0.116"), 13, "192.168.0.255");
  EXPECT_EQ(error_of(t),
            "cluster.conf:14: node[1].ip_address: 192.168.0.255 is the network or "
            "broadcast address of 192.168.0.0/24");
}

TEST(ClusterConf, AnUnreadableValueIsOneError) {
  std::string t = kPaper;
  t.replace(t.find("192.168.0.112"), 13, "fe80::1");
  t.replace(t.find("number = 1"), 10, "number = one");
  // Not also "outside the subnet" for node1 (the subnet comes from the first address read),
  // nor a duplicate number.
  EXPECT_EQ(error_of(t),
            "cluster.conf:7: node[0].ip_address: \"fe80::1\" is not an IPv4 address\n"
            "cluster.conf:15: node[1].number: expected a number 0-254");
}

TEST(ClusterConf, PortOutOfRange) {
  std::string t = kPaper;
  for (size_t at; (at = t.find("ip_port = 7777")) != std::string::npos;)
    t.replace(at, 14, "ip_port = 0");
  EXPECT_EQ(error_of(t), "cluster.conf:6: node[0].ip_port: must be 1-65535, not 0");
}

TEST(ClusterConf, O2cbDefaultsCarryTheTimeouts) {
  auto spec =
      parse_cluster_toml("[o2cb]\nheartbeat_threshold = 11\nidle_timeout_ms = 15000\n", "t", false)
          .value();
  std::string d = write_o2cb_defaults(spec);
  EXPECT_NE(d.find("O2CB_HEARTBEAT_THRESHOLD=11\n"), std::string::npos);
  EXPECT_NE(d.find("O2CB_IDLE_TIMEOUT_MS=15000\n"), std::string::npos);
  EXPECT_NE(d.find("O2CB_BOOTCLUSTER=ocfs2\n"), std::string::npos);
}

TEST(ClusterFileO2cb, KeepaliveBelowIdle) {
  auto r = parse_cluster_toml("[o2cb]\nidle_timeout_ms = 3000\nkeepalive_delay_ms = 5000\n",
                              "c.toml", false);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("c.toml:3: o2cb.keepalive_delay_ms: must be smaller"),
            std::string::npos);
}

}  // namespace
}  // namespace uc::ocfs2
