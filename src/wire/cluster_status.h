// ClusterStatus: a cluster and each of its nodes, as the supervisor reports them (the
// status reply), as the CLI completes them (host costs read from /proc, each node's O2CB
// state, the volumes) and as `status --json` prints them. The one place the status's JSON
// form is written and read. A stopped cluster's status is made from its record: it has no
// supervisor's part (NodeStatus::run, subnet).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sys/result.h"

namespace uc::control {

// A node's OCFS2 heartbeat as the host reads it from the shared disk file itself (the
// volume where it is oldest): evidence no guest line gives.
struct DiskHeartbeat {
  int64_t age_ms = 0;  // since it last moved
  uint64_t seq = 0, generation = 0;
  int64_t dead_ms = 0;  // the dead time its kernel wrote

  bool operator==(const DiskHeartbeat&) const = default;
};

// What only a running supervisor knows of a node: its boots, restarts and their causes.
struct NodeRun {
  int number = 0;             // OCFS2 node number
  int64_t started_at_ms = 0;  // wall clock of the last launch
  int64_t ready_ms = 0;       // from launch to ready (0: not yet)
  int64_t booted_ms = 0;      // from launch to the agent's first hello (0: not yet)
  int64_t guest_boot_ms = 0;  // the guest's own uptime at that hello
  std::string boot_id;
  std::string restart;  // the restart policy's name
  int restarts = 0;
  std::string last_cause;  // why it last stopped ("" never)
  int64_t last_cause_at_ms = 0;
  // The host's heartbeat evidence; in JSON only when not 0, false or none.
  int fences = 0;            // the host fenced it (any evidence), since the supervisor started
  bool disk_fenced = false;  // none of its shared-disk I/O reaches the disk now
  std::optional<DiskHeartbeat> disk_heartbeat;  // none before its first beat of this life

  bool operator==(const NodeRun&) const = default;
};

// The node's host processes and their memory, read from /proc by the CLI (the supervisor's
// loop never walks /proc).
struct NodeCosts {
  std::vector<int> pids;
  uint64_t memory_bytes = 0;

  bool operator==(const NodeCosts&) const = default;
};

// The node's O2CB stack as its own probe reports it (the paper's Figures 5 and 6).
struct NodeO2cb {
  std::map<std::string, bool> modules;  // module -> loaded
  bool configfs = false;                // mounted
  bool dlmfs = false;                   // ocfs2_dlmfs mounted on /dlm
  bool online = false;                  // the cluster
  bool heartbeat = false;               // active
  std::vector<std::string> mounts;

  bool operator==(const NodeO2cb&) const = default;
};

struct NodeStatus {
  std::string name;
  std::string state;  // stopped, starting, running, hung, stopping, restarting, failed
  std::string address;
  int pid = 0;  // the UML kernel's host pid, 0 when not running
  double uptime_s = 0;
  uint64_t memory_limit_bytes = 0;
  std::string error;
  std::optional<NodeRun> run;
  std::optional<NodeCosts> costs;
  std::optional<NodeO2cb> o2cb;

  bool operator==(const NodeStatus&) const = default;
};

struct VolumeStatus {
  std::string name;
  std::string mount;
  uint64_t size = 0;
  std::string heartbeat;                // local or global
  std::vector<std::string> attached;    // the nodes that should mount it
  std::vector<std::string> mounted_on;  // the nodes that have
  std::vector<std::string> unknown_on;  // attached nodes that did not say (no answer in time)

  bool operator==(const VolumeStatus&) const = default;
};

struct ClusterStatus {
  std::string cluster;
  std::string state;  // running, stopping; stopped or absent without a supervisor
  int supervisor_pid = 0;
  int switch_pid = 0;
  std::string subnet;  // "" when stopped
  std::vector<NodeStatus> nodes;
  std::optional<std::vector<VolumeStatus>> volumes;

  const NodeStatus* find(const std::string& node) const;
  bool operator==(const ClusterStatus&) const = default;
};

nlohmann::json to_json(const ClusterStatus& s);
// Fields a supervisor of another version may not send take their defaults; a field of the
// wrong type is an error naming it ("status.nodes[1].pid: not an integer").
Result<ClusterStatus> cluster_status_from_json(const nlohmann::json& j,
                                               const std::string& path = "status");

}  // namespace uc::control
