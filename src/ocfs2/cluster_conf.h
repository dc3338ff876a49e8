// /etc/ocfs2/cluster.conf: written from a ClusterSpec (identical on every node) and read
// back (`up --from`, the paper's Table 3). OCFS2's rules: stanzas (`cluster:`, `node:`,
// `heartbeat:`) start in column 1, parameters are indented with a TAB, a blank line
// separates stanzas, node_count equals the node stanzas, a node's name is its hostname,
// a cluster name is 1-16 alphanumerics, node numbers are 0-254.
#pragma once

#include <string>
#include <vector>

#include "config/cluster_spec.h"
#include "sys/result.h"

namespace uc::ocfs2 {

struct HeartbeatRegion {
  std::string region;  // the volume's UUID, upper case hex without dashes
};

std::string write_cluster_conf(const ClusterSpec& c,
                               const std::vector<HeartbeatRegion>& global_regions = {});
// Parses a cluster.conf into a cluster definition (nodes, name, port); everything the
// file does not say takes the cluster file's defaults. Errors name the line and field.
Result<ClusterSpec> parse_cluster_conf(const std::string& text, const std::string& source);

// /etc/default/o2cb: the timeouts and the cluster to bring online at boot.
std::string write_o2cb_defaults(const ClusterSpec& c);

}  // namespace uc::ocfs2
