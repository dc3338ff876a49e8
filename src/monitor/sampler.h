// Samples what the host and each node cost, from /proc: the host's CPU per core, memory
// and load; per node, the CPU time, RSS, PSS and memory (counted once) of all its host
// processes. CPU shares come from the difference between two samples.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "monitor/proc_parse.h"

namespace uc::monitor {

struct HostSample {
  ProcStat cpu;
  MemInfo mem;
  LoadAvg load;
};

struct NodeSample {
  std::vector<pid_t> pids;
  uint64_t cpu_ticks = 0;  // utime + stime of all its processes
  uint64_t rss = 0;        // resident, each address space once (cheap counters)
  uint64_t memory = 0;     // guest RAM resident + private anonymous: counted once
  // Proportional set size, from smaps_rollup: a page-table walk that costs milliseconds
  // a node, so a sampler may take it less often than the rest (`pss_taken_at`).
  uint64_t pss = 0;
  std::optional<std::chrono::steady_clock::time_point> pss_taken_at;
  std::chrono::microseconds pss_cost{0};  // what reading it took
};

struct Sample {
  std::chrono::steady_clock::time_point at;
  HostSample host;
  std::map<std::string, NodeSample> nodes;
};

HostSample sample_host();
// With `with_pss` false the node's PSS is left out (pss_taken_at empty).
NodeSample sample_node(pid_t root, bool with_pss = true);

// Which nodes get a PSS reading in a sample: all when `budget` is zero; else the nodes whose
// reading is oldest, as many as fit in the budget of time a sample (at least one), from
// what the readings have cost so far. Keeps every node's last reading.
class PssSchedule {
 public:
  explicit PssSchedule(std::chrono::microseconds budget) : budget_(budget) {}
  // The nodes (by name) to read this time, from those running.
  std::vector<std::string> pick(const std::vector<std::string>& running) const;
  // Records a sample: fresh readings are kept, stale ones filled in from the last.
  void update(std::map<std::string, NodeSample>& nodes);

 private:
  std::chrono::microseconds budget_;
  double cost_us_ = 0;  // a reading's mean cost so far
  std::map<std::string, std::pair<uint64_t, std::chrono::steady_clock::time_point>> last_;
};

// Figures over the interval between two samples.
struct HostFigures {
  std::vector<double> core_busy;  // percent per core
  double cpu_busy = 0;
  uint64_t mem_used = 0, mem_total = 0;
  LoadAvg load;
};
HostFigures host_figures(const Sample& before, const Sample& after);
// A node's CPU as a percent of one core.
double node_cpu_percent(const NodeSample& before, const NodeSample& after, double seconds);

}  // namespace uc::monitor
