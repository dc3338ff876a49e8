// `umlcluster down`: stop every node gracefully; the cluster's state and disks are kept.
#include <fmt/format.h>

#include "cli/commands.h"
#include "client/cluster_target.h"
#include "client/lifecycle.h"
#include "paths/state_paths.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_down {

void define(CLI::App& cmd, Globals& g) { name_option(cmd, g); }

int run(const Globals& g) {
  auto name = client::target_cluster(g.name, g.file, /*needs_root=*/true);
  if (!name) return fail(name.error());
  ClusterPaths p(*name);
  if (!client::supervisor_running(p)) {
    fmt::print("cluster {} is not running\n", *name);
    return 0;
  }
  fmt::print("stopping cluster {}\n", *name);
  if (auto s = client::stop_cluster(p, print_progress); !s) return fail(s.error());
  fmt::print(
      "cluster {} is down (its disks and COW files are kept; `umlcluster destroy` removes "
      "them)\n",
      *name);
  return 0;
}

}  // namespace cmd_down

const Command kDown{"down", "stop every node gracefully (state and disks are kept)",
                    cmd_down::define, cmd_down::run};

}  // namespace uc::cli
