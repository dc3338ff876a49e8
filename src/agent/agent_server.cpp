#include "agent/agent_server.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <utmp.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "agent/guest_setup.h"
#include "sys/files.h"

namespace uc::agent {
namespace {

constexpr size_t kLinkHighWater = 256 * 1024;  // stop reading command output above this

std::string read_uptime_ms() {
  std::ifstream f("/proc/uptime");
  double up = 0;
  f >> up;
  return std::to_string(static_cast<long long>(up * 1000));
}

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

}  // namespace

AgentServer::AgentServer(int link_fd, bool is_init) : link_(link_fd), is_init_(is_init) {
  set_nonblocking(link_);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  if (is_init_) {
    sigaddset(&set, SIGINT);   // Ctrl-Alt-Del from the host's management console
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGPWR);
  }
  sigprocmask(SIG_BLOCK, &set, nullptr);
  sigfd_ = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);
}

void AgentServer::send(FrameType t, uint32_t session, std::string_view payload) {
  link_out_ += encode_frame(t, session, payload);
}

void AgentServer::send_hello() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  // boot_id tells the host a new boot of the same process (a reboot, OCFS2's reset fence).
  std::string boot_id;
  std::ifstream b("/proc/sys/kernel/random/boot_id");
  std::getline(b, boot_id);
  nlohmann::json j{{"version", 4}, {"hostname", host}, {"uptime_ms", read_uptime_ms()},
                   {"boot_id", boot_id}};
  send(FrameType::kHello, 0, j.dump());
}

void AgentServer::flush_link() {
  while (!link_out_.empty()) {
    ssize_t n = ::write(link_, link_out_.data(), link_out_.size());
    if (n <= 0) break;
    link_out_.erase(0, static_cast<size_t>(n));
  }
}

void AgentServer::start_session(uint32_t id, const std::string& request_json) {
  auto fail = [&](const std::string& msg) {
    send(FrameType::kStderr, id, "umlcluster: " + msg + "\n");
    send(FrameType::kExit, id, nlohmann::json{{"code", 126}, {"signal", 0}}.dump());
  };
  if (sessions_.count(id)) return fail("session id already in use");
  auto j = nlohmann::json::parse(request_json, nullptr, false);
  if (!j.is_discarded() && j.contains("read")) return read_files(id, j["read"]);
  if (j.is_discarded() || !j.contains("argv") || !j["argv"].is_array() || j["argv"].empty())
    return fail("bad exec request");
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  for (auto& a : j["argv"])
    if (a.is_string()) argv.push_back(a.get<std::string>());
  if (argv.size() != j["argv"].size()) return fail("bad exec request");
  if (j.contains("env") && j["env"].is_object())
    for (auto& [k, v] : j["env"].items())
      if (v.is_string()) env[k] = v.get<std::string>();
  bool tty = j.value("tty", false);

  auto s = std::make_unique<Session>();
  s->tty = tty;
  if (tty) {
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(j.value("rows", 24));
    ws.ws_col = static_cast<unsigned short>(j.value("cols", 80));
    int master = -1;
    pid_t pid = ::forkpty(&master, nullptr, nullptr, &ws);
    if (pid < 0) return fail(std::string("forkpty: ") + strerror(errno));
    if (pid == 0) exec_child(argv, env);
    set_cloexec(master);
    set_nonblocking(master);
    s->pid = pid;
    s->out = Fd(master);
  } else {
    int in[2], out[2], er[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return fail("pipe");
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(er, O_CLOEXEC) != 0) return fail("pipe");
    pid_t pid = ::fork();
    if (pid < 0) return fail(std::string("fork: ") + strerror(errno));
    if (pid == 0) {
      ::setsid();
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::dup2(er[1], 2);
      exec_child(argv, env);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(er[1]);
    s->pid = pid;
    s->in = Fd(in[1]);
    s->out = Fd(out[0]);
    s->err = Fd(er[0]);
    set_nonblocking(in[1]);
    set_nonblocking(out[0]);
    set_nonblocking(er[0]);
  }
  sessions_[id] = std::move(s);
}

// A session that reads guest /proc files without starting a process (a fork in a UML guest
// costs milliseconds of host CPU; the monitor asks every second). Its stdout is one JSON
// object, path -> content.
void AgentServer::read_files(uint32_t id, const nlohmann::json& paths) {
  nlohmann::json out = nlohmann::json::object();
  int code = 0;
  if (!paths.is_array()) code = 2;
  for (const auto& p : paths.is_array() ? paths : nlohmann::json::array()) {
    std::string path = p.is_string() ? p.get<std::string>() : "";
    if (path.rfind("/proc/", 0) != 0 || path.find("..") != std::string::npos) {
      code = 2;
      continue;
    }
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      code = 1;
      continue;
    }
    std::string text;
    char buf[4096];
    ssize_t n;
    while (text.size() < 32768 && (n = ::read(fd.get(), buf, sizeof buf)) > 0)
      text.append(buf, static_cast<size_t>(n));
    out[path] = text;
  }
  std::string body = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (size_t at = 0; at < body.size(); at += 16384)
    send(FrameType::kStdout, id, std::string_view(body).substr(at, 16384));
  send(FrameType::kExit, id, nlohmann::json{{"code", code}, {"signal", 0}}.dump());
}

