#include "supervisor/node_machine.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace uc::cluster {
namespace {

ManagerPolicy policy(RestartPolicy r = RestartPolicy::kOnFailure) {
  ManagerPolicy p;
  p.restart = r;
  p.restart_limit = 3;
  p.restart_window_ms = 60000;
  p.backoff_initial_ms = 1000;
  p.backoff_max_ms = 3000;
  p.ping_interval_ms = 2000;
  p.hung_after_ms = 12000;
  return p;
}

// Drains the machine after each step and keeps what it said.
struct Driver {
  NodeMachine m;
  std::vector<Action> actions;
  std::vector<MachineEvent> events;
  explicit Driver(ManagerPolicy p = policy()) : m(p) {}
  void drain() {
    for (auto a : m.take_actions()) actions.push_back(a);
    for (auto& e : m.take_events()) events.push_back(e);
  }
  bool did(Action a) const { return std::find(actions.begin(), actions.end(), a) != actions.end(); }
  int count(Action a) const {
    return static_cast<int>(std::count(actions.begin(), actions.end(), a));
  }
  std::vector<std::string> types() const {
    std::vector<std::string> t;
    for (auto& e : events) t.push_back(e.type);
    return t;
  }
  const MachineEvent* last(const std::string& type) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
      if (it->type == type) return &*it;
    return nullptr;
  }
  void clear() {
    actions.clear();
    events.clear();
  }
  // Launched at t, booted at t+2 s, ready at t+10 s.
  void bring_up(int64_t t, const std::string& boot = "b1") {
    m.start(t);
    m.hello(t + 2000, boot);
    m.ready(t + 10000);
    drain();
  }
};

TEST(NodeMachine, StartBootReadyIsRunning) {
  Driver d;
  d.m.start(0);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kStarting);
  EXPECT_TRUE(d.did(Action::kLaunch));
  d.m.hello(1500, "b1");
  d.drain();
  EXPECT_TRUE(d.did(Action::kBringUp));
  d.m.ready(9000);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kRunning);
  EXPECT_EQ(d.types(), (std::vector<std::string>{"starting", "booted", "ready"}));
  EXPECT_EQ(d.last("ready")->fields["ms"], 9000);
  EXPECT_EQ(d.last("booted")->fields["boot_id"], "b1");
}

TEST(NodeMachine, ARepeatedHelloOfTheSameBootChangesNothing) {
  Driver d;
  d.bring_up(0);
  d.clear();
  d.m.hello(20000, "b1");
  d.m.hello(20001, "");
  d.drain();
  EXPECT_TRUE(d.events.empty());
  EXPECT_TRUE(d.actions.empty());
  EXPECT_EQ(d.m.state(), NodeState::kRunning);
}

TEST(NodeMachine, CrashRestartsAfterBackoffAndRejoins) {
  Driver d;
  d.bring_up(0);
  d.clear();
  d.m.exited(30000, 0, 9);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kRestarting);
  EXPECT_EQ(d.m.last_cause(), Cause::kCrashed);
  EXPECT_TRUE(d.did(Action::kForget));
  ASSERT_NE(d.last("died"), nullptr);
  EXPECT_EQ(d.last("died")->fields["signal"], 9);
  EXPECT_EQ(d.last("died")->fields["cause"], "crashed");
  EXPECT_EQ(d.last("restarting")->fields["delay_ms"], 1000);
  EXPECT_EQ(d.last("restarting")->fields["attempt"], 1);
  EXPECT_EQ(d.m.next_deadline(), 31000);
  d.m.tick(30999);
  d.drain();
  EXPECT_FALSE(d.did(Action::kLaunch));
  d.m.tick(31000);
  d.drain();
  EXPECT_TRUE(d.did(Action::kLaunch));
  EXPECT_EQ(d.m.state(), NodeState::kStarting);
  d.m.hello(33000, "b2");
  d.m.ready(40000);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kRunning);
  ASSERT_NE(d.last("rejoined"), nullptr);
  EXPECT_EQ(d.last("rejoined")->fields["ms"], 10000);  // from the death
  EXPECT_EQ(d.m.restarts(), 1);
}

