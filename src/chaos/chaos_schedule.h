// The schedule of `umlcluster chaos`: which faults hit the cluster, when, whom and for how
// long, planned up front from a seed so that a run can be repeated exactly. Pure: no clock,
// no cluster; the command carries the plan out and chaos_report.h records what happened.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chaos/chaos_fault.h"
#include "sys/result.h"

namespace uc::chaos {

// Faults last 4 s at least and leave 30% of their interval for recovery after a start
// jitter of up to 25%: below this interval they no longer fit.
inline constexpr double kMinIntervalS = 10;
// A week: a longer run is a typo, and its plan would be needlessly large.
inline constexpr double kMaxDurationS = 7 * 24 * 3600;

struct ChaosOptions {
  double duration_s = 120;
  double interval_s = 20;
  std::vector<std::string> faults;  // fault kinds; a kind listed twice counts once
  uint64_t seed = 0;
  std::vector<std::string> nodes;  // in node-number order
};

// An error says which option is wrong and what would be right.
Status validate(const ChaosOptions& o);

// How many faults the run has room for: one per interval, the first after one interval of
// undisturbed work, the last ending with its recovery time before the run ends.
size_t fault_slots(const ChaosOptions& o);

// The plan, for valid options (else empty). The same options give the same plan on every
// host. Fault k (1-based) starts at k * interval plus up to 25% of the interval and ends at
// least 30% of the interval before the next one may start, so no two faults overlap. A third
// of the faults that can fence (freeze, disk-stall, disk-error) are long (18-30 s, past the
// dead time): they take the next slot's room, which then has no fault. Every listed kind
// appears once before any appears twice. Times are in tenths of a second.
std::vector<PlannedFault> plan_chaos(const ChaosOptions& o);

nlohmann::json to_json(const ChaosOptions& o);

// The command line that repeats the run: "umlcluster chaos -n NAME --duration 120 ...".
// `cluster` empty leaves -n out.
std::string reproduce_command(const ChaosOptions& o, const std::string& cluster);

}  // namespace uc::chaos
