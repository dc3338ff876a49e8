#include "agent/tree_kill.h"

#include <signal.h>

namespace uc::agent {

std::vector<pid_t> TreeKill::step(const std::vector<ProcEntry>& snapshot) {
  if (done()) return {};
  ++rounds_;
  std::vector<pid_t> now;
  for (const auto& e : descendants(snapshot, reaper_))
    if (is_live(e) && killed_.insert({e.pid, e.start}).second) now.push_back(e.pid);
  clean_rounds_ = now.empty() ? clean_rounds_ + 1 : 0;
  return now;
}

TreeKillResult end_process_tree(pid_t reaper) {
  ::kill(reaper, SIGSTOP);
  TreeKill k(reaper);
  while (!k.done())
    for (pid_t p : k.step(read_proc_snapshot())) ::kill(p, SIGKILL);
  ::kill(reaper, SIGKILL);
  return {k.killed(), k.gave_up()};
}

}  // namespace uc::agent
