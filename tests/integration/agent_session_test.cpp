// Exec sessions own every process they start (src/agent/session_procs.h): a timeout, a
// killed `exec` and a dropped connection end the command's whole tree, through setsid, su
// and double forks, while a daemon left by a command that ended by itself lives on. Both
// ways the agent owns a session are run on real nodes: a cgroup per session (node "cg",
// Debian's kernel) and the process tree under the session's reaper (node "tree", forced
// with uc.sessions=tree: what a kernel built without cgroups gets). Also the guest's /dev
// links, which bash's <(...) needs.
//
// The suite brings up a cluster of its own, "agentsess", so it runs beside other groups,
// and always stops and destroys it.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.h"
#include "cluster_fixture.h"
#include "sys/files.h"
#include "sys/process.h"

namespace uc::test {
namespace {

constexpr const char* kCluster = "agentsess";
constexpr const char* kClusterFile = R"([cluster]
name = "agentsess"

[[node]]
name = "cg"
address = "192.168.0.112"

[[node]]
name = "tree"
address = "192.168.0.116"
kernel_args = ["uc.sessions=tree"]
)";

void track() {
  auto st = run_cli({"status", "-n", kCluster, "--json"});
  auto s = nlohmann::json::parse(st.out, nullptr, false);
  if (!s.is_discarded() && s.contains("nodes"))
    for (int p : cluster_pids(s)) g_known_pids.push_back(p);
}

std::vector<std::string> exec_args(const std::string& node, const std::vector<std::string>& argv,
                                   int timeout_s = 0) {
  std::vector<std::string> a{"exec", "-n", kCluster};
  if (timeout_s > 0) a.insert(a.end(), {"--timeout", std::to_string(timeout_s)});
  a.push_back(node);
  a.push_back("--");
  a.insert(a.end(), argv.begin(), argv.end());
  return a;
}

RunResult exec(const std::string& node, const std::vector<std::string>& argv, int timeout_s = 0) {
  return run_cli(exec_args(node, argv, timeout_s));
}

// The guest's processes whose command line starts with `prefix` ("sleep 471"), from ps.
std::vector<std::string> guest_procs(const std::string& node, const std::string& prefix) {
  auto r = exec(node, {"ps", "-eo", "args="});
  EXPECT_EQ(r.code, 0) << r.err;
  std::vector<std::string> out;
  size_t at = 0;
  while (at < r.out.size()) {
    size_t nl = r.out.find('\n', at);
    std::string line = r.out.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
    at = nl == std::string::npos ? r.out.size() : nl + 1;
  }
  return out;
}

// Polls until no process of `node` starts with any of `prefixes`; what is still there if
// some did not end within `seconds` (the kill reaches the agent after `exec` has returned).
std::string left_after(const std::string& node, const std::vector<std::string>& prefixes,
                       int seconds = 10) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::string left;
  do {
    left.clear();
    for (const auto& p : prefixes)
      for (const auto& line : guest_procs(node, p)) left += line + "\n";
    if (left.empty()) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  } while (std::chrono::steady_clock::now() < until);
  return left;
}

class AgentSession : public ::testing::TestWithParam<std::string> {
 public:
  static void SetUpTestSuite() {
    dir_ = new Result<TempDir>(TempDir::create("/tmp", "uc-agentsess-"));
    ASSERT_TRUE(*dir_);
    std::string file = (*dir_)->path() + "/agentsess.toml";
    ASSERT_TRUE(write_file_atomic(file, kClusterFile));
    (void)run_cli({"down", "-n", kCluster});  // what a killed earlier run left
    (void)run_cli({"destroy", "-n", kCluster, "--yes"});
    auto r = run_cli({"up", "-f", file});
    track();
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }
  static void TearDownTestSuite() {
    track();
    EXPECT_EQ(run_cli({"down", "-n", kCluster}).code, 0);
    EXPECT_EQ(run_cli({"destroy", "-n", kCluster, "--yes"}).code, 0);
    delete dir_;
    dir_ = nullptr;
  }
  const std::string& node() const { return GetParam(); }

 private:
  static Result<TempDir>* dir_;
};
Result<TempDir>* AgentSession::dir_ = nullptr;

TEST_P(AgentSession, TheAgentSaysHowItOwnsSessionsAndACommandRunsInItsOwnCgroupOrNone) {
  auto logs = run_cli({"logs", "-n", kCluster, node()});
  auto cg = exec(node(), {"cat", "/proc/self/cgroup"});
  ASSERT_EQ(cg.code, 0) << cg.err;
  if (node() == "cg") {
    EXPECT_NE(logs.out.find("sessions: one cgroup each under /sys/fs/cgroup/umlcluster"),
              std::string::npos)
        << logs.out;
    EXPECT_NE(cg.out.find("0::/umlcluster/"), std::string::npos) << cg.out;  // the v2 line
  } else {
    EXPECT_NE(logs.out.find("sessions: owned by their process tree (uc.sessions=tree"),
              std::string::npos)
        << logs.out;
    EXPECT_EQ(cg.out.find("umlcluster"), std::string::npos) << cg.out;
  }
}

