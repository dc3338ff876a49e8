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

TEST(ClusterFile, LargeClustersGetOcfs2sOwnTimeoutsUnlessTheFileSetsThem) {
  auto small = parse("[cluster]\nnode_count = 16\n");
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->o2cb.heartbeat_threshold, 7);
  EXPECT_EQ(small->o2cb.idle_timeout_ms, 10000);
  auto large = parse("[cluster]\nnode_count = 17\nsubnet = \"192.168.0.0/22\"\n");
  ASSERT_TRUE(large.ok()) << large.error().message;
  EXPECT_EQ(large->o2cb.heartbeat_threshold, 31);
  EXPECT_EQ(large->o2cb.idle_timeout_ms, 20000);
  EXPECT_EQ(large->o2cb.keepalive_delay_ms, 8000);
  auto set = parse("[cluster]\nnode_count = 17\n[o2cb]\nidle_timeout_ms = 12000\n");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->o2cb.idle_timeout_ms, 12000);
  EXPECT_EQ(set->o2cb.heartbeat_threshold, 7);  // a file's [o2cb] starts from the lab values
}

TEST(ClusterFile, JournalsShrinkToFitManySlots) {
  EXPECT_EQ(journal_size_for(1024 * kMiB, 4), 0u);  // mkfs's own 64M fit
  EXPECT_EQ(journal_size_for(1024 * kMiB, 18), 28 * kMiB);
  EXPECT_EQ(journal_size_for(1024 * kMiB, 130), 4 * kMiB);
  auto e = error_of(
      "[cluster]\nnode_count = 64\nsubnet = \"192.168.0.0/22\"\n[[disk]]\nsize = \"256M\"\n");
  EXPECT_NE(e.find("disk[0].size: 256M is too small for 66 node slots"), std::string::npos) << e;
  EXPECT_NE(e.find("give at least 528M"), std::string::npos) << e;
  auto big = parse("[cluster]\nnode_count = 128\nsubnet = \"192.168.0.0/22\"\n");
  ASSERT_TRUE(big.ok()) << big.error().message;
  EXPECT_EQ(big->disks[0].size, 2048 * kMiB);  // no size given: room for 130 journals
  EXPECT_EQ(parse("")->disks[0].size, 1024 * kMiB);
}

