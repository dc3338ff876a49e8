// The reaper for real, on the host: what the command gets, what the agent sees of its end,
// signals through the reaper, and the tree kill of a session that double-forked.
#include "agent/session_launch.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include "agent/session_test_helpers.h"
#include "agent/tree_kill.h"

namespace uc::agent {
namespace {

using test::read_until;
using test::read_until_eof;
using test::wait_status;

LaunchSpec sh(const std::string& script) {
  return LaunchSpec{{"/bin/sh", "-c", script}, {}, false};
}

TEST(PlanExit, TheReaperEndsAsTheCommandDid) {
  EXPECT_EQ(plan_exit(W_EXITCODE(0, 0)), (ExitPlan{0, 0}));
  EXPECT_EQ(plan_exit(W_EXITCODE(7, 0)), (ExitPlan{7, 0}));
  EXPECT_EQ(plan_exit(W_EXITCODE(0, SIGKILL)), (ExitPlan{137, SIGKILL}));
  EXPECT_EQ(plan_exit(W_EXITCODE(0, SIGTERM) | 0x80), (ExitPlan{143, SIGTERM}));  // core dumped
  EXPECT_EQ(plan_exit(W_STOPCODE(SIGSTOP)), (ExitPlan{126, 0}));
}

TEST(LaunchSession, StdinStdoutStderrAndTheExitCodeGoThroughTheReaper) {
  auto l = launch_session(sh("read x; echo \"got $x\"; echo oops >&2; exit 7"));
  ASSERT_TRUE(l) << l.error().message;
  ASSERT_EQ(::write(l->in.get(), "abc\n", 4), 4);
  l->in.reset();
  l->go.reset();
  // End of file on both: neither the reaper nor anything else kept a write end open.
  EXPECT_EQ(read_until_eof(l->out.get()), "got abc\n");
  EXPECT_EQ(read_until_eof(l->err.get()), "oops\n");
  int st = wait_status(l->reaper);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 7);
}

TEST(LaunchSession, TheCommandWaitsForGo) {
  auto l = launch_session(sh("echo started"));
  ASSERT_TRUE(l);
  EXPECT_EQ(read_until(l->out.get(), "started", 300), "");
  l->go.reset();
  EXPECT_EQ(read_until_eof(l->out.get()), "started\n");
  EXPECT_EQ(WEXITSTATUS(wait_status(l->reaper)), 0);
}

TEST(LaunchSession, ACommandKilledByASignalKillsTheReaperWithIt) {
  auto l = launch_session(sh("kill -TERM $$"));
  ASSERT_TRUE(l);
  l->go.reset();
  int st = wait_status(l->reaper);
  ASSERT_TRUE(WIFSIGNALED(st)) << st;
  EXPECT_EQ(WTERMSIG(st), SIGTERM);
}

TEST(LaunchSession, AMissingProgramIs127WithAMessage) {
  auto l = launch_session(LaunchSpec{{"/no/such/program"}, {}, false});
  ASSERT_TRUE(l);
  l->go.reset();
  EXPECT_EQ(read_until_eof(l->err.get()),
            "umlcluster: cannot run /no/such/program: No such file or directory\n");
  EXPECT_EQ(WEXITSTATUS(wait_status(l->reaper)), 127);
}

TEST(LaunchSession, TheEnvironmentIsCleanPlusWhatWasAsked) {
  auto l = launch_session(LaunchSpec{
      {"/bin/sh", "-c", "echo $HOME $LANG_TEST $UC_HOST_ONLY"}, {{"LANG_TEST", "x"}}, false});
  ASSERT_TRUE(l);
  l->go.reset();
  EXPECT_EQ(read_until_eof(l->out.get()), "/root x\n");
  wait_status(l->reaper);
}

TEST(LaunchSession, ASignalIsForwardedToTheCommandsProcessGroup) {
  auto l = launch_session(
      sh("trap 'echo got-usr1; exit 3' USR1; echo ready; while :; do sleep 0.05; done"));
  ASSERT_TRUE(l);
  l->go.reset();
  ASSERT_NE(read_until(l->out.get(), "ready\n").find("ready"), std::string::npos);
  ASSERT_TRUE(forward_signal(l->reaper, SIGUSR1));
  EXPECT_EQ(read_until_eof(l->out.get()), "got-usr1\n");
  EXPECT_EQ(WEXITSTATUS(wait_status(l->reaper)), 3);
}

TEST(LaunchSession, ATerminalSessionHasItsPtyAsControllingTerminalWithItsSize) {
  LaunchSpec spec = sh("tty; stty size; test -t 0 && echo on-a-tty");
  spec.tty = true;
  spec.rows = 33;
  spec.cols = 99;
  auto l = launch_session(spec);
  ASSERT_TRUE(l);
  EXPECT_FALSE(l->in);
  EXPECT_FALSE(l->err);
  l->go.reset();
  std::string out = read_until_eof(l->out.get());
  EXPECT_NE(out.find("/dev/pts/"), std::string::npos) << out;
  EXPECT_NE(out.find("33 99"), std::string::npos) << out;
  EXPECT_NE(out.find("on-a-tty"), std::string::npos) << out;
  EXPECT_EQ(WEXITSTATUS(wait_status(l->reaper)), 0);
}

TEST(TreeKillForReal, EndsADoubleForkedDaemonAndASetsidChildThatPgroupKillsMiss) {
  auto l = launch_session(sh("(setsid sleep 471 &); setsid sleep 472 & echo started; sleep 473"));
  ASSERT_TRUE(l);
  l->go.reset();
  ASSERT_NE(read_until(l->out.get(), "started").find("started"), std::string::npos);
  // sh, the three sleeps: the double-forked one adopted by the reaper.
  auto before = test::wait_for_descendants(l->reaper, 4);
  ASSERT_EQ(before.size(), 4u);
  int under_reaper = 0;  // sh, and sleep 471 once its subshell exited
  for (const auto& e : before) under_reaper += e.ppid == l->reaper;
  EXPECT_EQ(under_reaper, 2);
  auto r = end_process_tree(l->reaper);
  EXPECT_FALSE(r.gave_up);
  EXPECT_EQ(r.killed, 4u);
  int st = wait_status(l->reaper);
  ASSERT_TRUE(WIFSIGNALED(st));
  EXPECT_EQ(WTERMSIG(st), SIGKILL);
  for (const auto& e : before) EXPECT_FALSE(test::still_runs(e)) << "pid " << e.pid << " survived";
}

}  // namespace
}  // namespace uc::agent
