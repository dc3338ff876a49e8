// NodeMachine: the host half of the cluster manager for one node, as a state machine with
// no syscalls. It is told what happened (launched, the agent said hello, the process
// exited, the agent went silent, a survivor evicted it, `down`) with the time, and answers
// with actions for the supervisor to carry out (launch, ping, capture the kernel's stacks,
// power off, graceful stop) and typed events for the event log. The restart policy, its
// back-off and limit, and the fencing decisions all live here, tested through every
// transition in node_machine_test.cpp.
#pragma once

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/cluster_spec.h"

namespace uc::cluster {

enum class NodeState { kStopped, kStarting, kRunning, kHung, kStopping, kRestarting, kFailed };
const char* state_name(NodeState s);

// Why a node is (or last was) not running.
enum class Cause {
  kNone,
  kDown,         // stopped by `down`
  kExited,       // the guest powered itself off (exit status 0)
  kCrashed,      // the UML process ended with an error or a signal
  kPanicked,     // a kernel panic on its console, then the process ended
  kRebooted,     // same process, new boot (a reboot inside the guest)
  kSelfFenced,   // OCFS2 fenced it (its "very sorry to be fencing" line, then a new boot)
  kHung,         // its agent was silent past the dead time: fenced by the host
  kEvicted,      // its peers evicted it from the cluster: fenced by the host
  kStalled,      // its disk heartbeat stalled, it ran on: fenced by the host
  kZombie,       // its disk heartbeat moved again after its peers declared it dead
  kBootFailed,   // O2CB or a mount failed while it came up
  kLaunchFailed  // the host could not start it
};
const char* cause_name(Cause c);

struct ManagerPolicy {
  RestartPolicy restart = RestartPolicy::kOnFailure;
  int restart_limit = 5;  // restarts within the window before giving up
  int64_t restart_window_ms = 600000;
  int64_t backoff_initial_ms = 1000;
  int64_t backoff_max_ms = 30000;
  int64_t ping_interval_ms = 2000;
  int64_t hung_after_ms = 12000;     // the O2CB dead time by default
  int64_t capture_ms = 1500;         // between the stack capture and the power-off
  int64_t boot_timeout_ms = 180000;  // launch to the agent's hello (a boot storm of 128 nodes)
  int64_t graceful_stop_ms = 20000;
  int64_t halt_grace_ms = 5000;
  // After its disk is fenced for a stalled heartbeat: the time its kernel has to fence itself
  // (a new boot) or to go silent, before a node still answering is powered off.
  int64_t fence_grace_ms = 4500;
  static ManagerPolicy from(const ClusterSpec& c, const NodeSpec& n);
};

enum class Action {
  kLaunch,        // start the node's process
  kPing,          // ping its agent
  kCaptureStack,  // sysrq w through mconsole, into its console log
  kPowerOff,      // kill every host process of it at once
  kCad,           // Ctrl-Alt-Del through mconsole: the guest shuts down
  kHalt,          // mconsole halt
  kBringUp,       // it booted: O2CB online and mounts (the bring-up)
  kForget,        // the bring-up forgets it (it died or rebooted)
  kFenceDisk,     // none of its shared-disk I/O reaches the disk from now on (the disk gate)
  kUnfenceDisk    // a new life: its I/O goes through again
};

struct MachineEvent {
  std::string type;  // the event log's type: "died", "restarting", ...
  nlohmann::json fields = nlohmann::json::object();
};

class NodeMachine {
 public:
  explicit NodeMachine(ManagerPolicy p) : policy_(p) {}

