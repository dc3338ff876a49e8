// The record of one `umlcluster chaos` run: the options and plan, the faults as they were
// carried out, the nodes' states and events over time, the verify workload's throughput,
// and the verdicts (verify, every node back, fsck). As JSON, and as one self-contained HTML
// page (chaos_html.cpp). Filled in by the command; here only rendered.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chaos/chaos_fault.h"
#include "chaos/chaos_schedule.h"

namespace uc::chaos {

// A planned fault as it went: when it was put on and taken off (absent: it never was, or a
// crash, which the manager ends by restarting the node), and why it could not be, if so.
struct AppliedFault {
  PlannedFault fault;
  double started_s = 0;
  std::optional<double> ended_s;
  std::string error;  // empty: applied
};

// A node in one state ("running", "hung", "restarting", "stopped", "failed", ...) from
// from_s to to_s; times from the start of the run, as everywhere in a ChaosRun.
struct NodeStateSpan {
  std::string node;
  std::string state;
  double from_s = 0, to_s = 0;
};

// An event of the cluster's log during the run. Its texts come from guests and logs:
// untrusted, escaped wherever shown.
struct TimelineEvent {
  double t_s = 0;
  std::string node;
  std::string type;
  std::string message;
};

// The verify workload's acknowledged operations per second on one node around t_s.
struct ThroughputPoint {
  double t_s = 0;
  std::string node;
  double acks_per_s = 0;
};

struct ChaosRun {
  std::string cluster;
  ChaosOptions options;
  std::vector<PlannedFault> plan;
  std::vector<AppliedFault> applied;
  std::vector<NodeStateSpan> node_states;
  std::vector<TimelineEvent> events;
  std::vector<ThroughputPoint> throughput;
  nlohmann::json verify = nlohmann::json::object();  // the checker's report, shown as it is
  bool verify_passed = false;
  bool all_nodes_back = false;
  std::string fsck_summary;
  bool fsck_clean = false;

  // Why the run failed, one sentence each; empty when it passed. A fault that could not be
  // put on, or was never taken off, fails the run too: it did not test what it meant to.
  std::vector<std::string> failure_reasons() const;
  bool passed() const { return failure_reasons().empty(); }
};

// A fence among the run's events: the host's ("fenced") or the node kernel's own
// ("fence_reset", "fence_panic").
bool is_fence_event(const std::string& type);

nlohmann::json to_json(const AppliedFault& a);
// Event texts may hold any bytes: dump with error_handler_t::replace, as everywhere here.
nlohmann::json to_json(const ChaosRun& run);

// One HTML5 page, loading nothing: a PASS/FAIL headline with its reasons, the options and
// the command that repeats the run, throughput per node with the faults as bands, each
// node's states over time, the faults as applied, the verify counts, fsck and the events.
std::string render_chaos_html(const ChaosRun& run);

}  // namespace uc::chaos
