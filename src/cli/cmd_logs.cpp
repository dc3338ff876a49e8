// `umlcluster logs NODE`: the node's kernel console (UML con0), kept across boots.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cli/commands.h"
#include "client/cluster_target.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_logs {

std::string node;
bool follow = false;
int lines = 0;

void define(CLI::App& cmd, Globals& g) {
  name_option(cmd, g);
  cmd.add_option("node", node, "node name")->required();
  cmd.add_flag("-F,--follow", follow, "keep printing as the log grows");
  cmd.add_option("--tail", lines, "only the last N lines");
}

int run(const Globals& g) {
  auto name = client::target_cluster(g.name, g.file, /*needs_root=*/false);
  if (!name) return fail(name.error());
  ClusterPaths p(*name);
  std::string path = p.node_log(node);
  auto fd = open_file(path, O_RDONLY);
  if (!fd)
    return fail(
        err(fmt::format("no console log for node {} in cluster {} ({})", node, *name, path)));
  auto text = read_file(path);
  std::string all = text ? *text : "";
  size_t start = 0;
  if (lines > 0) {
    start = all.size();
    for (int n = 0; n <= lines && start > 0;) {
      --start;
      if (all[start] == '\n' && ++n > lines) {
        ++start;
        break;
      }
    }
  }
  (void)write_all(STDOUT_FILENO, all.data() + start, all.size() - start);
  if (!follow) return 0;
  ::lseek(fd->get(), static_cast<off_t>(all.size()), SEEK_SET);
  Fd in(::inotify_init1(IN_CLOEXEC));
  ::inotify_add_watch(in.get(), path.c_str(), IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF);
  char buf[65536];
  for (;;) {
    ssize_t n;
    while ((n = ::read(fd->get(), buf, sizeof buf)) > 0)
      (void)write_all(STDOUT_FILENO, buf, static_cast<size_t>(n));
    pollfd pf{in.get(), POLLIN, 0};
    if (::poll(&pf, 1, -1) < 0) return 0;
    char ev[4096];
    if (::read(in.get(), ev, sizeof ev) <= 0) return 0;
  }
}

}  // namespace cmd_logs

const Command kLogs{"logs", "a node's kernel console log", cmd_logs::define, cmd_logs::run};

}  // namespace uc::cli
