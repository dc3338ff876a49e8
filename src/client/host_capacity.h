// Whether a cluster fits on this host before `up` starts it: the memory its nodes take once
// booted and the host tasks they run, against what the host has free. The judgement is pure
// (tested with made-up hosts); reading the host's figures is one function beside it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/cluster_spec.h"
#include "sys/result.h"

namespace uc::client {

// What one booted node takes, measured on this project's image: its resident memory after
// the bring-up (31-39 MB: 255 idle nodes of 128 MB took 9,969 MB of the host, 8,371 of it
// their RAM files; a node never takes more than its `memory`, but it can grow to it) and its
// host tasks (769 for those 255 nodes and their switch, 3 a node; a guest process that
// runs adds one: room for a few).
inline constexpr uint64_t kBootedNodeBytes = 48ull << 20;
inline constexpr uint64_t kTasksPerNode = 8;

struct HostRoom {
  uint64_t mem_available = 0;    // /proc/meminfo MemAvailable
  uint64_t tasks_running = 0;    // tasks on the host now
  uint64_t tasks_max = 0;        // the lower of kernel.pid_max and kernel.threads-max
  uint64_t node_user_tasks = 0;  // tasks of the nodes' user (other clusters' nodes)
  uint64_t nproc_limit = 0;      // RLIMIT_NPROC the nodes inherit (0: unlimited)
};

struct ClusterNeed {
  size_t nodes = 0;
  uint64_t booted_bytes = 0;  // what the nodes take once up
  uint64_t most_bytes = 0;    // what they can grow to (every node's memory)
  uint64_t tasks = 0;
};
ClusterNeed cluster_need(const ClusterSpec& spec);

// The refusal, with the figures, or nullopt when the cluster fits.
std::optional<std::string> capacity_refusal(const ClusterNeed& need, const HostRoom& host);
// A note when the cluster fits booted but its nodes could grow past the host's memory.
std::optional<std::string> capacity_note(const ClusterNeed& need, const HostRoom& host);

Result<HostRoom> read_host_room();

}  // namespace uc::client
