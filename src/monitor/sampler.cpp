#include "monitor/sampler.h"

#include <unistd.h>

#include "node/node_stats.h"
#include "sys/files.h"

namespace uc::monitor {

HostSample sample_host() {
  HostSample h;
  if (auto t = read_file("/proc/stat"))
    if (auto s = parse_proc_stat(*t)) h.cpu = *s;
  if (auto t = read_file("/proc/meminfo"))
    if (auto m = parse_meminfo(*t)) h.mem = *m;
  if (auto t = read_file("/proc/loadavg"))
    if (auto l = parse_loadavg(*t)) h.load = *l;
  return h;
}

NodeSample sample_node(pid_t root) {
  NodeSample n;
  n.pids = node::process_tree(root);
  for (pid_t p : n.pids) {
    std::string dir = "/proc/" + std::to_string(p);
    // A process may end between the listing and the read: it then counts nothing.
    if (auto t = read_file(dir + "/stat"))
      if (auto s = parse_pid_stat(*t)) n.cpu_ticks += s->utime + s->stime;
    if (auto t = read_file(dir + "/smaps_rollup"))
      if (auto s = parse_smaps_rollup(*t)) {
        n.rss += s->rss;
        n.pss += s->pss;
      }
  }
  n.memory = node::node_memory_bytes(root);
  return n;
}

HostFigures host_figures(const Sample& a, const Sample& b) {
  HostFigures f;
  f.cpu_busy = busy_percent(a.host.cpu.all, b.host.cpu.all);
  for (size_t i = 0; i < b.host.cpu.cores.size() && i < a.host.cpu.cores.size(); ++i)
    f.core_busy.push_back(busy_percent(a.host.cpu.cores[i], b.host.cpu.cores[i]));
  f.mem_used = b.host.mem.used();
  f.mem_total = b.host.mem.total;
  f.load = b.host.load;
  return f;
}

double node_cpu_percent(const NodeSample& a, const NodeSample& b, double seconds) {
  if (seconds <= 0 || b.cpu_ticks < a.cpu_ticks) return 0;
  static const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return 100.0 * static_cast<double>(b.cpu_ticks - a.cpu_ticks) / hz / seconds;
}

}  // namespace uc::monitor
