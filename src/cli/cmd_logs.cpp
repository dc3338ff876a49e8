// `umlcluster logs NODE`: the node's kernel console (UML con0), kept across boots.
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/commands.h"
#include "sys/files.h"

namespace uc::cli {

int cmd_logs(const Globals& g, const std::string& node, bool follow, int lines) {
  int rc = 0;
  auto name = target_cluster(g, /*needs_root=*/false, &rc);
  if (!name) return rc;
  ClusterPaths p(*name);
  std::string path = p.node_log(node);
  auto fd = open_file(path, O_RDONLY);
  if (!fd) {
    print_error(fmt::format("no console log for node {} in cluster {} ({})", node, *name, path));
    return kExitFailed;
  }
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
    while ((n = ::read(fd->get(), buf, sizeof buf)) > 0) (void)write_all(STDOUT_FILENO, buf, static_cast<size_t>(n));
    pollfd pf{in.get(), POLLIN, 0};
    if (::poll(&pf, 1, -1) < 0) return 0;
    char ev[4096];
    if (::read(in.get(), ev, sizeof ev) <= 0) return 0;
  }
}

}  // namespace uc::cli
