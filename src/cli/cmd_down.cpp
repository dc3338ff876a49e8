// `umlcluster down` (stop every node gracefully) and `umlcluster destroy` (remove state).
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>
#include <iostream>

#include "cli/commands.h"
#include "sys/files.h"

namespace uc::cli {

int cmd_down(const Globals& g) {
  int rc = 0;
  auto name = target_cluster(g, /*needs_root=*/true, &rc);
  if (!name) return rc;
  ClusterPaths p(*name);
  if (!supervisor_running(p)) {
    fmt::print("cluster {} is not running\n", *name);
    return 0;
  }
  fmt::print("stopping cluster {}\n", *name);
  if (auto s = stop_cluster(p, print_progress); !s) {
    print_error(s.error().message);
    return kExitFailed;
  }
  fmt::print("cluster {} is down (its disks and COW files are kept; `umlcluster destroy` removes "
             "them)\n", *name);
  return 0;
}

int cmd_destroy(const Globals& g, bool yes) {
  int rc = 0;
  auto name = target_cluster(g, /*needs_root=*/true, &rc);
  if (!name) return rc;
  ClusterPaths p(*name);
  if (!path_exists(p.dir)) {
    print_error(fmt::format("no cluster named {} on this host", *name));
    return kExitFailed;
  }
  if (!yes) {
    if (!::isatty(STDIN_FILENO)) {
      print_error("destroy deletes the cluster's disks; confirm with --yes");
      return kExitFailed;
    }
    fmt::print("Destroy cluster {} and everything on its disks ({})? [y/N] ", *name, p.dir);
    std::fflush(stdout);
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      fmt::print("nothing destroyed\n");
      return kExitFailed;
    }
  }
  if (supervisor_running(p)) {
    fmt::print("stopping cluster {}\n", *name);
    if (auto s = stop_cluster(p, print_progress); !s) {
      print_error(s.error().message);
      return kExitFailed;
    }
  }
  if (auto s = remove_tree(p.dir); !s) {
    print_error(s.error().message);
    return kExitFailed;
  }
  fmt::print("cluster {} destroyed\n", *name);
  return 0;
}

}  // namespace uc::cli
