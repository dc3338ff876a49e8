#include "agent/session_procs.h"

#include <signal.h>

#include <utility>

#include "agent/kmsg_log.h"
#include "agent/session_launch.h"
#include "agent/tree_kill.h"

namespace uc::agent {

SessionProcs& SessionProcs::operator=(SessionProcs&& o) noexcept {
  if (this != &o) {
    reset();
    reaper_ = std::exchange(o.reaper_, -1);
    cgroup_ = std::exchange(o.cgroup_, {});
    cgroups_ = std::exchange(o.cgroups_, nullptr);
    ended_ = std::exchange(o.ended_, false);
    finished_ = std::exchange(o.finished_, false);
  }
  return *this;
}

SessionProcs::~SessionProcs() { reset(); }

void SessionProcs::reset() {
  if (reaper_ < 0 || finished_) return;
  if (auto s = end(); !s)
    log_kmsg("session of reaper " + std::to_string(reaper_) + ": " + s.error().message);
  // Its processes are dying; the cgroup goes once they are gone (SessionCgroups::sweep).
  if (!cgroup_.empty() && cgroups_) cgroups_->retire(cgroup_);
  reaper_ = -1;
}

Status SessionProcs::signal(int sig) {
  if (reaper_ < 0 || ended_ || finished_) return {};
  return forward_signal(reaper_, sig);
}

Status SessionProcs::end() {
  if (reaper_ < 0 || ended_ || finished_) return {};
  ended_ = true;
  std::string why;
  if (!cgroup_.empty() && cgroups_) {
    auto s = cgroups_->kill(cgroup_);
    if (s) return {};
    why = s.error().message + "; ended by its process tree instead";
  }
  auto t = end_process_tree(reaper_);
  if (t.gave_up)
    return err((why.empty() ? "" : why + "; ") + "processes kept appearing after " +
               std::to_string(TreeKill::kMaxRounds) + " rounds of kills (" +
               std::to_string(t.killed) + " killed); some may remain");
  if (!why.empty()) return err(why);
  return {};
}

void SessionProcs::finish() {
  if (reaper_ < 0 || finished_) return;
  finished_ = true;
  if (!cgroup_.empty() && cgroups_) cgroups_->retire(cgroup_);
}

}  // namespace uc::agent