TEST(NodeMachine, BackoffDoublesUpToItsMaximumAndTheLimitGivesUp) {
  Driver d;
  d.m.start(0);
  int64_t t = 0;
  std::vector<int64_t> delays;
  for (int i = 0; i < 4; ++i) {
    d.m.exited(t + 100, 1, 0);  // dies on every boot
    d.drain();
    if (d.m.state() != NodeState::kRestarting) break;
    delays.push_back(d.last("restarting")->fields["delay_ms"]);
    t = *d.m.next_deadline();
    d.m.tick(t);
    d.drain();
  }
  EXPECT_EQ(delays, (std::vector<int64_t>{1000, 2000, 3000}));
  EXPECT_EQ(d.m.state(), NodeState::kFailed);
  ASSERT_NE(d.last("gave_up"), nullptr);
  EXPECT_NE(d.m.error().find("restart limit"), std::string::npos) << d.m.error();
  EXPECT_EQ(d.count(Action::kLaunch), 4);  // the first start and three restarts
}

TEST(NodeMachine, OldRestartsLeaveTheWindow) {
  Driver d;
  d.m.start(0);
  for (int i = 0; i < 3; ++i) {
    d.m.exited(i * 100000 + 10, 1, 0);  // one crash every 100 s, window 60 s
    d.drain();
    ASSERT_EQ(d.m.state(), NodeState::kRestarting) << i;
    EXPECT_EQ(d.last("restarting")->fields["delay_ms"], 1000);
    d.m.tick(*d.m.next_deadline());
    d.drain();
  }
  d.m.exited(400000, 1, 0);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kRestarting);
}

TEST(NodeMachine, RestartNoKeepsACrashedNodeDown) {
  Driver d(policy(RestartPolicy::kNo));
  d.bring_up(0);
  d.clear();
  d.m.exited(20000, 0, 9);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kFailed);
  EXPECT_FALSE(d.did(Action::kLaunch));
  EXPECT_EQ(d.last("restarting"), nullptr);
  EXPECT_EQ(d.m.next_deadline(), std::nullopt);
  EXPECT_NE(d.m.error().find("restart = \"no\""), std::string::npos) << d.m.error();
}

TEST(NodeMachine, OnFailureDoesNotRestartAGuestThatPoweredOffButAlwaysDoes) {
  Driver a;
  a.bring_up(0);
  a.m.exited(20000, 0, 0);
  a.drain();
  EXPECT_EQ(a.m.state(), NodeState::kStopped);
  EXPECT_EQ(a.m.last_cause(), Cause::kExited);
  Driver b(policy(RestartPolicy::kAlways));
  b.bring_up(0);
  b.m.exited(20000, 0, 0);
  b.drain();
  EXPECT_EQ(b.m.state(), NodeState::kRestarting);
}

TEST(NodeMachine, APanicOnTheConsoleMakesTheDeathAPanic) {
  Driver d;
  d.bring_up(0);
  d.m.console_panic(15000);
  d.drain();
  EXPECT_TRUE(d.did(Action::kPowerOff));  // a panicked UML kernel may spin: it is powered off
  d.m.exited(15100, 0, 9);
  d.drain();
  EXPECT_EQ(d.m.last_cause(), Cause::kPanicked);
  EXPECT_EQ(d.last("died")->fields["cause"], "panicked");
  EXPECT_EQ(d.m.state(), NodeState::kRestarting);  // a panic is a failure even with status 0
}

TEST(NodeMachine, ANewBootIdInTheSameProcessIsAReboot) {
  Driver d;
  d.bring_up(0);
  d.clear();
  d.m.hello(30000, "b2");
  d.drain();
  EXPECT_EQ(d.m.last_cause(), Cause::kRebooted);
  EXPECT_EQ(d.types(), (std::vector<std::string>{"rebooted", "restarting"}));
  EXPECT_EQ(d.actions, (std::vector<Action>{Action::kForget, Action::kBringUp}));
  EXPECT_EQ(d.m.state(), NodeState::kStarting);
  d.m.ready(38000);
  d.drain();
  EXPECT_EQ(d.last("rejoined")->fields["ms"], 8000);
  EXPECT_EQ(d.m.boot_id(), "b2");
}

TEST(NodeMachine, OCFS2sFenceLineMakesTheRebootASelfFence) {
  Driver d;
  d.bring_up(0);
  d.m.console_self_fence(29000);
  d.m.hello(30000, "b2");
  d.drain();
  EXPECT_EQ(d.m.last_cause(), Cause::kSelfFenced);
  EXPECT_EQ(d.last("rebooted")->fields["cause"], "self-fenced");
}

