// The cluster supervisor (umlclusterd): one long-running root process per running cluster.
// It owns the cluster's private network namespace (nothing of the guests' LAN touches the
// host's), runs the switch and every node as its sandboxed children, holds each node's
// agent link, and serves the CLI on a unix socket that only its owner can open:
// status, start, down, and exec/console sessions that it routes to the agents.
// One poll loop over a signalfd, the control socket, agent links and child pidfds.
#pragma once

#include <string>

namespace uc {

// Runs until the cluster is down. Writes "ready\n" or "error: ...\n" to `ready_fd`.
// `start_nodes` false: the nodes wait for a `start` request (`report` starts them one by one).
int run_supervisor(const std::string& cluster_name, int ready_fd, bool start_nodes = true);

}  // namespace uc
