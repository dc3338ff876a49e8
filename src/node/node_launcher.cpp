#include "node/node_launcher.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "node/kernel_cmdline.h"
#include "sys/files.h"
#include "sys/sandbox.h"

namespace uc::node {

namespace {
constexpr off_t kMaxLogBytes = 8 * 1024 * 1024;
}

Status prepare_owned_dir(const std::string& dir) {
  UC_TRY(make_dirs(dir, 0700));
  if (::chown(dir.c_str(), kNodeUid, kNodeGid) != 0) return errno_error("chown " + dir);
  ::chmod(dir.c_str(), 0700);
  return {};
}

Result<LaunchedNode> launch_node(const ClusterSpec& c, const NodeSpec& n,
                                 const ClusterPaths& paths, const std::string& image) {
  std::string node_dir = paths.node_dir(n.name);
  UC_TRY(prepare_owned_dir(node_dir));
  UC_TRY(make_dirs(paths.dir + "/logs", 0700));
  std::string mnt = paths.mount_point(n.name);
  UC_TRY(make_dirs(mnt, 0700));

  // The console log: appended across boots, restarted when it grows large.
  std::string log_path = paths.node_log(n.name);
  struct stat st;
  int flags = O_WRONLY | O_CREAT | O_APPEND;
  if (::stat(log_path.c_str(), &st) == 0 && st.st_size > kMaxLogBytes) flags |= O_TRUNC;
  auto log = open_file(log_path, flags, 0600);
  if (!log) return log.error();
  std::string banner = "\n==== umlcluster: starting " + n.name + " ====\n";
  (void)write_all(log->get(), banner.data(), banner.size());

  auto link = make_socketpair(SOCK_STREAM);
  if (!link) return link.error();

  SandboxPaths sp;
  SandboxSpec s;
  s.mount_point = mnt;
  s.binds.push_back({n.kernel, "/kernel/linux", false});
  for (const auto& lib : system_runtime_libraries()) s.binds.push_back({lib, lib, false});
  s.binds.push_back({image, sp.image, false});
  s.binds.push_back({node_dir, "/node", true});
  s.binds.push_back({paths.switch_dir(), "/net", false});
  s.uid = kNodeUid;
  s.gid = kNodeGid;
  s.shm_bytes = n.memory + 64 * kMiB;
  NodeSpec inside = n;
  inside.kernel = "/kernel/linux";
  s.argv = kernel_command_line(c, inside, sp);
  s.env = {"HOME=/node", "TMPDIR=/dev/shm", "PATH=/kernel"};
  s.cwd = "/node";
  s.fds = {{log->get(), 1}, {log->get(), 2}, {link->second.get(), sp.agent_fd}};
  auto child = spawn_sandboxed(s);
  if (!child) return child.error();
  return LaunchedNode{std::move(*child), std::move(link->first)};
}

}  // namespace uc::node
