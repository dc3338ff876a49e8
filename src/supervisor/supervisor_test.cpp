// The Supervisor without UML: a fake NodeHost whose nodes are fake agents on pipes, a
// FakeClock and a fake switch drive it through the CLI's requests and the nodes' events
// (boot to running, status, exec routing, a fault, a crash and its restart, down).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <map>
#include <set>

#include "ocfs2/heartbeat_block.h"
#include "supervisor/supervisor_core.h"
#include "sys/files.h"
#include "wire/control_protocol.h"
#include "wire/guest_messages.h"
#include "wire/session_messages.h"

namespace uc::cluster {
namespace {

// What a fake node's agent does with what the host sends: pongs, acks, and every session
// answered with `stdout_for` and exit code 0, as a guest where every command works.
struct FakeGuest {
  Fd from_host;  // the host's to_guest pipe, read end
  Fd to_host;    // the host's from_guest pipe, write end
  FrameDecoder decoder;
  std::vector<std::vector<std::string>> execs;  // argv of every session, in order
  std::vector<int> signals;                     // signals the host sent to sessions

  void say(FrameType t, uint32_t sid, std::string_view payload) {
    std::string f = encode_frame(t, sid, payload);
    ASSERT_EQ(::write(to_host.get(), f.data(), f.size()), static_cast<ssize_t>(f.size()));
  }
  void hello(const std::string& name, const std::string& boot_id) {
    AgentHello h;
    h.hostname = name;
    h.uptime_ms = 900;
    h.boot_id = boot_id;
    say(FrameType::kHello, 0, encode_hello(h));
  }
  // Reads and answers what the host sent; false once the host closed the link.
  void serve() {
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(from_host.get(), buf, sizeof buf);
      if (n <= 0) break;
      decoder.feed({buf, static_cast<size_t>(n)});
      say(FrameType::kAck, 0, encode_u32(static_cast<uint32_t>(n)));
    }
    while (auto f = decoder.next()) {
      if (f->type == FrameType::kPing) say(FrameType::kPong, f->session, f->payload);
      if (f->type == FrameType::kSignal)
        if (auto s = session::decode_signal(f->payload)) signals.push_back(s->signal);
      if (f->type != FrameType::kExec) continue;
      auto req = session::decode_exec(f->payload);
      ASSERT_TRUE(req.ok()) << f->payload;
      execs.push_back(req->argv);
      std::string script = req->argv.empty() ? "" : req->argv.back();
      // The bring-up's format step reads the new volume's uuid from its output.
      std::string out = script.find("mkfs.ocfs2") != std::string::npos ? "uuid=0011AABB\n" : "";
      if (!req->argv.empty() && req->argv[0] == "hostname") out = "guest\n";
      if (!out.empty()) say(FrameType::kStdout, f->session, out);
      if (!req->argv.empty() && req->argv[0] == "sleep") continue;  // runs until signalled
      say(FrameType::kExit, f->session, encode_exit({0, 0, ""}));
    }
  }
};

class FakeNodeHost : public node::NodeHost {
 public:
  Result<node::NodeLink> launch(const ClusterSpec&, const NodeSpec& n) override {
    auto to_guest = make_pipe();
    auto from_guest = make_pipe();
    if (!to_guest || !from_guest) return err("pipe");
    auto& g = guests[n.name];
    g = std::make_unique<FakeGuest>();
    g->from_host = std::move(to_guest->first);
    g->to_host = std::move(from_guest->second);
    set_nonblocking(g->from_host.get(), true);
    pids[n.name] = next_pid++;
    ++launches[n.name];
    return node::NodeLink{std::move(from_guest->first), std::move(to_guest->second)};
  }
  bool running(const std::string& node) const override { return pids.count(node) > 0; }
  pid_t pid(const std::string& node) const override { return pids.count(node) ? pids.at(node) : 0; }
  void power_off(const std::string& node) override {
    log.push_back(node + " power-off");
    end(node, SIGKILL);
  }
  void mconsole(const std::string& node, const std::string& command, int, Reply done) override {
    log.push_back(node + " " + command);
    if (command == "cad" || command == "halt") end(node, 0);
    done(std::string());
  }
  void set_disk_fault(const std::string& node, node::DiskFault f) override {
    log.push_back(node + " disk-fault " + std::to_string(static_cast<int>(f.kind)));
  }
  void fence_disk(const std::string& node, bool fenced) override {
    log.push_back(node + (fenced ? " fence-disk on" : " fence-disk off"));
  }
  void add_to(PollSet&) override {}
  std::optional<int64_t> next_deadline() const override { return std::nullopt; }
  void tick() override {
    auto due = std::move(ending);
    ending.clear();
    for (auto& [node, status] : due) {
      pids.erase(node);
      guests.erase(node);
      exited(node, status);
    }
  }