TEST(ClusterFile, HeartbeatFenceIsReadAndABadOneNamesItsLine) {
  EXPECT_EQ(parse("")->manager.heartbeat_fence, "on");
  auto r = parse("[manager]\nheartbeat_fence = \"zombie\"\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->manager.heartbeat_fence, "zombie");
  std::string e = error_of("[manager]\nheartbeat_fence = \"sometimes\"\n");
  EXPECT_NE(e.find("manager.heartbeat_fence"), std::string::npos) << e;
  EXPECT_NE(e.find("not on, zombie or off"), std::string::npos) << e;
  EXPECT_NE(e.find(":2:"), std::string::npos) << e;
}

TEST(ClusterFile, BootParallelIsRead) {
  auto r = parse("[manager]\nboot_parallel = 3\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->manager.boot_parallel, 3);
  EXPECT_NE(error_of("[manager]\nboot_parallel = 300\n").find("manager.boot_parallel"),
            std::string::npos);
}

TEST(ClusterFile, SyntaxErrorNamesFileAndLine) {
  auto e = error_of("[cluster]\nname = \"x\n");
  EXPECT_NE(e.find("cluster.toml:2:"), std::string::npos) << e;
}

TEST(ClusterFile, DuplicateNames) {
  auto e = error_of(
      "[[node]]\nname = \"a\"\naddress = \"192.168.0.1\"\n"
      "[[node]]\nname = \"a\"\naddress = \"192.168.0.2\"\n");
  EXPECT_NE(e.find("cluster.toml:5: node[1].name: duplicate node name \"a\""), std::string::npos)
      << e;
}

TEST(ClusterFile, DuplicateAddresses) {
  auto e = error_of(
      "[[node]]\nname = \"a\"\naddress = \"192.168.0.1\"\n"
      "[[node]]\nname = \"b\"\naddress = \"192.168.0.1\"\n");
  EXPECT_NE(e.find("cluster.toml:6: node[1].address: duplicate address 192.168.0.1"),
            std::string::npos)
      << e;
}

TEST(ClusterFile, AddressOutsideSubnet) {
  auto e = error_of("[[node]]\nname = \"a\"\naddress = \"10.0.0.1\"\n");
  EXPECT_NE(
      e.find("cluster.toml:3: node[0].address: 10.0.0.1 is outside the subnet 192.168.0.0/24"),
      std::string::npos)
      << e;
}

TEST(ClusterFile, NetworkAndBroadcastAddressesAreRefused) {
  EXPECT_NE(error_of("[[node]]\naddress = \"192.168.0.255\"\n").find("broadcast"),
            std::string::npos);
  EXPECT_NE(error_of("[[node]]\naddress = \"192.168.0.0\"\n").find("network"), std::string::npos);
}

TEST(ClusterFile, BadAddressSyntax) {
  auto e = error_of("[[node]]\naddress = \"192.168.0.1234\"\n");
  EXPECT_NE(e.find("cluster.toml:2: node[0].address: \"192.168.0.1234\" is not an IPv4 address"),
            std::string::npos)
      << e;
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
  EXPECT_NE(r.error().message.find(
                "cluster.toml:2: node[0].kernel: kernel /nonexistent/linux does not exist"),
            std::string::npos)
      << r.error().message;
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

TEST(ClusterFile, ErrorsComeInLineOrder) {
  auto e = error_of(
      "[[node]]\nname = \"a\"\naddress = \"192.168.0.1\"\n"
      "[[node]]\nname = \"a\"\naddress = \"192.168.0.1\"\n"
      "[o2cb]\nheartbeat_threshold = 1\n");
  auto name = e.find("cluster.toml:5:"), address = e.find("cluster.toml:6:"),
       o2cb = e.find("cluster.toml:8:");
  ASSERT_NE(o2cb, std::string::npos) << e;
  EXPECT_LT(name, address) << e;
  EXPECT_LT(address, o2cb) << e;
}

TEST(ClusterFile, RangesNameTheAllowedValues) {
  EXPECT_NE(error_of("[cluster]\nport = 0\n")
                .find("cluster.toml:2: cluster.port: must be 1-65535, not 0"),
            std::string::npos);
  EXPECT_NE(error_of("[[node]]\nnumber = 255\n")
                .find("cluster.toml:2: node[0].number: must be 0-254, not 255"),
            std::string::npos);
  EXPECT_NE(error_of("[o2cb]\nidle_timeout_ms = 1000\n")
                .find("cluster.toml:2: o2cb.idle_timeout_ms: must be 2000-600000 ms, not 1000"),
            std::string::npos);
  // A bad idle timeout is one error, not also "keepalive must be smaller".
  EXPECT_EQ(error_of("[o2cb]\nidle_timeout_ms = 1000\n").find("keepalive"), std::string::npos);
  EXPECT_NE(error_of("[cluster]\nport = 99999999999\n")
                .find("cluster.toml:2: cluster.port: 99999999999 is out of range"),
            std::string::npos);
}

TEST(ClusterFile, DuplicateNumbers) {
  auto e = error_of(
      "[[node]]\nname = \"a\"\naddress = \"192.168.0.1\"\nnumber = 3\n"
      "[[node]]\nname = \"b\"\naddress = \"192.168.0.2\"\nnumber = 3\n");
  EXPECT_NE(
      e.find(
          "cluster.toml:8: node[1].number: duplicate node number 3 (already a's number, node[0])"),
      std::string::npos)
      << e;
}

TEST(ClusterFile, DiskSlotsHoldEveryAttachedNode) {
  auto e = error_of("[cluster]\nnode_count = 3\n[[disk]]\nslots = 2\n");
  EXPECT_EQ(e,
            "cluster.toml:4: disk[0].slots: 2 node slots for 3 attached nodes: each node that "
            "mounts the volume needs one");
  EXPECT_TRUE(parse("[cluster]\nnode_count = 3\n[[disk]]\nslots = 3\n").ok());
  EXPECT_TRUE(
      parse("[cluster]\nnode_count = 3\n[[disk]]\nslots = 2\nnodes = [\"node0\", \"node1\"]\n")
          .ok());
}

// node_count nodes get the paper's addresses, .112 + 4 i: a /24 holds 36 of them.
TEST(ClusterFile, NodeCountTooLargeForTheSubnetIsOneError) {
  EXPECT_TRUE(parse("[cluster]\nnode_count = 36\n").ok());
  auto e = error_of("[cluster]\nsubnet = \"192.168.0.0/24\"\nnode_count = 64\n");
  EXPECT_EQ(e,
            "cluster.toml:3: cluster.node_count: 64 nodes at 192.168.0.112, 192.168.0.116, ... "
            "(a step of 4) need addresses up to 192.168.1.108; 192.168.0.0/24 holds 36 of "
            "them: give a /23 subnet or larger, or [[node]] tables with addresses");
  EXPECT_NE(error_of("[cluster]\nnode_count = 37\n").find("give a /23 subnet"), std::string::npos);
  EXPECT_NE(error_of("[cluster]\nnode_count = 255\n").find("give a /21 subnet"), std::string::npos);
  EXPECT_TRUE(parse("[cluster]\nsubnet = \"10.0.0.0/21\"\nnode_count = 255\n").ok());
}

TEST(ClusterFile, DefaultNodesOutsideASmallSubnetIsOneErrorOnTheSubnet) {
  auto e = error_of("[cluster]\nsubnet = \"10.0.0.0/28\"\n");
  EXPECT_EQ(e,
            "cluster.toml:2: cluster.subnet: 2 nodes at 10.0.0.112, 10.0.0.116, ... (a step of "
            "4) need addresses up to 10.0.0.116; 10.0.0.0/28 holds 0 of them: give a /25 "
            "subnet or larger, or [[node]] tables with addresses");
}

TEST(ClusterFile, NodeCountOutOfRange) {
  EXPECT_EQ(error_of("[cluster]\nnode_count = 0\n"),
            "cluster.toml:2: cluster.node_count: must be 1-255, not 0");
}

// --- restart = "no" | "on-failure" | "always"

TEST(ClusterFileRestart, DefaultIsOnFailure) {
  auto r = parse("");
  ASSERT_TRUE(r.ok());
  for (const auto& n : r->nodes) EXPECT_EQ(n.restart, RestartPolicy::kOnFailure);
}

TEST(ClusterFileRestart, FromDefaultsAndPerNode) {
  auto r = parse(
      "[defaults]\nrestart = \"always\"\n"
      "[[node]]\nname = \"a\"\naddress = \"192.168.0.1\"\n"
      "[[node]]\nname = \"b\"\naddress = \"192.168.0.2\"\nrestart = \"no\"\n"
      "[[node]]\nname = \"c\"\naddress = \"192.168.0.3\"\nrestart = \"on-failure\"\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->nodes[0].restart, RestartPolicy::kAlways);
  EXPECT_EQ(r->nodes[1].restart, RestartPolicy::kNo);
  EXPECT_EQ(r->nodes[2].restart, RestartPolicy::kOnFailure);
}

TEST(ClusterFileRestart, NodeCountNodesTakeTheDefault) {
  auto r = parse("[cluster]\nnode_count = 3\n[defaults]\nrestart = \"no\"\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (const auto& n : r->nodes) EXPECT_EQ(n.restart, RestartPolicy::kNo);
}

TEST(ClusterFileRestart, BadValueNamesTheAllowedOnes) {
  EXPECT_EQ(error_of("[[node]]\nrestart = \"sometimes\"\n"),
            "cluster.toml:2: node[0].restart: \"sometimes\" is not a restart policy (no, "
            "on-failure or always)");
  // Once, on the [defaults] line, not once per node.
  EXPECT_EQ(error_of("[defaults]\nmemory = \"128M\"\nrestart = \"On-Failure\"\n"),
            "cluster.toml:3: defaults.restart: \"On-Failure\" is not a restart policy (no, "
            "on-failure or always)");
  EXPECT_EQ(error_of("[[node]]\nrestart = false\n"),
            "cluster.toml:2: node[0].restart: expected a string: no, on-failure or always");
}

TEST(ClusterFileRestart, NamesRoundTrip) {
  for (auto p : {RestartPolicy::kNo, RestartPolicy::kOnFailure, RestartPolicy::kAlways})
    EXPECT_EQ(parse_restart_policy(restart_policy_name(p)), p);
  EXPECT_STREQ(restart_policy_name(RestartPolicy::kOnFailure), "on-failure");
  EXPECT_FALSE(parse_restart_policy("onfailure"));
  EXPECT_FALSE(parse_restart_policy(""));
}

// --- [manager]

TEST(ClusterFileManager, Defaults) {
  auto r = parse("");
  ASSERT_TRUE(r.ok());
  const auto& m = r->manager;
  EXPECT_EQ(m.restart_limit, 5);
  EXPECT_EQ(m.restart_window, 600);
  EXPECT_EQ(m.backoff_initial_ms, 1000);
  EXPECT_EQ(m.backoff_max_ms, 30000);
  EXPECT_EQ(m.ping_interval_ms, 2000);
  EXPECT_EQ(m.hung_after_ms, 0);
  // 0: the O2CB dead time, (7 - 1) x 2 s.
  EXPECT_EQ(m.hung_after(r->o2cb), 12000);
}

TEST(ClusterFileManager, ValidValues) {
  auto r = parse(
      "[manager]\nrestart_limit = 100\nrestart_window = 10\nbackoff_initial_ms = 0\n"
      "backoff_max_ms = 600000\nping_interval_ms = 200\nhung_after_ms = 1000\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& m = r->manager;
  EXPECT_EQ(m.restart_limit, 100);
  EXPECT_EQ(m.restart_window, 10);
  EXPECT_EQ(m.backoff_initial_ms, 0);
  EXPECT_EQ(m.backoff_max_ms, 600000);
  EXPECT_EQ(m.ping_interval_ms, 200);
  EXPECT_EQ(m.hung_after_ms, 1000);
  EXPECT_EQ(m.hung_after(r->o2cb), 1000);
  r = parse(
      "[manager]\nrestart_limit = 1\nrestart_window = 86400\nbackoff_initial_ms = 600000\n"
      "backoff_max_ms = 600000\nping_interval_ms = 60000\nhung_after_ms = 600000\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->manager.backoff_initial_ms, 600000);
  EXPECT_EQ(r->manager.ping_interval_ms, 60000);
}

TEST(ClusterFileManager, HungAfterFollowsTheO2cbDeadTime) {
  auto r = parse("[o2cb]\nheartbeat_threshold = 31\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->manager.hung_after(r->o2cb), 60000);
}

TEST(ClusterFileManager, EachBadValueNamesFileLineAndField) {
  struct Case {
    const char* line;
    const char* error;
  };
  for (const auto& c : std::vector<Case>{
           {"restart_limit = 0", "manager.restart_limit: must be 1-100, not 0"},
           {"restart_limit = 101", "manager.restart_limit: must be 1-100, not 101"},
           {"restart_window = 9", "manager.restart_window: must be 10-86400 s, not 9"},
           {"restart_window = 86401", "manager.restart_window: must be 10-86400 s, not 86401"},
           {"backoff_initial_ms = -1", "manager.backoff_initial_ms: must be 0-600000 ms, not -1"},
           {"backoff_initial_ms = 600001",
            "manager.backoff_initial_ms: must be 0-600000 ms, not 600001"},
           {"backoff_max_ms = 600001", "manager.backoff_max_ms: must be 0-600000 ms, not 600001"},
           {"backoff_max_ms = 999",
            "manager.backoff_max_ms: must be at least manager.backoff_initial_ms (1000 ms), not "
            "999"},
           {"ping_interval_ms = 199", "manager.ping_interval_ms: must be 200-60000 ms, not 199"},
           {"ping_interval_ms = 60001",
            "manager.ping_interval_ms: must be 200-60000 ms, not 60001"},
           {"ping_interval_ms = 6001",
            "manager.ping_interval_ms: must be at most half the O2CB dead time (12000 ms, after "
            "which a silent node is hung), not 6001; or set manager.hung_after_ms"},
           {"hung_after_ms = 999",
            "manager.hung_after_ms: must be 0 (the O2CB dead time) or 1000-600000 ms, not 999"},
           {"hung_after_ms = 600001",
            "manager.hung_after_ms: must be 0 (the O2CB dead time) or 1000-600000 ms, not 600001"},
           {"hung_after_ms = -5",
            "manager.hung_after_ms: must be 0 (the O2CB dead time) or 1000-600000 ms, not -5"},
           {"hung_after_ms = 3000",
            "manager.hung_after_ms: must be at least twice manager.ping_interval_ms (4000 ms), not "
            "3000"},
           {"hung_after_ms = \"5s\"", "manager.hung_after_ms: expected an integer"},
           {"restart_limit = 2.5", "manager.restart_limit: expected an integer"},
           {"backoff = 10",
            "manager.backoff: unknown field (allowed: backoff_initial_ms, "
            "backoff_max_ms, boot_parallel, heartbeat_fence, hung_after_ms, memory_trim, "
            "memory_trim_interval, ping_interval_ms, restart_limit, restart_window)"},
           {"memory_trim = \"always\"", "manager.memory_trim: \"always\" is not idle or off"},
           {"memory_trim_interval = 5", "manager.memory_trim_interval: must be 10-86400 s, not 5"},
       }) {
    EXPECT_EQ(error_of(std::string("# manager\n[manager]\n") + c.line + "\n"),
              std::string("cluster.toml:3: ") + c.error)
        << c.line;
  }
}

TEST(ClusterFileManager, ARuleBetweenTwoFieldsPointsAtTheOneWritten) {
  // Both out of range: two errors, no third about their order.
  auto e = error_of("[manager]\nbackoff_initial_ms = 700000\nbackoff_max_ms = 900000\n");
  EXPECT_EQ(e,
            "cluster.toml:2: manager.backoff_initial_ms: must be 0-600000 ms, not 700000\n"
            "cluster.toml:3: manager.backoff_max_ms: must be 0-600000 ms, not 900000");
  EXPECT_NE(error_of("[manager]\nbackoff_initial_ms = 40000\n")
                .find("cluster.toml:1: manager.backoff_max_ms: must be at least"),
            std::string::npos);
}

TEST(ClusterFileManager, NotATable) {
  EXPECT_EQ(error_of("manager = 3\n"), "cluster.toml:1: manager: expected a table [manager]");
}

// --- the record (cluster.json)

TEST(ClusterRecord, RestartAndManagerRoundTrip) {
  auto r = parse(
      "[manager]\nrestart_limit = 9\nrestart_window = 60\nbackoff_initial_ms = 10\n"
      "backoff_max_ms = 20\nping_interval_ms = 300\nhung_after_ms = 7000\n"
      "[[node]]\nrestart = \"always\"\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  nlohmann::json j = *r;
  EXPECT_EQ(j["nodes"][0]["restart"], "always");
  EXPECT_EQ(j["manager"]["hung_after_ms"], 7000);
  ClusterSpec back = j.get<ClusterSpec>();
  EXPECT_EQ(back.nodes[0].restart, RestartPolicy::kAlways);
  EXPECT_EQ(back.manager.restart_limit, 9);
  EXPECT_EQ(back.manager.restart_window, 60);
  EXPECT_EQ(back.manager.backoff_initial_ms, 10);
  EXPECT_EQ(back.manager.backoff_max_ms, 20);
  EXPECT_EQ(back.manager.ping_interval_ms, 300);
  EXPECT_EQ(back.manager.hung_after_ms, 7000);
  EXPECT_EQ(nlohmann::json(back), j);
}

TEST(ClusterRecord, ARecordFromBeforeTheManagerTakesTheDefaults) {
  ClusterSpec defaults = parse("").value();
  nlohmann::json j = defaults;
  j.erase("manager");
  for (auto& n : j["nodes"]) n.erase("restart");
  ClusterSpec old;
  old.manager.restart_limit = 77;  // from_json resets what the record does not say
  from_json(j, old);
  EXPECT_EQ(old.nodes[1].restart, RestartPolicy::kOnFailure);
  EXPECT_EQ(old.manager.restart_limit, 5);
  EXPECT_EQ(nlohmann::json(old), nlohmann::json(defaults));
}

TEST(ClusterRecord, APartialManagerTakesTheDefaultsOfWhatIsMissing) {
  nlohmann::json j = parse("").value();
  j["manager"] = {{"restart_limit", 3}};
  auto c = j.get<ClusterSpec>();
  EXPECT_EQ(c.manager.restart_limit, 3);
  EXPECT_EQ(c.manager.backoff_max_ms, 30000);
}

TEST(ClusterRecord, WrongTypesThrowInsteadOfAborting) {
  nlohmann::json good = parse("").value();
  auto j = good;
  j["manager"]["ping_interval_ms"] = "2000";
  EXPECT_THROW(j.get<ClusterSpec>(), nlohmann::json::exception);
  j = good;
  j["manager"] = 5;
  EXPECT_THROW(j.get<ClusterSpec>(), nlohmann::json::exception);
  j = good;
  j["nodes"][0]["restart"] = 1;
  EXPECT_THROW(j.get<ClusterSpec>(), nlohmann::json::exception);
  j = good;
  j["nodes"][0]["restart"] = "sometimes";
  EXPECT_THROW(j.get<ClusterSpec>(), std::exception);
}

TEST(Sizes, ParseAndFormat) {
  EXPECT_EQ(parse_size("128M"), 128 * kMiB);
  EXPECT_EQ(parse_size("1G"), 1024 * kMiB);
  EXPECT_EQ(parse_size("64MiB"), 64 * kMiB);
  EXPECT_EQ(parse_size("100"), 100 * kMiB);
  EXPECT_FALSE(parse_size("12X"));
  EXPECT_FALSE(parse_size("M"));
  EXPECT_EQ(parse_size("2T"), uint64_t{2} << 40);
  bool too_large = false;
  EXPECT_FALSE(parse_size("2000T", &too_large));
  EXPECT_TRUE(too_large);
  EXPECT_FALSE(parse_size("99999999999999999999999G", &too_large));
  EXPECT_TRUE(too_large);
  EXPECT_FALSE(parse_size("12X", &too_large));
  EXPECT_FALSE(too_large);
  EXPECT_EQ(format_size(128 * kMiB), "128M");
}

}  // namespace
}  // namespace uc

namespace uc {
namespace {

TEST(ClusterFile, ASizeTooLargeSaysSoWithTheLimit) {
  auto c = parse_cluster_toml("[[disk]]\nname = \"shared\"\nsize = \"100T\"\n", "big.toml", false);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message,
            "big.toml:3: disk[0].size: 100T is too large: at most 15T (a disk is a sparse file on "
            "the host, "
            "and ext4 holds files up to 16T)");
  auto huge =
      parse_cluster_toml("[[disk]]\nname = \"shared\"\nsize = \"5000T\"\n", "big.toml", false);
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().message,
            "big.toml:3: disk[0].size: \"5000T\" is too large (no size passes 1P)");
  auto image = parse_cluster_toml("[image]\nsize = \"100G\"\n", "big.toml", false);
  ASSERT_FALSE(image);
  EXPECT_EQ(image.error().message, "big.toml:2: image.size: 100G is too large: at most 64G");
}

}  // namespace
}  // namespace uc
