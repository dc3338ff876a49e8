// Runs last (linked last): stops, checks, destroys and recreates the suite's cluster.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "cluster_fixture.h"

namespace uc::test {
namespace {

TEST(Lifecycle, DataSurvivesDownAndUpAndTheVolumeChecksClean) {
  ASSERT_EQ(run_cli({"exec", "node0", "--", "sh", "-c", "echo kept > /cluster/kept.txt"}).code, 0);
  auto r = run_cli({"down"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_cli({"fsck"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("is clean"), std::string::npos) << r.out << r.err;
  r = run_cli({"up"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (int p : cluster_pids(status())) g_known_pids.push_back(p);
  EXPECT_EQ(r.out.find("formatting"), std::string::npos) << "up formatted the volume again:\n" << r.out;
  r = run_cli({"exec", "node1", "--", "cat", "/cluster/kept.txt"});
  EXPECT_EQ(r.out, "kept\n") << r.err;
}

TEST(Lifecycle, AKilledSupervisorTakesItsNodesAlongAndUpRecovers) {
  auto s = status();
  auto pids = cluster_pids(s);
  ASSERT_GT(s.value("supervisor_pid", 0), 0);
  ASSERT_EQ(::kill(s["supervisor_pid"].get<int>(), SIGKILL), 0);
  // Every node is pid 1 of its namespace and dies with the supervisor: nothing lingers.
  for (int i = 0; i < 100; ++i) {
    bool any = false;
    for (int p : pids) any |= alive(p);
    if (!any) break;
    ::usleep(100000);
  }
  for (int p : pids) EXPECT_FALSE(alive(p)) << "pid " << p << " outlived its supervisor";
  EXPECT_EQ(status()["state"], "stopped");
  auto r = run_cli({"up"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("recovering"), std::string::npos) << r.out;
  for (int p : cluster_pids(status())) g_known_pids.push_back(p);
  r = run_cli({"exec", "node0", "--", "cat", "/cluster/kept.txt"});
  EXPECT_EQ(r.out, "kept\n") << r.err;
}

TEST(Lifecycle, DownLeavesNothingAndUpReusesTheImage) {
  auto pids = cluster_pids(status());
  ASSERT_GE(pids.size(), 4u);
  auto r = run_cli({"down"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  for (int p : pids) EXPECT_FALSE(alive(p)) << "pid " << p << " survived down";
  EXPECT_EQ(status()["state"], "stopped");

  auto images = list_dir(home() + "/images");
  r = run_cli({"destroy", "--yes"});
  EXPECT_EQ(r.code, 0) << r.err;
  // Recreated from the paper's Table 3.
  r = run_cli({"up", "--from", UMLCLUSTER_SOURCE_DIR "/tests/data/paper-cluster.conf"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("image: cached"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("mmdebstrap"), std::string::npos) << r.out;
  EXPECT_EQ(list_dir(home() + "/images"), images);
  auto s = status();
  for (int p : cluster_pids(s)) g_known_pids.push_back(p);
  EXPECT_EQ(s["cluster"], "ocfs2");
  ASSERT_EQ(s["nodes"].size(), 2u);
  EXPECT_EQ(s["nodes"][0]["name"], "node0");
  EXPECT_EQ(s["nodes"][0]["address"], "192.168.0.112");
  EXPECT_EQ(s["nodes"][1]["address"], "192.168.0.116");
  r = run_cli({"config", "export"});
  EXPECT_NE(r.out.find("\tname = ocfs2\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\tip_port = 7777\n"), std::string::npos) << r.out;
  EXPECT_EQ(s["volumes"][0]["mounted_on"], (nlohmann::json{"node0", "node1"}));
}

}  // namespace
}  // namespace uc::test