  // The node's process ends at the next tick: `status` as wait() gives it.
  void end(const std::string& node, int status) {
    if (running(node)) ending.emplace_back(node, status);
  }
  FakeGuest& guest(const std::string& node) { return *guests.at(node); }

  std::map<std::string, std::unique_ptr<FakeGuest>> guests;
  std::map<std::string, pid_t> pids;
  std::map<std::string, int> launches;
  std::vector<std::string> log;
  std::vector<std::pair<std::string, int>> ending;
  pid_t next_pid = 1000;
};

class FakeSwitch : public SwitchPort {
 public:
  pid_t pid() const override { return 999; }
  Status send_rules(const std::string& encoded) override {
    rules.push_back(encoded);
    return {};
  }
  std::vector<std::string> rules;
};

// A CLI connection: a socketpair whose other end the supervisor holds.
struct Client {
  Fd fd;
  FrameDecoder decoder;
  std::vector<Frame> frames;

  void send(FrameType t, uint32_t sid, std::string_view payload) {
    std::string f = encode_frame(t, sid, payload);
    ASSERT_EQ(::write(fd.get(), f.data(), f.size()), static_cast<ssize_t>(f.size()));
  }
  void read_all() {
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n <= 0) break;
      decoder.feed({buf, static_cast<size_t>(n)});
    }
    while (auto f = decoder.next()) frames.push_back(*f);
  }
};

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = TempDir::create("/tmp", "uc-sup-test");
    ASSERT_TRUE(t.ok());
    home_ = std::make_unique<TempDir>(std::move(*t));
    ::setenv("UMLCLUSTER_HOME", home_->path().c_str(), 1);
    ClusterPaths p("lab");
    ASSERT_TRUE(make_dirs(p.dir, 0700).ok());
    SupervisorSetup s;
    s.name = "lab";
    s.spec = parse_cluster_toml("", "t", false).value();  // the paper's node0 and node1
    s.image = "/nonexistent/rootfs.img";
    sup_ = std::make_unique<Supervisor>(std::move(s), host_, clock_, switch_);
    ASSERT_TRUE(sup_->start().ok());
  }
  void TearDown() override {
    sup_.reset();
    ::unsetenv("UMLCLUSTER_HOME");
  }

  // One turn of the daemon's loop, with the fake guests answering in between.
  void turn() {
    sup_->flush();
    for (auto& [name, g] : host_.guests) g->serve();
    PollSet set;
    sup_->add_to(set);
    ASSERT_TRUE(set.wait(0).ok());
    host_.tick();
    sup_->after_wait();
    sup_->flush();
    for (auto& c : clients_) c->read_all();
  }
  // Turns until `done`, moving the fake clock by `step_ms` each time (at most `turns`).
  bool turn_until(const std::function<bool()>& done, int64_t step_ms = 10, int turns = 3000) {
    for (int i = 0; i < turns; ++i) {
      if (done()) return true;
      turn();
      clock_.advance(step_ms);
    }
    return done();
  }
  void boot(const std::string& node,
            const std::string& boot_id = "0b1e0000-0000-4000-8000-000000000001") {
    ASSERT_TRUE(turn_until([&] { return host_.guests.count(node) > 0; }));
    host_.guest(node).hello(node, boot_id);
  }
  Client& connect() {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
    auto c = std::make_unique<Client>();
    c->fd = Fd(sv[0]);
    sup_->accept(Fd(sv[1]));
    clients_.push_back(std::move(c));
    return *clients_.back();
  }
  // The reply to one request, decoded.
  control::Reply ask(const control::Request& r) {
    auto& c = connect();
    c.send(FrameType::kRequest, 1, control::encode(r));
    EXPECT_TRUE(turn_until([&] { return !c.frames.empty(); }, 1, 50));
    if (c.frames.empty()) return {};
    auto reply = control::decode_reply(c.frames.back().payload);
    EXPECT_TRUE(reply.ok()) << c.frames.back().payload;
    return reply ? *reply : control::Reply{};
  }
  std::map<std::string, std::string> states() {
    control::Request r;
    r.op = control::Op::kStatus;
    auto reply = ask(r);
    std::map<std::string, std::string> out;
    if (reply.status)
      for (const auto& n : reply.status->nodes) out[n.name] = n.state;
    return out;
  }
  bool all_running() {
    auto s = states();
    return s["node0"] == "running" && s["node1"] == "running";
  }
  void bring_up() {
    boot("node1");
    boot("node0");
    ASSERT_TRUE(turn_until([&] { return all_running(); }, 100))
        << states()["node0"] << " " << states()["node1"];
  }

  std::unique_ptr<TempDir> home_;
  FakeNodeHost host_;
  FakeClock clock_;
  FakeSwitch switch_;
  std::unique_ptr<Supervisor> sup_;
  std::vector<std::unique_ptr<Client>> clients_;
};

