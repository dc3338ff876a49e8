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
#include "sys/fd.h"

namespace uc::monitor {

struct HostSample {
  ProcStat cpu;
  MemInfo mem;
  LoadAvg load;
};

struct NodeSample {
  std::vector<pid_t> pids;
  // CPU time of all its processes, and of those that ended (in their reaper's cutime).
  uint64_t cpu_ticks = 0;
  uint64_t rss = 0;     // resident, each address space once (cheap counters)
  uint64_t memory = 0;  // guest RAM resident + private anonymous: counted once
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

// Samples nodes, cheaply enough to do every second for 32 nodes. It walks each node's
// process tree from the stat files it reads anyway, counts each address space once (UML's
// helpers share the kernel's), and remembers which pids share one. PSS readings (a
// page-table walk: milliseconds a node) go to the nodes whose reading is oldest, as many
// as `pss_budget` a sample allows (at least one; zero budget: every node, every sample);
// the others keep their last reading (`pss_taken_at` says when).
class NodeSampler {
 public:
  explicit NodeSampler(std::chrono::microseconds pss_budget = std::chrono::microseconds(0))
      : budget_(pss_budget) {}
  // `nodes`: name -> the node's root pid.
  std::map<std::string, NodeSample> sample(const std::map<std::string, pid_t>& nodes);
  NodeSample sample_one(pid_t root, bool with_pss);

 private:
  std::vector<std::string> pick_pss(const std::map<std::string, pid_t>& nodes) const;
  std::vector<pid_t> address_spaces(const std::vector<pid_t>& pids);
  std::optional<std::string> read_kept(std::map<pid_t, Fd>& fds, pid_t pid, const char* file);

  std::chrono::microseconds budget_;
  double cost_us_ = 0;  // a PSS reading's mean cost so far
  std::map<std::string, std::pair<uint64_t, std::chrono::steady_clock::time_point>> last_pss_;
  std::map<std::vector<pid_t>, std::vector<pid_t>> spaces_;  // pids -> one pid an address space
  // Each node's process tree, walked again every few samples or when one of it is gone:
  // a process that starts and ends between two walks still counts, in its parent's cutime.
  struct Tree {
    std::vector<pid_t> pids;
    std::vector<uint64_t> starts;  // each one's start time: a reused pid is another process
    int age = 0;
  };
  std::map<pid_t, Tree> trees_;
  std::map<pid_t, Fd> stat_fds_, statm_fds_;  // kept open: read again with pread
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
