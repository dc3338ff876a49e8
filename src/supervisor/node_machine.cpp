#include "supervisor/node_machine.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace uc::cluster {

const char* state_name(NodeState s) {
  switch (s) {
    case NodeState::kStopped:
      return "stopped";
    case NodeState::kStarting:
      return "starting";
    case NodeState::kRunning:
      return "running";
    case NodeState::kHung:
      return "hung";
    case NodeState::kStopping:
      return "stopping";
    case NodeState::kRestarting:
      return "restarting";
    case NodeState::kFailed:
      return "failed";
  }
  return "?";
}

const char* cause_name(Cause c) {
  switch (c) {
    case Cause::kNone:
      return "";
    case Cause::kDown:
      return "down";
    case Cause::kExited:
      return "exited";
    case Cause::kCrashed:
      return "crashed";
    case Cause::kPanicked:
      return "panicked";
    case Cause::kRebooted:
      return "rebooted";
    case Cause::kSelfFenced:
      return "self-fenced";
    case Cause::kHung:
      return "hung";
    case Cause::kStalled:
      return "heartbeat-stalled";
    case Cause::kZombie:
      return "zombie";
    case Cause::kEvicted:
      return "evicted";
    case Cause::kBootFailed:
      return "boot-failed";
    case Cause::kLaunchFailed:
      return "launch-failed";
  }
  return "?";
}

ManagerPolicy ManagerPolicy::from(const ClusterSpec& c, const NodeSpec& n) {
  ManagerPolicy p;
  p.restart = n.restart;
  p.restart_limit = c.manager.restart_limit;
  p.restart_window_ms = int64_t{c.manager.restart_window} * 1000;
  p.backoff_initial_ms = c.manager.backoff_initial_ms;
  p.backoff_max_ms = c.manager.backoff_max_ms;
  p.ping_interval_ms = c.manager.ping_interval_ms;
  p.hung_after_ms = c.manager.hung_after(c.o2cb);
  return p;
}

void NodeMachine::emit(std::string type, nlohmann::json fields) {
  events_.push_back({std::move(type), std::move(fields)});
}

void NodeMachine::launch(int64_t now, int attempt) {
  state_ = NodeState::kStarting;
  evicted_by_.clear();
  alive_ = true;
  booted_ = fencing_ = panic_seen_ = fence_seen_ = queued_ = false;
  boot_id_.clear();
  error_.clear();
  launched_at_ = last_heard_ = last_ping_ = now;
  ready_at_ = 0;
  emit("starting", {{"attempt", attempt}});
  act(Action::kLaunch);
}

void NodeMachine::queued(int64_t now) {
  if (state_ != NodeState::kStarting || booted_) return;
  queued_ = true;
  queued_at_ = now;
  emit("queued");
}

void NodeMachine::launched(int64_t now) {
  if (!queued_) return;
  queued_ = false;
  launched_at_ = last_heard_ = last_ping_ = now;
}

void NodeMachine::start(int64_t now) {
  switch (state_) {
    case NodeState::kStopped:
    case NodeState::kFailed:
      restart_times_.clear();
      attempt_ = 0;
      died_at_.reset();
      if (alive_) {  // failed while coming up, still running: power it off, then start
        relaunch_after_exit_ = true;
        if (!fencing_) power_off(Cause::kBootFailed, "started again after a failed bring-up");
        return;
      }
      launch(now, 0);
      return;
    case NodeState::kRestarting:
      restart_at_.reset();
      launch(now, attempt_);
      return;
    default:
      return;  // starting, running, hung, stopping: nothing to do
  }
}

void NodeMachine::launch_failed(int64_t, const std::string& why) {
  alive_ = false;
  state_ = NodeState::kFailed;
  cause_ = Cause::kLaunchFailed;
  error_ = why;
  emit("failed", {{"cause", cause_name(cause_)}, {"reason", why}});
}

void NodeMachine::heard(int64_t now) { last_heard_ = std::max(last_heard_, now); }

void NodeMachine::hello(int64_t now, const std::string& boot_id) {
  if (!alive_) return;
  heard(now);
  if (!booted_) {
    booted_ = true;
    boot_id_ = boot_id;
    emit("booted", {{"boot_id", boot_id}, {"ms", now - launched_at_}});
    if (state_ == NodeState::kStarting) act(Action::kBringUp);
    return;
  }
  if (boot_id.empty() || boot_id == boot_id_) return;  // the same boot saying hello again
  // Same process, new boot: a reboot inside the guest, or OCFS2's `reset` fence (UML
  // re-executes itself in the same host pid, so no process ended).
  Cause cause = fence_seen_ ? Cause::kSelfFenced : Cause::kRebooted;
  boot_id_ = boot_id;
  new_life();
  cause_ = cause;
  act(Action::kForget);
  emit("rebooted", {{"cause", cause_name(cause)}, {"boot_id", boot_id}});
  if (state_ == NodeState::kStopping || fencing_) return;
  died_at_ = died_at_.value_or(now);
  std::string why;
  if (!may_restart(now, cause, &why)) {
    give_up_on_exit_ = why;
    power_off(cause, why.empty() ? "restart = \"no\": it rebooted" : why);
    return;
  }
  count_restart(now);
  emit("restarting", {{"attempt", attempt_}, {"delay_ms", 0}, {"cause", cause_name(cause)}});
  state_ = NodeState::kStarting;
  launched_at_ = now;
  panic_seen_ = fence_seen_ = false;
  act(Action::kBringUp);
}

