// Faults on real nodes and real OCFS2, each with `verify` writing on every node meanwhile:
// a partition, a slow link, disk stalls short and long (a seeded chaos run: chaos_test.cpp).
// After each, every acknowledged record must be intact; what OCFS2 does is read back from
// the event log (fencing, recovery, rejoin), as the README says a user should expect.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "cluster_fixture.h"
#include "event_helpers.h"
#include "verify_helpers.h"

namespace uc::test {
namespace {

TEST(Fault, BadArgumentsChangeNothing) {
  for (auto args :
       std::vector<std::vector<std::string>>{{"fault", "partition", "node0", "node9"},
                                             {"fault", "partition", "node0", "node0"},
                                             {"fault", "partition", "node0,node1", ""},
                                             {"fault", "net", "node1"},
                                             {"fault", "net", "node1", "--delay", "-5"},
                                             {"fault", "disk-slow", "node1", "--delay", "0"},
                                             {"fault", "disk-stall", "node7"},
                                             {"fault", "disk-stall", "node1", "--for", "-1"},
                                             {"fault", "heal"}}) {
    auto r = run_cli(args);
    EXPECT_NE(r.code, 0) << args[1] << " " << args[2];
    EXPECT_FALSE(r.err.empty()) << args[1] << " " << args[2];
  }
  ASSERT_EQ(run_cli({"fault", "disk-slow", "node1", "--delay", "5"}).code, 0);
  auto again = run_cli({"fault", "disk-stall", "node1"});
  EXPECT_NE(again.code, 0);
  EXPECT_NE(again.err.find("disk fault already"), std::string::npos) << again.err;
  EXPECT_EQ(run_cli({"fault", "clear"}).out, "1 fault(s) ended\n");
  EXPECT_EQ(run_cli({"fault", "list"}).out, "no active faults\n");
}

TEST(Fault, PartitionFencesTheHigherNodeTheLowerGoesOnAndHealBringsItBack) {
  int64_t t0 = now_ms();
  auto verify = verify_in_background(75);
  ::sleep(5);
  // node1 alone against every other node (a third node joined in an earlier test): with
  // two nodes quorum keeps the lowest, with more the majority; node1 fences itself either
  // way. (A node left in neither group would bridge the two sides: each keeps a quorum,
  // nobody fences, and the DLM waits for the lost connection: the README says so.)
  std::string others;
  auto st = json::parse(run_cli({"status", "--json"}).out, nullptr, false);
  ASSERT_FALSE(st.is_discarded());
  for (auto& n : st["nodes"])
    if (n["name"] != "node1") others += (others.empty() ? "" : ",") + n["name"].get<std::string>();
  auto r = run_cli({"fault", "partition", others, "node1"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto fenced = wait_event("ocfs2", t0, is("node1", "quorum_lost"), 90);
  EXPECT_TRUE(fenced) << dump(events("ocfs2", t0));
  auto recovered = wait_event("ocfs2", t0, on_a_survivor("node1", "recovery_end"), 60);
  EXPECT_TRUE(recovered) << dump(events("ocfs2", t0));
  EXPECT_TRUE(writes_and_reads("node0", "during-partition", 60));
  int64_t healed = now_ms();
  ASSERT_EQ(run_cli({"fault", "heal"}).code, 0);
  auto back = wait_event("ocfs2", t0, is("node1", "rejoined"), 120);
  EXPECT_TRUE(back) << dump(events("ocfs2", t0));
  if (fenced && recovered && back)
    std::printf(
        "[ measured ] partition: node1 fenced itself %.1f s after the cut, the survivors ended "
        "their recovery %.1f s "
        "after that, node1 rejoined %.1f s after heal\n",
        (fenced->value("ts", int64_t{0}) - t0) / 1000.0 - 5, secs_between(*fenced, *recovered),
        (back->value("ts", int64_t{0}) - healed) / 1000.0);
  expect_verify_passed(verify.get());
  wait_all_running(120);
}

TEST(Fault, ASlowLossyLinkSlowsTrafficAndLosesNothing) {
  int64_t t0 = now_ms();
  auto verify = verify_in_background(25);
  ::sleep(3);
  ASSERT_EQ(run_cli({"fault", "net", "node1", "--delay", "150", "--jitter", "20", "--loss", "5",
                     "--for", "12"})
                .code,
            0);
  auto ping = run_cli(
      {"exec", "--timeout", "30", "node0", "--", "ping", "-c", "3", "-i", "0.3", "192.168.0.116"});
  // 150 ms (+/- 20) each way: the frames to node1 and its answers are both delayed.
  auto at = ping.out.find("rtt min/avg/max/mdev = ");
  ASSERT_NE(at, std::string::npos) << ping.out;
  double avg = std::atof(ping.out.c_str() + ping.out.find('/', at + 23) + 1);
  EXPECT_GT(avg, 250) << ping.out;
  EXPECT_LT(avg, 1000) << ping.out;
  auto ended = wait_event("ocfs2", t0, is("node1", "fault_ended"), 30);
  ASSERT_TRUE(ended);
  expect_verify_passed(verify.get());
  EXPECT_FALSE(wait_event("ocfs2", t0, is("node1", "quorum_lost"), 0)) << dump(events("ocfs2", t0));
}

TEST(Fault, AShortDiskStallFencesNothingAndItsIoCompletesAfterwards) {
  int64_t t0 = now_ms();
  int restarts = node_status("ocfs2", "node1").value("restarts", -1);
  auto verify = verify_in_background(20);
  ::sleep(3);
  ASSERT_EQ(run_cli({"fault", "disk-stall", "node1", "--for", "5"}).code, 0);
  auto t = Clock::now();
  EXPECT_TRUE(writes_and_reads("node0", "stall-node0", 4));  // the others' I/O goes on
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t).count(), 4.0);
  EXPECT_TRUE(writes_and_reads("node1", "stall-node1", 30));  // and node1's completes
  expect_verify_passed(verify.get());
  EXPECT_EQ(node_status("ocfs2", "node1").value("restarts", -2), restarts);
  EXPECT_FALSE(wait_event("ocfs2", t0, is("node1", "fence_reset"), 0)) << dump(events("ocfs2", t0));
}

TEST(Fault, ADiskStallLongerThanTheDeadTimeFencesTheNodeAndTheOthersRecoverIt) {
  int64_t t0 = now_ms();
  auto verify = verify_in_background(70);
  ::sleep(3);
  ASSERT_EQ(run_cli({"fault", "disk-stall", "node1", "--for", "30"}).code, 0);
  auto timeout = wait_event("ocfs2", t0, is("node1", "heartbeat_write_timeout"), 60);
  EXPECT_TRUE(timeout) << dump(events("ocfs2", t0));
  auto recovered = wait_event("ocfs2", t0, on_a_survivor("node1", "recovery_end"), 90);
  EXPECT_TRUE(recovered) << dump(events("ocfs2", t0));
  EXPECT_TRUE(writes_and_reads("node0", "after-stall", 60));
  auto back = wait_event("ocfs2", t0, is("node1", "rejoined"), 150);
  EXPECT_TRUE(back) << dump(events("ocfs2", t0));
  if (timeout && recovered && back)
    std::printf(
        "[ measured ] disk-stall 30 s: heartbeat write timeout %.1f s after the stall, survivors' "
        "recovery %.1f s "
        "after that, node1 back %.1f s after the timeout\n",
        (timeout->value("ts", int64_t{0}) - t0) / 1000.0 - 3, secs_between(*timeout, *recovered),
        secs_between(*timeout, *back));
  expect_verify_passed(verify.get());
  wait_all_running(120);
}

}  // namespace
}  // namespace uc::test