TEST(NodeMachine, ARebootWithRestartNoIsPoweredOffAndStaysDown) {
  Driver d(policy(RestartPolicy::kNo));
  d.bring_up(0);
  d.clear();
  d.m.hello(30000, "b2");
  d.drain();
  EXPECT_TRUE(d.did(Action::kPowerOff));
  EXPECT_FALSE(d.did(Action::kBringUp));
  d.m.exited(30100, 0, 9);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kFailed);
  EXPECT_FALSE(d.did(Action::kLaunch));
}

TEST(NodeMachine, PingsWhileWatchedAndASilentNodeIsHungCapturedAndPoweredOff) {
  Driver d;
  d.bring_up(0);  // heard last at 2000 (hello)
  d.clear();
  d.m.tick(4000);
  d.drain();
  EXPECT_TRUE(d.did(Action::kPing));
  d.m.heard(4050);
  d.m.tick(14000);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kRunning);  // 9.95 s of silence: not yet
  d.m.tick(16051);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kHung);
  EXPECT_TRUE(d.did(Action::kCaptureStack));
  EXPECT_FALSE(d.did(Action::kPowerOff));
  EXPECT_GT(d.last("hung")->fields["silent_ms"].get<int64_t>(), 12000);
  // Answering now does not save it: its peers may have evicted it already.
  d.m.heard(16500);
  d.m.tick(17551);
  d.drain();
  EXPECT_TRUE(d.did(Action::kPowerOff));
  EXPECT_EQ(d.last("fenced")->fields["by"], "host");
  d.m.exited(17600, 0, 9);
  d.drain();
  EXPECT_EQ(d.last("died")->fields["cause"], "hung");
  EXPECT_EQ(d.m.state(), NodeState::kRestarting);
}

TEST(NodeMachine, ANodeIsNotWatchedBeforeItsFirstHello) {
  Driver d;
  d.m.start(0);
  d.drain();
  d.m.tick(100000);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kStarting);
  EXPECT_FALSE(d.did(Action::kPing));
}

TEST(NodeMachine, ANodeWhoseAgentNeverSpeaksIsPoweredOffAfterTheBootTimeout) {
  ManagerPolicy p = policy();
  p.boot_timeout_ms = 60000;
  Driver d(p);
  d.m.start(0);
  d.drain();
  EXPECT_EQ(d.m.next_deadline(), 60001);
  d.m.tick(60001);
  d.drain();
  EXPECT_TRUE(d.did(Action::kPowerOff));
  d.m.exited(60100, 0, 9);
  d.drain();
  EXPECT_EQ(d.last("died")->fields["cause"], "boot-failed");
  EXPECT_EQ(d.m.state(), NodeState::kRestarting);
}

TEST(NodeMachine, AQueuedNodeHasNoBootTimerUntilItIsLaunched) {
  ManagerPolicy p = policy();
  p.boot_timeout_ms = 60000;
  Driver d(p);
  d.m.start(0);
  d.m.queued(0);
  d.drain();
  EXPECT_TRUE(d.m.queued());
  EXPECT_EQ(d.m.next_deadline(), std::nullopt);
  d.m.tick(100000);  // waited longer than the boot timeout: not its fault
  d.drain();
  EXPECT_FALSE(d.did(Action::kPowerOff));
  d.m.launched(100000);
  EXPECT_FALSE(d.m.queued());
  EXPECT_EQ(d.m.next_deadline(), 160001);
  d.m.hello(103000, "b1");
  d.drain();
  EXPECT_EQ(d.last("booted")->fields["ms"], 3000);  // from its real launch
}

TEST(NodeMachine, DownWhileQueuedStopsItWithoutAShutdown) {
  Driver d;
  d.m.start(0);
  d.m.queued(0);
  d.drain();
  d.clear();
  d.m.down(500);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kStopped);
  EXPECT_FALSE(d.did(Action::kCad));
  EXPECT_FALSE(d.m.alive());
  EXPECT_EQ(d.types(), std::vector<std::string>{"stopped"});
}

