// Child processes: an owning handle (kill-and-reap on destruction unless released),
// plain spawning, and running a command to completion.
#pragma once

#include <sys/types.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "sys/fd.h"
#include "sys/result.h"

namespace uc {

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(pid_t pid, Fd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  ChildProcess(ChildProcess&& o) noexcept
      : pid_(std::exchange(o.pid_, -1)), pidfd_(std::move(o.pidfd_)) {}
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_.get(); }
  bool running() const { return pid_ > 0; }
  void signal(int sig) const;
  // Reaps if it has exited; returns true with the wait status then.
  bool try_wait(int* status);
  int wait();
  // Forget the child: it lives on, nobody reaps it here.
  pid_t release();

 private:
  pid_t pid_ = -1;
  Fd pidfd_;
};

struct SpawnOptions {
  std::vector<std::string> argv;
  std::vector<std::string> env;          // empty: inherit
  std::vector<std::pair<int, int>> fds;  // parent fd -> child fd; 0,1,2 default to /dev/null
  bool new_session = false;
  std::string cwd;
};

Result<ChildProcess> spawn(const SpawnOptions& o);

// Runs to completion; output goes to `log_fd` (or is inherited when -1).
// Fails with the command's name and exit status.
Status run_command(const std::vector<std::string>& argv, int log_fd = -1);

// Blocks `signals` for this thread and returns a signalfd that becomes readable when one
// arrives (extra_flags: e.g. SFD_NONBLOCK).
Fd signal_fd(std::initializer_list<int> signals, int extra_flags = 0);

Result<std::pair<Fd, Fd>> make_pipe();
Result<std::pair<Fd, Fd>> make_socketpair(int type);

// Moves `fds` (parent fd -> child fd number) into place and closes every other fd but
// `keep` (which must be above every target). Between fork and exec only.
bool install_child_fds(std::vector<std::pair<int, int>>& fds, int keep = -1);

}  // namespace uc
