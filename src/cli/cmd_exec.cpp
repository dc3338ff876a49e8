// `umlcluster exec` and `umlcluster console`: a session in a node, relayed by the
// supervisor to the node's agent. stdout and stderr stay apart; the exit code comes back.
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <fmt/format.h>

#include "cli/commands.h"
#include "wire/guest_messages.h"
#include "sys/files.h"

namespace uc::cli {
namespace {

constexpr char kDetachKey = 0x1d;  // Ctrl-]

// Puts the local terminal in raw mode for the life of this object.
class RawTerminal {
 public:
  RawTerminal() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }

 private:
  termios saved_{};
  bool active_ = false;
};

nlohmann::json window_size() {
  winsize ws{};
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0) return {{"rows", 24}, {"cols", 80}};
  return {{"rows", ws.ws_row}, {"cols", ws.ws_col}};
}

constexpr int kExitTimedOut = 124;  // as coreutils timeout(1)

int run_session(ControlClient& c, nlohmann::json req, bool tty, bool forward_stdin, double timeout_s) {
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> deadline;
  if (timeout_s > 0)
    deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
  constexpr uint32_t kSid = 1;
  if (tty) req.update(window_size());
  if (auto s = c.send(FrameType::kExec, kSid, req.dump()); !s) {
    print_error(s.error().message);
    return kExitExecFailed;
  }
  if (!forward_stdin) (void)c.send(FrameType::kStdinEof, kSid, "");
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGWINCH);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  Fd winch(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  bool stdin_open = forward_stdin;
  for (;;) {
    while (auto f = c.decoder().next()) {
      switch (f->type) {
        case FrameType::kStdout: (void)write_all(STDOUT_FILENO, f->payload.data(), f->payload.size()); break;
        case FrameType::kStderr: (void)write_all(STDERR_FILENO, f->payload.data(), f->payload.size()); break;
        case FrameType::kExit: {
          auto e = cluster::parse_exit(f->payload);
          if (!e) return kExitExecFailed;
          if (!e->error.empty()) print_error(e->error);
          return e->code < 0 ? kExitExecFailed : e->code;
        }
        default: break;
      }
    }
    pollfd fds[3] = {{c.fd(), POLLIN, 0}, {stdin_open ? STDIN_FILENO : -1, POLLIN, 0},
                     {winch.get(), POLLIN, 0}};
    int wait_ms = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) {
        // The command is told to end (a hung node cannot even do that: we leave anyway).
        (void)c.send(FrameType::kSignal, kSid, nlohmann::json{{"signal", SIGKILL}}.dump());
        print_error(fmt::format("{} timed out after {} s", req.value("node", "the command"), timeout_s));
        return kExitTimedOut;
      }
      wait_ms = static_cast<int>(left);
    }
    if (::poll(fds, 3, wait_ms) < 0) {
      if (errno == EINTR) continue;
      return kExitExecFailed;
    }
    if (fds[0].revents) {
      char buf[65536];
      ssize_t n = ::read(c.fd(), buf, sizeof buf);
      if (n <= 0) {
        print_error("lost the connection to the cluster supervisor");
        return kExitExecFailed;
      }
      c.decoder().feed(std::string_view(buf, static_cast<size_t>(n)));
    }
    if (fds[1].revents) {
      char buf[16384];
      ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0) {
        stdin_open = false;
        (void)c.send(FrameType::kStdinEof, kSid, "");
      } else {
        std::string_view data(buf, static_cast<size_t>(n));
        if (tty && data.find(kDetachKey) != std::string_view::npos) {
          (void)c.send(FrameType::kSignal, kSid, nlohmann::json{{"signal", SIGHUP}}.dump());
          fmt::print(stderr, "\r\n[detached]\r\n");
          return 0;
        }
        (void)c.send(FrameType::kStdin, kSid, data);
      }
    }
    if (fds[2].revents) {
      signalfd_siginfo si;
      while (::read(winch.get(), &si, sizeof si) == sizeof si) {
      }
      (void)c.send(FrameType::kResize, kSid, window_size().dump());
    }
  }
}

}  // namespace

int cmd_exec(const Globals& g, const std::string& node, const std::vector<std::string>& argv,
             bool tty, bool interactive, double timeout_s) {
  std::string name;
  int rc = 0;
  auto c = connect_running(g, &name, &rc);
  if (!c) return kExitExecFailed;  // umlcluster's own failure, whatever the reason
  nlohmann::json req{{"node", node}, {"argv", argv}, {"tty", tty}};
  if (tty) req["env"] = {{"TERM", std::getenv("TERM") ? std::getenv("TERM") : "xterm"}};
  // Without -i, stdin goes along when it is a pipe or a file, never a terminal.
  bool forward = interactive || !::isatty(STDIN_FILENO);
  std::optional<RawTerminal> raw;
  if (tty && ::isatty(STDIN_FILENO)) raw.emplace();
  return run_session(*c, req, tty, forward, timeout_s);
}

int cmd_console(const Globals& g, const std::string& node) {
  std::string name;
  int rc = 0;
  auto c = connect_running(g, &name, &rc);
  if (!c) return kExitExecFailed;  // umlcluster's own failure, whatever the reason
  if (!::isatty(STDIN_FILENO)) {
    print_error("console needs a terminal; use `umlcluster exec` from scripts");
    return kExitExecFailed;
  }
  nlohmann::json req{{"node", node},
                     {"argv", {"/bin/bash", "-l"}},
                     {"tty", true},
                     {"env", {{"TERM", std::getenv("TERM") ? std::getenv("TERM") : "xterm"}}}};
  fmt::print(stderr, "connected to {} in cluster {} (exit the shell or press Ctrl-] to leave)\n",
             node, name);
  RawTerminal raw;
  return run_session(*c, req, true, true, 0);
}

}  // namespace uc::cli
