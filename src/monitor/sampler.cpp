#include "monitor/sampler.h"

#include <unistd.h>

#include <algorithm>

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

NodeSample sample_node(pid_t root, bool with_pss) {
  NodeSample n;
  n.pids = node::process_tree(root);
  // A process may end between the listing and the read: it then counts nothing.
  for (pid_t p : n.pids)
    if (auto t = read_file("/proc/" + std::to_string(p) + "/stat"))
      if (auto s = parse_pid_stat(*t)) n.cpu_ticks += s->utime + s->stime;
  for (pid_t p : node::distinct_address_spaces(n.pids)) {
    std::string dir = "/proc/" + std::to_string(p);
    if (auto t = read_file(dir + "/status"))
      if (auto s = parse_pid_status(*t)) {
        n.rss += s->rss();
        n.memory += s->rss_anon;
      }
    if (with_pss) {
      auto t0 = std::chrono::steady_clock::now();
      if (auto t = read_file(dir + "/smaps_rollup"))
        if (auto s = parse_smaps_rollup(*t)) n.pss += s->pss;
      n.pss_cost += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    }
  }
  n.memory += node::guest_ram_bytes(root);  // as node::node_memory_bytes, from one walk
  if (with_pss) n.pss_taken_at = std::chrono::steady_clock::now();
  return n;
}

std::vector<std::string> PssSchedule::pick(const std::vector<std::string>& running) const {
  if (budget_.count() == 0) return running;
  size_t fit = cost_us_ > 0 ? static_cast<size_t>(static_cast<double>(budget_.count()) / cost_us_) : 1;
  fit = std::max<size_t>(1, fit);
  std::vector<std::string> order = running;
  auto taken = [&](const std::string& n) {
    auto it = last_.find(n);
    return it == last_.end() ? std::chrono::steady_clock::time_point::min() : it->second.second;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](const std::string& a, const std::string& b) { return taken(a) < taken(b); });
  if (order.size() > fit) order.resize(fit);
  return order;
}

void PssSchedule::update(std::map<std::string, NodeSample>& nodes) {
  for (auto& [name, n] : nodes) {
    if (n.pss_taken_at) {
      auto each = static_cast<double>(n.pss_cost.count());
      cost_us_ = cost_us_ == 0 ? each : 0.8 * cost_us_ + 0.2 * each;
      last_[name] = {n.pss, *n.pss_taken_at};
    } else if (auto it = last_.find(name); it != last_.end()) {
      n.pss = it->second.first;
      n.pss_taken_at = it->second.second;
    }
  }
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
