// The client side of a cluster's life, shared by the CLI's commands and the tests: start
// its supervisor, wait for its nodes, stop it. Every wait has a deadline.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/control_client.h"
#include "paths/state_paths.h"
#include "sys/result.h"
#include "wire/control_protocol.h"

namespace uc::client {

bool supervisor_running(const ClusterPaths& p);
pid_t supervisor_pid(const ClusterPaths& p);
std::optional<ControlClient> connect_supervisor(const ClusterPaths& p);

// Starts the cluster's supervisor (it outlives this process); with `start_nodes` false its
// nodes wait for a start request. Returns once it is ready, or with why it is not.
Status start_supervisor(const ClusterPaths& p, const std::string& name, bool start_nodes);

struct WaitOptions {
  std::vector<std::string> only;  // these nodes (default: every node in the snapshot)
  std::function<void(const control::Progress&)> on_progress;
  // Called when nothing arrived for idle_in_ms() (report looks at the host meanwhile).
  std::function<void()> on_idle;
  std::function<int()> idle_in_ms;
  std::function<bool()> interrupted;
  int silence_ms = 180000;  // no event for this long: something is stuck
};
// Waits until the nodes are running (O2CB online, volumes mounted). A node that crashes
// meanwhile and restarts is waited for; one that fails (or gives up restarting) is an error
// naming it. `reply`: the reply to a request that subscribed (start, subscribe, restart,
// add_node): its status is the snapshot the events that follow it change.
Status wait_until_ready(ControlClient& c, const control::Reply& reply, const WaitOptions& o);

// Asks the supervisor to stop every node and waits until it has exited.
Status stop_cluster(const ClusterPaths& p,
                    const std::function<void(const control::Progress&)>& on_progress = {});

}  // namespace uc::client