void NodeMachine::ready(int64_t now) {
  if (state_ != NodeState::kStarting) return;
  state_ = NodeState::kRunning;
  ready_at_ = now;
  emit("ready", {{"ms", now - launched_at_}});
  if (died_at_) {
    emit("rejoined", {{"ms", now - *died_at_}, {"attempt", attempt_}});
    died_at_.reset();
    attempt_ = 0;
  }
}

void NodeMachine::bringup_failed(int64_t, const std::string& why) {
  if (state_ != NodeState::kStarting) return;
  if (died_at_ && policy_.restart != RestartPolicy::kNo) {
    // A node that comes back after a failure gets its restarts: power off, then the policy.
    error_ = why;
    power_off(Cause::kBootFailed, why);
    return;
  }
  state_ = NodeState::kFailed;
  cause_ = Cause::kBootFailed;
  error_ = why;
  emit("failed", {{"cause", cause_name(cause_)}, {"reason", why}});
}

void NodeMachine::console_panic(int64_t) {
  if (!alive_) return;
  panic_seen_ = true;
  // A panicked kernel never comes back (UML may spin in its panic loop): power it off now.
  if (!fencing_ && state_ != NodeState::kStopping) power_off(Cause::kPanicked, "kernel panic");
}

void NodeMachine::console_self_fence(int64_t) {
  if (alive_) fence_seen_ = true;
}

void NodeMachine::evicted(int64_t now, const std::string& by) {
  // Only an eviction of this incarnation counts: a node that came back after a crash is
  // younger than the survivors' dead time when they evict its previous life.
  if (state_ != NodeState::kRunning || fencing_) return;
  if (now - ready_at_ <= policy_.hung_after_ms) return;
  // A console line is a guest's word: guest root can write any line to /dev/kmsg. A node
  // whose agent answered within the last two pings is alive and well, whatever another
  // guest prints; the eviction counts once it has gone quiet too.
  if (now - last_heard_ <= 2 * policy_.ping_interval_ms) {
    evicted_by_ = by;
    return;
  }
  power_off(Cause::kEvicted, "evicted by " + by);
}

void NodeMachine::power_off(Cause why, const std::string& reason) {
  fencing_ = true;
  cause_ = why;
  emit("fenced", {{"by", "host"}, {"reason", reason}, {"cause", cause_name(why)}});
  act(Action::kPowerOff);
}

void NodeMachine::fence_disk() {
  if (disk_fenced_) return;
  disk_fenced_ = true;
  act(Action::kFenceDisk);
}

void NodeMachine::new_life() {
  fence_check_at_.reset();
  if (std::exchange(disk_fenced_, false)) act(Action::kUnfenceDisk);
}

void NodeMachine::heartbeat_stalled(int64_t now, int64_t stalled_ms) {
  if (!alive_ || fencing_ || disk_fenced_ || state_ == NodeState::kStopping) return;
  fence_disk();
  stalled_at_ = now;
  stalled_ms_ = stalled_ms;
  emit("fenced", {{"by", "host"},
                  {"evidence", "heartbeat"},
                  {"stalled_ms", stalled_ms},
                  {"reason", fmt::format("heartbeat stalled {:.1f} s", stalled_ms / 1000.0)},
                  {"action", "its shared-disk I/O is held: none reaches the disk"}});
  fence_check_at_ = now + policy_.fence_grace_ms;
}

void NodeMachine::heartbeat_zombie(int64_t) {
  if (!alive_ || fencing_ || state_ == NodeState::kStopping) return;
  fence_disk();
  emit("fenced", {{"by", "host"},
                  {"evidence", "heartbeat"},
                  {"reason", "zombie heartbeat"},
                  {"action", "its shared-disk I/O is held, then power off"},
                  {"cause", cause_name(Cause::kZombie)}});
  fencing_ = true;
  cause_ = Cause::kZombie;
  act(Action::kPowerOff);
}

void NodeMachine::power_cut(int64_t, bool hold) {
  if (!alive_ || fencing_ || state_ == NodeState::kStopping) return;
  fencing_ = true;
  cause_ = Cause::kCrashed;
  hold_after_exit_ = hold;
  act(Action::kPowerOff);
}

