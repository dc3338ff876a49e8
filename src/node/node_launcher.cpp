#include "node/node_launcher.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/kernel_store.h"
#include "node/kernel_cmdline.h"
#include "ocfs2/o2cb_scripts.h"
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

Result<LaunchedNode> launch_node(const ClusterSpec& c, const NodeSpec& n, const ClusterPaths& paths,
                                 const std::string& image) {
  // A built kernel is looked up at each start: rebuilding it reaches the node at its next boot.
  auto kernel = kernel::resolve_node_kernel(n.kernel);
  if (!kernel) return kernel.error();
  std::string node_dir = paths.node_dir(n.name);
  UC_TRY(prepare_owned_dir(node_dir));
  // A node that was killed leaves its umid directory (pid file, mconsole socket) behind.
  // Its next boot reads "pid 1" from it, finds pid 1 alive (itself, in its new pid
  // namespace), says the umid is in use and takes a random one: mconsole is then lost.
  // The caller launches only nodes whose process has ended, so the directory is stale.
  UC_TRY(remove_tree(node_dir + "/uml/" + n.name));
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

  auto to_guest = make_pipe();
  if (!to_guest) return to_guest.error();
  auto from_guest = make_pipe();
  if (!from_guest) return from_guest.error();
  // Room for bursts of command output while the supervisor is busy elsewhere.
  ::fcntl(from_guest->first.get(), F_SETPIPE_SZ, 1 << 20);
  ::fcntl(to_guest->first.get(), F_SETPIPE_SZ, 1 << 20);

  SandboxPaths sp;
  SandboxSpec s;
  s.mount_point = mnt;
  s.binds.push_back({kernel->binary, "/kernel/linux", false});
  s.binds.push_back({helper_path("umlcluster-xstate.so"), kSandboxXstateShim, false});
  if (!kernel->modules_image.empty())
    s.binds.push_back({kernel->modules_image, kSandboxModules, false});
  for (const auto& lib : system_runtime_libraries()) s.binds.push_back({lib, lib, false});
  s.binds.push_back({image, sp.image, false});
  s.binds.push_back({node_dir, "/node", true});
  s.binds.push_back({paths.switch_dir(), "/net", false});
  // Shared disks: one file each, opened by every attached node ('c': no host lock).
  auto disks = c.disks_of(n.name);
  for (size_t i = 0; i < disks.size(); ++i)
    s.binds.push_back({paths.disk(disks[i]->name), "/disks/" + disks[i]->name + ".img", true});
  s.uid = kNodeUid;
  s.gid = kNodeGid;
  s.shm_bytes = n.memory + 64 * kMiB;
  NodeSpec inside = n;
  inside.kernel = "/kernel/linux";
  s.argv = kernel_command_line(c, inside, sp);
  for (size_t i = 0; i < disks.size(); ++i)
    s.argv.insert(s.argv.begin() + 6 + static_cast<long>(i),
                  ocfs2::disk_kernel_arg(i, "/disks/" + disks[i]->name + ".img"));
  if (!kernel->modules_image.empty())
    for (const auto& a : modules_disk_args(disks.size() + 1, kSandboxModules)) s.argv.push_back(a);
  s.env = {"HOME=/node", "TMPDIR=/dev/shm", "PATH=/kernel",
           std::string("LD_PRELOAD=") + kSandboxXstateShim};
  s.cwd = "/node";
  s.fds = {{log->get(), 1},
           {log->get(), 2},
           {to_guest->first.get(), sp.agent_in_fd},
           {from_guest->second.get(), sp.agent_out_fd}};
  s.trap_io = true;
  std::vector<FileId> ids;
  for (const auto* d : disks) {
    struct stat ds;
    if (::stat(paths.disk(d->name).c_str(), &ds) != 0)
      return errno_error("stat " + paths.disk(d->name));
    ids.push_back({ds.st_dev, ds.st_ino});
  }
  Fd trap;
  auto child = spawn_sandboxed(s, &trap);
  if (!child) return child.error();
  return LaunchedNode{std::move(*child), std::move(from_guest->first), std::move(to_guest->second),
                      std::move(trap), std::move(ids)};
}

}  // namespace uc::node
