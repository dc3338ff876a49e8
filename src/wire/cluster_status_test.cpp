#include "wire/cluster_status.h"

#include <gtest/gtest.h>

namespace uc::control {
namespace {

ClusterStatus running_cluster() {
  ClusterStatus s;
  s.cluster = "ocfs2";
  s.state = "running";
  s.supervisor_pid = 100;
  s.switch_pid = 101;
  s.subnet = "192.168.0.0/24";
  NodeStatus n;
  n.name = "node0";
  n.state = "running";
  n.address = "192.168.0.10";
  n.pid = 4242;
  n.uptime_s = 3.25;
  n.memory_limit_bytes = 256u << 20;
  n.run =
      NodeRun{0, 1764000001000, 5200, 1800, 1500, "0f3e", "on-failure", 1, "crash", 1764000000000};
  s.nodes.push_back(n);
  return s;
}

TEST(ClusterStatus, RoundTripsWithEveryPart) {
  auto s = running_cluster();
  s.nodes[0].costs = NodeCosts{{4242, 4243}, 123456789};
  s.nodes[0].o2cb = NodeO2cb{
      {{"ocfs2_dlm", true}, {"ocfs2_nodemanager", false}}, true, true, true, false, {"/cluster"}};
  s.volumes =
      std::vector<VolumeStatus>{{"shared", "/cluster", 1u << 30, "local", {"node0"}, {"node0"}}};
  s.nodes[0].run->fences = 2;
  s.nodes[0].run->disk_fenced = true;
  s.nodes[0].run->disk_heartbeat = DiskHeartbeat{1200, 1764000123, 0x5cdda7fd1a4ba1efULL, 14000};
  auto back = cluster_status_from_json(to_json(s));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, s);
  EXPECT_EQ(back->find("node0")->pid, 4242);
  EXPECT_EQ(to_json(s)["nodes"][0]["disk_heartbeat"]["age_ms"], 1200);
  EXPECT_EQ(back->find("node9"), nullptr);
}

// `status --json` of a stopped cluster (made from its record): no supervisor's part.
TEST(ClusterStatus, AStoppedClusterHasTheFieldsItAlwaysHad) {
  ClusterStatus s;
  s.cluster = "ocfs2";
  s.state = "stopped";
  NodeStatus n;
  n.name = "node0";
  n.state = "stopped";
  n.address = "192.168.0.10";
  n.memory_limit_bytes = 256u << 20;
  n.costs = NodeCosts{};
  s.nodes.push_back(n);
  EXPECT_EQ(to_json(s).dump(),
            R"({"cluster":"ocfs2","nodes":[{"address":"192.168.0.10","error":"","memory_bytes":0,)"
            R"("memory_limit_bytes":268435456,"name":"node0","pid":0,"pids":[],"state":"stopped",)"
            R"("uptime_s":0.0}],"state":"stopped","supervisor_pid":0,"switch_pid":0})");
  auto back = cluster_status_from_json(to_json(s));
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->nodes[0].run);
  EXPECT_EQ(*back, s);
}

// The O2CB part as `status --json` has always spelled it (words, not booleans).
TEST(ClusterStatus, ADiskHeartbeatOfTheWrongShapeIsAnErrorNamingIt) {
  auto j = to_json(running_cluster());
  j["nodes"][0]["disk_heartbeat"] = {{"age_ms", "soon"}};
  auto back = cluster_status_from_json(j);
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message.find("disk_heartbeat.age_ms"), std::string::npos)
      << back.error().message;
  j["nodes"][0]["disk_heartbeat"] = {{"age_ms", -5}};
  EXPECT_FALSE(cluster_status_from_json(j));
}

TEST(ClusterStatus, O2cbStateIsWrittenInWords) {
  auto s = running_cluster();
  s.nodes[0].o2cb = NodeO2cb{{{"ocfs2_dlm", true}}, true, false, true, false, {"/cluster"}};
  EXPECT_EQ(
      to_json(s)["nodes"][0]["o2cb"].dump(),
      R"({"cluster":"online","configfs":"mounted","heartbeat":"not active","modules":{"ocfs2_dlm":"loaded"},)"
      R"("mounts":["/cluster"],"ocfs2_dlmfs":"not mounted"})");
}

TEST(ClusterStatus, FieldsOfAnotherVersionAreOptionalButTyped) {
  auto bare =
      cluster_status_from_json(nlohmann::json::parse(R"({"cluster":"c","nodes":[{"name":"n"}]})"));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->nodes[0].state, "");
  EXPECT_FALSE(bare->nodes[0].run);
  auto extra = cluster_status_from_json(
      nlohmann::json::parse(R"({"nodes":[{"name":"n","future":1}],"more":{}})"));
  EXPECT_TRUE(extra);
  for (const char* bad :
       {R"({"nodes":{}})", R"({"nodes":[3]})", R"({"nodes":[{"name":"n","uptime_s":"1"}]})",
        R"({"nodes":[{"name":"n","pids":[1,"2"]}]})", R"({"nodes":[{"name":"n","o2cb":[]}]})",
        R"({"volumes":[{"size":-1}]})", R"({"supervisor_pid":1.5})",
        R"({"switch_pid":99999999999})"})
    EXPECT_FALSE(cluster_status_from_json(nlohmann::json::parse(bad))) << bad;
  EXPECT_FALSE(cluster_status_from_json(nlohmann::json::array()));
}

}  // namespace
}  // namespace uc::control
