// `umlcluster destroy`: remove a cluster's state (COW files, disks, logs), stopping it first.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "client/cluster_target.h"
#include "client/lifecycle.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_destroy {

bool yes = false;

// Asks on the terminal; without one, only --yes destroys.
Status confirm(const std::string& name, const ClusterPaths& p) {
  if (!::isatty(STDIN_FILENO))
    return err("destroy deletes the cluster's disks; confirm with --yes");
  fmt::print("Destroy cluster {} and everything on its disks ({})? [y/N] ", name, p.dir);
  std::fflush(stdout);
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != "y" && answer != "Y" && answer != "yes") {
    fmt::print("nothing destroyed\n");
    return err("");
  }
  return {};
}

void define(CLI::App& cmd, Globals& g) {
  name_option(cmd, g);
  cmd.add_flag("-y,--yes", yes, "do not ask for confirmation");
}

int run(const Globals& g) {
  auto name = client::target_cluster(g.name, g.file, /*needs_root=*/true);
  if (!name) return fail(name.error());
  ClusterPaths p(*name);
  if (!path_exists(p.dir)) return fail(err(fmt::format("no cluster named {} on this host", *name)));
  if (!yes)
    if (auto s = confirm(*name, p); !s) return fail(s.error());
  if (client::supervisor_running(p)) {
    fmt::print("stopping cluster {}\n", *name);
    if (auto s = client::stop_cluster(p, print_progress); !s) return fail(s.error());
  }
  if (auto s = remove_tree(p.dir); !s) return fail(s.error());
  fmt::print("cluster {} destroyed\n", *name);
  return 0;
}

}  // namespace cmd_destroy

const Command kDestroy{"destroy", "remove a cluster's state: COW files, disks, logs",
                       cmd_destroy::define, cmd_destroy::run};

}  // namespace uc::cli
