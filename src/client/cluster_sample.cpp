#include "client/cluster_sample.h"

#include <sys/resource.h>

#include <algorithm>

namespace uc::client {

using Clock = std::chrono::steady_clock;

namespace {

// The status's nodes; none when there is no status (a host-only look).
std::vector<control::NodeStatus> nodes_of(const std::optional<control::ClusterStatus>& status) {
  return status ? status->nodes : std::vector<control::NodeStatus>{};
}

}  // namespace

ClusterLook look_at_host() {
  ClusterLook l;
  l.sample.at = Clock::now();
  l.sample.host = monitor::sample_host();
  return l;
}

ClusterLook look_at(ControlClient& c, monitor::NodeSampler& nodes, bool with_guests) {
  ClusterLook l;
  auto st = c.request({control::Op::kStatus});
  if (st) l.status = st->status;
  l.sample.at = Clock::now();
  l.sample.host = monitor::sample_host();
  std::map<std::string, pid_t> alive;
  for (const auto& n : nodes_of(l.status))
    if (n.pid > 0) alive[n.name] = n.pid;
  l.sample.nodes = nodes.sample(alive);
  if (with_guests) {
    std::vector<std::string> running;
    for (const auto& n : nodes_of(l.status))
      if (n.state == "running") running.push_back(n.name);
    l.guests = read_guest_views(c, running);
  }
  return l;
}

nlohmann::json figures(const ClusterLook& a, const ClusterLook& b) {
  double secs = std::chrono::duration<double>(b.sample.at - a.sample.at).count();
  auto h = monitor::host_figures(a.sample, b.sample);
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& n : nodes_of(b.status)) {
    const std::string& name = n.name;
    nlohmann::json j{{"name", name}, {"state", n.state}, {"address", n.address}};
    auto nb = b.sample.nodes.find(name);
    auto na = a.sample.nodes.find(name);
    if (nb != b.sample.nodes.end()) {
      j["pids"] = nb->second.pids;
      j["cpu_percent"] = na != a.sample.nodes.end()
                             ? monitor::node_cpu_percent(na->second, nb->second, secs)
                             : 0.0;
      j["rss_bytes"] = nb->second.rss;
      if (nb->second.pss_taken_at) {
        j["pss_bytes"] = nb->second.pss;
        j["pss_age_s"] = std::max(
            0.0, std::chrono::duration<double>(b.sample.at - *nb->second.pss_taken_at).count());
      }
      j["memory_bytes"] = nb->second.memory;
    }
    if (auto g = b.guests.find(name); g != b.guests.end()) {
      const GuestView& gv = g->second;
      j["guest"] = {{"load", {gv.load.one, gv.load.five, gv.load.fifteen}},
                    {"mem_used_bytes", gv.mem.used()},
                    {"mem_free_bytes", gv.mem.free},
                    {"mem_total_bytes", gv.mem.total}};
      j["mounts"] = gv.mounts;
    }
    nodes.push_back(j);
  }
  return {{"cluster", b.status ? b.status->cluster : ""},
          {"interval_s", secs},
          {"host",
           {{"cpu_percent", h.cpu_busy},
            {"cores_percent", h.core_busy},
            {"mem_used_bytes", h.mem_used},
            {"mem_total_bytes", h.mem_total},
            {"load", {h.load.one, h.load.five, h.load.fifteen}}}},
          {"nodes", nodes}};
}

double own_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace uc::client
