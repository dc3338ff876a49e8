// Parsers for the /proc files the monitor samples, as pure functions on their text, so
// they are tested on recorded samples (odd process names, vanished processes) and cost
// no syscalls beyond the one read. No shelling out to ps or top.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace uc::monitor {

// One line of /proc/stat: jiffies by kind. busy() = everything but idle and iowait.
struct CpuTimes {
  uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  uint64_t total() const { return user + nice + system + idle + iowait + irq + softirq + steal; }
  uint64_t busy() const { return total() - idle - iowait; }
};
struct ProcStat {
  CpuTimes all;
  std::vector<CpuTimes> cores;  // cpu0, cpu1, ...
};
std::optional<ProcStat> parse_proc_stat(const std::string& text);
// Busy share of the interval between two samples, 0-100.
double busy_percent(const CpuTimes& before, const CpuTimes& after);

struct MemInfo {
  uint64_t total = 0, free = 0, available = 0, buffers = 0, cached = 0, shmem = 0;  // bytes
  // What htop (and the paper's Table 4) calls used: total - free - buffers - cache
  // (cache net of shmem, which is not reclaimable).
  uint64_t used() const;
};
std::optional<MemInfo> parse_meminfo(const std::string& text);

struct LoadAvg {
  double one = 0, five = 0, fifteen = 0;
};
std::optional<LoadAvg> parse_loadavg(const std::string& text);

// /proc/PID/stat. The command name sits in parentheses and may itself hold spaces and
// parentheses, so the fields are counted from the last ')'.
struct PidStat {
  int pid = 0;
  std::string comm;
  char state = '?';
  int ppid = 0;
  uint64_t utime = 0, stime = 0;    // clock ticks
  uint64_t cutime = 0, cstime = 0;  // of its children that ended and that it waited for
  uint64_t num_threads = 0;
  uint64_t starttime = 0;  // clock ticks after boot: with the pid, names the process
  uint64_t rss_pages = 0;
};
std::optional<PidStat> parse_pid_stat(const std::string& text);

// /proc/PID/smaps_rollup, in bytes.
struct SmapsRollup {
  uint64_t rss = 0, pss = 0, anonymous = 0, shared_clean = 0, shared_dirty = 0;
};
std::optional<SmapsRollup> parse_smaps_rollup(const std::string& text);

// /proc/PID/statm, in pages: the same counters as status's Rss lines, cheaper to read.
// resident = anon + file + shmem; shared = file + shmem.
struct PidStatm {
  uint64_t size = 0, resident = 0, shared = 0;
  uint64_t anon() const { return resident > shared ? resident - shared : 0; }
};
std::optional<PidStatm> parse_pid_statm(const std::string& text);

}  // namespace uc::monitor
