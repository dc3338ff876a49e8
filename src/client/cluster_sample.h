// One look at a running cluster's cost: the supervisor's status, the host's /proc figures
// and every node's host processes. Two looks give CPU shares; `figures` turns them into
// the JSON that `top --json` prints and `report` records.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "client/control_client.h"
#include "client/guest_view_reader.h"
#include "monitor/sampler.h"

namespace uc::client {

struct ClusterLook {
  std::optional<control::ClusterStatus> status;  // the supervisor's (none if it did not answer)
  monitor::Sample sample;
  std::map<std::string, GuestView> guests;  // the running nodes' own view, when asked for
};

// `with_guests`: also ask each running node's agent for the guest's own view.
ClusterLook look_at(ControlClient& c, monitor::NodeSampler& nodes, bool with_guests = false);
// A host-only look, for when no cluster is running.
ClusterLook look_at_host();

// Figures over the interval between two looks, with b's guest views.
nlohmann::json figures(const ClusterLook& a, const ClusterLook& b);

// This process's own CPU time (user + system) in seconds.
double own_cpu_seconds();

}  // namespace uc::client
