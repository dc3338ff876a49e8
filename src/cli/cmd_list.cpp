// `umlcluster list`: the clusters on this host, running or not.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "client/cluster_record.h"
#include "client/lifecycle.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_list {

void define(CLI::App& cmd, Globals& g) { json_option(cmd, g); }

int run(const Globals& g) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& name : list_dir(clusters_dir())) {
    ClusterPaths p(name);
    auto rec = client::read_record(p);
    out.push_back({{"name", name},
                   {"state", client::supervisor_running(p) ? "running" : "stopped"},
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

}  // namespace cmd_list

const Command kList{"list", "the clusters on this host", cmd_list::define, cmd_list::run};

}  // namespace uc::cli