TEST_F(SupervisorTest, BothNodesBootThroughTheBringUpToRunning) {
  bring_up();
  EXPECT_EQ(host_.launches["node0"], 1);
  EXPECT_EQ(host_.launches["node1"], 1);
  // The O2CB bring-up ran in the guests, and exactly one node formatted the volume.
  int formats = 0;
  for (auto& [name, g] : host_.guests)
    for (auto& argv : g->execs)
      if (!argv.empty() && argv.back().find("mkfs.ocfs2") != std::string::npos) ++formats;
  EXPECT_EQ(formats, 1);
}

TEST_F(SupervisorTest, StatusNamesTheClusterItsSwitchAndEveryNode) {
  bring_up();
  control::Request r;
  r.op = control::Op::kStatus;
  auto reply = ask(r);
  ASSERT_TRUE(reply.ok && reply.status);
  EXPECT_EQ(reply.status->cluster, "lab");
  EXPECT_EQ(reply.status->state, "running");
  EXPECT_EQ(reply.status->switch_pid, 999);
  ASSERT_EQ(reply.status->nodes.size(), 2u);
  EXPECT_EQ(reply.status->nodes[0].address, "192.168.0.112");
  EXPECT_EQ(reply.status->nodes[1].pid, host_.pid("node1"));
}

TEST_F(SupervisorTest, AnExecIsRoutedToItsNodeAndItsOutputAndExitComeBack) {
  bring_up();
  auto& c = connect();
  session::ExecRequest e;
  e.node = "node1";
  e.argv = {"hostname"};
  c.send(FrameType::kExec, 7, session::encode(e));
  ASSERT_TRUE(turn_until(
      [&] {
        for (auto& f : c.frames)
          if (f.type == FrameType::kExit) return true;
        return false;
      },
      1, 100));
  std::string out;
  for (auto& f : c.frames) {
    EXPECT_EQ(f.session, 7u);
    if (f.type == FrameType::kStdout) out += f.payload;
  }
  EXPECT_EQ(out, "guest\n");
  EXPECT_EQ(host_.guest("node1").execs.back(), std::vector<std::string>{"hostname"});
  for (auto& argv : host_.guest("node0").execs)
    EXPECT_NE(argv, std::vector<std::string>{"hostname"});
}

TEST_F(SupervisorTest, AnExecOnAnUnknownNodeIsRefused) {
  bring_up();
  auto& c = connect();
  session::ExecRequest e;
  e.node = "node9";
  e.argv = {"true"};
  c.send(FrameType::kExec, 3, session::encode(e));
  ASSERT_TRUE(turn_until([&] { return !c.frames.empty(); }, 1, 50));
  EXPECT_EQ(c.frames.back().type, FrameType::kExit);
  auto ex = parse_exit(c.frames.back().payload);
  ASSERT_TRUE(ex.ok());
  EXPECT_NE(ex->error.find("node9"), std::string::npos) << ex->error;
}

TEST_F(SupervisorTest, AFreezeStopsTheNodeAndThawsItWhenItsTimeIsUp) {
  bring_up();
  control::Request r;
  r.op = control::Op::kFreeze;
  r.node = "node1";
  r.for_ms = 5000;
  auto reply = ask(r);
  ASSERT_TRUE(reply.ok) << reply.error;
  EXPECT_NE(std::find(host_.log.begin(), host_.log.end(), "node1 stop"), host_.log.end());
  EXPECT_EQ(std::find(host_.log.begin(), host_.log.end(), "node1 go"), host_.log.end());
  clock_.advance(5001);
  turn();
  EXPECT_NE(std::find(host_.log.begin(), host_.log.end(), "node1 go"), host_.log.end());
}

