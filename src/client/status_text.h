// A cluster's status and its nodes' progress as `status`, `up`, `down` and `node` print
// them for people (`--json` prints wire/cluster_status.h's form instead).
#pragma once

#include <optional>
#include <string>

#include "wire/cluster_status.h"
#include "wire/control_protocol.h"

namespace uc::client {

// The cluster's line, a table of nodes, then the O2CB table and the volumes when the status
// has them. `now_s`: the wall clock in seconds, for "crash 3m02s ago".
std::string status_text(const control::ClusterStatus& s, double now_s);
// One line of a node's progress ("  node0      running    ready in 5.2 s\n"); none for what
// OCFS2 says on the consoles (`events` has those: up and down show the manager's own steps).
std::optional<std::string> progress_line(const control::Progress& p);

}  // namespace uc::client
