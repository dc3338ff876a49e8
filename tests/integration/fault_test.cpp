// Faults on real nodes and real OCFS2, each with `verify` writing on every node meanwhile:
// a partition, a slow link, disk stalls short and long, and a short seeded chaos run.
// After each, every acknowledged record must be intact; what OCFS2 does is read back from
// the event log (fencing, recovery, rejoin), as the README says a user should expect.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string_view>
#include <vector>
#include <future>
#include <string>

#include "cluster_fixture.h"
#include "event_helpers.h"

namespace uc::test {
namespace {

std::future<RunResult> verify_in_background(int seconds) {
  return std::async(std::launch::async, [seconds] {
    return run_cli({"verify", "--duration", std::to_string(seconds), "--json"});
  });
}

// verify's report says every acknowledged write is intact, and that there were some.
json expect_verify_passed(const RunResult& r) {
  auto j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
  if (j.is_discarded()) return j;
  EXPECT_EQ(r.code, 0) << j.dump(2) << r.err;
  EXPECT_TRUE(j.value("passed", false)) << j.dump(2);
  EXPECT_GT(j["total"].value("acknowledged", 0), 50) << j.dump(2);
  EXPECT_EQ(j["total"].value("lost", -1), 0);
  EXPECT_EQ(j["total"].value("corrupt", -1), 0);
  return j;
}

// A file written and read back on `node` within the deadline: the volume works there.
bool writes_and_reads(const std::string& node, const std::string& file, int timeout_s) {
  auto r = run_cli({"exec", "--timeout", std::to_string(timeout_s), node, "--", "sh", "-c",
                    "echo ok > /cluster/" + file + " && sync && cat /cluster/" + file});
  return r.code == 0 && r.out == "ok\n";
}

void wait_all_running(int timeout_s) {
  auto give_up = Clock::now() + std::chrono::seconds(timeout_s);
  while (Clock::now() < give_up) {
    if (node_status("ocfs2", "node0").value("state", "") == "running" &&
        node_status("ocfs2", "node1").value("state", "") == "running")
      return;
    ::sleep(1);
  }
  ADD_FAILURE() << "not every node is running after " << timeout_s << " s";
}

TEST(Fault, BadArgumentsChangeNothing) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"fault", "partition", "node0", "node9"},
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
    std::printf("[ measured ] partition: node1 fenced itself %.1f s after the cut, the survivors ended their recovery %.1f s "
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
  ASSERT_EQ(run_cli({"fault", "net", "node1", "--delay", "150", "--jitter", "20", "--loss", "5", "--for", "12"}).code, 0);
  auto ping = run_cli({"exec", "--timeout", "30", "node0", "--", "ping", "-c", "3", "-i", "0.3", "192.168.0.116"});
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
    std::printf("[ measured ] disk-stall 30 s: heartbeat write timeout %.1f s after the stall, survivors' recovery %.1f s "
                "after that, node1 back %.1f s after the timeout\n",
                (timeout->value("ts", int64_t{0}) - t0) / 1000.0 - 3, secs_between(*timeout, *recovered),
                secs_between(*timeout, *back));
  expect_verify_passed(verify.get());
  wait_all_running(120);
}

TEST(Chaos, TheSameSeedGivesTheSameSchedule) {
  auto a = run_cli({"chaos", "--dry-run", "--json", "--seed", "11", "--duration", "60", "--interval", "12"});
  auto b = run_cli({"chaos", "--dry-run", "--json", "--seed", "11", "--duration", "60", "--interval", "12"});
  auto c = run_cli({"chaos", "--dry-run", "--json", "--seed", "12", "--duration", "60", "--interval", "12"});
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
  EXPECT_EQ(json::parse(a.out).size(), 4u);
  auto bad = run_cli({"chaos", "--dry-run", "--faults", "crash,flood"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("flood"), std::string::npos) << bad.err;
}

TEST(Chaos, ASeededRunWithEveryKindOfFaultPassesAndWritesItsReport) {
  std::string out = std::string(UMLCLUSTER_TEST_HOME) + "/chaos-report";
  auto r = run_cli({"chaos", "--seed", "3", "--duration", "75", "--interval", "12", "--out", out});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  std::ifstream f(out + "/chaos.json");
  auto j = json::parse(f, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["applied"].size(), 5u) << j["applied"].dump(2);
  std::set<std::string> kinds;
  for (auto& a : j["applied"]) kinds.insert(a["fault"].value("kind", ""));
  EXPECT_EQ(kinds.size(), 5u);
  std::ifstream html(out + "/chaos.html");
  std::string page((std::istreambuf_iterator<char>(html)), {});
  EXPECT_NE(page.find("data-chart=\"throughput\""), std::string::npos);
  EXPECT_NE(page.find("PASS"), std::string::npos);
  wait_all_running(60);
}

// The checker can fail: a byte of an acknowledged record flipped on the host's disk image
// (the cluster down meanwhile) is reported corrupt by `verify --check`.
TEST(Verify, AByteFlippedOnTheHostIsReportedCorrupt) {
  auto r = run_cli({"verify", "--duration", "8", "--json"});
  auto j = expect_verify_passed(r);
  std::string run = j.value("run", "");
  ASSERT_FALSE(run.empty());
  ASSERT_EQ(run_cli({"down"}).code, 0);
  std::string image = std::string(UMLCLUSTER_TEST_HOME) + "/clusters/ocfs2/disks/shared.img";
  int fd = ::open(image.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  // Every copy of node0's log records ("R node0 SEQ log PAYLOAD CHK") gets the first byte
  // of its payload flipped (stale copies in freed blocks too: they do no harm).
  std::vector<char> buf(1 << 20);
  int flipped = 0;
  for (off_t off = 0;; off += static_cast<off_t>(buf.size())) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), off);
    if (n <= 0) break;
    std::string_view v(buf.data(), static_cast<size_t>(n));
    bool changed = false;
    for (size_t at = v.find("R node0 "); at != std::string_view::npos; at = v.find("R node0 ", at + 1)) {
      size_t i = at + 8;
      while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
      if (v.substr(i, 5) != " log " || i + 5 >= v.size()) continue;
      buf[i + 5] ^= 0x01;
      changed = true;
      ++flipped;
    }
    if (changed) ASSERT_EQ(::pwrite(fd, buf.data(), static_cast<size_t>(n), off), n);
  }
  ASSERT_GT(flipped, 0) << "no record of node0 in the image";
  ::close(fd);
  ASSERT_EQ(run_cli({"up"}).code, 0);
  auto check = run_cli({"verify", "--check", run, "--json"});
  EXPECT_EQ(check.code, 1) << check.out << check.err;
  auto k = json::parse(check.out, nullptr, false);
  ASSERT_FALSE(k.is_discarded()) << check.out;
  EXPECT_FALSE(k.value("passed", true));
  EXPECT_GE(k["total"].value("corrupt", 0), 1) << k.dump(2);
}

}  // namespace
}  // namespace uc::test
