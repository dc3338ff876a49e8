#include "agent/session_launch.h"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "agent/kmsg_log.h"
#include "sys/files.h"

namespace uc::agent {
namespace {

[[noreturn]] void exec_child(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s = 1; s < NSIG; ++s) signal(s, SIG_DFL);
  ::clearenv();
  ::setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
  ::setenv("HOME", "/root", 1);
  ::setenv("USER", "root", 1);
  ::setenv("LOGNAME", "root", 1);
  ::setenv("SHELL", "/bin/bash", 1);
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
  if (::chdir("/root") != 0) (void)!::chdir("/");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  int e = errno;
  std::string msg = "umlcluster: cannot run " + argv[0] + ": " + strerror(e) + "\n";
  (void)!::write(2, msg.data(), msg.size());
  ::_exit(e == ENOENT ? 127 : 126);
}

void close_from(int first) {
  if (::close_range(static_cast<unsigned>(first), ~0U, 0) == 0) return;
  for (int fd = first; fd < 4096; ++fd) ::close(fd);  // a kernel before close_range (5.9)
}

[[noreturn]] void end_like(ExitPlan plan) {
  if (plan.signal > 0) {
    // The command may have dumped core already; the reaper's own core would say nothing.
    rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
    ::signal(plan.signal, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, plan.signal);
    sigprocmask(SIG_UNBLOCK, &one, nullptr);
    ::kill(::getpid(), plan.signal);
  }
  ::_exit(plan.code);
}

// The reaper, in the forked child. Never returns.
[[noreturn]] void run_reaper(const LaunchSpec& spec, int go, int in, int out, int err) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);  // every signal is taken by sigwaitinfo below
  ::prctl(PR_SET_NAME, "uc-session", 0, 0, 0);
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
    log_kmsg(std::string("a session's reaper is no subreaper: ") + strerror(errno) +
             "; orphans of that session go to init and outlive a kill");
  // The session's descriptors on 0, 1, 2, `go` on 3 and nothing else: a reaper holding
  // another session's stdin pipe would keep that command from ever seeing end of file.
  // Moved above 2 first, so that no dup2 below overwrites one still to be copied.
  int high[4] = {in, out, err, go};
  for (int& fd : high) fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  for (int i = 0; i < 3; ++i) ::dup2(high[i], i);
  if (high[3] != 3) ::dup2(high[3], 3);
  close_from(4);
  char c;
  while (::read(3, &c, 1) < 0 && errno == EINTR) {
  }
  ::close(3);

  pid_t cmd = ::fork();
  if (cmd < 0) {
    std::string msg = std::string("umlcluster: fork: ") + strerror(errno) + "\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(126);
  }
  if (cmd == 0) {
    ::setsid();
    if (spec.tty) ::ioctl(0, TIOCSCTTY, 0);
    exec_child(spec.argv, spec.env);
  }
  // The reaper keeps no end of the session's pipes or pty open: end of file and the pty's
  // hang-up reach the agent when the command's side closes.
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int i = 0; i < 3; ++i) null >= 0 ? (void)::dup2(null, i) : (void)::close(i);
  if (null > 2) ::close(null);

  for (;;) {
    siginfo_t si{};
    int sig = ::sigwaitinfo(&all, &si);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      int status = 0;
      pid_t w;
      while ((w = ::waitpid(-1, &status, WNOHANG)) > 0)
        if (w == cmd) end_like(plan_exit(status));
      continue;
    }
    int fwd =
        sig == forward_signal_number() && si.si_code == SI_QUEUE ? si.si_value.sival_int : sig;
    if (fwd <= 0 || fwd >= NSIG) continue;
    ::kill(-cmd, fwd);  // the command's process group (it called setsid: its pid)
    ::kill(cmd, fwd);   // and the command, should it not have called it yet
  }
}

}  // namespace

int forward_signal_number() { return SIGRTMIN; }

ExitPlan plan_exit(int wait_status) {
  if (WIFEXITED(wait_status)) return {WEXITSTATUS(wait_status), 0};
  if (WIFSIGNALED(wait_status)) return {128 + WTERMSIG(wait_status), WTERMSIG(wait_status)};
  return {126, 0};  // stopped or continued: waitpid without WUNTRACED never reports these
}

Result<Launched> launch_session(const LaunchSpec& spec) {
  if (spec.argv.empty()) return err("no command to run");
  Launched l;
  int go[2];
  if (::pipe2(go, O_CLOEXEC) != 0) return errno_error("pipe");
  Fd go_read(go[0]);
  l.go = Fd(go[1]);
  Fd child_in, child_out, child_err;  // the command's ends, closed here after the fork
  if (spec.tty) {
    winsize ws{};
    ws.ws_row = spec.rows;
    ws.ws_col = spec.cols;
    int master = -1, slave = -1;
    if (::openpty(&master, &slave, nullptr, nullptr, &ws) != 0) return errno_error("openpty");
    l.out = Fd(master);
    child_in = Fd(slave);
    set_cloexec(master);
    set_cloexec(slave);
  } else {
    int in[2], out[2], er[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return errno_error("pipe");
    child_in = Fd(in[0]);
    l.in = Fd(in[1]);
    if (::pipe2(out, O_CLOEXEC) != 0) return errno_error("pipe");
    l.out = Fd(out[0]);
    child_out = Fd(out[1]);
    if (::pipe2(er, O_CLOEXEC) != 0) return errno_error("pipe");
    l.err = Fd(er[0]);
    child_err = Fd(er[1]);
  }
  int cin = child_in.get();
  int cout = spec.tty ? cin : child_out.get();
  int cerr = spec.tty ? cin : child_err.get();
  pid_t pid = ::fork();
  if (pid < 0) return errno_error("fork");
  if (pid == 0) run_reaper(spec, go_read.get(), cin, cout, cerr);
  l.reaper = pid;
  for (Fd* fd : {&l.in, &l.out, &l.err})
    if (*fd) set_nonblocking(fd->get());
  return l;
}

Status forward_signal(pid_t reaper, int sig) {
  sigval v{};
  v.sival_int = sig;
  if (::sigqueue(reaper, forward_signal_number(), v) != 0)
    return errno_error("signal " + std::to_string(sig) + " to session reaper " +
                       std::to_string(reaper));
  return {};
}

}  // namespace uc::agent
