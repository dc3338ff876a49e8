// A confined child: new mount, pid, IPC and UTS namespaces, a root that holds only the
// bind mounts listed here, an unprivileged uid/gid, no capabilities, no_new_privs.
// This, not UML's hostfs=DIR, is what keeps a guest away from the host's files: whatever
// a guest mounts with hostfs, it sees this root and nothing else.
// The child is pid 1 of its pid namespace: when it exits, every process it left dies.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "sys/process.h"
#include "sys/result.h"

namespace uc {

struct BindMount {
  std::string host_path;
  std::string inside_path;
  bool writable = false;
};

struct SandboxSpec {
  std::string mount_point;  // an empty host directory to build the root on
  std::vector<BindMount> binds;
  std::vector<std::string> symlinks;  // "target:linkpath" inside the root
  uid_t uid = 65534;
  gid_t gid = 65534;
  int netns_fd = -1;        // join this network namespace (-1: the caller's)
  size_t shm_bytes = 0;     // > 0: a private tmpfs at /dev/shm of this size
  bool mount_proc = false;  // a /proc of the sandbox's own pid namespace
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string cwd = "/";
  std::vector<std::pair<int, int>> fds;  // parent fd -> child fd
  bool trap_io = false;                  // hand its file I/O syscalls to a listener (io_trap.h)
};

// Needs root (CAP_SYS_ADMIN) in the caller. With `spec.trap_io`, `io_listener` receives
// the listener of the child's I/O trap; the child's trapped syscalls wait until the
// listener answers them, so the caller must start answering at once.
Result<ChildProcess> spawn_sandboxed(const SandboxSpec& spec, Fd* io_listener = nullptr);

// Host paths of the dynamic loader and libc that this process uses; a dynamically linked
// program from the same system (linux.uml) needs exactly these.
std::vector<std::string> system_runtime_libraries();

}  // namespace uc
