// `umlcluster status` and `umlcluster list`.
#include <fmt/format.h>

#include "cli/commands.h"
#include "sys/files.h"

namespace uc::cli {

int cmd_status(const Globals& g) {
  auto name = resolve_cluster(g);
  if (!name) {
    print_error(name.error().message);
    return kExitBadInput;
  }
  ClusterPaths p(*name);
  if (auto c = connect_supervisor(p)) {
    auto st = c->request({{"op", "status"}});
    if (!st) {
      print_error(st.error().message);
      return kExitFailed;
    }
    print_status(*st, g.json);
    return 0;
  }
  auto st = offline_status(*name, p);
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
