/// Supervisor: the decisions of a cluster's supervisor, with the OS behind three seams: a
/// NodeHost (launch, power off, mconsole), a Clock and a SwitchPort (the network faults'
/// rules). The daemon (daemon.cpp) owns the real ones, the sockets and the poll loop; unit
/// tests drive a Supervisor with fakes (supervisor_test.cpp).
/// Its files: supervisor.cpp (start, the poll loop's part, down), supervisor_nodes.cpp
/// (each node's manager: its state machine's actions, its agent link, its console, the O2CB
/// bring-up), supervisor_memory.cpp (memory back to the host), supervisor_lab.cpp (the lab's
/// scripts), control_server.cpp (the CLI's connections and requests) and
/// supervisor_faults.cpp (faults injected on purpose), supervisor_heartbeat.cpp (the host's
/// own reading of every node's disk heartbeat, and the fences it decides).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/cluster_spec.h"
#include "config/lab.h"
#include "events/event_fold.h"
#include "events/event_log.h"
#include "node/node_host.h"
#include "ocfs2/bringup.h"
#include "ocfs2/console_watch.h"
#include "ocfs2/heartbeat_region.h"
#include "paths/state_paths.h"
#include "supervisor/agent_link.h"
#include "supervisor/boot_gate.h"
#include "supervisor/fault_book.h"
#include "supervisor/heartbeat_watch.h"
#include "supervisor/memory_trim.h"
#include "supervisor/node_machine.h"
#include "supervisor/switch_port.h"
#include "sys/clock.h"
#include "sys/files.h"
#include "sys/poll_set.h"
#include "sys/process.h"
#include "wire/control_protocol.h"
#include "wire/frame.h"

namespace uc::cluster {

using json = nlohmann::json;

// One line of the supervisor's own log (stderr, the cluster's supervisor.log).
void logf(const std::string& msg);

class Supervisor;

// One node as the manager sees it.
struct ManagedNode : AgentLink::Listener {
  ManagedNode(Supervisor& s, NodeSpec n, ManagerPolicy p)
      : sup(s), spec(std::move(n)), machine(p) {}
  void on_hello(const AgentHello& h) override;
  void on_heard() override;
  void on_route_frame(const AgentLink::Route& r, FrameType t, std::string_view payload,
                      bool last) override;
  void on_dropped(const std::string& why) override;
  void accept_hello(const AgentHello& h);

  Supervisor& sup;
  NodeSpec spec;
  NodeMachine machine;
  AgentLink link;
  ConsoleWatch console;
  int64_t started_wall = 0, booted_ms = 0, ready_ms = 0, guest_boot_ms = 0;
  int64_t last_cause_wall = 0;
  int64_t next_trim_ms = 0;  // when its unused memory goes back to the host again (0: never)
  // The last memory trim's sample of this boot (busy_reason compares disk writing with it).
  std::optional<GuestMemorySample> trim_sample;
  int64_t trim_sample_ms = 0;
  std::string trim_sample_boot;
  int64_t drop_window_start = 0;
  int drops_in_window = 0;
  int fences = 0;  // decided by the host, since the supervisor started
};

struct Conn {
  Fd fd;
  FrameDecoder decoder;
  std::string out;
  bool subscribed = false;
  bool waits_for_down = false;
  std::map<uint32_t, std::pair<std::string, uint32_t>> sessions;  // client sid -> node, agent sid
};

// What a supervisor is started with: the cluster's record (clusters/NAME/cluster.json).
struct SupervisorSetup {
  std::string name;
  ClusterSpec spec;
  std::string image;
  std::string lab;          // the cluster's lab folder, "" without one
  bool start_nodes = true;  // false: the nodes wait for a `start` request
};
// The record read and checked; an error names the file and what is wrong.
Result<SupervisorSetup> load_setup(const std::string& name, bool start_nodes);

class Supervisor : public ocfs2::NodeRunner, public ocfs2::DiskStore {
 public:
  // Hears of node exits through `host` from now on.
  Supervisor(SupervisorSetup setup, node::NodeHost& host, const Clock& clock, SwitchPort& sw);
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Creates the shared disks and starts the nodes (unless told to wait).
  Status start();
  // The poll loop's part: flush() before a wait, the fds to wait on, when to wake at the
  // latest (mono ms), then after_wait(). finished() once down is complete.
  void flush();
  void add_to(PollSet& set);
  int64_t next_wake() const;
  void after_wait();
  bool finished() const { return stopping_ && all_stopped(); }
  // A client connected (its credentials already checked).
  void accept(Fd conn);
  // Down: the lab's shutdown scripts, then every node stops. On a signal or a request.
  void begin_down();
  // The switch is gone: the cluster goes down.
  void switch_exited(int status);
  // The end: clients waiting for down hear that it is, every buffered byte is written.
  void finish();
  const std::string& name() const { return name_; }
  // Where a disk file's heartbeat region is (libocfs2 by default; tests give their own).
  using HeartbeatLocator = std::function<Result<ocfs2::HeartbeatLocation>(const std::string&)>;
  void set_heartbeat_locator(HeartbeatLocator l);

 private:
  friend struct ManagedNode;
  int64_t mono_ms() const { return clock_.mono_ms(); }
  int64_t wall_ms() const { return clock_.wall_ms(); }

  // NodeRunner: the O2CB bring-up's steps run as the supervisor's own agent sessions.
  void run(const std::string& node, const std::string& script, Done done) override;
  void progress(const std::string& node, const std::string& step,
                const std::string& message) override;
  void ready(const std::string& node) override;
  void failed(const std::string& node, const std::string& why) override;
  void log(const std::string& node, const std::string& text) override;
  // DiskStore: the cluster's shared disks are files in its state directory.
  Result<ocfs2::DiskContent> content(const DiskSpec& d) override;
  bool marked_formatted(const DiskSpec& d) override;
  void mark_formatted(const DiskSpec& d, const std::string& by, const std::string& uuid) override;
  std::string region(const DiskSpec& d) override;