TEST(NodeMachine, RestartShutsDownGracefullyThenBootsAgain) {
  Driver d;
  d.bring_up(0);
  d.clear();
  d.m.restart(20000);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kStopping);
  EXPECT_TRUE(d.did(Action::kCad));
  EXPECT_FALSE(d.did(Action::kLaunch));
  d.m.exited(22000, 0, 0);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kStarting);
  EXPECT_TRUE(d.did(Action::kLaunch));
  EXPECT_EQ(d.types(), (std::vector<std::string>{"stopping", "stopped", "starting"}));
  EXPECT_EQ(d.m.restarts(), 0);  // asked for: not counted as a restart of the manager
}

TEST(NodeMachine, DownAfterRestartStaysDown) {
  Driver d;
  d.bring_up(0);
  d.m.restart(20000);
  d.m.down(20500);
  d.m.exited(22000, 0, 0);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kStopped);
}

TEST(NodeMachine, RestartOfAStoppedNodeStartsIt) {
  Driver d;
  d.bring_up(0);
  d.m.down(20000);
  d.m.exited(21000, 0, 0);
  d.drain();
  d.clear();
  d.m.restart(30000);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kStarting);
  EXPECT_TRUE(d.did(Action::kLaunch));
}

TEST(NodeMachine, AnEvictionFencesTheIncarnationItConcerns) {
  Driver d;
  d.bring_up(0);  // ready at 10000, last heard at 2000: quiet since
  d.clear();
  d.m.evicted(15000, "node0");  // 5 s after it became ready: its previous life's eviction
  d.drain();
  EXPECT_TRUE(d.actions.empty());
  d.m.heard(12500);
  d.m.evicted(40000, "node0");
  d.drain();
  EXPECT_TRUE(d.did(Action::kPowerOff));
  EXPECT_EQ(d.m.last_cause(), Cause::kEvicted);
  EXPECT_EQ(d.last("fenced")->fields["reason"], "evicted by node0");
  d.m.exited(40100, 0, 9);
  d.drain();
  EXPECT_EQ(d.last("died")->fields["cause"], "evicted");
}

// Guest root can print any line: an eviction line about a node that answers its pings is
// not enough to power it off; if it then goes quiet, it is.
TEST(NodeMachine, AnEvictionOfANodeThatStillAnswersWaitsUntilItGoesQuiet) {
  Driver d;
  d.bring_up(0);
  d.m.heard(29500);
  d.clear();
  d.m.evicted(30000, "node0");
  d.drain();
  EXPECT_TRUE(d.actions.empty());
  for (int64_t t = 30000; t <= 40000; t += 2000) {  // it keeps answering
    d.m.heard(t);
    d.m.tick(t);
  }
  d.drain();
  EXPECT_FALSE(d.did(Action::kPowerOff));
  d.m.tick(44001);  // no answer for two pings
  d.drain();
  EXPECT_TRUE(d.did(Action::kPowerOff));
  EXPECT_EQ(d.m.last_cause(), Cause::kEvicted);
}

TEST(NodeMachine, DownStopsGracefullyThenHaltsThenPowersOff) {
  Driver d;
  d.bring_up(0);
  d.clear();
  d.m.down(50000);
  d.drain();
  EXPECT_EQ(d.actions, std::vector<Action>{Action::kCad});
  d.m.tick(70000);
  d.drain();
  EXPECT_TRUE(d.did(Action::kHalt));
  d.m.tick(75000);
  d.drain();
  EXPECT_TRUE(d.did(Action::kPowerOff));
  d.m.exited(75100, 0, 9);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kStopped);
  EXPECT_EQ(d.m.last_cause(), Cause::kDown);
  EXPECT_EQ(d.last("restarting"), nullptr);
}

TEST(NodeMachine, DownOfAHungNodePowersItOffAtOnce) {
  Driver d;
  d.bring_up(0);
  d.m.tick(20000);
  d.drain();
  ASSERT_EQ(d.m.state(), NodeState::kHung);
  d.clear();
  d.m.down(20100);
  d.drain();
  EXPECT_EQ(d.actions, std::vector<Action>{Action::kPowerOff});
}

TEST(NodeMachine, DownWhileWaitingToRestartStopsIt) {
  Driver d;
  d.bring_up(0);
  d.m.exited(20000, 0, 9);
  d.m.down(20100);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kStopped);
  EXPECT_EQ(d.m.next_deadline(), std::nullopt);
  d.m.tick(50000);
  d.drain();
  EXPECT_FALSE(d.m.alive());
}

