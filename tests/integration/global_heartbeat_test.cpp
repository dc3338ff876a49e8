// A cluster whose OCFS2 heartbeat is global (on the volume, started with O2CB) rather than
// per mount: up, the heartbeat mode in status and cluster.conf, a file shared by both nodes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cluster_fixture.h"

namespace uc::test {
namespace {

TEST(GlobalHeartbeat, ASecondClusterComesUpAndSharesItsVolume) {
  auto r = run_cli({"up", "-f", UMLCLUSTER_SOURCE_DIR "/tests/data/global-heartbeat.toml"});
  track_cluster("glob");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto st = run_cli({"status", "-n", "glob", "--json"});
  auto s = nlohmann::json::parse(st.out, nullptr, false);
  ASSERT_FALSE(s.is_discarded()) << st.out << st.err;
  EXPECT_EQ(s["volumes"][0]["heartbeat"], "global");
  EXPECT_EQ(s["volumes"][0]["mounted_on"], (nlohmann::json{"node0", "node1"}));
  r = run_cli({"exec", "-n", "glob", "node0", "--", "sh", "-c",
               "grep -A1 '^heartbeat:' /etc/ocfs2/cluster.conf; echo g > /cluster/g"});
  EXPECT_NE(r.out.find("region = "), std::string::npos) << r.out;
  r = run_cli({"exec", "-n", "glob", "node1", "--", "cat", "/cluster/g"});
  EXPECT_EQ(r.out, "g\n");
  EXPECT_EQ(run_cli({"down", "-n", "glob"}).code, 0);
  EXPECT_EQ(run_cli({"destroy", "-n", "glob", "--yes"}).code, 0);
}

}  // namespace
}  // namespace uc::test