void NodeMachine::exited(int64_t now, int exit_code, int signal) {
  if (!alive_) return;
  alive_ = booted_ = false;
  power_off_at_.reset();
  fence_check_at_.reset();
  disk_fenced_ = false;  // its gate went with its process
  act(Action::kForget);
  std::string how =
      signal ? fmt::format("signal {}", signal) : fmt::format("exit status {}", exit_code);
  if (state_ == NodeState::kStopping) {
    state_ = NodeState::kStopped;
    cause_ = Cause::kDown;
    halt_at_.reset();
    kill_at_.reset();
    fencing_ = false;
    emit("stopped", {{"how", how}});
    if (std::exchange(start_after_stop_, false)) start(now);
    return;
  }
  Cause cause;
  if (fencing_)
    cause = cause_;
  else if (panic_seen_)
    cause = Cause::kPanicked;
  else if (fence_seen_)
    cause = Cause::kSelfFenced;
  else if (signal != 0 || exit_code != 0)
    cause = Cause::kCrashed;
  else
    cause = Cause::kExited;
  fencing_ = false;
  cause_ = cause;
  nlohmann::json died{{"cause", cause_name(cause)}, {"how", how}};
  if (signal)
    died["signal"] = signal;
  else
    died["exit_code"] = exit_code;
  emit("died", died);
  error_ = fmt::format("{} ({})", cause_name(cause), how);
  if (relaunch_after_exit_) {
    relaunch_after_exit_ = false;
    launch(now, 0);
    return;
  }
  if (std::exchange(hold_after_exit_, false)) {
    state_ = NodeState::kStopped;
    error_ += ", held down (fault crash --no-restart)";
    return;
  }
  died_at_ = died_at_.value_or(now);
  if (give_up_on_exit_) {
    std::string why = *std::exchange(give_up_on_exit_, std::nullopt);
    settle_dead(cause, why);
    return;
  }
  std::string why;
  if (!may_restart(now, cause, &why)) {
    settle_dead(cause, why);
    return;
  }
  int64_t delay = backoff();
  count_restart(now);
  restart_at_ = now + delay;
  state_ = NodeState::kRestarting;
  emit("restarting", {{"attempt", attempt_}, {"delay_ms", delay}, {"cause", cause_name(cause)}});
}

// No restart: the policy says no (why empty), or the limit was reached.
void NodeMachine::settle_dead(Cause cause, const std::string& why) {
  died_at_.reset();
  if (!why.empty()) {
    state_ = NodeState::kFailed;
    error_ = why;
    emit("gave_up", {{"reason", why}});
    return;
  }
  state_ = cause == Cause::kExited ? NodeState::kStopped : NodeState::kFailed;
  if (state_ == NodeState::kFailed) error_ += ", restart = \"no\"";
}

bool NodeMachine::may_restart(int64_t now, Cause cause, std::string* why) {
  why->clear();
  if (policy_.restart == RestartPolicy::kNo) return false;
  if (policy_.restart == RestartPolicy::kOnFailure && cause == Cause::kExited) return false;
  while (!restart_times_.empty() && restart_times_.front() <= now - policy_.restart_window_ms)
    restart_times_.pop_front();
  if (static_cast<int>(restart_times_.size()) >= policy_.restart_limit) {
    *why = fmt::format("{} restarts within {} s: restart limit reached, giving up ({})",
                       restart_times_.size(), policy_.restart_window_ms / 1000, cause_name(cause));
    return false;
  }
  return true;
}

int64_t NodeMachine::backoff() const {
  int64_t d = policy_.backoff_initial_ms;
  for (size_t i = 0; i < restart_times_.size() && d < policy_.backoff_max_ms; ++i) d *= 2;
  return std::min(d, policy_.backoff_max_ms);
}

void NodeMachine::count_restart(int64_t now) {
  restart_times_.push_back(now);
  ++restarts_;
  ++attempt_;
}

void NodeMachine::restart(int64_t now) {
  if (state_ == NodeState::kStopped || state_ == NodeState::kFailed ||
      state_ == NodeState::kRestarting) {
    start(now);
    return;
  }
  down(now);
  if (state_ == NodeState::kStopping)
    start_after_stop_ = true;
  else
    start(now);  // it was waiting for its turn to boot
}