  // The event log, the supervisor's log and every subscriber hear of it.
  void record(const std::string& node, const std::string& type, json fields,
              const std::string& message);
  // What o2net's storms folded in windows that ended by `now` (events/event_fold.h).
  void record_folded(int64_t now);
  void write_event(const Event& e, const std::string& message);
  void send_to(Conn& c, FrameType t, uint32_t sid, std::string_view payload);
  ManagedNode* find(const std::string& name);

  // supervisor_nodes.cpp
  void drive(ManagedNode& n, int64_t now);  // carries out the machine's actions, logs its events
  void launch_now(ManagedNode& n, int64_t now);
  void admit_waiting(int64_t now);  // nodes whose turn to boot has come
  // supervisor_memory.cpp
  void trim_memory(ManagedNode& n);  // its unused memory back to the host
  // The node if it still lives the boot `boot` (an answer for an earlier life is dropped).
  ManagedNode* same_life(const std::string& name, const std::string& boot);
  ManagedNode* take_trim_sample(const std::string& name, const std::string& boot, int code,
                                const std::string& out, std::optional<GuestMemorySample>& sample);
  void keep_trim_sample(ManagedNode& n, const GuestMemorySample& s);
  // One step of a trim: reads the guest's free memory, unplugs a step or plugs back `taken`.
  void trim_step(const std::string& name, const std::string& boot, uint64_t taken, int steps);
  void trim_finish(const std::string& name, const std::string& boot, uint64_t taken);
  void trim_due_nodes(int64_t now);  // again, on each running node whose time has come
  void on_node_exit(const std::string& node, int status);
  void on_console_line(ManagedNode& n, const std::string& line);
  void watch_consoles();
  void add_node_fds(PollSet& set);

  // supervisor_faults.cpp
  using FaultRecords = std::optional<std::vector<control::FaultRecord>>;
  using FaultAnswer = std::function<void(Status, FaultRecords)>;
  void on_fault_request(Conn& c, uint32_t sid, const control::Request& r);
  Status partition(const control::Request& r);
  Status slow_link(const control::Request& r);
  Status crash(ManagedNode& n, bool hold);
  Status disk_fault(const control::Request& r);
  void freeze(const std::string& node, int64_t for_ms, const FaultAnswer& answer);
  void end_fault(const ActiveFault& f, const std::string& how);
  void end_due_faults(int64_t now);
  void begin_fault(const std::string& kind, const std::string& node, int64_t for_ms, json params,
                   const std::string& message);
  void push_net_rules();  // the partition and slow links, to the switch
  std::vector<control::FaultRecord> fault_records() const;

  // supervisor_heartbeat.cpp
  struct HeartbeatSlot {
    std::optional<ocfs2::HeartbeatReader> reader;
    int64_t retry_at = 0;
    bool failed_once = false;
    bool said_blocking = false;
  };
  void watch_heartbeats(int64_t now);
  // The disk's heartbeat reader, its region found first if need be; null while it cannot be.
  HeartbeatSlot* heartbeat_slot(const DiskSpec& d, int64_t now);
  void forget_heartbeat_region(const std::string& disk);  // it was formatted again
  std::optional<control::DiskHeartbeat> disk_heartbeat(const std::string& node, int64_t now) const;

  // supervisor_requests.cpp
  void on_request(Conn& c, uint32_t sid, const control::Request& r);
  control::Reply status_reply();
  Status check_nodes(const std::vector<std::string>& names);  // each exists, not stopping
  Result<control::Reply> start_nodes(Conn& c, const std::vector<std::string>& names);
  Result<control::Reply> restart_nodes(Conn& c, const std::vector<std::string>& names);
  Result<control::Reply> add_node(Conn& c, const std::string& node);

  // control_server.cpp
  void on_conn_readable(int fd);
  void on_client_frame(Conn& c, const Frame& f);

  void on_exec(Conn& c, const Frame& f);
  void close_conn(int fd);
  void flush_conns();
  control::ClusterStatus cluster_status();

  // supervisor.cpp
  void stop_nodes();  // down's second half, once the lab's shutdown scripts have run
  // The lab folder's steps (config/lab.h) in `node`, one after another, then `then`. A
  // startup (`must_pass`) stops at a failing step and fails the node; a shutdown goes on.
  // Steps of a node that restarted meanwhile are dropped.
  void run_lab(const std::string& node, std::shared_ptr<std::vector<LabStep>> steps, size_t i,
               int64_t launched, bool must_pass, std::function<void()> then);
  void become_ready(const std::string& node);
  bool all_stopped() const;

  std::string name_;
  ClusterPaths paths_;
  bool start_nodes_ = true;
  ClusterSpec spec_;
  std::string image_;
  std::string lab_;  // the cluster's lab folder, "" without one
  node::NodeHost* host_;
  const Clock& clock_;
  SwitchPort& switch_;
  std::unique_ptr<EventLog> events_;
  EventFold fold_;  // o2net's storms, told once a window
  std::vector<std::unique_ptr<ManagedNode>> nodes_;
  std::map<int, Conn> conns_;
  bool stopping_ = false;
  std::unique_ptr<ocfs2::ClusterBringup> bringup_;
  int64_t next_console_read_ = 0;
  FaultBook faults_;
  BootGate boot_gate_{0};
  HeartbeatWatch hb_watch_;
  std::map<std::string, HeartbeatSlot> heartbeat_readers_;  // by disk name
  HeartbeatLocator locate_heartbeat_;
  int64_t next_heartbeat_read_ = 0;
};

}  // namespace uc::cluster
