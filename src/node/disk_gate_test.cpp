// DiskGate against a real seccomp trap: a forked child installs it and writes to a file;
// the gate stalls, fails or lets through that write, and leaves another file alone.
#include "node/disk_gate.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "sys/io_trap.h"

namespace uc::node {
namespace {

struct TrappedChild {
  pid_t pid = -1;
  Fd listener;
  Fd go;       // a byte: do one pwrite on the file (0) or on the other file (1)
  Fd results;  // its errno (0: done) per write
};

TrappedChild start_child(const std::string& disk, const std::string& other) {
  int sv[2], go[2], res[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
  EXPECT_EQ(::pipe(go), 0);
  EXPECT_EQ(::pipe(res), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(go[1]);
    ::close(res[0]);
    ::close(sv[0]);
    int fds[2] = {::open(disk.c_str(), O_RDWR), ::open(other.c_str(), O_RDWR)};
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    int l = install_io_trap();
    if (l < 0 || !send_fd(sv[1], l)) ::_exit(3);
    ::close(l);
    char which;
    while (::read(go[0], &which, 1) == 1) {
      int e = ::pwrite(fds[which == '1'], "data", 4, 0) == 4 ? 0 : errno;
      (void)!::write(res[1], &e, sizeof e);
    }
    ::_exit(0);
  }
  ::close(sv[1]);
  ::close(go[0]);
  ::close(res[1]);
  TrappedChild c;
  c.pid = pid;
  pollfd p{sv[0], POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 5000), 1);
  auto l = receive_fd(sv[0]);
  EXPECT_TRUE(l.ok());
  if (l) c.listener = std::move(*l);
  ::close(sv[0]);
  c.go = Fd(go[1]);
  c.results = Fd(res[0]);
  return c;
}

// The child's answer to one write, or -1 when none came within `ms`; meanwhile the gate
// answers the trap as the supervisor's loop would.
int result_within(const TrappedChild& c, int ms, DiskGate* gate = nullptr) {
  int64_t end = SystemClock::instance().mono_ms() + ms;
  for (;;) {
    std::vector<pollfd> p{{c.results.get(), POLLIN, 0}};
    std::vector<std::string> names;
    if (gate)
      for (auto& [n, fd] : gate->listeners()) {
        p.push_back({fd, POLLIN, 0});
        names.push_back(n);
      }
    int64_t left = end - SystemClock::instance().mono_ms();
    if (gate && gate->next_due())
      left = std::min(left,
                      std::max<int64_t>(0, *gate->next_due() - SystemClock::instance().mono_ms()));
    if (left < 0) return -1;
    ::poll(p.data(), p.size(), static_cast<int>(left));
    if (p[0].revents) {
      int e = -1;
      return ::read(c.results.get(), &e, sizeof e) == sizeof e ? e : -1;
    }
    for (size_t i = 1; i < p.size(); ++i)
      if (p[i].revents) gate->on_readable(names[i - 1], p[i].revents);
    if (gate) gate->tick();
    if (SystemClock::instance().mono_ms() >= end) return -1;
  }
}

class DiskGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/uc-diskgate-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    disk_ = dir_ + "/disk.img";
    other_ = dir_ + "/root.cow";
    for (auto& p : {disk_, other_}) ::close(::open(p.c_str(), O_CREAT | O_WRONLY, 0600));
    struct stat st;
    ::stat(disk_.c_str(), &st);
    id_ = {st.st_dev, st.st_ino};
  }
  void TearDown() override {
    for (auto& p : {disk_, other_}) ::unlink(p.c_str());
    ::rmdir(dir_.c_str());
  }
  std::string dir_, disk_, other_;
  FileId id_;
};

