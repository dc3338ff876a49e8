// ClusterBringup: takes each node from "its agent answered" to "online in the OCFS2
// cluster with every volume mounted": configuration, O2CB online, each blank shared disk
// formatted exactly once (by the first attached node to come online, while the others
// wait for it), then mounted everywhere. It only decides; the steps run through a
// NodeRunner (the supervisor's agent links, or a fake in tests), and what is on a disk is
// asked of a DiskStore (local files now; another host's disks later).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/cluster_spec.h"
#include "ocfs2/mount_order.h"
#include "ocfs2/volume.h"
#include "sys/clock.h"
#include "sys/result.h"

namespace uc::ocfs2 {

class NodeRunner {
 public:
  using Done = std::function<void(int code, const std::string& out, const std::string& err)>;
  virtual ~NodeRunner() = default;
  virtual void run(const std::string& node, const std::string& script, Done done) = 0;
  // `step`: o2cb_online, formatting, formatted, heartbeat, mounted (the event log's types).
  virtual void progress(const std::string& node, const std::string& step,
                        const std::string& message) = 0;
  virtual void ready(const std::string& node) = 0;
  virtual void failed(const std::string& node, const std::string& why) = 0;
  // A step's own output, worth keeping (the node's log shows it).
  virtual void log(const std::string& node, const std::string& text) { (void)node, (void)text; }
};

class DiskStore {
 public:
  virtual ~DiskStore() = default;
  virtual Result<DiskContent> content(const DiskSpec& d) = 0;
  virtual bool marked_formatted(const DiskSpec& d) = 0;
  // `uuid`: the volume's UUID (its global heartbeat region name).
  virtual void mark_formatted(const DiskSpec& d, const std::string& by,
                              const std::string& uuid) = 0;
  // The UUID recorded when the disk was formatted ("" if unknown).
  virtual std::string region(const DiskSpec& d) = 0;
};

class ClusterBringup {
 public:
  // Clusters larger than this mount in order (mount_order.h); smaller ones all at once.
  static constexpr size_t kParallelMountsUpTo = 4;

  ClusterBringup(ClusterSpec spec, NodeRunner& runner, DiskStore& disks,
                 const Clock& clock = SystemClock::instance())
      : spec_(std::move(spec)), runner_(runner), disks_(disks), clock_(clock) {
    update_spec(spec_);
  }
  void node_starting(const std::string& node);  // launched or waiting to boot
  void node_booted(const std::string& node);
  void node_gone(const std::string& node);
  // A node joined the cluster definition (node add).
  void update_spec(const ClusterSpec& spec);
  // Time passes: a heartbeat wave may start even though a node is still booting.
  void tick();
  // Its console says it joined a DLM domain (ordered mounts: the next one may start).
  void joined_domain(const std::string& node);
  bool mount_waits_for_console() const { return ordered_ && order_.mounting(); }
  std::optional<int64_t> next_deadline() const;  // on the clock's mono_ms()
  bool ordered() const { return ordered_; }
  // An ordered bring-up is under way: a node boots, waits for its heartbeat's wave or its
  // turn to mount, or mounts (the memory trim leaves every node alone meanwhile).
  bool bringing_up() const { return ordered_ && !order_.settled(); }
  // Ordered mounts: the next starts once the last has mounted, not joined (mount_order.h).
  void mount_one_at_a_time(bool on) { order_.one_mount_at_a_time(on); }
  int64_t now_ms() const { return clock_.mono_ms(); }
  // Global heartbeat regions known so far (formatted global disks).
  std::vector<std::string> regions();
  const ClusterSpec& spec() const { return spec_; }

 private:
  enum class DiskState { kUnknown, kFormatting, kFormatted, kFailed };
  struct Formatting {
    std::string node;
    uint64_t epoch = 0;
  };
  std::map<std::string, Formatting> formatter_;  // disk -> who formats it now
  struct NodePhase {
    uint64_t epoch = 0;  // this boot's bring-up: a step that ends after its node died is ignored
    bool online = false;
    std::set<std::string> mounting, mounted;
    std::chrono::steady_clock::time_point t0;
    bool failed = false;
    bool heartbeat = false;  // global heartbeat started on the known regions
    bool heartbeat_busy = false;
    bool local_hb_waiting = false, local_hb = false;  // ordered mounts: its heartbeat's wave
  };
  void queue_mount(const std::string& node, const DiskSpec& d);
  void pump();  // ordered mounts: starts a due heartbeat wave and the next mount
  void start_local_heartbeat(const std::string& node);
  bool formatting() const;
  int number_of(const std::string& node) const;  // its OCFS2 node number
  void mount_disks(const std::string& node);
  void start_mount(const std::string& node, const DiskSpec& d, size_t index, bool ordered);
  void fail(const std::string& node, const std::string& why);
  void check_ready(const std::string& node);
  bool current(const std::string& node, uint64_t epoch) const;
  double seconds(const std::string& node) const;

  ClusterSpec spec_;
  NodeRunner& runner_;
  DiskStore& disks_;
  const Clock& clock_;
  std::map<std::string, NodePhase> nodes_;
  std::map<std::string, DiskState> disk_state_;
  std::map<std::string, std::string> region_;  // disk -> UUID
  std::set<std::string> redo_format_;          // disks whose format died with its node
  uint64_t next_epoch_ = 1;
  bool ordered_ = false;
  MountOrder order_;
};

}  // namespace uc::ocfs2
