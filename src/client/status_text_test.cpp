#include "client/status_text.h"

#include <gtest/gtest.h>

#include "client/text_units.h"

namespace uc::client {
namespace {

using control::ClusterStatus;
using control::NodeStatus;

constexpr double kNow = 1764000100.0;  // 100 s after the crash below

ClusterStatus running() {
  ClusterStatus s;
  s.cluster = "ocfs2";
  s.state = "running";
  s.supervisor_pid = 100;
  s.switch_pid = 101;
  s.subnet = "192.168.0.0/24";
  NodeStatus a;
  a.name = "node0";
  a.state = "running";
  a.address = "192.168.0.10";
  a.pid = 4242;
  a.uptime_s = 75;
  a.run = control::NodeRun{};
  a.run->restarts = 1;
  a.run->last_cause = "crash";
  a.run->last_cause_at_ms = 1764000000000;
  a.costs = control::NodeCosts{{4242, 4243}, 300u << 20};
  NodeStatus b;
  b.name = "node1";
  b.state = "failed";
  b.address = "192.168.0.11";
  b.error = "gave up";
  s.nodes = {a, b};
  return s;
}

TEST(StatusText, TheClusterLineAndOneRowANode) {
  EXPECT_EQ(status_text(running(), kNow),
            "cluster ocfs2: running (supervisor pid 100, switch pid 101, subnet 192.168.0.0/24)\n"
            "NODE         STATE      ADDRESS          HOST PIDS                UPTIME    HOST MEM "
            "RESTARTS  LAST CAUSE\n"
            "node0        running    192.168.0.10     4242,4243                 1m15s   300.0 MiB "
            "       1  crash 1m40s ago\n"
            "node1        failed     192.168.0.11     -                             -           - "
            "       0  -\n"
            "  node1: gave up\n");
}

TEST(StatusText, TheHostsHeartbeatEvidenceWhenTheSupervisorHasSome) {
  auto s = running();
  EXPECT_EQ(status_text(s, kNow).find("DISK HB"), std::string::npos);  // none: no table
  s.nodes[0].run->disk_heartbeat =
      control::DiskHeartbeat{6700, 1796307460, 0x86278b040c59c580ULL, 14000};
  s.nodes[0].run->fences = 1;
  s.nodes[0].run->disk_fenced = true;
  std::string text = status_text(s, kNow);
  EXPECT_NE(text.find("\nDISK HB           AGE GENERATION         DEAD TIME FENCES  DISK I/O\n"
                      "node0           6.7 s 86278b040c59c580      14.0 s      1  fenced\n"),
            std::string::npos)
      << text;
}

TEST(StatusText, O2cbAndVolumesWhenTheStatusHasThem) {
  auto s = running();
  s.nodes[0].o2cb = control::NodeO2cb{
      {{"ocfs2_nodemanager", true}, {"ocfs2_dlm", true}}, true, true, true, true, {"/cluster"}};
  s.volumes = std::vector<control::VolumeStatus>{
      {"shared", "/cluster", 1u << 30, "local", {"node0", "node1"}, {"node0"}}};
  std::string text = status_text(s, kNow);
  EXPECT_NE(text.find("\nO2CB         configfs  nodemanager dlm        dlmfs (/dlm) cluster      "
                      "heartbeat mounts    \n"
                      "node0        mounted   loaded      loaded     mounted      online       "
                      "active   /cluster  \n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nVOLUME       MOUNT            SIZE HB        MOUNTED ON\n"
                      "shared       /cluster      1.0 GiB local     node0\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("node1        mounted"), std::string::npos);  // no probe: no O2CB row
}

TEST(StatusText, ANodeThatDidNotAnswerIsUnknownNotLeftOut) {
  auto s = running();
  s.volumes = std::vector<control::VolumeStatus>{
      {"shared", "/cluster", 1u << 30, "local", {"node0", "node1"}, {"node0"}, {"node1"}},
      {"scratch", "/scratch", 1u << 30, "local", {"node1"}, {}, {"node1"}}};
  std::string text = status_text(s, kNow);
  EXPECT_NE(text.find("shared       /cluster      1.0 GiB local     node0 (unknown: node1)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("scratch      /scratch      1.0 GiB local     (none) (unknown: node1)\n"),
            std::string::npos)
      << text;
}

TEST(StatusText, AStoppedClusterHasNoSupervisorPart) {
  ClusterStatus s;
  s.cluster = "c";
  s.state = "stopped";
  EXPECT_EQ(status_text(s, kNow).substr(0, 18), "cluster c: stopped");
  EXPECT_EQ(status_text(s, kNow).find("supervisor pid"), std::string::npos);
}

TEST(StatusText, ProgressLinesLeaveOcfs2sConsoleToEvents) {
  EXPECT_EQ(progress_line({"node0", "running", "ready", "ready in 5.2 s"}),
            "  node0      running    ready in 5.2 s\n");
  EXPECT_FALSE(progress_line({"node0", "running", "o2net_connected", "connected to node1"}));
}

TEST(TextUnits, SizesAndDurationsForPeople) {
  EXPECT_EQ(human_bytes(512u << 20), "512.0 MiB");
  EXPECT_EQ(human_bytes(3ull << 29), "1.5 GiB");
  EXPECT_EQ(human_duration(0), "-");
  EXPECT_EQ(human_duration(42), "42s");
  EXPECT_EQ(human_duration(187), "3m07s");
  EXPECT_EQ(human_duration(7500), "2h05m");
  EXPECT_EQ(time_stamp().size(), 15u);
}

}  // namespace
}  // namespace uc::client
