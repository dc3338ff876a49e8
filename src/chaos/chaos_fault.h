// PlannedFault: one fault of a chaos schedule, what it does, to whom, when and for how long.
// A plain value with its JSON form, a one-line description for people and the fault it
// injects (wire/fault.h, where each kind gets its name); planning lives in chaos_schedule.h,
// carrying a fault out in the command that runs the schedule.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sys/result.h"
#include "wire/fault.h"

namespace uc::chaos {

// The kinds a schedule plans: crash: power cut of one node (the manager restarts it);
// freeze: one node stopped; partition: the nodes split in two groups; net: one node's link
// delays and drops; disk-stall: one node's shared-disk I/O hangs; disk-error: it fails.
inline constexpr std::array<control::FaultKind, 6> kFaultKinds = {
    control::FaultKind::kCrash, control::FaultKind::kFreeze,    control::FaultKind::kPartition,
    control::FaultKind::kNet,   control::FaultKind::kDiskStall, control::FaultKind::kDiskError};
// The kinds that, held past the O2CB dead time, get a node fenced (by its kernel or the host):
// a schedule makes some of them long enough to.
bool can_fence(std::string_view kind);
// Whether `kind` names one of kFaultKinds.
bool is_fault_kind(std::string_view kind);
// "crash, freeze, partition, net, disk-stall": for error messages.
std::string fault_kinds_list();

struct PlannedFault {
  double at_s = 0;   // from the start of the run
  double for_s = 0;  // 0 for crash: the restart is the manager's, not ours to time
  std::string kind;
  std::string node;                              // crash, freeze, net, disk-stall
  std::vector<std::vector<std::string>> groups;  // partition: two groups, together all nodes
  uint32_t delay_ms = 0, jitter_ms = 0;          // net
  double loss_pct = 0;                           // net

  bool operator==(const PlannedFault&) const = default;
};

// Only the fields the kind uses: {"at_s", "for_s", "kind", "node"} or "groups", and the
// net ones for net.
nlohmann::json to_json(const PlannedFault& f);
// The inverse of to_json; an error names the field that is missing or of the wrong type.
Result<PlannedFault> planned_fault_from_json(const nlohmann::json& j);

// The fault it injects: a crash has no duration (the restart is the manager's), the others
// end by themselves after for_s.
Result<control::Fault> to_fault(const PlannedFault& f);

// "t=20.3 s  partition [node0] | [node1,node2] for 8.0 s"
std::string describe(const PlannedFault& f);
// "node1", or "node0 | node1,node2" for a partition: the fault's target in a few characters.
std::string target_of(const PlannedFault& f);

}  // namespace uc::chaos
