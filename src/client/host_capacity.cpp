#include "client/host_capacity.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>

#include "monitor/proc_parse.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::client {
namespace {

std::string mib(uint64_t bytes) { return fmt::format("{} MiB", bytes >> 20); }

std::optional<uint64_t> number_in(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  try {
    return std::stoull(*text);
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

ClusterNeed cluster_need(const ClusterSpec& spec) {
  ClusterNeed n;
  n.nodes = spec.nodes.size();
  for (const auto& node : spec.nodes) {
    n.booted_bytes += std::min(node.memory, kBootedNodeBytes);
    n.most_bytes += node.memory;
  }
  n.tasks = kTasksPerNode * n.nodes;
  return n;
}

std::optional<std::string> capacity_refusal(const ClusterNeed& need, const HostRoom& host) {
  std::string why;
  if (need.booted_bytes > host.mem_available)
    why += fmt::format(
        "  memory: {} nodes take about {} once booted ({} each at most), the host has {} "
        "available\n",
        need.nodes, mib(need.booted_bytes), mib(kBootedNodeBytes), mib(host.mem_available));
  uint64_t free_tasks =
      host.tasks_max > host.tasks_running ? host.tasks_max - host.tasks_running : 0;
  if (need.tasks > free_tasks)
    why += fmt::format(
        "  tasks: {} nodes run about {} host tasks ({} each), the host has room for {} more "
        "(kernel.pid_max / kernel.threads-max {}, {} running)\n",
        need.nodes, need.tasks, kTasksPerNode, free_tasks, host.tasks_max, host.tasks_running);
  if (host.nproc_limit > 0 && need.tasks + host.node_user_tasks > host.nproc_limit)
    why += fmt::format(
        "  tasks: the nodes' user may run {} tasks (ulimit -u), other nodes already run {}, "
        "these {} nodes need about {} more\n",
        host.nproc_limit, host.node_user_tasks, need.nodes, need.tasks);
  if (why.empty()) return std::nullopt;
  return "this host cannot run the cluster:\n" + why +
         "(fewer nodes, less memory a node, or --ignore-capacity to start it anyway)";
}

std::optional<std::string> capacity_note(const ClusterNeed& need, const HostRoom& host) {
  if (need.most_bytes <= host.mem_available) return std::nullopt;
  return fmt::format(
      "note: the nodes can grow to {} in all and the host has {} available: a busy cluster "
      "may run the host out of memory",
      mib(need.most_bytes), mib(host.mem_available));
}

Result<HostRoom> read_host_room() {
  HostRoom r;
  auto meminfo = read_file("/proc/meminfo");
  if (!meminfo) return meminfo.error();
  auto mem = monitor::parse_meminfo(*meminfo);
  if (!mem) return err("/proc/meminfo: no MemAvailable");
  r.mem_available = mem->available;
  auto pid_max = number_in("/proc/sys/kernel/pid_max");
  auto threads_max = number_in("/proc/sys/kernel/threads-max");
  if (!pid_max || !threads_max) return err("cannot read kernel.pid_max or kernel.threads-max");
  r.tasks_max = std::min(*pid_max, *threads_max);
  for (const auto& pid : list_dir("/proc")) {
    if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0]))) continue;
    auto tasks = list_dir("/proc/" + pid + "/task");
    r.tasks_running += tasks.size();
    struct stat st {};
    if (::stat(("/proc/" + pid).c_str(), &st) == 0 && st.st_uid == kNodeUid)
      r.node_user_tasks += tasks.size();
  }
  struct rlimit lim {};
  if (::getrlimit(RLIMIT_NPROC, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
    r.nproc_limit = lim.rlim_cur;
  return r;
}

}  // namespace uc::client
