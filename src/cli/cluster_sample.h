// One look at a running cluster's cost: the supervisor's status, the host's /proc figures
// and every node's host processes. Two looks give CPU shares; `figures` turns them into
// the JSON that `top --json` prints and `report` records.
#pragma once

#include <nlohmann/json.hpp>

#include "cli/guest_view.h"
#include "cluster/control_client.h"
#include "monitor/sampler.h"

namespace uc::cli {

struct ClusterLook {
  nlohmann::json status;  // the supervisor's status reply (null if it did not answer)
  monitor::Sample sample;
};

ClusterLook look_at(ControlClient& c, monitor::NodeSampler& nodes);
// A host-only look, for when no cluster is running.
ClusterLook look_at_host();

std::vector<std::string> running_nodes(const ClusterLook& l);

// Figures over the interval between two looks. `guests`: the nodes' own view, if read.
nlohmann::json figures(const ClusterLook& a, const ClusterLook& b,
                       const std::map<std::string, GuestView>* guests);

// This process's own CPU time (user + system) in seconds.
double own_cpu_seconds();

}  // namespace uc::cli
