// validate(): the rules a cluster definition must follow, held once for every source of
// one: the TOML cluster file, an imported cluster.conf and `node add`. It reads nothing
// from the disk (whether the kernel exists is the cluster file's own check).
//
// A problem names its field by the cluster file's path ("node[1].address", "disk[0].slots",
// "manager.backoff_max_ms"); each source says where that field came from: the cluster
// file its file:line, cluster.conf its line and parameter, `node add` its option.
// Messages name the value and what would be right, never where it was written.
#pragma once

#include <string>
#include <vector>

#include "config/cluster_spec.h"

namespace uc {

struct SpecProblem {
  std::string field;    // "node[1].address"
  std::string key;      // the field's last part: "address"
  int node = -1;        // the index in ClusterSpec::nodes the field belongs to, else -1
  int disk = -1;        // the index in ClusterSpec::disks, else -1
  std::string message;  // "duplicate address 192.168.0.1 (already a's address, node[0])"
};

// Every problem of `c`, in the order of its fields; empty if it is a cluster umlcluster can
// run. A rule between two fields is checked only when both are in range, so that one bad
// value gives one problem.
std::vector<SpecProblem> validate(const ClusterSpec& c);

}  // namespace uc
