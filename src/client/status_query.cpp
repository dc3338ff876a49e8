#include "client/status_query.h"

#include <algorithm>
#include <map>

#include "client/cluster_record.h"
#include "client/node_probe.h"
#include "monitor/sampler.h"
#include "ocfs2/o2cb_scripts.h"

namespace uc::client {

using control::ClusterStatus;

// How long status waits for the nodes' O2CB state. A read session answers in milliseconds
// (128 nodes: well under a second); a node starved on a busy host may take seconds, and one
// that does not answer in time is "unknown".
constexpr int kO2cbDeadlineMs = 5000;

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

namespace {

// Each node's O2CB state: a read session (no process in the guest: fast at 128 nodes), and
// the probe script for a node whose agent does not read configfs (protocol < 5, code 2).
std::map<std::string, ocfs2::O2cbState> read_o2cb_states(ControlClient& c, const ClusterSpec& spec,
                                                         const std::vector<std::string>& nodes) {
  session::ExecRequest read;
  read.read = ocfs2::o2cb_state_paths(spec.name);
  std::map<std::string, ocfs2::O2cbState> states;
  std::vector<std::string> old_agents;
  for (auto& [node, r] : request_on_nodes(c, nodes, read, kO2cbDeadlineMs)) {
    if (r.code == 2) old_agents.push_back(node);
    if (r.code != 0 && r.code != 1) continue;  // 1: some path is absent (offline)
    auto files = cluster::parse_guest_files(r.out);
    if (files) states[node] = ocfs2::o2cb_state_from_files(files->files, spec.name);
  }
  if (!old_agents.empty())
    for (auto& [node, r] :
         run_on_nodes(c, old_agents, {"/bin/sh", "-c", ocfs2::probe_script(spec)}, 15000))
      if (r.code == 0) states[node] = ocfs2::parse_probe(r.out);
  return states;
}

}  // namespace

void add_o2cb_state(ControlClient& c, const ClusterSpec& spec, ClusterStatus& s) {
  std::vector<std::string> running;
  for (const auto& n : s.nodes)
    if (n.state == "running" || n.state == "starting" || n.state == "failed")
      running.push_back(n.name);
  auto states = read_o2cb_states(c, spec, running);
  std::map<std::string, std::vector<std::string>> mounted_on, unknown_on;
  for (auto& n : s.nodes) {
    auto it = states.find(n.name);
    if (it == states.end()) {
      bool asked = std::find(running.begin(), running.end(), n.name) != running.end();
      for (const auto& d : spec.disks)
        if (asked && spec.attached(d, n.name)) unknown_on[d.name].push_back(n.name);
      continue;
    }
    const auto& o = it->second;
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
    s.volumes->push_back(
        {d.name, d.mount, d.size, d.heartbeat, should, mounted_on[d.name], unknown_on[d.name]});
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