void NodeMachine::down(int64_t now) {
  relaunch_after_exit_ = hold_after_exit_ = start_after_stop_ = false;
  if (state_ == NodeState::kRestarting) {
    restart_at_.reset();
    died_at_.reset();
    state_ = NodeState::kStopped;
    cause_ = Cause::kDown;
    emit("stopped", {{"how", "down while waiting to restart"}});
    return;
  }
  if (queued_) {  // it never started: nothing to shut down
    queued_ = alive_ = false;
    state_ = NodeState::kStopped;
    cause_ = Cause::kDown;
    emit("stopped", {{"how", "down before its turn to boot"}});
    return;
  }
  if (!alive_ || state_ == NodeState::kStopping) return;
  bool hung = state_ == NodeState::kHung || fencing_;
  state_ = NodeState::kStopping;
  if (hung || disk_fenced_) {  // it cannot shut itself down (hung, or no disk to unmount)
    emit("stopping", {{"how", hung ? "power off (hung)" : "power off (its disk fenced)"}});
    act(Action::kPowerOff);
    return;
  }
  emit("stopping", {{"how", "ctrl-alt-del"}});
  act(Action::kCad);
  halt_at_ = now + policy_.graceful_stop_ms;
  kill_at_ = now + policy_.graceful_stop_ms + policy_.halt_grace_ms;
}

bool NodeMachine::watched() const {
  return alive_ && booted_ && !fencing_ &&
         (state_ == NodeState::kStarting || state_ == NodeState::kRunning);
}

void NodeMachine::tick(int64_t now) {
  if (restart_at_ && now >= *restart_at_) {
    restart_at_.reset();
    launch(now, attempt_);
    return;
  }
  if (power_off_at_ && now >= *power_off_at_) {
    power_off_at_.reset();
    power_off(Cause::kHung, hung_reason_);
  }
  if (fence_check_at_ && now >= *fence_check_at_) {
    fence_check_at_.reset();
    // Its kernel did not fence itself (that is a new boot, which lifts the fence). Silent, it
    // may be resetting or hung: a hello or the silence rule decides. Still answering, it is
    // a node running on without its disk: powered off, then the restart policy.
    if (alive_ && !fencing_ && disk_fenced_ && state_ != NodeState::kStopping &&
        now - last_heard_ <= 2 * policy_.ping_interval_ms) {
      int64_t stalled = stalled_ms_ + (now - stalled_at_);
      fencing_ = true;
      cause_ = Cause::kStalled;
      emit("stopping", {{"how", fmt::format("power off (heartbeat stalled {:.1f} s, still running)",
                                            stalled / 1000.0)}});
      act(Action::kPowerOff);
    }
  }
  if (halt_at_ && now >= *halt_at_) {
    halt_at_.reset();
    emit("stopping", {{"how", "halt (no shutdown in time)"}});
    act(Action::kHalt);
  }
  if (kill_at_ && now >= *kill_at_) {
    kill_at_.reset();
    emit("stopping", {{"how", "power off (no halt in time)"}});
    act(Action::kPowerOff);
  }
  if (alive_ && !booted_ && !fencing_ && !queued_ && state_ == NodeState::kStarting &&
      now - launched_at_ > policy_.boot_timeout_ms) {
    error_ =
        fmt::format("no word from its agent {} s after launch", policy_.boot_timeout_ms / 1000);
    power_off(Cause::kBootFailed, error_);
    return;
  }
  if (!watched()) return;
  if (!evicted_by_.empty() && now - last_heard_ > 2 * policy_.ping_interval_ms) {
    power_off(Cause::kEvicted, "evicted by " + std::exchange(evicted_by_, ""));
    return;
  }
  if (now - last_heard_ > policy_.hung_after_ms) {
    state_ = NodeState::kHung;
    cause_ = Cause::kHung;
    int64_t silent = now - last_heard_;
    hung_reason_ = fmt::format("hung: its agent silent for {:.1f} s", silent / 1000.0);
    emit("hung", {{"silent_ms", silent}});
    // What its kernel was doing goes to its console log before it is powered off.
    act(Action::kCaptureStack);
    fencing_ = true;
    power_off_at_ = now + policy_.capture_ms;
    return;
  }
  if (now - last_ping_ >= policy_.ping_interval_ms) {
    last_ping_ = now;
    act(Action::kPing);
  }
}

std::optional<int64_t> NodeMachine::next_deadline() const {
  std::optional<int64_t> d;
  auto take = [&](std::optional<int64_t> t) {
    if (t && (!d || *t < *d)) d = t;
  };
  take(restart_at_);
  take(power_off_at_);
  take(halt_at_);
  take(kill_at_);
  take(fence_check_at_);
  if (alive_ && !booted_ && !fencing_ && !queued_ && state_ == NodeState::kStarting)
    take(launched_at_ + policy_.boot_timeout_ms + 1);
  if (watched()) {
    if (!evicted_by_.empty()) take(last_heard_ + 2 * policy_.ping_interval_ms + 1);
    take(last_ping_ + policy_.ping_interval_ms);
    take(last_heard_ + policy_.hung_after_ms + 1);
  }
  return d;
}

}  // namespace uc::cluster