TEST_F(SupervisorTest, APartitionSendsTheSwitchItsRulesAndHealClearsThem) {
  bring_up();
  control::Request r;
  r.op = control::Op::kPartition;
  r.groups = {{"node0"}, {"node1"}};
  auto reply = ask(r);
  ASSERT_TRUE(reply.ok) << reply.error;
  ASSERT_EQ(switch_.rules.size(), 1u);
  EXPECT_NE(switch_.rules[0].find("fe:fd:c0:a8:00:74"), std::string::npos) << switch_.rules[0];
  control::Request heal;
  heal.op = control::Op::kHeal;
  ASSERT_TRUE(ask(heal).ok);
  ASSERT_EQ(switch_.rules.size(), 2u);
  EXPECT_EQ(switch_.rules[1].find("fe:fd:c0:a8:00:74"), std::string::npos) << switch_.rules[1];
}

TEST_F(SupervisorTest, ACrashedNodeIsRestartedAfterItsBackOffAndRunsAgain) {
  bring_up();
  host_.end("node1", SIGKILL);
  turn();
  EXPECT_NE(states()["node1"], "running");
  EXPECT_EQ(host_.launches["node1"], 1);
  // The restart waits for its back-off (1 s for the first), then the node boots again.
  ASSERT_TRUE(turn_until([&] { return host_.launches["node1"] == 2; }, 100, 100));
  host_.guest("node1").hello("node1", "0b1e0000-0000-4000-8000-000000000002");
  ASSERT_TRUE(turn_until([&] { return all_running(); }, 100));
  EXPECT_EQ(host_.launches["node0"], 1);
}

TEST_F(SupervisorTest, DownShutsEveryNodeDownAndAnswersOnceAllAreStopped) {
  bring_up();
  auto& c = connect();
  control::Request r;
  r.op = control::Op::kDown;
  c.send(FrameType::kRequest, 1, control::encode(r));
  ASSERT_TRUE(turn_until([&] { return sup_->finished(); }, 100, 300));
  EXPECT_NE(std::find(host_.log.begin(), host_.log.end(), "node0 cad"), host_.log.end());
  EXPECT_NE(std::find(host_.log.begin(), host_.log.end(), "node1 cad"), host_.log.end());
  EXPECT_TRUE(host_.pids.empty());
  sup_->finish();
  c.read_all();
  ASSERT_FALSE(c.frames.empty());
  EXPECT_EQ(c.frames.back().type, FrameType::kReply);
}

// The nodes' kernels heartbeat into the volume's region, here a fixed place in the fake disk
// file (no OCFS2 on the host: the locator is the test's); the supervisor reads it as it reads
// a real one, and its clock is the test's.
class HeartbeatTest : public SupervisorTest {
 protected:
  static constexpr uint64_t kRegionAt = 1 << 20;
  void SetUp() override {
    SupervisorTest::SetUp();
    sup_->set_heartbeat_locator([](const std::string&) -> Result<ocfs2::HeartbeatLocation> {
      return ocfs2::HeartbeatLocation{kRegionAt, 255, "0011AABB"};
    });
    disk_ = ClusterPaths("lab").disk("shared");
  }
  void beat(int number, uint64_t generation) {
    std::array<uint8_t, ocfs2::kHeartbeatSlotBytes> slot{};
    ocfs2::write_heartbeat_block(slot, {.seq = static_cast<uint64_t>(clock_.wall_ms() / 1000),
                                        .node = static_cast<uint8_t>(number),
                                        .generation = generation,
                                        .dead_ms = 14000});
    Fd fd(::open(disk_.c_str(), O_WRONLY | O_CLOEXEC));
    ASSERT_TRUE(fd);
    ASSERT_EQ(::pwrite(fd.get(), slot.data(), slot.size(),
                       static_cast<off_t>(kRegionAt + number * slot.size())),
              static_cast<ssize_t>(slot.size()));
  }
  // `ms` of the loop in 250 ms turns; every 2 s each node in `beating` beats (node0 is
  // number 0, node1 number 1, as the paper's cluster numbers them).
  void run(int64_t ms, std::set<int> beating) {
    for (int64_t end = clock_.mono_ms() + ms; clock_.mono_ms() < end;) {
      clock_.advance(250);
      if (clock_.mono_ms() % 2000 < 250)
        for (int n : beating) {
          beat(n, 0xA000 + n);
          last_beat_[n] = clock_.mono_ms();
        }
      turn();
    }
  }
  bool logged(const std::string& line) const {
    return std::find(host_.log.begin(), host_.log.end(), line) != host_.log.end();
  }
  std::optional<control::DiskHeartbeat> heartbeat_of(const std::string& node) {
    control::Request r;
    r.op = control::Op::kStatus;
    auto reply = ask(r);
    if (reply.status)
      if (auto* n = reply.status->find(node); n && n->run) return n->run->disk_heartbeat;
    return std::nullopt;
  }
  std::string disk_;
  std::map<int, int64_t> last_beat_;
};

