// The cluster manager on real nodes and real OCFS2, on the group's default cluster: a node
// fed hostile frames, killed, frozen, rebooted from inside; timed and held-down faults.
// (Its restart policy and a formatter killed mid-format: manager_own_clusters_test.cpp.)
// Events are read back through `umlcluster events --json`, as a user would.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "cluster_fixture.h"
#include "event_helpers.h"

namespace uc::test {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// fsync'ed, checksummed records appended to a file of the node's own; stdout says which
// were acknowledged (after fsync).
RunResult write_records(const std::string& node, const std::string& file, int count, int pause_ms) {
  std::string script =
      "use IO::Handle; open(my $f, '>>', $ARGV[0]) or die $!;"
      "for my $i (1..$ARGV[1]) { my $r = sprintf('%s %06d %s', $ARGV[2], $i, 'x' x 40);"
      " print $f $r, ' ', unpack('%32C*', $r), \"\\n\"; $f->flush; $f->sync or die \"fsync: $!\";"
      " print STDOUT \"$i\\n\"; STDOUT->flush; select(undef, undef, undef, $ARGV[3]); }";
  return run_cli({"exec", "--timeout", "240", node, "--", "perl", "-e", script, file,
                  std::to_string(count), node, std::to_string(pause_ms / 1000.0)});
}

// Every acknowledged record of `w` is in `content`, whole and with its checksum.
void expect_acknowledged_intact(const RunResult& w, const std::string& node,
                                const std::string& content) {
  std::set<int> acked;
  std::istringstream a(w.out);
  for (std::string l; std::getline(a, l);) acked.insert(std::atoi(l.c_str()));
  ASSERT_FALSE(acked.empty()) << w.err;
  std::map<int, int> seen;
  int corrupt = 0;
  std::istringstream in(content);
  for (std::string l; std::getline(in, l);) {
    std::istringstream f(l);
    std::string who, pad;
    int seq = 0;
    long sum = -1;
    f >> who >> seq >> pad >> sum;
    std::string rec = l.substr(0, l.rfind(' '));
    long want = 0;
    for (unsigned char c : rec) want += c;
    if (who != node || sum != (want & 0xffffffff)) {
      ++corrupt;
      continue;
    }
    ++seen[seq];
  }
  int lost = 0;
  for (int i : acked) lost += seen.count(i) == 0;
  EXPECT_EQ(lost, 0) << lost << " of " << acked.size() << " acknowledged records of " << node
                     << " lost";
  EXPECT_EQ(corrupt, 0) << corrupt << " torn or corrupt records of " << node;
}

TEST(Manager, HostileFramesFromGuestRootLeaveEverythingRunning) {
  auto frame = [](uint8_t type, uint32_t sid, const std::string& payload) {
    std::string f = "UC";
    f.push_back(static_cast<char>(type));
    for (int i = 0; i < 4; ++i) f.push_back(static_cast<char>((sid >> (8 * i)) & 0xff));
    uint32_t n = static_cast<uint32_t>(payload.size());
    for (int i = 0; i < 4; ++i) f.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    return f + payload;
  };
  std::vector<std::string> hostile = {
      std::string("UC\001\000\000\000\000\017\000\000\000{\"version\":\"x\"}", 26),  // the issue's
      frame(1, 0, R"({"version":99999999999999999999999999})"),
      frame(1, 0, R"({"version":-4,"uptime_ms":"-1"})"),
      frame(1, 0, R"({"hostname":{"a":[1,2,3]},"boot_id":7})"),
      frame(1, 0, std::string(20000, '[')),  // deep nesting
      frame(1, 0, "\xff\xfe not json at all"),
      frame(4, 0, "toolong"),                                // an ack of the wrong size
      frame(15, 777, R"({"code":"zero","signal":"nine"})"),  // exit of no session
      frame(15, 1, R"({"code":1e308})"),
      frame(20, 0, R"({"op":"down"})"),  // a request, from a guest
      frame(21, 0, R"({"ok":true})"),
      std::string("UC\015\001\000\000\000\377\377\377\377", 11),  // a length past the maximum
      frame(1, 0,
            R"({"version":4,"hostname":"node1","boot_id":"00000000-0000-4000-8000-00000000f0f0"})"),
  };
  std::string flood;
  for (int i = 0; i < 2000; ++i) flood += frame(1, 0, R"({"version":"flood"})");
  hostile.push_back(flood);
  int64_t t0 = now_ms();
  auto before = status();
  std::string boot_id = node_status("ocfs2", "node1").value("boot_id", "");
  for (size_t i = 0; i < hostile.size(); ++i) {
    auto r = run_cli({"exec", "--timeout", "30", "node1", "--", "sh", "-c", "cat > /dev/tty1"},
                     hostile[i]);
    EXPECT_EQ(r.code, 0) << "frame " << i << ": " << r.err;
    auto s = status();
    ASSERT_EQ(s.value("supervisor_pid", 0), before.value("supervisor_pid", -1)) << "frame " << i;
    for (auto& n : s["nodes"])
      EXPECT_EQ(n["state"], "running") << "frame " << i << ": " << n.dump();
  }
  for (auto node : {"node0", "node1"}) {
    auto r = run_cli({"exec", "--timeout", "30", node, "--", "hostname"});
    EXPECT_EQ(r.out, std::string(node) + "\n") << r.err;
  }
  // A forged hello (a boot id its kernel does not have) is not taken for a reboot.
  EXPECT_EQ(node_status("ocfs2", "node1").value("boot_id", ""), boot_id);
  EXPECT_EQ(node_status("ocfs2", "node1").value("restarts", -1), 0);
  // Dropped and logged, a flood without flooding the log.
  int dropped = 0;
  for (auto& e : events("ocfs2", t0)) dropped += e.value("type", "") == "frame_dropped";
  EXPECT_GE(dropped, 8);
  EXPECT_LE(dropped, 60);
}

// Guest root on node1 prints OCFS2's lines about node0 (evicted, its heartbeat gone): a
// guest's word decides nothing, and node0's heartbeat, which the host reads from the disk file
// itself, still moves: nobody is fenced.
TEST(Manager, ForgedOcfs2LinesAboutAnotherNodeFenceNobody) {
  int64_t t0 = now_ms();
  std::string domain = "5E3F1A2B3C4D5E6F7A8B9C0D1E2F3A4B";
  for (std::string line :
       {"o2cb: o2dlm has evicted node 0 from domain " + domain,
        std::string("(o2hb-5E3F1A2B3C,1234,0):o2hb_check_slot:1092 o2hb: Remove node 0 from "
                    "live nodes bitmap"),
        "o2dlm: Waiting on the death of node 0 in domain " + domain}) {
    auto r = run_cli(
        {"exec", "node1", "--", "sh", "-c", "printf '%s\\n' \"$1\" > /dev/kmsg", "sh", line});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  // The forged eviction is read (it is in the log as node1's word)...
  EXPECT_TRUE(wait_event("ocfs2", t0, is("node1", "evicted"), 10)) << dump(events("ocfs2", t0));
  // ...and past two pings and the dead time, node0 still runs, never fenced.
  ::sleep(16);
  EXPECT_FALSE(wait_event("ocfs2", t0, is("node0", "fenced"), 0)) << dump(events("ocfs2", t0));
  auto n0 = node_status("ocfs2", "node0");
  EXPECT_EQ(n0.value("state", ""), "running");
  EXPECT_EQ(n0.value("fences", 0), 0);
  ASSERT_TRUE(n0.contains("disk_heartbeat")) << n0.dump();
  EXPECT_LE(n0["disk_heartbeat"].value("age_ms", int64_t{99999}), 3000) << n0.dump();
}

TEST(Manager, KillNineWhileNode0WritesIsSeenRecoveredAndRejoined) {
  auto pre = write_records("node1", "/cluster/k9-node1.log", 50, 0);
  ASSERT_EQ(pre.code, 0) << pre.err;
  int64_t t0 = now_ms();
  RunResult during;
  std::thread writer([&] { during = write_records("node0", "/cluster/k9-node0.log", 300, 50); });
  ::sleep(2);
  auto pids = node_pids("ocfs2", "node1");
  ASSERT_FALSE(pids.empty());
  for (int p : pids) ::kill(p, SIGKILL);  // every host process of it at once
  auto rejoined = wait_event("ocfs2", t0, is("node1", "rejoined"), 180);
  writer.join();
  auto es = events("ocfs2", t0);
  ASSERT_TRUE(rejoined) << dump(es);
  auto died = wait_event("ocfs2", t0, is("node1", "died"), 1);
  ASSERT_TRUE(died);
  EXPECT_EQ((*died)["cause"], "crashed");
  EXPECT_EQ((*died)["signal"], 9);
  auto about_node1 = [](const std::string& type) {
    return [type](const json& e) {
      return e.value("node", "") != "node1" && e.value("type", "") == type &&
             (e.value("peer", "") == "node1" || e.value("peer_number", -1) == 1);
    };
  };
  // The survivors' side, each from their consoles.
  auto evicted = wait_event("ocfs2", t0, about_node1("evicted"), 60);
  auto rec_begin = wait_event("ocfs2", t0, about_node1("recovery_begin"), 1);
  auto rec_end = wait_event("ocfs2", t0, on_a_survivor("node1", "recovery_end"), 1);
  auto replay_end = wait_event("ocfs2", t0, about_node1("journal_replay_end"), 60);
  EXPECT_TRUE(evicted) << dump(es);
  EXPECT_TRUE(rec_begin) << dump(es);
  EXPECT_TRUE(rec_end) << dump(es);
  EXPECT_TRUE(replay_end) << dump(es);
  EXPECT_TRUE(wait_event("ocfs2", t0, is("node1", "restarting"), 1));
  EXPECT_EQ(node_status("ocfs2", "node1")["state"], "running");
  EXPECT_EQ(node_status("ocfs2", "node1")["last_cause"], "crashed");
  EXPECT_GE(node_status("ocfs2", "node1")["restarts"].get<int>(), 1);
  if (rec_end)
    std::printf("[ measured ] kill -9 to the survivors' recovery end: %.1f s\n",
                secs_between(*died, *rec_end));
  if (replay_end)
    std::printf("[ measured ] kill -9 to journal replay end: %.1f s\n",
                secs_between(*died, *replay_end));
  std::printf("[ measured ] kill -9 to node1 rejoined: %.1f s\n", secs_between(*died, *rejoined));
  // Every fsync'ed record, before and during, as the restarted node reads them.
  ASSERT_EQ(during.code, 0) << during.err;
  auto r = run_cli({"exec", "--timeout", "60", "node1", "--", "cat", "/cluster/k9-node1.log"});
  expect_acknowledged_intact(pre, "node1", r.out);
  r = run_cli({"exec", "--timeout", "60", "node1", "--", "cat", "/cluster/k9-node0.log"});
  expect_acknowledged_intact(during, "node0", r.out);
}

TEST(Manager, AfterANodeWasKilledDownStopsEveryNodeGracefully) {
  int nodes = static_cast<int>(status()["nodes"].size());
  int64_t t0 = now_ms();
  auto r = run_cli({"down"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto es = events("ocfs2", t0);
  int stopped = 0;
  for (auto& e : es) {
    if (e.value("type", "") == "stopping") {
      EXPECT_EQ(e.value("how", ""), "ctrl-alt-del") << dump(es);
    }
    if (e.value("type", "") == "stopped") {
      ++stopped;
      EXPECT_EQ(e.value("how", ""), "exit status 0") << dump(es);
    }
  }
  EXPECT_EQ(stopped, nodes) << dump(es);
  r = run_cli({"up"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (int p : cluster_pids(status())) g_known_pids.push_back(p);
}

TEST(Manager, AFrozenNodeIsReportedHungFencedByTheHostAndRestarted) {
  int64_t t0 = now_ms();
  auto r = run_cli({"fault", "freeze", "node1"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto rejoined = wait_event("ocfs2", t0, is("node1", "rejoined"), 180);
  auto es = events("ocfs2", t0);
  ASSERT_TRUE(rejoined) << dump(es);
  auto hung = wait_event("ocfs2", t0, is("node1", "hung"), 1);
  auto fenced = wait_event("ocfs2", t0, is("node1", "fenced"), 1);
  auto died = wait_event("ocfs2", t0, is("node1", "died"), 1);
  ASSERT_TRUE(hung && fenced && died) << dump(es);
  EXPECT_EQ((*fenced)["by"], "host");
  EXPECT_EQ((*died)["cause"], "hung");
  EXPECT_GE((*hung)["silent_ms"].get<int>(), 12000);  // the O2CB dead time of the lab timeouts
  // What its kernel was doing went to its log before the power-off.
  auto log = read_file(home() + "/clusters/ocfs2/logs/node1.log");
  ASSERT_TRUE(log);
  EXPECT_NE(log->find("sysrq: Show Blocked State"), std::string::npos);
  // The survivors use the volume, and the restarted node sees what they wrote.
  r = run_cli({"exec", "--timeout", "60", "node0", "--", "sh", "-c",
               "echo after-fence > /cluster/after-fence"});
  EXPECT_EQ(r.code, 0) << r.err;
  r = run_cli({"exec", "--timeout", "60", "node1", "--", "cat", "/cluster/after-fence"});
  EXPECT_EQ(r.out, "after-fence\n") << r.err;
  if (auto frozen = wait_event("ocfs2", t0, is("node1", "fault_started"), 0))
    std::printf("[ measured ] frozen to hung %.1f s, to fenced %.1f s, to rejoined %.1f s\n",
                secs_between(*frozen, *hung), secs_between(*frozen, *fenced),
                secs_between(*frozen, *rejoined));
}

TEST(Manager, ARebootFromInsideIsSeenAsRebootedAndRejoins) {
  int64_t t0 = now_ms();
  std::string boot_before = node_status("ocfs2", "node1").value("boot_id", "");
  auto r = run_cli(
      {"exec", "--timeout", "30", "node1", "--", "sh", "-c", "echo b > /proc/sysrq-trigger"});
  EXPECT_EQ(r.code, 125);  // the session ends with its node's boot
  EXPECT_NE(r.err.find("rebooted"), std::string::npos) << r.err;
  auto rejoined = wait_event("ocfs2", t0, is("node1", "rejoined"), 120);
  auto es = events("ocfs2", t0);
  ASSERT_TRUE(rejoined) << dump(es);
  auto rebooted = wait_event("ocfs2", t0, is("node1", "rebooted"), 1);
  ASSERT_TRUE(rebooted) << dump(es);
  EXPECT_EQ((*rebooted)["cause"], "rebooted");
  EXPECT_EQ(wait_event("ocfs2", t0, is("node1", "died"), 0), std::nullopt)
      << "the process did not end";
  auto n = node_status("ocfs2", "node1");
  EXPECT_EQ(n["state"], "running");
  EXPECT_NE(n.value("boot_id", ""), boot_before);
  r = run_cli({"exec", "--timeout", "60", "node1", "--", "cat", "/cluster/after-fence"});
  EXPECT_EQ(r.out, "after-fence\n") << r.err;
}

TEST(Fault, FreezeForAWhileThenListCrashHeldDownAndClear) {
  int64_t t0 = now_ms();
  int restarts = node_status("ocfs2", "node1").value("restarts", -1);
  auto r = run_cli({"fault", "freeze", "node1", "--for", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_cli({"fault", "list", "--json"});
  auto faults = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(faults.is_array()) << r.out;
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0]["kind"], "freeze");
  EXPECT_TRUE(faults[0]["ends_at_ms"].is_number());
  auto ended = wait_event("ocfs2", t0, is("node1", "fault_ended"), 20);
  ASSERT_TRUE(ended);
  EXPECT_EQ((*ended)["how"], "its time was up");
  // 3 s is shorter than the dead time: it goes on where it was, nobody fenced it.
  r = run_cli({"exec", "--timeout", "30", "node1", "--", "cat", "/cluster/after-fence"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(node_status("ocfs2", "node1").value("restarts", -2), restarts);
  EXPECT_EQ(run_cli({"fault", "list"}).out, "no active faults\n");

  // An untimed freeze ends with `fault clear`.
  ASSERT_EQ(run_cli({"fault", "freeze", "node0"}).code, 0);
  r = run_cli({"fault", "clear"});
  EXPECT_EQ(r.out, "1 fault(s) ended\n") << r.err;
  EXPECT_EQ(run_cli({"exec", "--timeout", "30", "node0", "--", "true"}).code, 0);

  // A power cut held down: no restart until `up`.
  int64_t t1 = now_ms();
  ASSERT_EQ(run_cli({"fault", "crash", "node1", "--no-restart"}).code, 0);
  auto died = wait_event("ocfs2", t1, is("node1", "died"), 20);
  ASSERT_TRUE(died);
  EXPECT_EQ((*died)["signal"], 9);
  ::sleep(2);
  EXPECT_EQ(node_status("ocfs2", "node1")["state"], "stopped");
  EXPECT_FALSE(wait_event("ocfs2", t1, is("node1", "restarting"), 0));
  r = run_cli({"up"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(node_status("ocfs2", "node1")["state"], "running");
  for (int p : cluster_pids(status())) g_known_pids.push_back(p);
}

TEST(Manager, ExecTimeoutEndsWith124) {
  auto t = Clock::now();
  auto r = run_cli({"exec", "--timeout", "1", "node0", "--", "sleep", "30"});
  EXPECT_EQ(r.code, 124) << r.err;
  EXPECT_LT(Clock::now() - t, std::chrono::seconds(10));
}

}  // namespace
}  // namespace uc::test
