// SessionCgroups: the agent's cgroup2 folder, /sys/fs/cgroup/umlcluster, with one cgroup per
// exec session below it. Nothing else in the guest mounts cgroups (the agent is its init),
// so the agent mounts cgroup2 itself. No controller is enabled: a session's cgroup is only
// a bag of processes the kernel keeps track of through forks, setsid and reparenting, and
// cgroup.kill ends all of them at once.
//
// A cgroup is named by a counter of this boot, not by the host's session id: those start
// again with each supervisor, and a cgroup outlives its session while a daemon the command
// left behind (a normal exit leaves it running) still runs in it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sys/result.h"

namespace uc::agent {

class SessionCgroups {
 public:
  // Mounts cgroup2 on `mount_point` unless it is there already, makes the agent's folder
  // and checks that it has cgroup.kill (Linux 5.14). The error names the step that failed.
  static Result<SessionCgroups> set_up(const std::string& mount_point = "/sys/fs/cgroup");
  // An existing folder used as the agent's, without mounting or checks (tests).
  static SessionCgroups at_folder(std::string folder) { return SessionCgroups(std::move(folder)); }

  const std::string& folder() const { return folder_; }
  // A new, empty cgroup for one session: its path.
  Result<std::string> create();
  // Moves `pid` into `cgroup` (its children from then on are born there).
  Status add(const std::string& cgroup, pid_t pid);
  // SIGKILL to every process in `cgroup`, by the kernel, in one go.
  Status kill(const std::string& cgroup);
  // The session is over: its cgroup is removed now if it is empty, else by a later sweep()
  // once its last process has ended.
  void retire(const std::string& cgroup);
  void sweep();
  size_t lingering() const { return retired_.size(); }

 private:
  explicit SessionCgroups(std::string folder) : folder_(std::move(folder)) {}
  std::string folder_;
  uint64_t next_ = 1;
  std::vector<std::string> retired_;
};

// Whether /proc/mounts text has a filesystem of `type` mounted on `mount_point`.
bool is_mounted(const std::string& proc_mounts, const std::string& mount_point,
                const std::string& type);

}  // namespace uc::agent
