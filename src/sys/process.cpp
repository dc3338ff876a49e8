#include "sys/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "sys/files.h"

namespace uc {

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    this->~ChildProcess();
    pid_ = std::exchange(o.pid_, -1);
    pidfd_ = std::move(o.pidfd_);
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void ChildProcess::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

bool ChildProcess::try_wait(int* status) {
  if (pid_ <= 0) return true;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    pidfd_.reset();
    if (status) *status = st;
    return true;
  }
  return false;
}

int ChildProcess::wait() {
  if (pid_ <= 0) return 0;
  int st = 0;
  while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  pidfd_.reset();
  return st;
}

pid_t ChildProcess::release() {
  pidfd_.reset();
  return std::exchange(pid_, -1);
}

Result<std::pair<Fd, Fd>> make_pipe() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return errno_error("pipe");
  return std::make_pair(Fd(p[0]), Fd(p[1]));
}

Result<std::pair<Fd, Fd>> make_socketpair(int type) {
  int p[2];
  if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, p) != 0) return errno_error("socketpair");
  return std::make_pair(Fd(p[0]), Fd(p[1]));
}

bool install_child_fds(std::vector<std::pair<int, int>>& fds, int keep) {
  // First lift every source above the highest target so dup2 never clobbers one.
  int top = 3;
  for (auto& [from, to] : fds) top = std::max(top, to + 1);
  for (auto& [from, to] : fds) {
    int moved = ::fcntl(from, F_DUPFD, top + 16);
    if (moved < 0) return false;
    from = moved;
  }
  bool has[3] = {false, false, false};
  for (auto& [from, to] : fds) {
    if (::dup2(from, to) < 0) return false;
    if (to < 3) has[to] = true;
  }
  int devnull = ::open("/dev/null", O_RDWR);
  for (int i = 0; i < 3; ++i)
    if (!has[i] && devnull >= 0) ::dup2(devnull, i);
  // Close everything that is not a target.
  std::vector<bool> targets(static_cast<size_t>(top), false);
  for (int i = 0; i < 3; ++i) targets[static_cast<size_t>(i)] = true;
  for (auto& [from, to] : fds) targets[static_cast<size_t>(to)] = true;
  for (int i = 3; i < top; ++i)
    if (!targets[static_cast<size_t>(i)]) ::close(i);
  if (keep >= top) {
    if (keep > top) ::syscall(SYS_close_range, top, keep - 1, 0);
    ::syscall(SYS_close_range, keep + 1, ~0U, 0);
  } else {
    ::syscall(SYS_close_range, top, ~0U, 0);
  }
  return true;
}

Result<ChildProcess> spawn(const SpawnOptions& o) {
  std::vector<char*> argv;
  for (auto& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : o.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  auto errpipe = make_pipe();
  if (!errpipe) return errpipe.error();
  auto fds = o.fds;
  int errfd = errpipe->second.get();
  pid_t pid = ::fork();
  if (pid < 0) return errno_error("fork");
  if (pid == 0) {
    int e = ::fcntl(errfd, F_DUPFD_CLOEXEC, 200);
    auto fail = [&](const char* what) {
      int code = errno;
      (void)!::write(e, what, std::strlen(what));
      (void)!::write(e, ": ", 2);
      const char* m = strerror(code);
      (void)!::write(e, m, std::strlen(m));
      ::_exit(127);
    };
    if (o.new_session) ::setsid();
    if (!install_child_fds(fds, e)) fail("cannot set up file descriptors");
    if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) fail("chdir");
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (o.env.empty())
      ::execvp(argv[0], argv.data());
    else
      ::execve(argv[0], argv.data(), envp.data());
    fail(argv[0]);
  }
  errpipe->second.reset();
  std::string msg = read_to_eof(errpipe->first.get());
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  ChildProcess child(pid, std::move(pidfd));
  if (!msg.empty()) {
    child.wait();
    return err("cannot start " + o.argv[0] + ": " + msg);
  }
  return child;
}

Status run_command(const std::vector<std::string>& argv, int log_fd) {
  SpawnOptions o;
  o.argv = argv;
  if (log_fd >= 0)
    o.fds = {{log_fd, 1}, {log_fd, 2}};
  else
    o.fds = {{0, 0}, {1, 1}, {2, 2}};
  auto c = spawn(o);
  if (!c) return c.error();
  int st = c->wait();
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return {};
  if (WIFEXITED(st))
    return err(argv[0] + " failed with exit status " + std::to_string(WEXITSTATUS(st)));
  return err(argv[0] + " was killed by signal " + std::to_string(WTERMSIG(st)));
}

Fd signal_fd(std::initializer_list<int> signals, int extra_flags) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  return Fd(::signalfd(-1, &set, SFD_CLOEXEC | extra_flags));
}

}  // namespace uc
