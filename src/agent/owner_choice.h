// Which way the agent owns the processes of its exec sessions, decided once at start:
//
//  - kCgroup: a cgroup2 cgroup per session; ending a session is one write to its
//    cgroup.kill (Linux 5.14), which the kernel applies to every member at once, however
//    fast they fork, and no process leaves it but by a deliberate write to cgroup.procs.
//  - kTree: the session's reaper and its descendants, ended by rounds of /proc scans
//    (tree_kill.h). Works on any kernel; the reaper must stay alive for it (a session that
//    kills its own reaper gets away), so it is the fallback.
//
// Pure: the caller reads /proc/filesystems and the boot parameters; setting the cgroups up
// may still fail after this says kCgroup (session_cgroups.h), and then kTree it is.
#pragma once

#include <string>

namespace uc::agent {

enum class OwnerKind { kCgroup, kTree };

struct OwnerChoice {
  OwnerKind kind = OwnerKind::kTree;
  std::string why;  // for the log: what decided it
};

// `sessions_param`: the boot parameter uc.sessions= ("cgroup", "tree", or "" for the
// default); `proc_filesystems`: the text of /proc/filesystems.
OwnerChoice choose_owner(bool is_init, const std::string& sessions_param,
                         const std::string& proc_filesystems);

// Whether /proc/filesystems lists cgroup2 (a kernel built with CONFIG_CGROUPS).
bool lists_cgroup2(const std::string& proc_filesystems);

}  // namespace uc::agent
