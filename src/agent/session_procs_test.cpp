// SessionProcs for real, on the host, by the process tree: end() and the destructor end
// everything, finish() lets a daemon live, and a cgroup that cannot be killed falls back
// to the tree. (The cgroup itself is tested in a real guest: tests/integration/.)
#include "agent/session_procs.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <charconv>

#include "agent/session_launch.h"
#include "agent/session_test_helpers.h"

namespace uc::agent {
namespace {

using test::read_until;
using test::still_runs;
using test::wait_for_descendants;
using test::wait_status;

// A command that leaves a daemon (double fork, own session) and keeps running.
constexpr const char* kDaemonAndWait =
    "(setsid sleep 481 </dev/null >/dev/null 2>&1 &); echo started; sleep 482";

Launched start(const std::string& script) {
  auto l = launch_session(LaunchSpec{{"/bin/sh", "-c", script}, {}, false});
  EXPECT_TRUE(l) << l.error().message;
  l->go.reset();
  EXPECT_NE(read_until(l->out.get(), "started").find("started"), std::string::npos);
  return std::move(*l);
}

TEST(SessionProcs, EndKillsEveryProcessOnceAndTheReaperDiesOfSigkill) {
  auto l = start(kDaemonAndWait);
  auto before = wait_for_descendants(l.reaper, 3);
  ASSERT_EQ(before.size(), 3u);
  SessionProcs p(l.reaper, "", nullptr);
  EXPECT_TRUE(p.end());
  EXPECT_TRUE(p.end());  // the host sends SIGKILL twice (timeout, then the closed route)
  int st = wait_status(l.reaper);
  ASSERT_TRUE(WIFSIGNALED(st));
  EXPECT_EQ(WTERMSIG(st), SIGKILL);
  p.finish();
  for (const auto& e : before) EXPECT_FALSE(still_runs(e)) << "pid " << e.pid << " survived";
}

TEST(SessionProcs, TheDestructorEndsASessionThatWasNotFinished) {
  auto l = start(kDaemonAndWait);
  auto before = wait_for_descendants(l.reaper, 3);
  ASSERT_EQ(before.size(), 3u);
  { SessionProcs p(l.reaper, "", nullptr); }
  EXPECT_TRUE(WIFSIGNALED(wait_status(l.reaper)));
  for (const auto& e : before) EXPECT_FALSE(still_runs(e)) << "pid " << e.pid << " survived";
}

TEST(SessionProcs, ADaemonLeftByACommandThatEndedByItselfLivesOn) {
  auto l = launch_session(LaunchSpec{
      {"/bin/sh", "-c", "setsid sleep 483 </dev/null >/dev/null 2>&1 & echo $!"}, {}, false});
  ASSERT_TRUE(l);
  l->go.reset();
  std::string out = test::read_until_eof(l->out.get());
  pid_t daemon = 0;
  std::from_chars(out.data(), out.data() + out.size(), daemon);
  ASSERT_GT(daemon, 0) << out;
  auto d = test::find_proc(daemon);
  ASSERT_TRUE(d);
  {
    SessionProcs p(l->reaper, "", nullptr);
    EXPECT_EQ(WEXITSTATUS(wait_status(l->reaper)), 0);
    p.finish();
    EXPECT_TRUE(p.end());  // too late: the session is over, nothing is killed
  }
  EXPECT_TRUE(still_runs(*d, 300));
  ::kill(daemon, SIGKILL);  // ours: started by this test, ended by its pid
}

TEST(SessionProcs, ACgroupThatCannotBeKilledFallsBackToTheTreeAndSaysSo) {
  auto tmp = TempDir::create("/tmp", "uc-cg-");
  ASSERT_TRUE(tmp);
  auto cgs = SessionCgroups::at_folder(tmp->path());  // a plain folder: no cgroup.kill
  auto cg = cgs.create();
  ASSERT_TRUE(cg);
  auto l = start(kDaemonAndWait);
  auto before = wait_for_descendants(l.reaper, 3);
  ASSERT_EQ(before.size(), 3u);
  SessionProcs p(l.reaper, *cg, &cgs);
  auto s = p.end();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("cgroup.kill"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("ended by its process tree instead"), std::string::npos);
  EXPECT_EQ(WTERMSIG(wait_status(l.reaper)), SIGKILL);
  for (const auto& e : before) EXPECT_FALSE(still_runs(e)) << "pid " << e.pid << " survived";
  p.finish();
  EXPECT_FALSE(path_exists(*cg));  // retired: empty, so removed at once
}

TEST(SessionProcs, ASignalReachesTheCommandAndNotTheDaemonItLeft) {
  // The daemon says "started" once it has its own session (a signal sent before would
  // still find it in the command's process group).
  auto l = start(
      "(setsid sh -c 'echo started; exec sleep 484' </dev/null 2>/dev/null &); exec sleep 485");
  auto before = wait_for_descendants(l.reaper, 2);
  ASSERT_EQ(before.size(), 2u);
  SessionProcs p(l.reaper, "", nullptr);
  ASSERT_TRUE(p.signal(SIGTERM));
  int st = wait_status(l.reaper);
  ASSERT_TRUE(WIFSIGNALED(st));
  EXPECT_EQ(WTERMSIG(st), SIGTERM);
  p.finish();
  int alive = 0;
  for (const auto& e : before) {
    if (still_runs(e, 300)) {
      ++alive;
      ::kill(e.pid, SIGKILL);  // the daemon: ours, ended by its pid
    }
  }
  EXPECT_EQ(alive, 1);
}

}  // namespace
}  // namespace uc::agent
