#include "config/validate.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>

#include "config/cluster_file.h"
#include "config/node_add.h"
#include "support/test_text.h"

namespace uc {
namespace {

using test_support::paper;

std::string problems_text(const ClusterSpec& c) {
  std::string r;
  for (const auto& p : validate(c)) r += p.field + ": " + p.message + "\n";
  return r;
}

TEST(Validate, ThePapersClusterHasNoProblems) { EXPECT_EQ(problems_text(paper()), ""); }

TEST(Validate, AProblemNamesItsFieldAndIndex) {
  auto c = paper();
  c.nodes[1].address = c.nodes[0].address;
  auto ps = validate(c);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].field, "node[1].address");
  EXPECT_EQ(ps[0].key, "address");
  EXPECT_EQ(ps[0].node, 1);
  EXPECT_EQ(ps[0].disk, -1);
  EXPECT_EQ(ps[0].message, "duplicate address 192.168.0.112 (already node0's address, node[0])");

  c = paper();
  c.disks[0].nodes = {"node9"};
  ps = validate(c);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].field, "disk[0].nodes");
  EXPECT_EQ(ps[0].disk, 0);
  EXPECT_EQ(ps[0].node, -1);
  EXPECT_EQ(ps[0].message, "no node named \"node9\"");
}

// Every rule, on a cluster that is otherwise the paper's: exactly that one problem.
TEST(Validate, EachRule) {
  struct Case {
    std::function<void(ClusterSpec&)> change;
    std::string problem;
  };
  std::vector<Case> cases = {
      {[](ClusterSpec& c) { c.name = "no-dashes"; },
       "cluster.name: \"no-dashes\" is not a valid OCFS2 cluster name (1-16 letters and digits)"},
      {[](ClusterSpec& c) { c.port = 0; }, "cluster.port: must be 1-65535, not 0"},
      {[](ClusterSpec& c) {
         c.subnet.prefix = 16;
         c.subnet.network.value |= 0x100;
       },
       "cluster.subnet: \"192.168.1.0/16\" is not an IPv4 subnet like 192.168.0.0/24 (prefix 8-30, "
       "host bits zero)"},
      {[](ClusterSpec& c) { c.nodes.clear(); }, "node: a cluster needs at least one node"},
      {[](ClusterSpec& c) { c.nodes[1].name = "Node1"; },
       "node[1].name: \"Node1\" is not a valid hostname (1-63 of a-z, 0-9 and '-', not starting "
       "or ending with '-')"},
      {[](ClusterSpec& c) { c.nodes[1].name = "node0"; },
       "node[1].name: duplicate node name \"node0\" (also node[0])"},
      {[](ClusterSpec& c) { c.nodes[1].address = *Ipv4::parse("10.0.0.1"); },
       "node[1].address: 10.0.0.1 is outside the subnet 192.168.0.0/24"},
      {[](ClusterSpec& c) { c.nodes[1].address = *Ipv4::parse("192.168.0.0"); },
       "node[1].address: 192.168.0.0 is the network or broadcast address of 192.168.0.0/24"},
      {[](ClusterSpec& c) { c.nodes[1].number = 255; }, "node[1].number: must be 0-254, not 255"},
      {[](ClusterSpec& c) { c.nodes[1].number = 0; },
       "node[1].number: duplicate node number 0 (already node0's number, node[0])"},
      {[](ClusterSpec& c) { c.nodes[1].memory = 32 * kMiB; },
       "node[1].memory: 32M is too small: a node needs at least 64M"},
      {[](ClusterSpec& c) { c.nodes[1].memory = 32768 * kMiB; },
       "node[1].memory: 32G is too large (at most 16G)"},
      {[](ClusterSpec& c) { c.disks[0].name = "Shared"; },
       "disk[0].name: \"Shared\" is not a valid disk name"},
      {[](ClusterSpec& c) {
         c.disks.push_back(c.disks[0]);
         c.disks[1].mount = "/other";
       },
       "disk[1].name: duplicate disk name \"shared\" (also disk[0])"},
      {[](ClusterSpec& c) { c.disks[0].mount = "cluster"; },
       "disk[0].mount: \"cluster\" is not an absolute path"},
      {[](ClusterSpec& c) { c.disks[0].mount = "/a/../b"; },
       "disk[0].mount: \"/a/../b\" is not an absolute path"},
      {[](ClusterSpec& c) {
         c.disks.push_back(c.disks[0]);
         c.disks[1].name = "other";
       },
       "disk[1].mount: duplicate mount point \"/cluster\" (also disk[0])"},
      {[](ClusterSpec& c) { c.disks[0].heartbeat = "disk"; },
       "disk[0].heartbeat: \"disk\" is not a heartbeat mode (local or global)"},
      {[](ClusterSpec& c) { c.disks[0].size = 128 * kMiB; },
       "disk[0].size: an OCFS2 volume needs at least 256M"},
      {[](ClusterSpec& c) { c.disks[0].label = std::string(64, 'x'); },
       "disk[0].label: at most 63 characters"},
      {[](ClusterSpec& c) {
         c.disks[0].nodes = {"node0", "node0"};
       },
       "disk[0].nodes: \"node0\" is listed twice"},
      {[](ClusterSpec& c) { c.disks[0].slots = 256; }, "disk[0].slots: must be 0-255, not 256"},
      {[](ClusterSpec& c) { c.disks[0].slots = 1; },
       "disk[0].slots: 1 node slots for 2 attached nodes: each node that mounts the volume needs "
       "one"},
      {[](ClusterSpec& c) { c.o2cb.heartbeat_threshold = 2; },
       "o2cb.heartbeat_threshold: must be 3-300, not 2"},
      {[](ClusterSpec& c) { c.o2cb.keepalive_delay_ms = 10000; },
       "o2cb.keepalive_delay_ms: must be smaller than o2cb.idle_timeout_ms"},
      {[](ClusterSpec& c) { c.o2cb.reconnect_delay_ms = 100; },
       "o2cb.reconnect_delay_ms: must be 500-600000 ms, not 100"},
      {[](ClusterSpec& c) { c.manager.restart_limit = 0; },
       "manager.restart_limit: must be 1-100, not 0"},
      {[](ClusterSpec& c) { c.manager.backoff_max_ms = 10; },
       "manager.backoff_max_ms: must be at least manager.backoff_initial_ms (1000 ms), not 10"},
      {[](ClusterSpec& c) {
         c.o2cb.heartbeat_threshold = 3;
         c.manager.ping_interval_ms = 2001;
       },
       "manager.ping_interval_ms: must be at most half the O2CB dead time (4000 ms, after which a "
       "silent node is hung), not 2001; or set manager.hung_after_ms"},
      {[](ClusterSpec& c) { c.image.packages = {"Bad_Name"}; },
       "image.packages: \"Bad_Name\" is not a Debian package name"},
      {[](ClusterSpec& c) { c.image.suite = "Bookworm"; },
       "image.suite: \"Bookworm\" is not a Debian suite name"},
      {[](ClusterSpec& c) { c.image.size = 256 * kMiB; },
       "image.size: a root image needs at least 512M"},
  };
  for (const auto& k : cases) {
    auto c = paper();
    k.change(c);
    EXPECT_EQ(problems_text(c), k.problem + "\n");
  }
}

TEST(Validate, SlotsCountOnlyTheAttachedNodes) {
  auto c = paper();
  c.disks[0].slots = 1;
  c.disks[0].nodes = {"node1"};
  EXPECT_EQ(problems_text(c), "");
}

}  // namespace
}  // namespace uc