  // Inputs. `now` is a monotonic clock in milliseconds.
  void start(int64_t now);  // up / start: asked by the user
  void launch_failed(int64_t now, const std::string& why);
  // The host made it wait its turn to boot (the boot gate): no boot timer until launched().
  void queued(int64_t now);
  void launched(int64_t now);  // it left the queue and its process started
  void hello(int64_t now, const std::string& boot_id);
  void heard(int64_t now);  // any frame from its agent
  void ready(int64_t now);  // O2CB online, every volume mounted
  void bringup_failed(int64_t now, const std::string& why);
  void console_panic(int64_t now);       // "Kernel panic" on its console: powered off
  void console_self_fence(int64_t now);  // OCFS2's fence line on its console
  // A survivor's console says it evicted this node: fenced once the node is quiet too.
  void evicted(int64_t now, const std::string& by);
  // The host's own heartbeat evidence (heartbeat_watch.h). Stalled: its shared disk is
  // fenced at once; its kernel then has fence_grace_ms to fence itself or fall silent (the
  // silence rule then decides: hung), else, still answering, it is powered off. Zombie:
  // fenced and powered off at once.
  void heartbeat_stalled(int64_t now, int64_t stalled_ms);
  void heartbeat_zombie(int64_t now);
  // `fault crash`: a power cut. `hold`: it stays down (stopped) instead of the policy.
  void power_cut(int64_t now, bool hold);
  void exited(int64_t now, int exit_code, int signal);
  void down(int64_t now);
  // A graceful stop, then a fresh boot (`node restart`: a rebuilt kernel takes effect). A node
  // that is not up just starts.
  void restart(int64_t now);
  void tick(int64_t now);

  // Outputs, drained by the supervisor after each input.
  std::vector<Action> take_actions() { return std::exchange(actions_, {}); }
  std::vector<MachineEvent> take_events() { return std::exchange(events_, {}); }
  std::optional<int64_t> next_deadline() const;

  NodeState state() const { return state_; }
  Cause last_cause() const { return cause_; }
  const std::string& error() const { return error_; }
  int restarts() const { return restarts_; }
  bool alive() const { return alive_; }
  bool queued() const { return queued_; }
  bool booted() const { return booted_; }
  bool disk_fenced() const { return disk_fenced_; }
  const std::string& boot_id() const { return boot_id_; }
  int64_t launched_at() const { return launched_at_; }

 private:
  void launch(int64_t now, int attempt);
  void power_off(Cause why, const std::string& reason);
  void fence_disk();
  void new_life();  // launched, or a new boot: its disk fence is lifted
  void settle_dead(Cause cause, const std::string& why);
  bool may_restart(int64_t now, Cause cause, std::string* why);
  int64_t backoff() const;
  void count_restart(int64_t now);
  bool watched() const;  // pinged and checked for silence
  void emit(std::string type, nlohmann::json fields = nlohmann::json::object());
  void act(Action a) { actions_.push_back(a); }

  ManagerPolicy policy_;
  NodeState state_ = NodeState::kStopped;
  Cause cause_ = Cause::kNone;
  std::string error_;
  bool alive_ = false;        // its process runs
  bool booted_ = false;       // its agent said hello this boot
  bool fencing_ = false;      // the host is powering it off
  bool queued_ = false;       // waiting for its turn to boot: launched but no process yet
  bool disk_fenced_ = false;  // none of its shared-disk I/O reaches the disk (this life)
  bool relaunch_after_exit_ = false;
  bool hold_after_exit_ = false;
  bool start_after_stop_ = false;
  std::optional<std::string> give_up_on_exit_;
  std::string hung_reason_;
  std::string evicted_by_;  // an eviction heard while it still answered: fenced if it goes quiet
  bool panic_seen_ = false, fence_seen_ = false;  // on its console, this boot
  std::string boot_id_;
  int64_t launched_at_ = 0, queued_at_ = 0, ready_at_ = 0, last_heard_ = 0, last_ping_ = 0;
  std::optional<int64_t> restart_at_, power_off_at_, halt_at_, kill_at_, died_at_;
  std::optional<int64_t> fence_check_at_;  // a stalled node's grace ends
  int64_t stalled_at_ = 0;                 // when its disk was fenced, and its stall then
  int64_t stalled_ms_ = 0;
  std::deque<int64_t> restart_times_;  // within the window
  int restarts_ = 0;                   // since the supervisor started
  int attempt_ = 0;                    // of the current run of restarts
  std::vector<Action> actions_;
  std::vector<MachineEvent> events_;
};

}  // namespace uc::cluster
