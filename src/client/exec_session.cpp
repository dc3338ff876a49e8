#include "client/exec_session.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <chrono>
#include <optional>

#include "sys/files.h"
#include "wire/guest_messages.h"

namespace uc::client {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kDetachKey = 0x1d;  // Ctrl-]
constexpr uint32_t kSessionId = 1;

Error cannot_run(const std::string& why) { return Error{why, ErrorCode::kCannotRun}; }

// The size of the terminal on `fd`; the agent's default 24x80 when it is none.
session::WindowSize window_of(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0) return {};
  return {ws.ws_row, ws.ws_col};
}

// The end the exit frame tells; the supervisor's own reason (no such node, ...) with it.
Result<SessionEnd> end_of(std::string_view payload) {
  auto e = cluster::parse_exit(payload);
  if (!e)
    return cannot_run("the cluster supervisor sent a malformed exit status: " + e.error().message);
  return SessionEnd{e->code < 0 ? 125 : e->code, e->error, false};
}

}  // namespace

RawTerminal::RawTerminal() {
  if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
  termios raw = saved_;
  ::cfmakeraw(&raw);
  active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

RawTerminal::~RawTerminal() {
  if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
}

Result<SessionEnd> run_session(ControlClient& c, session::ExecRequest req,
                               const SessionOptions& o) {
  std::optional<Clock::time_point> deadline;
  if (o.timeout_s > 0)
    deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(o.timeout_s));
  if (req.tty) req.window = window_of(o.in_fd);
  if (auto s = c.send(FrameType::kExec, kSessionId, session::encode(req)); !s)
    return cannot_run(s.error().message);
  if (!o.forward_stdin) (void)c.send(FrameType::kStdinEof, kSessionId, "");
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGWINCH);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  Fd winch(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  bool stdin_open = o.forward_stdin;
  for (;;) {
    while (auto f = c.decoder().next()) {
      if (f->type == FrameType::kStdout)
        (void)write_all(o.out_fd, f->payload.data(), f->payload.size());
      if (f->type == FrameType::kStderr)
        (void)write_all(o.err_fd, f->payload.data(), f->payload.size());
      if (f->type == FrameType::kExit) return end_of(f->payload);
    }
    pollfd fds[3] = {
        {c.fd(), POLLIN, 0}, {stdin_open ? o.in_fd : -1, POLLIN, 0}, {winch.get(), POLLIN, 0}};
    int wait_ms = -1;
    if (deadline) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) {
        // The command is told to end (a hung node cannot even do that: we leave anyway).
        (void)c.send(FrameType::kSignal, kSessionId,
                     session::encode(session::SignalRequest{SIGKILL}));
        return SessionEnd{kExitTimedOut,
                          fmt::format("{} timed out after {} s", req.node, o.timeout_s), false};
      }
      wait_ms = static_cast<int>(left);
    }
    if (::poll(fds, 3, wait_ms) < 0) {
      if (errno == EINTR) continue;
      return recoded(errno_error("poll"), ErrorCode::kCannotRun);
    }
    if (fds[0].revents) {
      char buf[65536];
      ssize_t n = ::read(c.fd(), buf, sizeof buf);
      if (n <= 0) return cannot_run("lost the connection to the cluster supervisor");
      c.decoder().feed(std::string_view(buf, static_cast<size_t>(n)));
    }
    if (fds[1].revents) {
      char buf[16384];
      ssize_t n = ::read(o.in_fd, buf, sizeof buf);
      if (n <= 0) {
        stdin_open = false;
        (void)c.send(FrameType::kStdinEof, kSessionId, "");
      } else {
        std::string_view data(buf, static_cast<size_t>(n));
        if (req.tty && data.find(kDetachKey) != std::string_view::npos) {
          (void)c.send(FrameType::kSignal, kSessionId,
                       session::encode(session::SignalRequest{SIGHUP}));
          return SessionEnd{0, "", true};
        }
        (void)c.send(FrameType::kStdin, kSessionId, data);
      }
    }
    if (fds[2].revents) {
      signalfd_siginfo si;
      while (::read(winch.get(), &si, sizeof si) == sizeof si) {
      }
      (void)c.send(FrameType::kResize, kSessionId, session::encode(window_of(o.in_fd)));
    }
  }
}

}  // namespace uc::client
