// IoTrap: the seam for disk faults on one node. A seccomp filter, installed in the node's
// sandbox just before it execs the UML kernel, hands the kernel's own file I/O syscalls
// (pread/pwrite and their vector forms, fsync, fdatasync, fallocate) to a listener fd held
// by the supervisor, which lets each one go on (SECCOMP_USER_NOTIF_FLAG_CONTINUE), holds
// it, delays it or fails it with EIO. The data path is untouched: a syscall that goes on
// runs in the node's own process on the one shared file, so every node keeps the same view
// through the host's page cache. Guest processes never reach the filter: UML intercepts
// their syscalls with PTRACE_SYSEMU, which skips seccomp.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "sys/fd.h"
#include "sys/result.h"

namespace uc {

// In the sandboxed child, after no_new_privs: installs the filter and returns the
// listener's fd (-1 and errno on failure). Async-signal-safe.
int install_io_trap();

// Passing the listener from the child to its parent over a unix socket (SCM_RIGHTS).
bool send_fd(int sock, int fd);
Result<Fd> receive_fd(int sock);

// One trapped syscall, as the listener reports it.
struct TrappedCall {
  uint64_t id = 0;
  pid_t tid = 0;  // in our pid namespace
  int nr = 0;     // syscall number
  int fd = -1;    // its first argument: the file
};

// The next trapped call, or nullopt when none is waiting (EAGAIN/ENOENT) or the filter's
// tasks are all gone (then `gone` is set).
std::optional<TrappedCall> receive_trapped(int listener, bool* gone);
// Lets it run as if never trapped.
bool let_through(int listener, uint64_t id);
// Fails it with -error (EIO).
bool fail_call(int listener, uint64_t id, int error);
// The call is still waiting (its task did not die or get a signal since).
bool still_waiting(int listener, uint64_t id);

}  // namespace uc
