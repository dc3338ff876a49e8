#include "metrics/prometheus.h"

#include <algorithm>
#include <utility>

#include "metrics/exposition.h"

namespace uc::metrics {
namespace {

using monitor::CpuTimes;

void host_cpu(Exposition& e, const monitor::ProcStat& cpu, double tck) {
  size_t f = e.family("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.",
                      MetricType::counter);
  const std::pair<const char*, uint64_t CpuTimes::*> modes[] = {
      {"user", &CpuTimes::user},       {"nice", &CpuTimes::nice},     {"system", &CpuTimes::system},
      {"idle", &CpuTimes::idle},       {"iowait", &CpuTimes::iowait}, {"irq", &CpuTimes::irq},
      {"softirq", &CpuTimes::softirq}, {"steal", &CpuTimes::steal}};
  for (size_t core = 0; core < cpu.cores.size(); ++core)
    for (auto& [mode, field] : modes)
      e.add(f, {{"cpu", std::to_string(core)}, {"mode", mode}},
            static_cast<double>(cpu.cores[core].*field) / tck);
}

void host_memory(Exposition& e, const monitor::MemInfo& m) {
  if (m.total == 0) return;  // /proc/meminfo was not read
  const std::pair<std::string, uint64_t> fields[] = {
      {"MemTotal", m.total},  {"MemFree", m.free},  {"MemAvailable", m.available},
      {"Buffers", m.buffers}, {"Cached", m.cached}, {"Shmem", m.shmem}};
  for (auto& [field, value] : fields) {
    std::string name = "node_memory_" + field + "_bytes";
    e.add(e.family(name, "Memory information field " + field + "_bytes.", MetricType::gauge), {},
          value);
  }
}

void host_load(Exposition& e, const monitor::LoadAvg& l) {
  e.add(e.family("node_load1", "1m load average.", MetricType::gauge), {}, l.one);
  e.add(e.family("node_load5", "5m load average.", MetricType::gauge), {}, l.five);
  e.add(e.family("node_load15", "15m load average.", MetricType::gauge), {}, l.fifteen);
}

// The per-node families, declared up front so that their order is fixed whichever nodes
// have samples. Exposition keeps each family's samples together, so the nodes can be
// written one after another.
struct NodeFamilies {
  size_t up, info, cpu, rss, pss, memory, processes;
  size_t load1, load5, load15, mem_total, mem_used, mem_free, mounted;
  size_t heartbeat_age, fences, disk_fenced;

  explicit NodeFamilies(Exposition& e) {
    using enum MetricType;
    up = e.family("umlcluster_node_up", "1 if the node is running.", gauge);
    info = e.family("umlcluster_node_info", "The node's address and state; always 1.", gauge);
    cpu = e.family("umlcluster_node_cpu_seconds_total",
                   "CPU seconds (user + system) of all the node's host processes.", counter);
    rss = e.family("umlcluster_node_resident_memory_bytes",
                   "Resident memory (RSS) of the node's host processes.", gauge);
    pss = e.family("umlcluster_node_pss_bytes",
                   "Sum of the proportional set size of the node's host processes.", gauge);
    memory = e.family("umlcluster_node_memory_bytes",
                      "Host memory the node uses, shared pages counted once.", gauge);
    processes = e.family("umlcluster_node_processes", "Host processes of the node.", gauge);
    heartbeat_age =
        e.family("umlcluster_node_disk_heartbeat_age_seconds",
                 "Since the node's OCFS2 disk heartbeat last moved, as the host reads it from "
                 "the shared disk file (its oldest volume).",
                 gauge);
    fences =
        e.family("umlcluster_node_fences_total",
                 "Fences the host decided for the node since its supervisor started.", counter);
    disk_fenced = e.family(
        "umlcluster_node_disk_fenced",
        "1 while none of the node's shared-disk I/O reaches the disk (the host's fence).", gauge);
    load1 = e.family("umlcluster_guest_load1", "1m load average inside the guest.", gauge);
    load5 = e.family("umlcluster_guest_load5", "5m load average inside the guest.", gauge);
    load15 = e.family("umlcluster_guest_load15", "15m load average inside the guest.", gauge);
    mem_total = e.family("umlcluster_guest_memory_total_bytes", "The guest's MemTotal.", gauge);
    mem_used =
        e.family("umlcluster_guest_memory_used_bytes",
                 "Memory the guest uses: total - free - buffers - reclaimable page cache.", gauge);
    mem_free = e.family("umlcluster_guest_memory_free_bytes", "The guest's MemFree.", gauge);
    mounted = e.family("umlcluster_volume_mounted",
                       "1 if the OCFS2 volume is mounted in the guest at mountpoint.", gauge);
  }
};

// Expected volumes first, in their order, then any other OCFS2 mount the guest has.
void volumes(Exposition& e, size_t family, const Labels& node, const NodeMetrics& n) {
  const auto& mounts = n.guest->mounts;
  std::vector<std::string> points = n.volumes;
  for (const std::string& m : mounts)
    if (std::find(points.begin(), points.end(), m) == points.end()) points.push_back(m);
  for (const std::string& p : points) {
    Labels l = node;
    l.emplace_back("mountpoint", p);
    bool mounted = std::find(mounts.begin(), mounts.end(), p) != mounts.end();
    e.add(family, l, uint64_t{mounted});
  }
}

void node(Exposition& e, const NodeFamilies& f, const std::string& cluster, const NodeMetrics& n,
          double tck) {
  Labels l = {{"cluster", cluster}, {"node", n.name}};
  e.add(f.up, l, uint64_t{n.state == "running"});
  e.add(f.info,
        {{"cluster", cluster}, {"node", n.name}, {"address", n.address}, {"state", n.state}},
        uint64_t{1});
  if (n.heartbeat_age_s) e.add(f.heartbeat_age, l, *n.heartbeat_age_s);
  if (n.fences) {
    e.add(f.fences, l, static_cast<uint64_t>(*n.fences));
    e.add(f.disk_fenced, l, uint64_t{n.disk_fenced});
  }
  if (const auto& h = n.host) {
    e.add(f.cpu, l, static_cast<double>(h->cpu_ticks) / tck);
    e.add(f.rss, l, h->rss);
    if (h->pss_taken_at) e.add(f.pss, l, h->pss);  // never read: no figure rather than 0
    e.add(f.memory, l, h->memory);
    e.add(f.processes, l, uint64_t{h->pids.size()});
  }
  if (const auto& g = n.guest) {
    e.add(f.load1, l, g->load.one);
    e.add(f.load5, l, g->load.five);
    e.add(f.load15, l, g->load.fifteen);
    e.add(f.mem_total, l, g->mem.total);
    e.add(f.mem_used, l, g->mem.used());
    e.add(f.mem_free, l, g->mem.free);
    volumes(e, f.mounted, l, n);
  }
}

}  // namespace

std::string prometheus_text(const MetricsInput& in) {
  double tck = in.clk_tck > 0 ? static_cast<double>(in.clk_tck) : 100.0;
  Exposition e;
  host_cpu(e, in.host.cpu, tck);
  host_memory(e, in.host.mem);
  host_load(e, in.host.load);
  NodeFamilies families(e);
  for (const NodeMetrics& n : in.nodes) node(e, families, in.cluster, n, tck);
  return e.text();
}

}  // namespace uc::metrics
