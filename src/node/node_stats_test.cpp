#include "node/node_stats.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace uc::node {

int wait_on_pipe(void* fd) {
  char c;
  (void)::read(*static_cast<int*>(fd), &c, 1);
  return 0;
}

TEST(NodeStats, ProcessesSharingAnAddressSpaceCountOnce) {
  // Like UML's helpers: a process of its own (not a thread) in our address space.
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  std::vector<char> stack(256 * 1024);
  pid_t sharer = ::clone(wait_on_pipe, stack.data() + stack.size(), CLONE_VM | SIGCHLD, &pipefd[0]);
  ASSERT_GT(sharer, 0);
  pid_t other = ::fork();
  if (other == 0) {
    char c;
    (void)::read(pipefd[0], &c, 1);
    ::_exit(0);
  }
  auto spaces = distinct_address_spaces({::getpid(), sharer, other});
  EXPECT_EQ(spaces, (std::vector<pid_t>{::getpid(), other}));
  ASSERT_EQ(::write(pipefd[1], "xx", 2), 2);
  ::waitpid(sharer, nullptr, 0);
  ::waitpid(other, nullptr, 0);
  ::close(pipefd[0]);
  ::close(pipefd[1]);
}

}  // namespace uc::node
