#include "ocfs2/console_events.h"

#include <gtest/gtest.h>

#include <random>

namespace uc::cluster {
namespace {

using T = ConsoleEventType;
constexpr const char* kDomain = "5E3F1A2B3C4D5E6F7A8B9C0D1E2F3A4B";

ConsoleEvent parsed(const std::string& line) {
  auto e = parse_console_line(line);
  EXPECT_TRUE(e) << line;
  return e ? *e : ConsoleEvent{};
}

TEST(ConsoleEvents, O2netConnectedWithTimestamp) {
  auto e = parsed("[   12.345678] o2net: Connected to node node1 (num 1) at 192.168.0.116:7777");
  EXPECT_EQ(e.type, T::kO2netConnected);
  ASSERT_TRUE(e.kernel_time);
  EXPECT_NEAR(*e.kernel_time, 12.345678, 1e-9);
  EXPECT_EQ(e.peer_name, "node1");
  EXPECT_EQ(e.peer_number, 1);
  EXPECT_EQ(e.address, "192.168.0.116:7777");
  EXPECT_EQ(e.detail,
            "[   12.345678] o2net: Connected to node node1 (num 1) at 192.168.0.116:7777");
  auto a = parsed("o2net: Accepted connection from node node0 (num 0) at 192.168.0.112:7777\r");
  EXPECT_EQ(a.type, T::kO2netConnected);
  EXPECT_EQ(a.peer_name, "node0");
  EXPECT_EQ(a.peer_number, 0);
  EXPECT_FALSE(a.kernel_time);
}

// Both lines from a public kern.log of a 3-node cluster where one node unmounted.
TEST(ConsoleEvents, O2netLostAndShutdownFromARealLog) {
  auto lost = parsed(
      "[13825.100728] o2net: No longer connected to node cluster89 (num 0) at 192.168.10.89:17777");
  EXPECT_EQ(lost.type, T::kO2netLost);
  EXPECT_EQ(lost.peer_name, "cluster89");
  EXPECT_EQ(lost.peer_number, 0);
  EXPECT_EQ(lost.address, "192.168.10.89:17777");
  auto down = parsed(
      "[13824.881854] o2net: Connection to node cluster90 (num 1) at "
      "192.168.10.90:17777 shutdown, state 8");
  EXPECT_EQ(down.type, T::kO2netShutdown);
  EXPECT_EQ(down.peer_name, "cluster90");
  EXPECT_EQ(down.code, 8);
}

TEST(ConsoleEvents, O2netIdleSecondsAreMillisecondCounts) {
  auto e = parsed(
      "[  101.020304] o2net: Connection to node node1 (num 1) at 192.168.0.116:7777 "
      "has been idle for 30.0 secs.");
  EXPECT_EQ(e.type, T::kO2netIdle);
  EXPECT_DOUBLE_EQ(e.seconds, 30.0);
  EXPECT_EQ(e.peer_name, "node1");
  // "%lu.%lu" of msecs/1000 and msecs%1000: 30005 ms prints as "30.5".
  EXPECT_DOUBLE_EQ(parsed("o2net: Connection to node node1 (num 1) at 192.168.0.116:7777 has "
                          "been idle for 30.5 secs.")
                       .seconds,
                   30.005);
  // Older kernels: lower case, and "seconds, shutting it down."
  EXPECT_EQ(parsed("o2net: connection to node node1 (num 1) at 192.168.0.116:7777 has been "
                   "idle for 30.0 seconds, shutting it down.")
                .type,
            T::kO2netIdle);
}

TEST(ConsoleEvents, O2netNoConnection) {
  auto e = parsed(
      "[   61.000001] o2net: No connection established with node 1 after 30.0 "
      "seconds, check network and cluster configuration.");
  EXPECT_EQ(e.type, T::kO2netNoConnection);
  EXPECT_EQ(e.peer_number, 1);
  EXPECT_TRUE(e.peer_name.empty());
  EXPECT_DOUBLE_EQ(e.seconds, 30.0);
}

TEST(ConsoleEvents, HeartbeatLines) {
  auto t = parsed(
      "(o2hb-5E3F1A2B3C,1234,0):o2hb_write_timeout:272 ERROR: Heartbeat write "
      "timeout to device ubdb after 120000 milliseconds");
  EXPECT_EQ(t.type, T::kHeartbeatWriteTimeout);
  EXPECT_EQ(t.device, "ubdb");
  EXPECT_DOUBLE_EQ(t.seconds, 120.0);
  auto h = parsed(std::string("o2hb: node 0 hb write hung for 60s on region ") + kDomain +
                  " (ubdb), negotiate timeout with node 1.");
  EXPECT_EQ(h.type, T::kHeartbeatWriteHung);
  EXPECT_EQ(h.domain, kDomain);
  EXPECT_EQ(h.device, "ubdb");
  EXPECT_DOUBLE_EQ(h.seconds, 60);
  auto s = parsed(std::string("o2hb: Heartbeat started on region ") + kDomain + " (ubdb)");
  EXPECT_EQ(s.type, T::kHeartbeatStarted);
  EXPECT_EQ(s.domain, kDomain);
  EXPECT_EQ(parsed(std::string("o2hb: Heartbeat stopped on region ") + kDomain + " (ubdb)").type,
            T::kHeartbeatStopped);
  auto down = parsed(
      "(o2hb-5E3F1A2B3C,1234,0):o2hb_check_slot:1092 o2hb: Remove node 1 from "
      "live nodes bitmap");
  EXPECT_EQ(down.type, T::kHeartbeatNodeDown);
  EXPECT_EQ(down.peer_number, 1);
  EXPECT_EQ(parsed("o2hb: Add node 2 to live nodes bitmap").type, T::kHeartbeatNodeUp);
}

TEST(ConsoleEvents, QuorumAndFence) {
  EXPECT_EQ(parsed("(kworker/u2:1,87,0):o2quo_make_decision:143 ERROR: fencing this node because "
                   "it is only connected to 1 nodes and 2 is needed to make a quorum out of 3 "
                   "heartbeating nodes")
                .type,
            T::kQuorumLost);
  auto r =
      parsed("[  140.500000] *** ocfs2 is very sorry to be fencing this system by restarting ***");
  EXPECT_EQ(r.type, T::kFenceReset);
  EXPECT_NEAR(*r.kernel_time, 140.5, 1e-9);
  EXPECT_EQ(parsed("[  140.500000] Kernel panic - not syncing: *** ocfs2 is very sorry to be "
                   "fencing this system by panicing ***")
                .type,
            T::kFencePanic);
}

TEST(ConsoleEvents, Eviction) {
  auto e = parsed(std::string("[  95.1] o2cb: o2dlm has evicted node 1 from domain ") + kDomain);
  EXPECT_EQ(e.type, T::kEvicted);
  EXPECT_EQ(e.peer_number, 1);
  EXPECT_EQ(e.domain, kDomain);
  auto old = parsed(std::string("(o2hb-5E3F1A2B3C,1234,0):o2dlm_eviction_cb:258 o2dlm has "
                                "evicted node 2 from group ") +
                    kDomain);
  EXPECT_EQ(old.type, T::kEvicted);
  EXPECT_EQ(old.peer_number, 2);
  auto w = parsed(std::string("o2dlm: Waiting on the death of node 1 in domain ") + kDomain);
  EXPECT_EQ(w.type, T::kDlmWaitingDeath);
  EXPECT_EQ(w.peer_number, 1);
  EXPECT_EQ(
      parsed(std::string("o2dlm: Waiting on the recovery of node 1 in domain ") + kDomain).type,
      T::kDlmWaitingRecovery);
}

TEST(ConsoleEvents, DlmRecovery) {
  auto b =
      parsed(std::string("[   96.2] o2dlm: Begin recovery on domain ") + kDomain + " for node 1");
  EXPECT_EQ(b.type, T::kRecoveryBegin);
  EXPECT_EQ(b.domain, kDomain);
  EXPECT_EQ(b.peer_number, 1);
  auto m = parsed(std::string("o2dlm: Node 0 (me) is the Recovery Master for the dead node 1 in "
                              "domain ") +
                  kDomain);
  EXPECT_EQ(m.type, T::kRecoveryMaster);
  EXPECT_EQ(m.master_number, 0);
  EXPECT_EQ(m.peer_number, 1);
  EXPECT_EQ(m.domain, kDomain);
  auto he = parsed(std::string("o2dlm: Node 2 (he) is the Recovery Master for the dead node 1 in "
                               "domain ") +
                   kDomain);
  EXPECT_EQ(he.master_number, 2);
  auto end = parsed(std::string("o2dlm: End recovery on domain ") + kDomain);
  EXPECT_EQ(end.type, T::kRecoveryEnd);
  EXPECT_EQ(end.domain, kDomain);
}

TEST(ConsoleEvents, JournalReplay) {
  auto b = parsed("[   97.3] ocfs2: Begin replay journal (node 1, slot 1) on device (98,16)");
  EXPECT_EQ(b.type, T::kJournalReplayBegin);
  EXPECT_EQ(b.peer_number, 1);
  EXPECT_EQ(b.slot, 1);
  EXPECT_EQ(b.device, "98,16");
  auto e = parsed("ocfs2: End replay journal (node 1, slot 1) on device (98,16)");
  EXPECT_EQ(e.type, T::kJournalReplayEnd);
  EXPECT_EQ(e.slot, 1);
  auto old = parsed(
      "(ocfs2rec-5E3F1A,311,0):ocfs2_replay_journal:1182 Recovering node 2 from "
      "slot 0 on device (8,16)");
  EXPECT_EQ(old.type, T::kJournalReplayBegin);
  EXPECT_EQ(old.peer_number, 2);
  EXPECT_EQ(old.slot, 0);
}

// The domain and mount lines are from a public kern.log (a 3-node cluster on 8,x disks).
TEST(ConsoleEvents, DomainMembershipAndMounts) {
  auto j = parsed("[16439.849420] o2dlm: Joining domain FCDBEE3B768D49F5ADE9BC8A81E19A3A ");
  EXPECT_EQ(j.type, T::kJoinedDomain);
  EXPECT_EQ(j.domain, "FCDBEE3B768D49F5ADE9BC8A81E19A3A");
  auto l = parsed("[13817.485884] o2dlm: Leaving domain 6301B24E15244B98AD1E6B693AE92503");
  EXPECT_EQ(l.type, T::kLeftDomain);
  EXPECT_EQ(l.domain, "6301B24E15244B98AD1E6B693AE92503");
  auto nj = parsed(std::string("o2dlm: Node 1 joins domain ") + kDomain + " ");
  EXPECT_EQ(nj.type, T::kNodeJoinedDomain);
  EXPECT_EQ(nj.peer_number, 1);
  // A console that merged the continuation records keeps the node list on the line.
  auto nl = parsed(std::string("o2dlm: Node 1 leaves domain ") + kDomain + " ( 0 ) 1 nodes");
  EXPECT_EQ(nl.type, T::kNodeLeftDomain);
  EXPECT_EQ(nl.domain, kDomain);
  auto m = parsed(
      "[16418.901356] ocfs2: Mounting device (8,0) on (node 1, slot 1) with ordered "
      "data mode.");
  EXPECT_EQ(m.type, T::kVolumeMounted);
  EXPECT_EQ(m.device, "8,0");
  EXPECT_EQ(m.slot, 1);
  auto u = parsed("[13818.190334] ocfs2: Unmounting device (8,0) on (node 1)");
  EXPECT_EQ(u.type, T::kVolumeUnmounted);
  EXPECT_EQ(u.device, "8,0");
  // The node list records themselves say nothing on their own.
  EXPECT_FALSE(parse_console_line("[16439.849429] ("));
  EXPECT_FALSE(parse_console_line("[16439.849437] ) 3 nodes"));
}

TEST(ConsoleEvents, KernelDeath) {
  EXPECT_EQ(parsed("[    3.1] Kernel panic - not syncing: Attempted to kill init! "
                   "exitcode=0x00000009")
                .type,
            T::kPanic);
  EXPECT_FALSE(
      parse_console_line("---[ end Kernel panic - not syncing: Attempted to kill init! "
                         "exitcode=0x00000009 ]---"));
  EXPECT_EQ(parsed("kernel BUG at fs/ocfs2/dlm/dlmmaster.c:3197!").type, T::kOops);
  EXPECT_EQ(parsed("[  12.0] BUG: kernel NULL pointer dereference, address: 0000000000000000").type,
            T::kOops);
  EXPECT_EQ(parsed("Oops: 0000 [#1] PREEMPT SMP").type, T::kOops);
  auto h = parsed("[  363.1] INFO: task kworker/u2:1:123 blocked for more than 120 seconds.");
  EXPECT_EQ(h.type, T::kHungTask);
  EXPECT_DOUBLE_EQ(h.seconds, 120);
}

TEST(ConsoleEvents, PrefixVariants) {
  std::string msg = std::string("o2dlm: End recovery on domain ") + kDomain;
  EXPECT_EQ(parsed("<5>[   12.3] " + msg).type, T::kRecoveryEnd);
  auto caller = parsed("[   12.300000][   T87] " + msg);
  EXPECT_NEAR(*caller.kernel_time, 12.3, 1e-9);
  EXPECT_EQ(caller.domain, kDomain);
  EXPECT_EQ(parsed("  " + msg + " \r").type, T::kRecoveryEnd);
  // A comm with a comma and parentheses: the pid and cpu are read from the right.
  EXPECT_EQ(parsed("(a,b (c),12,0):dlm_do_recovery:501 " + msg).type, T::kRecoveryEnd);
}

TEST(ConsoleEvents, TruncatedAndMalformedLinesSayNothing) {
  for (const char* line : {
           "",
           "   ",
           "Debian GNU/Linux 12 node0 tty0",
           "node0 login: root",
           "o2net: Connected to node node1 (num 1) at",
           "o2net: Connected to node node1 (num x) at 192.168.0.116:7777",
           "o2net: Connected to node node1 (num 1) at 192.168.0.116:7777 and more",
           "o2net: Connected to node  (num 1) at 192.168.0.116:7777",
           "o2net: Connection to node node1 (num 1) at 1.2.3.4:7777 has been idle for 30.1000 "
           "secs.",
           "o2net: Connection to node node1 (num 1) at 1.2.3.4:7777 has been idle for 3.0.0 secs.",
           "o2dlm: Begin recovery on domain D for node 99999999999",
           "o2dlm: Begin recovery on domain D for node",
           "o2dlm: Node 0 (me) is the Recovery Master for the dead node",
           "ocfs2: Begin replay journal (node 1, slot 1) on device (98,16",
           "[ 12.34 o2dlm: End recovery on domain D",
           "*** ocfs2 is very sorry to be fencing this system by restart",
       }) {
    EXPECT_FALSE(parse_console_line(line)) << line;
  }
  // A cut inside the last word cannot be seen: the address is taken as it stands.
  EXPECT_EQ(parsed("o2net: Connected to node node1 (num 1) at 192.168").address, "192.168");
  // "[ 12.34 " without its "]" is not a timestamp, so the line is not a known message.
  EXPECT_FALSE(parse_console_line(std::string("[ 12.34 o2dlm: End recovery on domain ") + kDomain));
}

TEST(ConsoleEvents, HugeAndBinaryLinesSayNothing) {
  EXPECT_FALSE(parse_console_line(std::string(100000, 'A')));
  EXPECT_FALSE(parse_console_line("o2dlm: End recovery on domain " + std::string(5000, 'A')));
  EXPECT_FALSE(parse_console_line("o2dlm: End recovery on domain " + std::string(200, 'A')));
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);
  EXPECT_FALSE(parse_console_line(binary));
  EXPECT_FALSE(parse_console_line(std::string("o2dlm: End recovery on domain \xff\xfe", 32)));
  // A NUL inside a line is a byte like any other: no match, no early end.
  EXPECT_FALSE(parse_console_line(std::string("o2dlm: End recovery on domain A\0B", 33)));
}

TEST(ConsoleEvents, BacktrackingIsBounded) {
  std::string hostile = "INFO: task ";
  for (int i = 0; i < 150; ++i) hostile += "x blocked for more than ";
  hostile += "1 secondz";
  EXPECT_FALSE(parse_console_line(hostile));
  std::string words = "o2dlm: Node 1 (";
  for (int i = 0; i < 1000; ++i) words += ")(";
  EXPECT_FALSE(parse_console_line(words));
}

TEST(ConsoleEvents, DetailIsPrintable) {
  auto e = parsed("ocfs2: Mounting device (8,0) on (node 1, slot 1) with \x07ordered data mode.");
  EXPECT_EQ(e.type, T::kVolumeMounted);
  EXPECT_EQ(e.detail, "ocfs2: Mounting device (8,0) on (node 1, slot 1) with ?ordered data mode.");
  // Terminal escapes in front of a message make it some other message.
  EXPECT_FALSE(parse_console_line(std::string("\x1b[0m o2dlm: End recovery on domain ") + kDomain));
}

TEST(ConsoleEvents, RandomBytesAndMutationsNeverCrash) {
  std::mt19937 rng(42);
  const std::string seeds[] = {
      "[   12.345678] o2net: Connected to node node1 (num 1) at 192.168.0.116:7777",
      std::string("o2dlm: Node 0 (me) is the Recovery Master for the dead node 1 in domain ") +
          kDomain,
      "(kworker/u2:1,87,0):o2quo_make_decision:143 ERROR: fencing this node because it is",
      "INFO: task kworker/u2:1:123 blocked for more than 120 seconds.",
  };
  for (int i = 0; i < 20000; ++i) {
    std::string s = seeds[i % 4];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < edits && !s.empty(); ++k) {
      size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0:
          s[at] = static_cast<char>(rng());
          break;
        case 1:
          s.erase(at, 1 + rng() % 8);
          break;
        default:
          s.insert(at, 1 + rng() % 4, static_cast<char>(rng()));
          break;
      }
    }
    if (auto e = parse_console_line(s)) {
      for (char c : e->detail) ASSERT_TRUE(c >= ' ' && c < 0x7f);
    }
  }
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 600, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    (void)parse_console_line(s);
  }
}