TEST(NodeMachine, AFirstBootThatFailsToComeOnlineIsFailedButARestartedOneIsRetried) {
  Driver d;
  d.m.start(0);
  d.m.hello(2000, "b1");
  d.m.bringup_failed(5000, "disk shared holds data that is not OCFS2");
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kFailed);
  EXPECT_FALSE(d.did(Action::kPowerOff));

  Driver r;
  r.bring_up(0);
  r.m.exited(20000, 0, 9);
  r.m.tick(21000);
  r.m.hello(23000, "b2");
  r.m.bringup_failed(25000, "mount failed");
  r.drain();
  EXPECT_TRUE(r.did(Action::kPowerOff));
  r.m.exited(25100, 0, 9);
  r.drain();
  EXPECT_EQ(r.m.state(), NodeState::kRestarting);
  EXPECT_EQ(r.last("died")->fields["cause"], "boot-failed");
}

TEST(NodeMachine, StartingAFailedNodeAgainPowersOffTheOldProcessFirst) {
  Driver d;
  d.m.start(0);
  d.m.hello(2000, "b1");
  d.m.bringup_failed(5000, "x");
  d.drain();
  d.clear();
  d.m.start(6000);
  d.drain();
  EXPECT_EQ(d.actions, std::vector<Action>{Action::kPowerOff});
  d.m.exited(6100, 0, 9);
  d.drain();
  EXPECT_TRUE(d.did(Action::kLaunch));
  EXPECT_EQ(d.m.state(), NodeState::kStarting);
}

TEST(NodeMachine, APowerCutIsACrashRestartedByPolicyOrHeldDown) {
  Driver d;
  d.bring_up(0);
  d.clear();
  d.m.power_cut(20000, false);
  d.drain();
  EXPECT_EQ(d.actions, std::vector<Action>{Action::kPowerOff});
  d.m.exited(20010, 0, 9);
  d.drain();
  EXPECT_EQ(d.last("died")->fields["cause"], "crashed");
  EXPECT_EQ(d.m.state(), NodeState::kRestarting);

  Driver h;
  h.bring_up(0);
  h.m.power_cut(20000, true);
  h.m.exited(20010, 0, 9);
  h.drain();
  EXPECT_EQ(h.m.state(), NodeState::kStopped);
  EXPECT_EQ(h.last("restarting"), nullptr);
  EXPECT_NE(h.m.error().find("held down"), std::string::npos);
  h.m.start(30000);  // up brings it back
  h.drain();
  EXPECT_EQ(h.m.state(), NodeState::kStarting);
}

TEST(NodeMachine, ALaunchThatFailsIsFailedWithTheReason) {
  Driver d;
  d.m.start(0);
  d.m.launch_failed(1, "no kernel");
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kFailed);
  EXPECT_EQ(d.m.error(), "no kernel");
  EXPECT_FALSE(d.m.alive());
}

TEST(NodeMachine, AManualStartAfterGivingUpGetsAFreshBudget) {
  Driver d;
  d.m.start(0);
  for (int i = 0; i < 4 && d.m.state() != NodeState::kFailed; ++i) {
    d.m.exited(i * 10000 + 1, 1, 0);
    d.drain();
    if (auto t = d.m.next_deadline()) d.m.tick(*t);
    d.drain();
  }
  ASSERT_EQ(d.m.state(), NodeState::kFailed);
  d.m.start(100000);
  d.m.exited(100100, 1, 0);
  d.drain();
  EXPECT_EQ(d.m.state(), NodeState::kRestarting);
}

}  // namespace
}  // namespace uc::cluster

