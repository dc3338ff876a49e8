// The global environment of one integration group (one executable, one ctest entry).
// Groups run side by side (`ctest -j`), so each has a state directory of its own,
// $UMLCLUSTER_HOME = test-home/GROUP: its clusters, disks, sockets and event logs are its
// alone, and a command without -n finds its default cluster. The caches are shared, so the
// root image is built once (the integration.image entry) and a built kernel is one for all:
// images/, cache/ and the kernel folders are symlinks into test-home/shared.
// A group built with UC_TEST_DEFAULT_CLUSTER=1 gets the default (paper's) cluster up
// before its first test. Before the first test (what a killed earlier run left) and after
// the last, every cluster of the group's home is stopped: `down`, then every host pid seen
// of it during the run, by pid, then `destroy`. Temporary files go in the group's scratch
// folder (cluster_fixture.h, scratch()), so that even a killed run's are found and removed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "cluster_fixture.h"
#include "sys/files.h"

namespace uc::test {

std::set<std::string> g_interfaces_before;
KnownPids g_known_pids;

namespace {

// The cache folders of state_paths.h (the image cache and the kernel store).
constexpr const char* kSharedCaches[] = {"images", "cache", "kernels", "kernel-sources",
                                         "kernel-builds"};

// Each cache folder of the group's home is a link to the shared one; a folder of another
// kind in its place is an error to fix by hand (it would be a second cache). Empty: done.
std::string link_shared_caches() {
  if (auto s = make_dirs(home(), 0700); !s) return s.error().message;
  for (const char* name : kSharedCaches) {
    std::string target = shared_home() + "/" + name;
    std::string link = home() + "/" + name;
    if (auto s = make_dirs(target, 0700); !s) return s.error().message;
    if (::symlink(target.c_str(), link.c_str()) == 0) continue;
    if (errno != EEXIST) return link + ": " + std::strerror(errno);
    char buf[4096];
    ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
    if (std::string(buf, n > 0 ? static_cast<size_t>(n) : 0) != target)
      return link + " is not a link to " + target + ": remove it";
  }
  return "";
}

std::vector<std::string> clusters_here() {
  std::vector<std::string> out;
  for (const auto& c : list_dir(home() + "/clusters"))
    if (!c.empty() && c[0] != '.') out.push_back(c);
  return out;
}

// Nothing healthy is fenced: a group that breaks no node on purpose (no FENCES in
// tests/CMakeLists.txt) must end without a single fence decided on the host's heartbeat
// evidence, though its clusters ran beside the other groups' and the kernel build.
void expect_no_heartbeat_fence(const std::string& cluster) {
  if (UC_TEST_FENCES) return;
  auto text = read_file(home() + "/clusters/" + cluster + "/events.jsonl");
  if (!text) return;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    auto e = nlohmann::json::parse(line, nullptr, false);
    if (!e.is_discarded() && e.value("type", "") == "fenced" &&
        e.value("evidence", "") == "heartbeat")
      ADD_FAILURE() << "a healthy node was fenced in " << cluster << ": " << line;
  }
}

// Stops and destroys every cluster of the group's home; says what it could not do.
void stop_every_cluster(bool expect_clean) {
  for (const auto& c : clusters_here()) {
    expect_no_heartbeat_fence(c);
    track_cluster(c);
    auto down = run_cli({"down", "-n", c});
    if (expect_clean) {
      EXPECT_EQ(down.code, 0) << "down -n " << c << ": " << down.out << down.err;
    }
  }
  // Whatever a failed test or a failed `down` left behind: ended by pid, never by name.
  for (int p : g_known_pids.still_running()) {
    if (expect_clean) ADD_FAILURE() << "pid " << p << " outlived down; killed";
    ::kill(p, SIGKILL);
  }
  for (const auto& c : clusters_here()) {
    auto r = run_cli({"destroy", "-n", c, "--yes"});
    EXPECT_EQ(r.code, 0) << "destroy -n " << c << ": " << r.out << r.err;
  }
}

// A group's process killed outright (SIGKILL, or ctest killed with it so that the cleanup
// fixture never runs) has no TearDown: its clusters would run on. A watchdog in a session of
// its own waits for the end of a pipe only this process holds; when it ends, however this
// process ended, the watchdog stops and destroys every cluster of the group's home (after a
// TearDown there are none, and it exits at once). Its output: the home's watchdog.log.
void start_watchdog() {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0) << std::strerror(errno);
  std::string bin = umlcluster_binary();
  std::string log = home() + "/watchdog.log";
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0) << std::strerror(errno);
  if (pid == 0) {
    ::setsid();
    ::close(p[1]);
    char c;
    for (;;) {
      ssize_t n = ::read(p[0], &c, 1);
      if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    int null = ::open("/dev/null", O_RDONLY);
    if (out >= 0) ::dup2(out, 1), ::dup2(out, 2);
    if (null >= 0) ::dup2(null, 0);
    const char* script =
        "for d in \"$UMLCLUSTER_HOME\"/clusters/*/; do [ -d \"$d\" ] || continue; "
        "c=$(basename \"$d\"); echo \"watchdog: $c outlived its group\"; "
        "\"$0\" down -n \"$c\"; \"$0\" destroy -n \"$c\" --yes; done";
    ::execl("/bin/sh", "sh", "-c", script, bin.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(p[0]);  // the write end stays open, close-on-exec, until this process ends
}

class GroupEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    ::setenv("UMLCLUSTER_HOME", home().c_str(), 1);
    start_watchdog();
    auto linked = link_shared_caches();
    ASSERT_EQ(linked, "");
    ASSERT_TRUE(remove_tree(scratch()).ok()) << scratch();
    ASSERT_TRUE(make_dirs(scratch(), 0700).ok()) << scratch();
    stop_every_cluster(false);
    g_known_pids.clear();
    g_interfaces_before = host_interfaces();
#if UC_TEST_DEFAULT_CLUSTER
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_cli({"up"});
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("[ up      ] %.1f s\n%s%s", s, r.out.c_str(), r.err.c_str());
    track_cluster("ocfs2");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
#endif
  }
  void TearDown() override {
    stop_every_cluster(true);
    // Every test removed what it made there, failed or not.
    for (const auto& e : list_dir(scratch())) ADD_FAILURE() << "left in " << scratch() << ": " << e;
    EXPECT_TRUE(remove_tree(scratch()).ok()) << scratch();
  }
};

const auto* const g_env = ::testing::AddGlobalTestEnvironment(new GroupEnvironment);

}  // namespace
}  // namespace uc::test
