#include "supervisor/agent_link.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <random>

#include "sys/files.h"
#include "sys/process.h"

namespace uc::cluster {
namespace {

session::ExecRequest exec(std::vector<std::string> argv) {
  session::ExecRequest r;
  r.argv = std::move(argv);
  return r;
}

struct Recorder : AgentLink::Listener {
  std::vector<AgentHello> hellos;
  std::vector<std::string> dropped;
  std::vector<std::pair<FrameType, std::string>> routed;
  int heard = 0, closed = 0;
  void on_hello(const AgentHello& h) override { hellos.push_back(h); }
  void on_heard() override { ++heard; }
  void on_route_frame(const AgentLink::Route&, FrameType t, std::string_view p,
                      bool last) override {
    routed.push_back({t, std::string(p)});
    closed += last;
  }
  void on_dropped(const std::string& why) override { dropped.push_back(why); }
};

// A link whose guest side the test writes (what the agent would send) and reads.
struct Harness {
  AgentLink link;
  Recorder rec;
  Fd guest_out, guest_in;
  Harness() {
    auto from = make_pipe().value();
    auto to = make_pipe().value();
    guest_out = std::move(from.second);
    guest_in = std::move(to.first);
    link.attach(std::move(from.first), std::move(to.second));
    set_nonblocking(guest_in.get());
  }
  void guest_sends(const std::string& bytes) {
    ASSERT_EQ(::write(guest_out.get(), bytes.data(), bytes.size()),
              static_cast<ssize_t>(bytes.size()));
    link.on_readable(rec);
  }
  void guest_sends(FrameType t, uint32_t sid, const std::string& payload) {
    guest_sends(encode_frame(t, sid, payload));
  }
  std::string host_sent() {
    link.flush();
    char buf[65536];
    ssize_t n = ::read(guest_in.get(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }
};

TEST(AgentLink, TheIssuesFrameIsDroppedAndTheLinkGoesOn) {
  Harness h;
  // printf 'UC\001\000\000\000\000\017\000\000\000{"version":"x"}' > /dev/tty1
  h.guest_sends(std::string("UC\001\000\000\000\000\017\000\000\000{\"version\":\"x\"}", 26));
  EXPECT_TRUE(h.rec.hellos.empty());
  ASSERT_EQ(h.rec.dropped.size(), 1u);
  EXPECT_NE(h.rec.dropped[0].find("version"), std::string::npos);
  h.guest_sends(FrameType::kHello, 0, R"({"version":4,"boot_id":"ab-cd"})");
  ASSERT_EQ(h.rec.hellos.size(), 1u);
  EXPECT_EQ(h.rec.hellos[0].boot_id, "ab-cd");
}

TEST(AgentLink, HostileFramesOfEveryKindAreDropped) {
  Harness h;
  h.guest_sends(FrameType::kHello, 0, R"({"version":4})");
  bool done = false;
  int code = 0;
  h.link.run_job({"/bin/true"}, [&](int c, const std::string&, const std::string&) {
    done = true;
    code = c;
  });
  uint32_t route = h.link.open_route({7, 3}, exec({"x"}));
  size_t before = h.rec.dropped.size();
  h.guest_sends(FrameType::kAck, 0, "toolong");
  h.guest_sends(FrameType::kRequest, 0, R"({"op":"down"})");  // host-only frame types
  h.guest_sends(FrameType::kReply, 0, "{}");
  h.guest_sends(FrameType::kExec, 5, R"({"argv":["sh"]})");
  h.guest_sends(FrameType::kExit, route, R"({"code":"0"})");
  EXPECT_EQ(h.rec.dropped.size(), before + 5);
  // The routed session ended with 125, re-encoded: the guest's JSON never passes through.
  ASSERT_EQ(h.rec.routed.size(), 1u);
  EXPECT_EQ(parse_exit(h.rec.routed[0].second)->code, 125);
  h.guest_sends(FrameType::kExit, 1, R"({"code":[[[[[[[[[[[[[[]]]]]]]]]]]]]]})");
  EXPECT_TRUE(done);
  EXPECT_EQ(code, -1);
}

TEST(AgentLink, RandomBytesNeverCrashAndAGoodFrameStillGetsThrough) {
  Harness h;
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::string noise(1 + rng() % 3000, '\0');
    for (auto& c : noise) c = static_cast<char>(rng());
    if (round % 3 == 0) noise.replace(0, 2, "UC");  // frames' magic, then junk
    h.guest_sends(noise);
  }
  // A frame header claiming more than the maximum payload is noise, not a reason to wait.
  std::string huge = encode_frame(FrameType::kStdout, 1, "");
  huge[7] = huge[8] = huge[9] = huge[10] = '\xff';
  h.guest_sends(huge);
  h.guest_sends(std::string(kFrameHeader + 100, 'U'));
  h.guest_sends(FrameType::kHello, 0, R"({"version":4,"boot_id":"ff"})");
  ASSERT_FALSE(h.rec.hellos.empty());
  EXPECT_EQ(h.rec.hellos.back().boot_id, "ff");
}

TEST(AgentLink, AFloodOfOutputForNoSessionIsIgnored) {
  Harness h;
  std::string block;
  for (int i = 0; i < 50; ++i)
    block += encode_frame(FrameType::kStdout, 999, std::string(1000, 'x'));
  for (int i = 0; i < 20; ++i) h.guest_sends(block);
  EXPECT_TRUE(h.rec.dropped.empty());
  EXPECT_TRUE(h.rec.routed.empty());
}

TEST(AgentLink, ResetFailsJobsAndEndsRoutes) {
  Harness h;
  int code = 0;
  h.link.run_job({"x"}, [&](int c, const std::string&, const std::string& err) {
    code = c;
    EXPECT_EQ(err, "node1 rebooted");
  });
  h.link.open_route({4, 1}, exec({"x"}));
  h.link.reset(h.rec, "node1 rebooted", false);
  EXPECT_EQ(code, -1);
  ASSERT_EQ(h.rec.closed, 1);
  auto e = parse_exit(h.rec.routed[0].second);
  EXPECT_EQ(e->code, 125);
  EXPECT_EQ(e->error, "node1 rebooted");
  EXPECT_TRUE(h.link.attached());
}

TEST(AgentLink, TheWindowBoundsBytesInFlightUntilAcknowledged) {
  Harness h;
  h.guest_sends(FrameType::kHello, 0, R"({"version":4})");
  uint32_t sid = h.link.open_route({1, 1}, exec({"cat"}));
  h.host_sent();
  for (int i = 0; i < 10; ++i) h.link.forward(sid, FrameType::kStdin, std::string(1000, 'a'));
  std::string first = h.host_sent();
  EXPECT_LE(first.size(), kLinkWindow);
  EXPECT_TRUE(h.host_sent().empty());  // nothing more until the agent acknowledges
  h.guest_sends(FrameType::kAck, 0, encode_u32(static_cast<uint32_t>(kLinkWindow * 4)));
  EXPECT_FALSE(h.host_sent().empty());
}

}  // namespace
}  // namespace uc::cluster
