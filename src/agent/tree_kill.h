// TreeKill: how the agent ends a session by its process tree, where the kernel has no
// cgroup2. Every session runs under a reaper of its own (session_launch.h), a child
// subreaper: an orphan of the session (a double fork, a daemon, `setsid`) is reparented to
// it, not to the agent, so the session is exactly the reaper's descendants. The agent
// stops the reaper first (SIGSTOP), so it neither exits nor reaps while the tree is ended
// and every orphan the killing makes stays below it, then kills round after round:
//
//   each round, a fresh /proc snapshot; SIGKILL to every live descendant not killed yet;
//   done after two rounds in a row that found none.
//
// Why that ends everything: fork checks for a pending fatal signal under the same lock that
// kill takes, and adds the child before releasing it (kernel/fork.c, copy_process), so a
// process we killed creates nothing afterwards, and a child it created before is in /proc
// by the time kill() returns: the next round sees it. The second clean round covers a
// snapshot torn by a parent that exited between two reads (proc_tree.h). Pure: the caller
// reads the snapshots and sends the signals.
#pragma once

#include <sys/types.h>

#include <set>
#include <utility>
#include <vector>

#include "agent/proc_tree.h"

namespace uc::agent {

class TreeKill {
 public:
  // A fork bomb outruns any number of rounds only in theory; past the limit we stop
  // anyway (a D-state process that never dies is not a reason to stall the agent).
  static constexpr int kMaxRounds = 200;

  explicit TreeKill(pid_t reaper) : reaper_(reaper) {}

  // One round: the pids to SIGKILL now, from a snapshot taken after the previous round's
  // kills were sent.
  std::vector<pid_t> step(const std::vector<ProcEntry>& snapshot);
  // Finished: two clean rounds, or the round limit.
  bool done() const { return clean_rounds_ >= 2 || rounds_ >= kMaxRounds; }
  // The limit was reached with processes still appearing.
  bool gave_up() const { return clean_rounds_ < 2 && rounds_ >= kMaxRounds; }
  size_t killed() const { return killed_.size(); }

 private:
  pid_t reaper_;
  int rounds_ = 0;
  int clean_rounds_ = 0;
  // pid and start time: a pid the kernel hands out again is another process.
  std::set<std::pair<pid_t, uint64_t>> killed_;
};

// Ends the tree under `reaper` (which must be the caller's unreaped child, so its pid
// cannot name another process): SIGSTOP to it, the rounds above on /proc, then SIGKILL to
// the reaper itself. How many processes below the reaper were killed, or why not all.
struct TreeKillResult {
  size_t killed = 0;
  bool gave_up = false;
};
TreeKillResult end_process_tree(pid_t reaper);

}  // namespace uc::agent
