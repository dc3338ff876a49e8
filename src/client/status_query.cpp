#include "client/status_query.h"

#include <map>

#include "client/cluster_record.h"
#include "client/node_probe.h"
#include "monitor/sampler.h"
#include "ocfs2/o2cb_scripts.h"

namespace uc::client {

using control::ClusterStatus;

ClusterStatus offline_status(const std::string& name, const ClusterPaths& p) {
  ClusterStatus s;
  s.cluster = name;
  auto rec = read_record(p);
  s.state = rec ? "stopped" : "absent";
  if (rec)
    for (const auto& n : rec->spec.nodes) {
      control::NodeStatus ns;
      ns.name = n.name;
      ns.state = "stopped";
      ns.address = n.address.str();
      ns.memory_limit_bytes = n.memory;
      ns.costs = control::NodeCosts{};
      s.nodes.push_back(ns);
    }
  return s;
}

void add_costs(ClusterStatus& s) {
  monitor::NodeSampler sampler;
  for (auto& n : s.nodes) {
    control::NodeCosts c;
    if (n.pid > 0) {
      auto cost = sampler.sample_one(n.pid, /*with_pss=*/false);
      c.pids.assign(cost.pids.begin(), cost.pids.end());
      c.memory_bytes = cost.memory;
    }
    n.costs = c;
  }
}

void add_o2cb_state(ControlClient& c, const ClusterSpec& spec, ClusterStatus& s) {
  std::vector<std::string> running;
  for (const auto& n : s.nodes)
    if (n.state == "running" || n.state == "starting" || n.state == "failed")
      running.push_back(n.name);
  auto probes = run_on_nodes(c, running, {"/bin/sh", "-c", ocfs2::probe_script(spec)}, 15000);
  std::map<std::string, std::vector<std::string>> mounted_on;
  for (auto& n : s.nodes) {
    auto it = probes.find(n.name);
    if (it == probes.end() || it->second.code != 0) continue;
    auto o = ocfs2::parse_probe(it->second.out);
    n.o2cb = control::NodeO2cb{{o.modules.begin(), o.modules.end()},
                               o.configfs_mounted,
                               o.dlmfs_mounted,
                               o.online,
                               o.heartbeat_regions > 0,
                               o.mounts};
    for (const auto& d : spec.disks)
      for (const auto& m : o.mounts)
        if (m == d.mount && spec.attached(d, n.name)) mounted_on[d.name].push_back(n.name);
  }
  s.volumes.emplace();
  for (const auto& d : spec.disks) {
    std::vector<std::string> should;
    for (const auto& n : spec.nodes)
      if (spec.attached(d, n.name)) should.push_back(n.name);
    s.volumes->push_back({d.name, d.mount, d.size, d.heartbeat, should, mounted_on[d.name]});
  }
}

Result<ClusterStatus> full_status(ControlClient& c, const ClusterSpec& spec) {
  auto reply = c.request({control::Op::kStatus});
  if (!reply) return reply.error();
  if (!reply->status) return err("the cluster supervisor's status reply has no status");
  ClusterStatus s = std::move(*reply->status);
  add_costs(s);
  add_o2cb_state(c, spec, s);
  return s;
}

}  // namespace uc::client
