// OCFS2 across real UML nodes: the suite's cluster has the paper's volume at /cluster.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "cluster_fixture.h"

namespace uc::test {
namespace {

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(Ocfs2, StatusShowsTheClusterOnlineAndTheVolumeMountedEverywhere) {
  auto s = status();
  for (auto& n : s["nodes"]) {
    ASSERT_TRUE(n.contains("o2cb")) << n.dump();
    auto& o = n["o2cb"];
    EXPECT_EQ(o["modules"]["configfs"], "loaded");
    EXPECT_EQ(o["modules"]["ocfs2_nodemanager"], "loaded");
    EXPECT_EQ(o["modules"]["ocfs2_dlm"], "loaded");
    EXPECT_EQ(o["modules"]["ocfs2_dlmfs"], "loaded");
    EXPECT_EQ(o["ocfs2_dlmfs"], "mounted");
    EXPECT_EQ(o["cluster"], "online");
    EXPECT_EQ(o["heartbeat"], "active");
  }
  ASSERT_EQ(s["volumes"].size(), 1u);
  EXPECT_EQ(s["volumes"][0]["mount"], "/cluster");
  EXPECT_EQ(s["volumes"][0]["mounted_on"], (nlohmann::json{"node0", "node1"}));
  auto r = run_cli({"exec", "node1", "--", "mounted.ocfs2", "-f"});
  EXPECT_NE(r.out.find("node0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("node1"), std::string::npos) << r.out;
}

TEST(Ocfs2, FileWrittenOnOneNodeIsReadOnTheOther) {
  std::string a = random_bytes(300000, 1), b = random_bytes(123457, 2);
  auto w = run_cli({"exec", "node0", "--", "sh", "-c", "cat > /cluster/from0.bin"}, a);
  ASSERT_EQ(w.code, 0) << w.err;
  auto r = run_cli({"exec", "node1", "--", "cat", "/cluster/from0.bin"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out == a) << "node1 read " << r.out.size() << " bytes of " << a.size();
  w = run_cli({"exec", "node1", "--", "sh", "-c", "cat > /cluster/from1.bin"}, b);
  ASSERT_EQ(w.code, 0) << w.err;
  r = run_cli({"exec", "node0", "--", "cat", "/cluster/from1.bin"});
  EXPECT_TRUE(r.out == b) << "node0 read " << r.out.size() << " bytes of " << b.size();
}

TEST(Ocfs2, ConcurrentFlockedAppendsLoseNothing) {
  (void)run_cli({"exec", "node0", "--", "rm", "-f", "/cluster/append.log"});
  // perl (in every Debian image) appends 1000 lines under flock(2), one lock per line.
  auto appender = [](const std::string& node) {
    std::string script =
        "open(my $f, '>>', '/cluster/append.log') or die $!; select($f); $| = 1;"
        "for my $i (1..1000) { flock($f, 2) or die $!; seek($f, 0, 2);"
        " print $f sprintf(\"" +
        node + " %04d %s\\n\", $i, 'x' x 60); flock($f, 8); }";
    return run_cli({"exec", node, "--", "perl", "-e", script});
  };
  RunResult r0, r1;
  std::thread t0([&] { r0 = appender("node0"); });
  std::thread t1([&] { r1 = appender("node1"); });
  t0.join();
  t1.join();
  ASSERT_EQ(r0.code, 0) << r0.err;
  ASSERT_EQ(r1.code, 0) << r1.err;
  auto r = run_cli({"exec", "node1", "--", "cat", "/cluster/append.log"});
  ASSERT_EQ(r.code, 0);
  std::istringstream in(r.out);
  std::string line;
  std::map<std::string, std::set<int>> seen;
  int lines = 0, torn = 0;
  const std::string tail = " " + std::string(60, 'x');
  while (std::getline(in, line)) {
    ++lines;
    if (line.size() != 5 + 1 + 4 + tail.size() || line.compare(10, tail.size(), tail) != 0) {
      ++torn;
      continue;
    }
    seen[line.substr(0, 5)].insert(std::stoi(line.substr(6, 4)));
  }
  EXPECT_EQ(lines, 2000);
  EXPECT_EQ(torn, 0);
  EXPECT_EQ(seen["node0"].size(), 1000u);
  EXPECT_EQ(seen["node1"].size(), 1000u);
}

TEST(Ocfs2, RenameAndUnlinkAreSeenOnTheOther) {
  ASSERT_EQ(run_cli({"exec", "node0", "--", "sh", "-c",
                     "echo moving > /cluster/old-name; echo doomed > /cluster/doomed"})
                .code,
            0);
  ASSERT_EQ(run_cli({"exec", "node1", "--", "cat", "/cluster/old-name"}).out, "moving\n");
  ASSERT_EQ(run_cli({"exec", "node1", "--", "sh", "-c",
                     "mv /cluster/old-name /cluster/new-name && rm /cluster/doomed"})
                .code,
            0);
  auto r = run_cli({"exec", "node0", "--", "sh", "-c",
                    "cat /cluster/new-name; test ! -e /cluster/old-name && test ! -e "
                    "/cluster/doomed && echo gone"});
  EXPECT_EQ(r.out, "moving\ngone\n") << r.err;
}

TEST(NodeAdd, AThirdNodeJoinsMountsAndSeesTheOthersFiles) {
  ASSERT_EQ(run_cli({"exec", "node0", "--", "sh", "-c", "echo zero > /cluster/by-node0"}).code, 0);
  ASSERT_EQ(run_cli({"exec", "node1", "--", "sh", "-c", "echo one > /cluster/by-node1"}).code, 0);
  auto r = run_cli({"node", "add", "node2", "--ip", "192.168.0.120"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (int p : cluster_pids(status())) g_known_pids.push_back(p);
  r = run_cli({"exec", "node2", "--", "cat", "/cluster/by-node0", "/cluster/by-node1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "zero\none\n");
  // The others learnt it without unmounting: all three have the volume.
  auto s = status();
  EXPECT_EQ(s["volumes"][0]["mounted_on"], (nlohmann::json{"node0", "node1", "node2"}));
  r = run_cli({"exec", "node0", "--", "sh", "-c", "cat /etc/ocfs2/cluster.conf | grep -c 'node:'"});
  EXPECT_EQ(r.out, "3\n");
  r = run_cli({"node", "add", "node3", "--ip", "192.168.0.120"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("already node2's address"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace uc::test
