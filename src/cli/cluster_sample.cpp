#include "cli/cluster_sample.h"

#include <sys/resource.h>

namespace uc::cli {

using Clock = std::chrono::steady_clock;

ClusterLook look_at_host() {
  ClusterLook l;
  l.sample.at = Clock::now();
  l.sample.host = monitor::sample_host();
  return l;
}

ClusterLook look_at(ControlClient& c) {
  ClusterLook l;
  auto st = c.request({{"op", "status"}});
  if (st) l.status = *st;
  l.sample.at = Clock::now();
  l.sample.host = monitor::sample_host();
  for (auto& n : l.status.value("nodes", nlohmann::json::array()))
    if (n.value("pid", 0) > 0) l.sample.nodes[n["name"]] = monitor::sample_node(n["pid"].get<int>());
  return l;
}

std::vector<std::string> running_nodes(const ClusterLook& l) {
  std::vector<std::string> out;
  for (auto& n : l.status.value("nodes", nlohmann::json::array()))
    if (n.value("state", "") == "running") out.push_back(n["name"]);
  return out;
}

nlohmann::json figures(const ClusterLook& a, const ClusterLook& b,
                       const std::map<std::string, GuestView>* guests) {
  double secs = std::chrono::duration<double>(b.sample.at - a.sample.at).count();
  auto h = monitor::host_figures(a.sample, b.sample);
  nlohmann::json nodes = nlohmann::json::array();
  for (auto& n : b.status.value("nodes", nlohmann::json::array())) {
    std::string name = n["name"];
    nlohmann::json j{{"name", name}, {"state", n["state"]}, {"address", n["address"]}};
    auto nb = b.sample.nodes.find(name);
    auto na = a.sample.nodes.find(name);
    if (nb != b.sample.nodes.end()) {
      j["pids"] = nb->second.pids;
      j["cpu_percent"] = na != a.sample.nodes.end()
                             ? monitor::node_cpu_percent(na->second, nb->second, secs) : 0.0;
      j["rss_bytes"] = nb->second.rss;
      j["pss_bytes"] = nb->second.pss;
      j["memory_bytes"] = nb->second.memory;
    }
    if (guests)
      if (auto g = guests->find(name); g != guests->end()) {
        const GuestView& gv = g->second;
        j["guest"] = {{"load", {gv.load.one, gv.load.five, gv.load.fifteen}},
                      {"mem_used_bytes", gv.mem.used()},
                      {"mem_free_bytes", gv.mem.free},
                      {"mem_total_bytes", gv.mem.total}};
        j["mounts"] = gv.mounts;
      }
    nodes.push_back(j);
  }
  return {{"cluster", b.status.value("cluster", "")},
          {"interval_s", secs},
          {"host", {{"cpu_percent", h.cpu_busy},
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

}  // namespace uc::cli