TEST_P(AgentSession, DevFdAndTheStandardStreamLinksExistSoProcessSubstitutionWorks) {
  auto r = exec(node(), {"bash", "-c", "cat <(echo hi)"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "hi\n") << r.err;
  r = exec(node(), {"readlink", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr"});
  EXPECT_EQ(r.out, "/proc/self/fd\n/proc/self/fd/0\n/proc/self/fd/1\n/proc/self/fd/2\n") << r.err;
}

TEST_P(AgentSession, ATimeoutEndsWhatSetsidStartedIn124) {
  auto r = exec(node(), {"setsid", "-w", "sh", "-c", "echo running; sleep 471"}, 3);
  EXPECT_EQ(r.code, 124) << r.out << r.err;
  EXPECT_EQ(r.out, "running\n");
  EXPECT_NE(r.err.find("timed out after 3 s"), std::string::npos) << r.err;
  EXPECT_EQ(left_after(node(), {"sleep 471"}), "");
}

TEST_P(AgentSession, ATimeoutEndsWhatSuStarted) {
  auto r = exec(node(), {"su", "-c", "echo running; sleep 472", "root"}, 3);
  EXPECT_EQ(r.code, 124) << r.out << r.err;
  EXPECT_EQ(r.out, "running\n") << r.err;
  EXPECT_EQ(left_after(node(), {"sleep 472"}), "");
}

TEST_P(AgentSession, ATimeoutEndsADoubleForkedDaemon) {
  auto r = exec(
      node(),
      {"sh", "-c", "(setsid sleep 473 </dev/null >/dev/null 2>&1 &); echo running; sleep 474"}, 3);
  EXPECT_EQ(r.code, 124) << r.out << r.err;
  EXPECT_EQ(r.out, "running\n") << r.err;
  EXPECT_EQ(left_after(node(), {"sleep 473", "sleep 474"}), "");
}

TEST_P(AgentSession, AKilledExecEndsItsSessionInTheGuest) {
  SpawnOptions o;
  o.argv = {umlcluster_binary()};
  for (auto& a : exec_args(
           node(), {"sh", "-c", "(setsid sleep 475 </dev/null >/dev/null 2>&1 &); sleep 476"}))
    o.argv.push_back(a);
  auto cli = spawn(o);
  ASSERT_TRUE(cli) << cli.error().message;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto both_run = [&] {
    return guest_procs(node(), "sleep 475").size() == 1 &&
           guest_procs(node(), "sleep 476").size() == 1;
  };
  while (!both_run() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(both_run());
  cli->signal(SIGKILL);  // ours, by its pid
  cli->wait();
  EXPECT_EQ(left_after(node(), {"sleep 475", "sleep 476"}), "");
}

TEST_P(AgentSession, ADaemonLeftByACommandThatEndedByItselfLivesOn) {
  // The daemon writes its own pid (sleep keeps it), then the command ends.
  auto r = exec(node(), {"sh", "-c",
                         "rm -f /tmp/uc-daemon.pid; setsid sh -c 'echo $$ > /tmp/uc-daemon.pid; "
                         "exec sleep 477' </dev/null >/dev/null 2>&1 & "
                         "while [ ! -s /tmp/uc-daemon.pid ]; do sleep 0.1; done"});
  ASSERT_EQ(r.code, 0) << r.err;
  // It outlives the session (give its exec of sleep time to show in ps).
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (guest_procs(node(), "sleep 477").empty() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(guest_procs(node(), "sleep 477").size(), 1u);
  r = exec(node(), {"sh", "-c", "kill $(cat /tmp/uc-daemon.pid)"});  // by its pid
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(left_after(node(), {"sleep 477"}), "");
}

TEST_P(AgentSession, ExitCodesSignalsStdinAndATerminalAreAsBefore) {
  EXPECT_EQ(exec(node(), {"sh", "-c", "exit 7"}).code, 7);
  EXPECT_EQ(exec(node(), {"sh", "-c", "kill -TERM $$"}).code, 143);
  EXPECT_EQ(exec(node(), {"no-such-program"}).code, 127);
  auto r = run_cli(exec_args(node(), {"cat"}), "through stdin\n");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "through stdin\n");
  r = run_cli(
      {"exec", "-n", kCluster, "-t", node(), "--", "sh", "-c", "tty; test -t 0 && echo on-a-tty"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("/dev/pts/"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("on-a-tty"), std::string::npos) << r.out;
}

TEST_P(AgentSession, NoReaperOutlivesItsSession) {
  // The only session reaper left is the one of the ps that looks.
  auto r = exec(node(), {"ps", "-eo", "comm="});
  ASSERT_EQ(r.code, 0) << r.err;
  size_t reapers = 0;
  for (size_t at = r.out.find("uc-session"); at != std::string::npos;
       at = r.out.find("uc-session", at + 1))
    ++reapers;
  EXPECT_EQ(reapers, 1u) << r.out;
}

INSTANTIATE_TEST_SUITE_P(BothOwners, AgentSession, ::testing::Values("cg", "tree"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace uc::test
