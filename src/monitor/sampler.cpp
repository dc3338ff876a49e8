#include "monitor/sampler.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "node/node_stats.h"
#include "sys/fd.h"
#include "sys/files.h"

namespace uc::monitor {

namespace {

std::string proc(pid_t pid, const char* file) {
  return "/proc/" + std::to_string(pid) + "/" + file;
}

// A /proc file in one read (they are generated whole per read while they fit the buffer;
// a full buffer reads on): half the syscalls of reading to EOF. Empty if it is gone.
std::optional<std::string> read_proc(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  std::string out(16384, '\0');
  size_t len = 0;
  for (;;) {
    ssize_t n = ::read(fd.get(), out.data() + len, out.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += static_cast<size_t>(n);
    if (len < out.size()) break;
    out.resize(out.size() * 2);
  }
  out.resize(len);
  return out;
}

// The same with the file kept open between samples (pread from 0): no path lookup, no
// open/close. A kept fd of a process that ended reads nothing, even if its pid is reused.
std::optional<std::string> read_kept_fd(int fd) {
  std::string out(4096, '\0');
  ssize_t n;
  do n = ::pread(fd, out.data(), out.size(), 0);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return std::nullopt;
  out.resize(static_cast<size_t>(n));
  return out;
}

void add_children(const std::string& text, std::vector<pid_t>& out) {
  const char* p = text.c_str();
  char* end = nullptr;
  for (long v = std::strtol(p, &end, 10); end != p; v = std::strtol(p, &end, 10)) {
    out.push_back(static_cast<pid_t>(v));
    p = end;
  }
}

}  // namespace

HostSample sample_host() {
  HostSample h;
  if (auto t = read_proc("/proc/stat"))
    if (auto s = parse_proc_stat(*t)) h.cpu = *s;
  if (auto t = read_proc("/proc/meminfo"))
    if (auto m = parse_meminfo(*t)) h.mem = *m;
  if (auto t = read_proc("/proc/loadavg"))
    if (auto l = parse_loadavg(*t)) h.load = *l;
  return h;
}

NodeSample NodeSampler::sample_one(pid_t root, bool with_pss) {
  constexpr int kWalkEvery = 5;
  NodeSample n;
  Tree& tree = trees_[root];
  bool walk = tree.pids.empty() || ++tree.age >= kWalkEvery;
  // Read stat for the known tree; walk it again (children files: one read for a
  // single-threaded process, and UML's are) when due or when a process of it is gone.
  std::vector<uint64_t> starts;
  auto read_tree = [&](bool walking) {
    n = NodeSample{};
    starts.clear();
    std::vector<pid_t> queue = walking ? std::vector<pid_t>{root} : tree.pids;
    for (size_t i = 0; i < queue.size() && queue.size() < 4096; ++i) {
      pid_t p = queue[i];
      auto t = read_kept(stat_fds_, p, "stat");
      auto s = t ? parse_pid_stat(*t) : std::nullopt;
      if (!s || (!walking && s->starttime != tree.starts[i])) {
        if (!walking) return false;
        continue;
      }
      n.pids.push_back(p);
      starts.push_back(s->starttime);
      n.cpu_ticks += s->utime + s->stime + s->cutime + s->cstime;
      if (!walking) continue;
      std::string task = "/proc/" + std::to_string(p) + "/task/";
      if (s->num_threads <= 1) {
        if (auto kids = read_proc(task + std::to_string(p) + "/children"))
          add_children(*kids, queue);
      } else {
        for (const auto& tid : list_dir(task))
          if (auto kids = read_proc(task + tid + "/children")) add_children(*kids, queue);
      }
    }
    return true;
  };
  if (walk || !read_tree(false)) read_tree(true);
  if (walk || tree.pids != n.pids) tree = Tree{n.pids, starts, 0};
  static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  for (pid_t p : address_spaces(n.pids)) {
    if (auto t = read_kept(statm_fds_, p, "statm"))
      if (auto s = parse_pid_statm(*t)) {
        n.rss += s->resident * page;
        n.memory += s->anon() * page;
      }
    if (with_pss) {
      auto t0 = std::chrono::steady_clock::now();
      if (auto t = read_proc(proc(p, "smaps_rollup")))
        if (auto s = parse_smaps_rollup(*t)) n.pss += s->pss;
      n.pss_cost += std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - t0);
    }
  }
  n.memory += node::guest_ram_bytes(root);
  if (with_pss) n.pss_taken_at = std::chrono::steady_clock::now();
  return n;
}

std::optional<std::string> NodeSampler::read_kept(std::map<pid_t, Fd>& fds, pid_t pid,
                                                  const char* file) {
  auto it = fds.find(pid);
  if (it == fds.end()) {
    Fd fd(::open(proc(pid, file).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    it = fds.emplace(pid, std::move(fd)).first;
  }
  auto text = read_kept_fd(it->second.get());
  if (!text) fds.erase(it);
  return text;
}

std::vector<pid_t> NodeSampler::address_spaces(const std::vector<pid_t>& pids) {
  if (auto it = spaces_.find(pids); it != spaces_.end()) return it->second;
  if (spaces_.size() > 1024) spaces_.clear();
  return spaces_[pids] = node::distinct_address_spaces(pids);
}

std::vector<std::string> NodeSampler::pick_pss(const std::map<std::string, pid_t>& nodes) const {
  std::vector<std::string> order;
  for (const auto& [name, pid] : nodes) order.push_back(name);
  if (budget_.count() == 0) return order;
  size_t fit =
      cost_us_ > 0 ? static_cast<size_t>(static_cast<double>(budget_.count()) / cost_us_) : 1;
  fit = std::max<size_t>(1, fit);
  auto taken = [&](const std::string& n) {
    auto it = last_pss_.find(n);
    return it == last_pss_.end() ? std::chrono::steady_clock::time_point::min() : it->second.second;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](const std::string& a, const std::string& b) { return taken(a) < taken(b); });
  if (order.size() > fit) order.resize(fit);
  return order;
}

std::map<std::string, NodeSample> NodeSampler::sample(const std::map<std::string, pid_t>& nodes) {
  auto fresh = pick_pss(nodes);
  for (auto it = trees_.begin(); it != trees_.end();) {  // forget nodes that are gone
    bool known = false;
    for (const auto& [name, pid] : nodes) known = known || pid == it->first;
    it = known ? std::next(it) : trees_.erase(it);
  }
  std::map<std::string, NodeSample> out;
  for (const auto& [name, pid] : nodes) {
    bool with_pss = std::find(fresh.begin(), fresh.end(), name) != fresh.end();
    NodeSample n = sample_one(pid, with_pss);
    if (n.pss_taken_at) {
      auto each = static_cast<double>(n.pss_cost.count());
      cost_us_ = cost_us_ == 0 ? each : 0.8 * cost_us_ + 0.2 * each;
      last_pss_[name] = {n.pss, *n.pss_taken_at};
    } else if (auto it = last_pss_.find(name); it != last_pss_.end()) {
      n.pss = it->second.first;
      n.pss_taken_at = it->second.second;
    }
    out[name] = std::move(n);
  }
  std::set<pid_t> live;
  for (const auto& [name, n] : out) live.insert(n.pids.begin(), n.pids.end());
  for (auto* fds : {&stat_fds_, &statm_fds_})
    std::erase_if(*fds, [&](const auto& kv) { return !live.count(kv.first); });
  return out;
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
