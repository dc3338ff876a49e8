// How the agent starts an exec session: not the command itself but a reaper of the
// session's own, which starts the command and stays its parent, so that everything the
// command starts can be found and ended (tree_kill.h, session_procs.h):
//
//   agent (pid 1) -> reaper "uc-session" (a child subreaper) -> command -> ...
//
// The reaper is the agent forked, not an exec'd program (a fork is all it costs). It
//  - is a child subreaper (PR_SET_CHILD_SUBREAPER): an orphan of the session comes to it,
//    not to the agent, so a double fork or `setsid` does not leave the session;
//  - waits, before it starts the command, until the agent closes `go`: by then the agent
//    has moved it into the session's cgroup, so the command is born inside it;
//  - forwards signals to the command's process group: the agent's (queued as
//    kForwardSignal with the signal number as the value) and any other it receives;
//  - ends as the command ended (its exit code, or the same signal), which the agent
//    reports as the session's exit; orphans it reaped are nobody's business.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "sys/fd.h"
#include "sys/result.h"

namespace uc::agent {

struct LaunchSpec {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  bool tty = false;  // a pty (a console) instead of three pipes
  unsigned short rows = 24, cols = 80;
};

struct Launched {
  pid_t reaper = -1;
  Fd in, out, err;  // for a tty, `out` is the pty master and `in`, `err` are unused
  Fd go;            // close it (reset()) to let the reaper start the command
};

// Forks the reaper. It starts the command once `go` is closed.
Result<Launched> launch_session(const LaunchSpec& spec);

// Sends `sig` to the session's command through its reaper (the agent does not know the
// command's pid; the reaper does).
Status forward_signal(pid_t reaper, int sig);

// How the reaper ends so that its parent sees the command's wait status: the same exit
// code, or the same signal raised on itself (code 128 + signal if that signal would not
// end it).
struct ExitPlan {
  int code = 0;
  int signal = 0;
  bool operator==(const ExitPlan&) const = default;
};
ExitPlan plan_exit(int wait_status);

// The signal the agent queues to a reaper to ask it to forward another (the value).
int forward_signal_number();

}  // namespace uc::agent