TEST_F(HeartbeatTest, AStalledNodeIsFencedBeforeItsDeadTimeThenPoweredOffAndRestarted) {
  bring_up();
  run(10000, {0, 1});
  EXPECT_FALSE(logged("node1 fence-disk on"));
  auto h = heartbeat_of("node1");
  ASSERT_TRUE(h.has_value());
  EXPECT_LE(h->age_ms, 2500);
  EXPECT_EQ(h->generation, 0xA001u);
  EXPECT_EQ(h->dead_ms, 14000);
  // node1's heartbeat stops (its agent still answers); node0's goes on.
  run(6000, {0});
  int64_t stopped = last_beat_[1];
  EXPECT_GT(heartbeat_of("node1")->age_ms, 5000);
  EXPECT_LE(heartbeat_of("node0")->age_ms, 2500);
  while (!logged("node1 fence-disk on") && clock_.mono_ms() - stopped < 20000) run(250, {0});
  int64_t fenced_after = clock_.mono_ms() - stopped;
  EXPECT_GE(fenced_after, 11500);
  EXPECT_LE(fenced_after, 14000 - 1500);  // before its survivors could declare it dead
  EXPECT_FALSE(logged("node0 fence-disk on"));
  EXPECT_FALSE(logged("node1 power-off"));
  // Its kernel does not fence itself and it still answers: powered off after the grace.
  run(5000, {0});
  EXPECT_TRUE(logged("node1 power-off"));
  ASSERT_TRUE(turn_until([&] { return host_.launches["node1"] == 2; }, 100, 100));
  auto log = read_file(ClusterPaths("lab").events());
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->find("heartbeat stalled 11."), std::string::npos);
  EXPECT_NE(log->find("heartbeat-stalled"), std::string::npos);
}

TEST_F(HeartbeatTest, ANodeThatNeverBeatsThisLifeIsNotFenced) {
  bring_up();
  run(40000, {});  // waiting for its wave, or the blocks of a crashed cluster: none moves
  EXPECT_FALSE(logged("node0 fence-disk on"));
  EXPECT_FALSE(logged("node1 fence-disk on"));
  EXPECT_FALSE(heartbeat_of("node1").has_value());
}

TEST_F(HeartbeatTest, AZombieBeatAfterTheDeadTimeIsPoweredOffAtOnce) {
  bring_up();
  run(6000, {0, 1});
  run(14250, {0});  // fenced at 11.5 s, declared dead by the survivors at 14 s
  ASSERT_TRUE(logged("node1 fence-disk on"));
  ASSERT_FALSE(logged("node1 power-off"));
  beat(1, 0xA001);  // it writes on, same generation
  run(750, {0});
  EXPECT_TRUE(logged("node1 power-off"));
  auto log = read_file(ClusterPaths("lab").events());
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->find("zombie heartbeat"), std::string::npos);
}

TEST_F(HeartbeatTest, DownIsNoStall) {
  bring_up();
  run(6000, {0, 1});
  auto& c = connect();
  control::Request r;
  r.op = control::Op::kDown;
  c.send(FrameType::kRequest, 1, control::encode(r));
  ASSERT_TRUE(turn_until([&] { return sup_->finished(); }, 250, 300));
  EXPECT_FALSE(logged("node0 fence-disk on"));
  EXPECT_FALSE(logged("node1 fence-disk on"));
}

}  // namespace
}  // namespace uc::cluster
