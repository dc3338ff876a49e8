// `node add NAME --ip ADDR [--number N] [--memory SIZE]`: the new node for a running
// cluster's definition, checked by validate() like any cluster definition, each problem
// named by the option it comes from ("--ip: duplicate address ..."). No I/O: the command
// reads the record and the disks' markers and passes what it found.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/cluster_spec.h"

namespace uc {

struct NodeAddRequest {
  std::string name;
  std::string ip;
  int number = -1;     // negative: the next free one
  std::string memory;  // empty: as the first node
};

struct NodeAddPlan {
  NodeSpec node;                    // the node to append to the definition, if no errors
  std::vector<std::string> errors;  // one line each: "--ip: ...", "volume shared: ..."
  bool bad_input = false;           // an option is wrong (else: the cluster has no room)
};

// `formatted_slots`: for each disk formatted already, the node slots its volume was made
// with (fixed since); a disk not formatted yet takes its slots from the definition.
// Only what the new node changes is reported, not what the cluster had before.
NodeAddPlan plan_node_add(const ClusterSpec& spec, const NodeAddRequest& req,
                          const std::map<std::string, int>& formatted_slots = {});

}  // namespace uc