void AgentServer::handle(const Frame& f) {
  auto it = sessions_.find(f.session);
  Session* s = it == sessions_.end() ? nullptr : it->second.get();
  switch (f.type) {
    case FrameType::kHello: send_hello(); break;
    case FrameType::kPing: send(FrameType::kPong, f.session, f.payload); break;
    case FrameType::kExec: start_session(f.session, f.payload); break;
    case FrameType::kStdin:
      if (s && !s->in_eof) s->pending_in += f.payload;
      break;
    case FrameType::kStdinEof:
      if (s) s->in_eof = true;
      break;
    case FrameType::kResize:
      if (s && s->tty && s->out) {
        auto j = nlohmann::json::parse(f.payload, nullptr, false);
        if (!j.is_discarded()) {
          winsize ws{};
          ws.ws_row = static_cast<unsigned short>(j.value("rows", 24));
          ws.ws_col = static_cast<unsigned short>(j.value("cols", 80));
          ::ioctl(s->out.get(), TIOCSWINSZ, &ws);
        }
      }
      break;
    case FrameType::kSignal:
      if (s && !s->exited) {
        auto j = nlohmann::json::parse(f.payload, nullptr, false);
        int sig = j.is_discarded() ? SIGKILL : j.value("signal", SIGKILL);
        if (sig > 0 && sig < NSIG) ::kill(-s->pid, sig), ::kill(s->pid, sig);
      }
      break;
    default: break;  // unknown or host-only frames are ignored
  }
}

void AgentServer::pump_output(uint32_t id, Session& s, int fd, FrameType type, bool drain) {
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      send(type, id, std::string_view(buf, static_cast<size_t>(n)));
      if (!drain) return;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    // EOF (or EIO from a pty whose other side closed).
    if (fd == s.out.get()) s.out.reset();
    else if (fd == s.err.get()) s.err.reset();
    return;
  }
}

void AgentServer::reap() {
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (auto& [id, s] : sessions_)
      if (s->pid == pid) {
        s->exited = true;
        s->status = status;
      }
  }
}

void AgentServer::finish_exited() {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto& s = *it->second;
    if (!s.exited) {
      ++it;
      continue;
    }
    // Everything the process wrote before it exited is in the pipe now: drain, then report.
    if (s.out) pump_output(it->first, s, s.out.get(), FrameType::kStdout, true);
    if (s.err) pump_output(it->first, s, s.err.get(), FrameType::kStderr, true);
    int code = WIFEXITED(s.status) ? WEXITSTATUS(s.status) : 128 + WTERMSIG(s.status);
    int sig = WIFSIGNALED(s.status) ? WTERMSIG(s.status) : 0;
    send(FrameType::kExit, it->first, nlohmann::json{{"code", code}, {"signal", sig}}.dump());
    it = sessions_.erase(it);
  }
}

int AgentServer::run() {
  send_hello();
  for (;;) {
    flush_link();
    std::vector<pollfd> fds;
    struct Ref {
      uint32_t id;
      int fd;
      FrameType type;
    };
    std::vector<Ref> refs;
    fds.push_back({link_, static_cast<short>(POLLIN | (link_out_.empty() ? 0 : POLLOUT)), 0});
    fds.push_back({sigfd_, POLLIN, 0});
    bool room = link_out_.size() < kLinkHighWater;
    for (auto& [id, s] : sessions_) {
      if (room && s->out) {
        fds.push_back({s->out.get(), POLLIN, 0});
        refs.push_back({id, s->out.get(), FrameType::kStdout});
      }
      if (room && s->err) {
        fds.push_back({s->err.get(), POLLIN, 0});
        refs.push_back({id, s->err.get(), FrameType::kStderr});
      }
      int infd = s->tty ? s->out.get() : s->in.get();
      if (infd >= 0 && !s->pending_in.empty()) {
        fds.push_back({infd, POLLOUT, 0});
        refs.push_back({id, infd, FrameType::kStdin});
      }
    }
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return 1;

    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[16384];
      ssize_t n = ::read(link_, buf, sizeof buf);
      if (n > 0) {
        send(FrameType::kAck, 0, encode_u32(static_cast<uint32_t>(n)));
        decoder_.feed(std::string_view(buf, static_cast<size_t>(n)));
        while (auto f = decoder_.next()) handle(*f);
      } else if (n == 0 && !is_init_) {
        return 0;
      }
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo si;
      while (::read(sigfd_, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo != SIGCHLD) shutting_down_ = true;
      }
      reap();
    }
    for (size_t i = 0; i < refs.size(); ++i) {
      auto& pf = fds[i + 2];
      auto it = sessions_.find(refs[i].id);
      if (it == sessions_.end() || !pf.revents) continue;
      auto& s = *it->second;
      if (refs[i].type == FrameType::kStdin) {
        ssize_t n = ::write(refs[i].fd, s.pending_in.data(), s.pending_in.size());
        if (n > 0) s.pending_in.erase(0, static_cast<size_t>(n));
        else if (n < 0 && errno != EAGAIN) s.pending_in.clear();
      } else if (pf.fd == s.out.get() || pf.fd == s.err.get()) {
        pump_output(refs[i].id, s, refs[i].fd, refs[i].type, false);
      }
    }
    // Close stdin once the host said EOF and everything queued was written.
    for (auto& [id, s] : sessions_)
      if (!s->tty && s->in && s->in_eof && s->pending_in.empty()) s->in.reset();
    finish_exited();
    if (shutting_down_ && is_init_) {
      flush_link();
      shutdown_guest();
    }
  }
}

}  // namespace uc::agent
