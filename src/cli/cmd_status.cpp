// `umlcluster status` and `umlcluster list`.
#include <fmt/format.h>

#include "cli/commands.h"
#include "client/node_probe.h"
#include "ocfs2/o2cb_scripts.h"
#include "sys/files.h"

namespace uc::cli {

// Asks every running node for its O2CB state (the paper's Figures 5 and 6) and mounts.
void add_o2cb_state(ControlClient& c, const ClusterSpec& spec, nlohmann::json& st) {
  std::vector<std::string> running;
  for (auto& n : st["nodes"])
    if (n["state"] == "running" || n["state"] == "starting" || n["state"] == "failed") running.push_back(n["name"]);
  auto probes = run_on_nodes(c, running, {"/bin/sh", "-c", ocfs2::probe_script(spec)}, 15000);
  std::map<std::string, std::vector<std::string>> mounted_on;
  for (auto& n : st["nodes"]) {
    auto it = probes.find(n["name"]);
    if (it == probes.end() || it->second.code != 0) continue;
    auto o = ocfs2::parse_probe(it->second.out);
    nlohmann::json modules = nlohmann::json::object();
    for (auto& [m, loaded] : o.modules) modules[m] = loaded ? "loaded" : "not loaded";
    n["o2cb"] = {{"modules", modules},
                 {"configfs", o.configfs_mounted ? "mounted" : "not mounted"},
                 {"ocfs2_dlmfs", o.dlmfs_mounted ? "mounted" : "not mounted"},
                 {"cluster", o.online ? "online" : "offline"},
                 {"heartbeat", o.heartbeat_regions > 0 ? "active" : "not active"},
                 {"mounts", o.mounts}};
    for (const auto& d : spec.disks)
      for (const auto& m : o.mounts)
        if (m == d.mount && spec.attached(d, n["name"])) mounted_on[d.name].push_back(n["name"]);
  }
  nlohmann::json volumes = nlohmann::json::array();
  for (const auto& d : spec.disks) {
    std::vector<std::string> should;
    for (const auto& n : spec.nodes)
      if (spec.attached(d, n.name)) should.push_back(n.name);
    volumes.push_back({{"name", d.name}, {"mount", d.mount}, {"size", d.size},
                       {"heartbeat", d.heartbeat}, {"attached", should},
                       {"mounted_on", mounted_on[d.name]}});
  }
  st["volumes"] = volumes;
}

int cmd_status(const Globals& g) {
  int rc = 0;
  auto name = target_cluster(g, /*needs_root=*/false, &rc);
  if (!name) return rc;
  ClusterPaths p(*name);
  if (auto c = connect_supervisor(p)) {
    auto st = c->request({control::Op::kStatus});
    if (!st) {
      print_error(st.error().message);
      return kExitFailed;
    }
    add_costs(st->status);
    if (auto rec = read_record(p)) add_o2cb_state(*c, rec->spec, st->status);
    print_status(st->status, g.json);
    return 0;
  }
  auto st = offline_status(*name, p);
  if (st["state"] == "absent" && !g.json) {
    print_error(fmt::format("no cluster named {} on this host (`umlcluster list` shows them)", *name));
    return kExitFailed;
  }
  print_status(st, g.json);
  return st["state"] == "absent" ? kExitFailed : 0;
}

int cmd_list(const Globals& g) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& name : list_dir(clusters_dir())) {
    ClusterPaths p(name);
    auto rec = read_record(p);
    out.push_back({{"name", name},
                   {"state", supervisor_running(p) ? "running" : "stopped"},
                   {"nodes", rec ? rec->spec.nodes.size() : 0},
                   {"subnet", rec ? rec->spec.subnet.str() : ""},
                   {"created_at", rec ? rec->created_at : 0},
                   {"path", p.dir}});
  }
  if (g.json) {
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  if (out.empty()) {
    fmt::print("no clusters on this host (`umlcluster up` creates one)\n");
    return 0;
  }
  fmt::print("{:<18} {:<9} {:>5}  {:<18} {}\n", "CLUSTER", "STATE", "NODES", "SUBNET", "STATE DIR");
  for (auto& c : out)
    fmt::print("{:<18} {:<9} {:>5}  {:<18} {}\n", c["name"].get<std::string>(),
               c["state"].get<std::string>(), c["nodes"].get<size_t>(),
               c["subnet"].get<std::string>(), c["path"].get<std::string>());
  return 0;
}

}  // namespace uc::cli
