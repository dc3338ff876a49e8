// The three sources of a cluster's definition (the cluster file, an OCFS2 cluster.conf and
// `node add`) report a rule of config/validate.h the same way, each at its own place. Here,
// not in config/, because cluster.conf's parser sits in ocfs2/.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/cluster_file.h"
#include "config/node_add.h"
#include "config/validate.h"
#include "ocfs2/cluster_conf.h"
#include "support/test_text.h"

namespace uc {
namespace {

using test_support::paper;

std::string problems_text(const ClusterSpec& c) {
  std::string r;
  for (const auto& p : validate(c)) r += p.field + ": " + p.message + "\n";
  return r;
}

const char* kConfTwoNodes =
    "cluster:\n\tnode_count = 2\n\tname = ocfs2\n\n"
    "node:\n\tip_port = 7777\n\tip_address = 192.168.0.112\n\tnumber = 0\n\tname = "
    "node0\n\tcluster = ocfs2\n\n"
    "node:\n\tip_port = 7777\n\tip_address = {ip}\n\tnumber = {number}\n\tname = {name}\n\tcluster "
    "= ocfs2\n";

struct SecondNode {
  std::string name = "node1", ip = "192.168.0.116";
  int number = 1;
};

// The message validate() gives about the paper's cluster with node1 replaced.
std::string rule_message(const SecondNode& n) {
  auto c = paper();
  c.nodes[1].name = n.name;
  c.nodes[1].address = *Ipv4::parse(n.ip);
  c.nodes[1].number = n.number;
  auto ps = validate(c);
  EXPECT_EQ(ps.size(), 1u) << problems_text(c);
  return ps.empty() ? "" : ps[0].message;
}

std::string from_toml(const SecondNode& n) {
  auto r =
      parse_cluster_toml(fmt::format("[[node]]\nname = \"node0\"\naddress = \"192.168.0.112\"\n"
                                     "[[node]]\nname = \"{}\"\naddress = \"{}\"\nnumber = {}\n",
                                     n.name, n.ip, n.number),
                         "cluster.toml", false);
  return r.ok() ? "" : r.error().message;
}

std::string from_conf(const SecondNode& n) {
  std::string t = kConfTwoNodes;
  t.replace(t.find("{ip}"), 4, n.ip);
  t.replace(t.find("{number}"), 8, std::to_string(n.number));
  t.replace(t.find("{name}"), 6, n.name);
  auto r = ocfs2::parse_cluster_conf(t, "cluster.conf");
  return r.ok() ? "" : r.error().message;
}

// `node add` to the one-node cluster node0, of node1 as described.
std::string from_node_add(const SecondNode& n) {
  auto c = paper();
  c.nodes.resize(1);
  auto plan = plan_node_add(c, {n.name, n.ip, n.number, ""});
  EXPECT_TRUE(plan.errors.empty() || plan.bad_input);
  std::string r;
  for (const auto& e : plan.errors) r += (r.empty() ? "" : "\n") + e;
  return r;
}

TEST(ValidateSources, DuplicateAddress) {
  SecondNode n;
  n.ip = "192.168.0.112";
  std::string m = rule_message(n);
  EXPECT_EQ(m, "duplicate address 192.168.0.112 (already node0's address, node[0])");
  EXPECT_EQ(from_toml(n), "cluster.toml:6: node[1].address: " + m);
  EXPECT_EQ(from_conf(n), "cluster.conf:14: node[1].ip_address: " + m);
  EXPECT_EQ(from_node_add(n), "--ip: " + m);
}

TEST(ValidateSources, AddressOutsideTheSubnet) {
  SecondNode n;
  n.ip = "10.1.2.3";
  std::string m = rule_message(n);
  EXPECT_EQ(m, "10.1.2.3 is outside the subnet 192.168.0.0/24");
  EXPECT_EQ(from_toml(n), "cluster.toml:6: node[1].address: " + m);
  EXPECT_EQ(from_conf(n), "cluster.conf:14: node[1].ip_address: " + m);
  EXPECT_EQ(from_node_add(n), "--ip: " + m);
}

TEST(ValidateSources, BroadcastAddress) {
  SecondNode n;
  n.ip = "192.168.0.255";
  std::string m = rule_message(n);
  EXPECT_EQ(from_toml(n), "cluster.toml:6: node[1].address: " + m);
  EXPECT_EQ(from_conf(n), "cluster.conf:14: node[1].ip_address: " + m);
  EXPECT_EQ(from_node_add(n), "--ip: " + m);
}

TEST(ValidateSources, DuplicateNumber) {
  SecondNode n;
  n.number = 0;
  std::string m = rule_message(n);
  EXPECT_EQ(m, "duplicate node number 0 (already node0's number, node[0])");
  EXPECT_EQ(from_toml(n), "cluster.toml:7: node[1].number: " + m);
  EXPECT_EQ(from_conf(n), "cluster.conf:15: node[1].number: " + m);
  EXPECT_EQ(from_node_add(n), "--number: " + m);
}

TEST(ValidateSources, NumberOutOfRange) {
  SecondNode n;
  n.number = 255;
  std::string m = rule_message(n);
  EXPECT_EQ(m, "must be 0-254, not 255");
  EXPECT_EQ(from_toml(n), "cluster.toml:7: node[1].number: " + m);
  EXPECT_EQ(from_conf(n), "cluster.conf:15: node[1].number: " + m);
  EXPECT_EQ(from_node_add(n), "--number: " + m);
}

TEST(ValidateSources, DuplicateName) {
  SecondNode n;
  n.name = "node0";
  std::string m = rule_message(n);
  EXPECT_EQ(m, "duplicate node name \"node0\" (also node[0])");
  EXPECT_EQ(from_toml(n), "cluster.toml:5: node[1].name: " + m);
  EXPECT_EQ(from_conf(n), "cluster.conf:16: node[1].name: " + m);
  EXPECT_EQ(from_node_add(n), "name: " + m);
}

TEST(ValidateSources, NameIsNotAHostname) {
  SecondNode n;
  n.name = "node_1";
  std::string m = rule_message(n);
  EXPECT_EQ(from_toml(n), "cluster.toml:5: node[1].name: " + m);
  EXPECT_EQ(from_conf(n), "cluster.conf:16: node[1].name: " + m);
  EXPECT_EQ(from_node_add(n), "name: " + m);
}

}  // namespace
}  // namespace uc
