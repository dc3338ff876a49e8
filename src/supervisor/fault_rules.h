// What the active faults ask of the switch, and the checks a partition must pass. Pure:
// the supervisor sends the rules (net/net_rules.h) to its switch whenever the faults change.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "net/net_rules.h"
#include "supervisor/fault_book.h"
#include "sys/result.h"

namespace uc::cluster {

// Every name is a node of the cluster, none is in two groups, and at least two groups are
// not empty (otherwise nothing is cut).
Status check_partition(const std::vector<std::vector<std::string>>& groups,
                       const std::vector<std::string>& nodes);

// The partition's blocked pairs (by MAC, both ways unless one-way: then only frames from
// the first group to the others) and each slow link.
net::NetRules net_rules(const FaultBook& faults, const std::map<std::string, net::Mac>& macs);

}  // namespace uc::cluster
