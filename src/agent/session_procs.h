// SessionProcs: every process of one exec session, owned from its start: the session's
// reaper (session_launch.h), whatever descends from it, and its cgroup when the agent has
// them (owner_choice.h). end() kills them all. The host asks for that with SIGKILL, on a
// timeout (`exec --timeout`, a guest job's deadline), on a killed `exec` and on a dropped
// CLI connection (the supervisor closes the route), so the agent reads a SIGKILL for a
// session as "end the session", never as "kill one process".
//
// Move-only; the destructor ends the session too, unless finish() came first: the command
// ended by itself, and a daemon it left running on purpose (a lab's startup script) is no
// longer the session's to kill.
#pragma once

#include <sys/types.h>

#include <string>

#include "agent/session_cgroups.h"
#include "sys/result.h"

namespace uc::agent {

class SessionProcs {
 public:
  SessionProcs() = default;
  // `cgroup` empty: owned by the process tree alone. `cgroups` outlives this object.
  SessionProcs(pid_t reaper, std::string cgroup, SessionCgroups* cgroups)
      : reaper_(reaper), cgroup_(std::move(cgroup)), cgroups_(cgroups) {}
  SessionProcs(SessionProcs&& o) noexcept { *this = std::move(o); }
  SessionProcs& operator=(SessionProcs&& o) noexcept;
  SessionProcs(const SessionProcs&) = delete;
  SessionProcs& operator=(const SessionProcs&) = delete;
  ~SessionProcs();

  pid_t reaper() const { return reaper_; }
  const std::string& cgroup() const { return cgroup_; }
  // Any signal but SIGKILL: to the command's process group, as a terminal would.
  Status signal(int sig);
  // SIGKILL to every process of the session; once. The error says what could not be done
  // (what was done is done: a cgroup that fails falls back to the process tree).
  Status end();
  // The reaper has been reaped (the command ended, or end() did it).
  void finish();

 private:
  void reset();
  pid_t reaper_ = -1;
  std::string cgroup_;
  SessionCgroups* cgroups_ = nullptr;
  bool ended_ = false;
  bool finished_ = false;
};

}  // namespace uc::agent