TEST_F(DiskGateTest, StallHoldsOnlyTheSharedDiskUntilItEnds) {
  auto c = start_child(disk_, other_);
  ASSERT_TRUE(c.listener);
  {
    DiskGate gate;
    gate.attach("node1", std::move(c.listener), {id_});
    ASSERT_EQ(::write(c.go.get(), "0", 1), 1);
    EXPECT_EQ(result_within(c, 5000, &gate), 0);  // no fault: it goes through
    gate.set_fault("node1", {DiskFault::Kind::kStall, 0});
    ASSERT_EQ(::write(c.go.get(), "0", 1), 1);
    EXPECT_EQ(result_within(c, 500, &gate), -1);  // held
    EXPECT_EQ(gate.counts("node1").held, 1u);
    gate.set_fault("node1", {});
    EXPECT_EQ(result_within(c, 5000, &gate), 0);  // and done once the stall ends
    gate.set_fault("node1", {DiskFault::Kind::kStall, 0});
    ASSERT_EQ(::write(c.go.get(), "1", 1), 1);
    EXPECT_EQ(result_within(c, 5000, &gate), 0);  // the other file is never held
    gate.set_fault("node1", {DiskFault::Kind::kError, 0});
    ASSERT_EQ(::write(c.go.get(), "0", 1), 1);
    EXPECT_EQ(result_within(c, 5000, &gate), EIO);
    EXPECT_EQ(gate.counts("node1").failed, 1u);
    gate.set_fault("node1", {DiskFault::Kind::kSlow, 300});
    ASSERT_EQ(::write(c.go.get(), "0", 1), 1);
    EXPECT_EQ(result_within(c, 100, &gate), -1);  // still waiting its delay
    EXPECT_EQ(result_within(c, 5000, &gate), 0);
    gate.set_fault("node1", {DiskFault::Kind::kStall, 0});
    ASSERT_EQ(::write(c.go.get(), "0", 1), 1);
    EXPECT_EQ(result_within(c, 300, &gate), -1);
  }  // the gate's end lets the held write go
  EXPECT_EQ(result_within(c, 5000), 0);
  c.go.reset();
  int status = 0;
  ASSERT_EQ(::waitpid(c.pid, &status, 0), c.pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_F(DiskGateTest, AFencedNodesSharedDiskIsNeverReachedWhateverTheFault) {
  auto c = start_child(disk_, other_);
  ASSERT_TRUE(c.listener);
  {
    DiskGate gate;
    gate.attach("node1", std::move(c.listener), {id_});
    gate.set_fault("node1", {DiskFault::Kind::kError, 0});
    gate.set_fenced("node1", true);
    EXPECT_TRUE(gate.fenced("node1"));
    ASSERT_EQ(::write(c.go.get(), "0", 1), 1);
    EXPECT_EQ(result_within(c, 300, &gate), -1);  // held, whatever the fault
    gate.set_fault("node1", {});                  // the fault's end does not let it go
    EXPECT_EQ(result_within(c, 300, &gate), -1);
    EXPECT_EQ(gate.counts("node1").held, 1u);
    // Lifted (a new boot): what the fenced life left waiting fails, never reaching the disk.
    gate.set_fenced("node1", false);
    EXPECT_EQ(result_within(c, 5000, &gate), EIO);
    ASSERT_EQ(::write(c.go.get(), "0", 1), 1);
    EXPECT_EQ(result_within(c, 5000, &gate), 0);  // the new life's I/O goes through
    gate.set_fenced("node1", true);
    ASSERT_EQ(::write(c.go.get(), "1", 1), 1);
    EXPECT_EQ(result_within(c, 5000, &gate), 0);  // its other files go on
    ASSERT_EQ(::write(c.go.get(), "0", 1), 1);
    EXPECT_EQ(result_within(c, 300, &gate), -1);
  }  // the gate's end fails a fenced node's held write rather than letting it go
  EXPECT_EQ(result_within(c, 5000), EIO);
  c.go.reset();
  int status = 0;
  ASSERT_EQ(::waitpid(c.pid, &status, 0), c.pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace uc::node
