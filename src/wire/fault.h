// Faults injected into a running cluster on purpose (`umlcluster fault`, a chaos schedule),
// as values. kFaultTable is the one place a fault's kind gets its name (as the CLI, the
// chaos schedule, the event log and `fault list` spell it), the control request that starts
// it and the command that ends it. FaultRecord is an active fault as `fault list` receives
// it from the supervisor.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/result.h"
#include "wire/control_op.h"

namespace uc::control {

enum class FaultKind { kFreeze, kCrash, kPartition, kNet, kDiskStall, kDiskSlow, kDiskError };

struct FaultKindInfo {
  FaultKind kind;
  const char* name;      // "disk-stall"
  Op op;                 // the request that starts it
  bool on_node;          // it acts on one node (partition: on groups of nodes)
  const char* ended_by;  // the command that ends it early; "" for crash (nothing to end)
};

inline constexpr FaultKindInfo kFaultTable[] = {
    {FaultKind::kFreeze, "freeze", Op::kFreeze, true, "fault thaw"},
    {FaultKind::kCrash, "crash", Op::kCrash, true, ""},
    {FaultKind::kPartition, "partition", Op::kPartition, false, "fault heal"},
    {FaultKind::kNet, "net", Op::kNet, true, "fault heal"},
    {FaultKind::kDiskStall, "disk-stall", Op::kDiskStall, true, "fault clear"},
    {FaultKind::kDiskSlow, "disk-slow", Op::kDiskSlow, true, "fault clear"},
    {FaultKind::kDiskError, "disk-error", Op::kDiskError, true, "fault clear"},
};

const FaultKindInfo& fault_info(FaultKind k);
inline const char* fault_name(FaultKind k) { return fault_info(k).name; }
std::optional<FaultKind> fault_kind_named(std::string_view name);
// The fault a request starts; none for requests that are not a fault (thaw, heal, ...).
std::optional<FaultKind> fault_kind_of(Op op);

// What a fault needs besides its node, as its kind uses them.
struct FaultParams {
  std::vector<std::vector<std::string>> groups;  // partition: two or more groups of nodes
  bool one_way = false;                          // partition: drop only the first group's frames
  int64_t delay_ms = 0;                          // net, disk-slow
  int64_t jitter_ms = 0;                         // net
  double loss_pct = 0;                           // net

  bool operator==(const FaultParams&) const = default;
};
// Only the fields the kind uses: partition {groups, one_way}, net {delay_ms, jitter_ms,
// loss_pct}, disk-slow {delay_ms}, the others {}. As the event log records them.
nlohmann::json params_json(FaultKind k, const FaultParams& p);
Result<FaultParams> params_from_json(const nlohmann::json& j, const std::string& path);

struct Fault {
  FaultKind kind = FaultKind::kFreeze;
  std::string node;    // "" for a partition
  int64_t for_ms = 0;  // ends by itself after this long; 0: at its command (ended_by)
  bool hold = false;   // crash: the node stays down (no restart)
  FaultParams params;

  bool operator==(const Fault&) const = default;
};

// An active fault, as the supervisor lists it: {id, kind, node, params, started_at_ms,
// ends_at_ms (null: at its command)}.
struct FaultRecord {
  uint64_t id = 0;
  FaultKind kind = FaultKind::kFreeze;
  std::string node;
  FaultParams params;
  int64_t started_at_ms = 0;          // wall clock
  std::optional<int64_t> ends_at_ms;  // wall clock

  bool operator==(const FaultRecord&) const = default;
};
nlohmann::json to_json(const FaultRecord& f);
Result<FaultRecord> fault_record_from_json(const nlohmann::json& j, const std::string& path);

}  // namespace uc::control
