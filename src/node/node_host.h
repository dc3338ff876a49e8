// NodeHost: what the cluster manager does to the host side of a node: launch it, power it
// off, and talk to its kernel through UML's management console (Ctrl-Alt-Del, halt, stop,
// go, sysrq). Nothing here waits: mconsole replies and process exits arrive through the
// supervisor's poll loop, with deadlines. LocalNodeHost runs nodes as sandboxed children
// of this process; later hosts (and fault injection) plug in behind the same interface.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/cluster_spec.h"
#include "node/disk_gate.h"
#include "node/mconsole.h"
#include "paths/state_paths.h"
#include "sys/clock.h"
#include "sys/fd.h"
#include "sys/poll_set.h"
#include "sys/process.h"
#include "sys/result.h"

namespace uc::node {

struct NodeLink {
  Fd from_guest;  // frames from the guest's agent
  Fd to_guest;    // frames to it
};

class NodeHost {
 public:
  // The reply's text, or why there was none (refused, no reply in time).
  using Reply = std::function<void(Result<std::string>)>;
  // A node's process ended: its wait status.
  using ExitHandler = std::function<void(const std::string& node, int wait_status)>;
  virtual ~NodeHost() = default;

  // Node `n` of `cluster` (the cluster as it is now: it grows with node add).
  virtual Result<NodeLink> launch(const ClusterSpec& cluster, const NodeSpec& n) = 0;
  virtual bool running(const std::string& node) const = 0;
  virtual pid_t pid(const std::string& node) const = 0;
  // Power off: every host process of the node at once.
  virtual void power_off(const std::string& node) = 0;
  virtual void mconsole(const std::string& node, const std::string& command, int timeout_ms,
                        Reply done) = 0;
  // Its kernel's I/O to the shared disks: stalled, slowed, failing, or (kNone) normal.
  virtual void set_disk_fault(const std::string& node, DiskFault f) = 0;
  // The host's fence: none of its shared-disk I/O reaches the disk (held) until lifted or its
  // next process (disk_gate.h).
  virtual void fence_disk(const std::string& node, bool fenced) = 0;
  virtual void add_to(PollSet& set) = 0;
  // When tick() has something to do next (the clock's mono_ms()), if anything.
  virtual std::optional<int64_t> next_deadline() const = 0;
  virtual void tick() = 0;
  // Who hears that a node's process ended (the supervisor, once it exists).
  void set_exit_handler(ExitHandler h) { on_exit_ = std::move(h); }

  void shutdown(const std::string& n, Reply done) { mconsole(n, "cad", 2000, std::move(done)); }
  void halt(const std::string& n, Reply done) { mconsole(n, "halt", 2000, std::move(done)); }
  void freeze(const std::string& n, Reply done) { mconsole(n, "stop", 2000, std::move(done)); }
  void thaw(const std::string& n, Reply done) { mconsole(n, "go", 2000, std::move(done)); }
  // What every task of its kernel is blocked on, into its console log (sysrq w; never t,
  // which panics this kernel).
  void capture_stacks(const std::string& n, Reply done) {
    mconsole(n, "sysrq w", 2000, std::move(done));
  }

 protected:
  void exited(const std::string& node, int wait_status) {
    if (on_exit_) on_exit_(node, wait_status);
  }

 private:
  ExitHandler on_exit_;
};

class LocalNodeHost : public NodeHost {
 public:
  LocalNodeHost(const ClusterPaths& paths, std::string image,
                const Clock& clock = SystemClock::instance())
      : paths_(paths), image_(std::move(image)), clock_(clock), gate_(clock) {}

  Result<NodeLink> launch(const ClusterSpec& cluster, const NodeSpec& n) override;
  bool running(const std::string& node) const override;
  pid_t pid(const std::string& node) const override;
  void power_off(const std::string& node) override;
  void mconsole(const std::string& node, const std::string& command, int timeout_ms,
                Reply done) override;
  void set_disk_fault(const std::string& node, DiskFault f) override { gate_.set_fault(node, f); }
  void fence_disk(const std::string& node, bool fenced) override { gate_.set_fenced(node, fenced); }
  void add_to(PollSet& set) override;
  std::optional<int64_t> next_deadline() const override;
  void tick() override;

 private:
  struct Call {
    MconsoleCall call;
    int64_t deadline;  // mono ms
    Reply done;
  };
  void reap(const std::string& node);
  void finish(uint64_t id, Result<std::string> r);

  const ClusterPaths& paths_;
  std::string image_;
  const Clock& clock_;
  std::map<std::string, ChildProcess> procs_;
  std::map<uint64_t, Call> calls_;
  uint64_t next_call_ = 1;
  DiskGate gate_;  // last: lets every held I/O go before the nodes are killed
};

}  // namespace uc::node
