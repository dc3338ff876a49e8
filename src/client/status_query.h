// A cluster's status as commands show it: the supervisor's reply completed with what the
// supervisor does not read (each node's host processes and memory from /proc, each node's
// O2CB state and the volumes' mounts, asked of the nodes), or, when no supervisor runs, a
// status made from the cluster's record.
#pragma once

#include <string>

#include "client/control_client.h"
#include "config/cluster_spec.h"
#include "paths/state_paths.h"
#include "sys/result.h"
#include "wire/cluster_status.h"

namespace uc::client {

// A stopped cluster (state "stopped"), or "absent" when it has no record.
control::ClusterStatus offline_status(const std::string& name, const ClusterPaths& p);
// Each running node's host pids and memory, read from /proc here: the supervisor's loop
// never walks /proc.
void add_costs(control::ClusterStatus& s);
// Asks every node that runs (or starts, or failed) for its O2CB state (the paper's
// Figures 5 and 6) and mounts; adds them and the volumes.
void add_o2cb_state(ControlClient& c, const ClusterSpec& spec, control::ClusterStatus& s);
// The supervisor's status with costs, O2CB state and volumes: what `status` and the end of
// `up` and `node` show.
Result<control::ClusterStatus> full_status(ControlClient& c, const ClusterSpec& spec);

}  // namespace uc::client