TEST(ConsoleEvents, TypeNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(T::kHungTask); ++i) {
    auto t = static_cast<T>(i);
    std::string name = type_name(t);
    EXPECT_NE(name, "unknown");
    EXPECT_EQ(console_type_from_name(name), t) << name;
  }
  EXPECT_STREQ(type_name(T::kO2netLost), "o2net_lost");
  EXPECT_STREQ(type_name(T::kEvicted), "evicted");
  EXPECT_STREQ(type_name(T::kRecoveryBegin), "recovery_begin");
  EXPECT_FALSE(console_type_from_name("died"));
}

TEST(ConsoleLineSplitter, KeepsThePartialTail) {
  ConsoleLineSplitter s;
  EXPECT_TRUE(s.feed("[   1.0] o2dlm: Lea").empty());
  EXPECT_EQ(s.pending(), "[   1.0] o2dlm: Lea");
  auto lines = s.feed("ving domain X\r\nsecond\nthi");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "[   1.0] o2dlm: Leaving domain X");
  EXPECT_EQ(lines[1], "second");
  EXPECT_EQ(s.pending(), "thi");
  lines = s.feed("rd\n\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "third");
  EXPECT_EQ(lines[1], "");
  EXPECT_TRUE(s.pending().empty());
}

TEST(ConsoleLineSplitter, DropsOverlongLinesWhole) {
  ConsoleLineSplitter s;
  EXPECT_TRUE(s.feed(std::string(3000, 'a')).empty());
  EXPECT_TRUE(s.feed(std::string(3000, 'b')).empty());
  EXPECT_TRUE(s.pending().empty());
  EXPECT_TRUE(s.feed(std::string(10000, 'c')).empty());
  auto lines = s.feed("still the long one\nnext\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "next");
  lines = s.feed(std::string(ConsoleLineSplitter::kMaxLine, 'd') + "\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].size(), ConsoleLineSplitter::kMaxLine);
}

TEST(ConsoleLineSplitter, ByteAtATime) {
  ConsoleLineSplitter s;
  std::string text = "one\r\ntwo\nthree\n";
  std::vector<std::string> all;
  for (char c : text)
    for (auto& l : s.feed(std::string_view(&c, 1))) all.push_back(l);
  EXPECT_EQ(all, (std::vector<std::string>{"one", "two", "three"}));
}

}  // namespace
}  // namespace uc::cluster