namespace uc::cluster {
namespace {

// Its agent answers every ping until `until` (mono ms), in steps of a second.
void answering(Driver& d, int64_t from, int64_t until) {
  for (int64_t t = from; t <= until; t += 1000) {
    d.m.heard(t);
    d.m.tick(t);
  }
  d.drain();
}

TEST(NodeMachine, AStalledHeartbeatFencesTheDiskThenPowersOffANodeThatRunsOn) {
  Driver d;
  d.bring_up(0);
  answering(d, 10000, 30000);
  d.clear();
  d.m.heartbeat_stalled(30000, 11600);
  d.drain();
  EXPECT_EQ(d.actions, (std::vector<Action>{Action::kFenceDisk}));
  ASSERT_NE(d.last("fenced"), nullptr);
  EXPECT_EQ(d.last("fenced")->fields["reason"], "heartbeat stalled 11.6 s");
  EXPECT_EQ(d.last("fenced")->fields["evidence"], "heartbeat");
  EXPECT_TRUE(d.m.disk_fenced());
  EXPECT_EQ(d.m.next_deadline(), 30000 + 2000);  // its next ping; the grace ends at 34.5 s
  answering(d, 31000, 34000);
  EXPECT_FALSE(d.did(Action::kPowerOff));  // its kernel's own fence still has time
  answering(d, 34500, 34500);
  d.m.tick(34500);
  d.drain();
  EXPECT_TRUE(d.did(Action::kPowerOff));
  EXPECT_EQ(d.last("stopping")->fields["how"],
            "power off (heartbeat stalled 16.1 s, still running)");
  d.clear();
  d.m.exited(35000, 0, 9);
  d.drain();
  EXPECT_EQ(d.last("died")->fields["cause"], "heartbeat-stalled");
  EXPECT_FALSE(d.m.disk_fenced());
  EXPECT_EQ(d.m.state(), NodeState::kRestarting);
}

TEST(NodeMachine, AStalledNodeWhoseKernelFencesItselfIsANewBootNotAPowerOff) {
  Driver d;
  d.bring_up(0);
  answering(d, 10000, 30000);
  d.m.heartbeat_stalled(30000, 11600);
  d.m.console_self_fence(30500);  // its kernel's reset: silent, then a new boot
  d.m.tick(34500);
  d.drain();
  EXPECT_FALSE(d.did(Action::kPowerOff));  // silent since 30 s: not powered off at the grace
  d.clear();
  d.m.hello(36000, "b2");
  d.drain();
  EXPECT_TRUE(d.did(Action::kUnfenceDisk));  // its new boot goes through the gate
  EXPECT_FALSE(d.m.disk_fenced());
  EXPECT_EQ(d.last("rebooted")->fields["cause"], "self-fenced");
}

TEST(NodeMachine, AFrozenNodeStillEndsHungAfterItsDiskWasFenced) {
  Driver d;
  d.bring_up(0);
  answering(d, 10000, 20000);  // then frozen: nothing heard
  d.m.heartbeat_stalled(31600, 11600);
  for (int64_t t = 31600; t <= 40000; t += 500) d.m.tick(t);
  d.drain();
  EXPECT_EQ(d.m.last_cause(), Cause::kHung);
  EXPECT_TRUE(d.did(Action::kCaptureStack));
  EXPECT_EQ(d.count(Action::kPowerOff), 1);
  EXPECT_EQ(d.last("fenced")->fields["cause"], "hung");  // the power-off's own record
}

TEST(NodeMachine, AZombieHeartbeatIsFencedAndPoweredOffAtOnce) {
  Driver d;
  d.bring_up(0);
  answering(d, 10000, 30000);
  d.clear();
  d.m.heartbeat_zombie(30000);
  d.drain();
  EXPECT_EQ(d.actions, (std::vector<Action>{Action::kFenceDisk, Action::kPowerOff}));
  EXPECT_EQ(d.last("fenced")->fields["reason"], "zombie heartbeat");
  d.m.exited(30500, 0, 9);
  d.drain();
  EXPECT_EQ(d.last("died")->fields["cause"], "zombie");
}

TEST(NodeMachine, DownOfADiskFencedNodePowersItOff) {
  Driver d;
  d.bring_up(0);
  answering(d, 10000, 30000);
  d.m.heartbeat_stalled(30000, 11600);
  d.drain();
  d.clear();
  d.m.down(31000);
  d.drain();
  EXPECT_EQ(d.actions, (std::vector<Action>{Action::kPowerOff}));
  EXPECT_EQ(d.last("stopping")->fields["how"], "power off (its disk fenced)");
  d.m.heartbeat_stalled(32000, 13600);  // stopping: no second fence
  d.drain();
  EXPECT_EQ(d.count(Action::kFenceDisk), 0);
}

}  // namespace
}  // namespace uc::cluster
