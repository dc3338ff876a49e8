// Samples what the host and each node cost, from /proc: the host's CPU per core, memory
// and load; per node, the CPU time, RSS, PSS and memory (counted once) of all its host
// processes. CPU shares come from the difference between two samples.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
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
  uint64_t rss = 0, pss = 0;
  uint64_t memory = 0;     // guest RAM resident + private anonymous: counted once
};

struct Sample {
  std::chrono::steady_clock::time_point at;
  HostSample host;
  std::map<std::string, NodeSample> nodes;
};

HostSample sample_host();
NodeSample sample_node(pid_t root);

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
