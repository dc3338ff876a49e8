#include "sys/logged_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "sys/files.h"
#include "sys/process.h"

namespace uc {
namespace {

// Blocks the interrupting signals while a step runs, and gives the mask back after.
class SignalScope {
 public:
  SignalScope() {
    sigemptyset(&set_);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set_, s);
    sigprocmask(SIG_BLOCK, &set_, &old_);
    fd_ = Fd(::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
  }
  ~SignalScope() {
    fd_.reset();
    sigprocmask(SIG_SETMASK, &old_, nullptr);
  }
  int fd() const { return fd_.get(); }
  int taken() const {
    signalfd_siginfo si;
    return ::read(fd_.get(), &si, sizeof si) == sizeof si ? static_cast<int>(si.ssi_signo) : 0;
  }

 private:
  sigset_t set_, old_;
  Fd fd_;
};

// make's compilers are in its process group (its own session): the group is signalled
// whole, by the id taken before the leader is reaped.
void stop_group(ChildProcess& c) {
  pid_t group = c.pid();
  if (group <= 1) return;
  ::kill(-group, SIGTERM);
  for (int i = 0; i < 50 && c.running(); ++i) {
    int st;
    if (!c.try_wait(&st)) ::usleep(100000);
  }
  if (!c.running()) return;
  ::kill(-group, SIGKILL);
  c.wait();
}

}  // namespace

std::string last_lines(const std::string& text, int n) {
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  size_t pos = end;
  for (int i = 0; i < n && pos > 0; ++i) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) {
      pos = 0;
      break;
    }
  }
  size_t from = pos == 0 && (text.empty() || text[0] != '\n') ? 0 : pos + 1;
  return text.substr(from, end - from);
}

std::string tail_of(const std::string& path, int n) {
  auto text = read_file(path);
  return text ? last_lines(*text, n) : "";
}

Status run_logged(const LoggedRun& r, bool* interrupted, int tail_lines) {
  if (interrupted) *interrupted = false;
  auto log = open_file(r.log, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (!log) return log.error();
  auto pipe = make_pipe();
  if (!pipe) return pipe.error();
  SignalScope signals;
  SpawnOptions o;
  o.argv = r.argv;
  o.cwd = r.cwd;
  o.new_session = true;  // its own process group, ended whole on interrupt
  o.fds = {{pipe->second.get(), 1}, {pipe->second.get(), 2}};
  auto child = spawn(o);
  if (!child) return child.error();
  pipe->second.reset();
  std::string partial;
  char buf[65536];
  auto last_tick = std::chrono::steady_clock::now();
  bool open = true;
  while (open) {
    pollfd fds[2] = {{pipe->first.get(), POLLIN, 0}, {signals.fd(), POLLIN, 0}};
    int n = ::poll(fds, 2, 1000);
    if (n > 0 && (fds[1].revents & POLLIN) && signals.taken()) {
      stop_group(*child);
      if (interrupted) *interrupted = true;
      return err("interrupted: " + r.argv[0] + " was stopped");
    }
    if (n > 0 && fds[0].revents) {
      ssize_t got = ::read(pipe->first.get(), buf, sizeof buf);
      if (got <= 0) {
        open = false;
      } else {
        (void)write_all(log->get(), buf, static_cast<size_t>(got));
        partial.append(buf, static_cast<size_t>(got));
        size_t nl;
        while ((nl = partial.find('\n')) != std::string::npos) {
          if (r.on_line) r.on_line(partial.substr(0, nl));
          partial.erase(0, nl + 1);
        }
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (r.on_tick && now - last_tick >= std::chrono::seconds(1)) {
      last_tick = now;
      r.on_tick();
    }
  }
  int st = child->wait();
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return {};
  std::string why = WIFEXITED(st) ? "failed with exit status " + std::to_string(WEXITSTATUS(st))
                                  : "was killed by signal " + std::to_string(WTERMSIG(st));
  return err(r.argv[0] + " " + why + "; its last lines (the whole log: " + r.log + "):\n" +
             tail_of(r.log, tail_lines));
}

}  // namespace uc
