#include "agent/agent_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "agent/guest_setup.h"
#include "agent/kmsg_log.h"
#include "agent/session_launch.h"
#include "sys/files.h"

namespace uc::agent {
namespace {

constexpr size_t kLinkHighWater = 256 * 1024;  // stop reading command output above this
constexpr const char* kClusterConfig = "/sys/kernel/config/cluster/";  // O2CB's configfs tree

std::string read_uptime_ms() {
  std::ifstream f("/proc/uptime");
  double up = 0;
  f >> up;
  return std::to_string(static_cast<long long>(up * 1000));
}

}  // namespace

AgentServer::AgentServer(int link_fd, bool is_init, std::optional<SessionCgroups> cgroups)
    : link_(link_fd), is_init_(is_init), cgroups_(std::move(cgroups)) {
  set_nonblocking(link_);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  if (is_init_) {
    sigaddset(&set, SIGINT);  // Ctrl-Alt-Del from the host's management console
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGPWR);
  }
  sigprocmask(SIG_BLOCK, &set, nullptr);
  sigfd_ = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);
}

void AgentServer::send(FrameType t, uint32_t session, std::string_view payload) {
  if (link_open_) link_out_ += encode_frame(t, session, payload);
}

void AgentServer::send_hello() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  // boot_id tells the host a new boot of the same process (a reboot, OCFS2's reset fence).
  std::string boot_id;
  std::ifstream b("/proc/sys/kernel/random/boot_id");
  std::getline(b, boot_id);
  nlohmann::json j{
      {"version", 5}, {"hostname", host}, {"uptime_ms", read_uptime_ms()}, {"boot_id", boot_id}};
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
  LaunchSpec spec{std::move(argv), std::move(env), j.value("tty", false)};
  spec.rows = static_cast<unsigned short>(j.value("rows", 24));
  spec.cols = static_cast<unsigned short>(j.value("cols", 80));
  auto l = launch_session(spec);
  if (!l) return fail(l.error().message);
  std::string cgroup;
  if (cgroups_) {
    auto cg = cgroups_->create();
    Status in = cg ? cgroups_->add(*cg, l->reaper) : Status(cg.error());
    if (in) {
      cgroup = *cg;
    } else {
      log_kmsg("session " + std::to_string(id) + ": " + in.error().message +
               "; owned by its process tree instead");
      if (cg) cgroups_->retire(*cg);
    }
  }
  l->go.reset();  // the reaper starts the command now: inside the cgroup, if there is one

  auto s = std::make_unique<Session>();
  s->procs = SessionProcs(l->reaper, cgroup, cgroups_ ? &*cgroups_ : nullptr);
  s->tty = spec.tty;
  s->in = std::move(l->in);
  s->out = std::move(l->out);
  s->err = std::move(l->err);
  sessions_[id] = std::move(s);
}

// A session that reads guest /proc files without starting a process (a fork in a UML guest
// costs milliseconds of host CPU; the monitor asks every second). Its stdout is one JSON
// object, path -> content. Since protocol 5 also O2CB's configfs tree: a file, or a
// directory (a path ending in "/") as its entries' names, one a line; an absent path is
// left out (code 1).
void AgentServer::read_files(uint32_t id, const nlohmann::json& paths) {
  nlohmann::json out = nlohmann::json::object();
  int code = 0;
  if (!paths.is_array()) code = 2;
  for (const auto& p : paths.is_array() ? paths : nlohmann::json::array()) {
    std::string path = p.is_string() ? p.get<std::string>() : "";
    bool allowed = path.rfind("/proc/", 0) == 0 || path.rfind(kClusterConfig, 0) == 0;
    if (!allowed || path.find("..") != std::string::npos) {
      code = 2;
      continue;
    }
    if (path.back() == '/') {
      if (::access(path.c_str(), F_OK) != 0) {
        code = 1;
        continue;
      }
      std::string text;
      for (const auto& n : list_dir(path)) text += n + "\n";
      out[path] = text;
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
    case FrameType::kHello:
      send_hello();
      break;
    case FrameType::kPing:
      send(FrameType::kPong, f.session, f.payload);
      break;
    case FrameType::kExec:
      start_session(f.session, f.payload);
      break;
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
        if (sig <= 0 || sig >= NSIG) break;
        // SIGKILL is how the host ends a session (timeout, killed exec, closed route): every
        // process of it goes, not just the command's process group. The reaper's exit is
        // then reported as always (code 137, signal 9).
        Status done = sig == SIGKILL ? s->procs.end() : s->procs.signal(sig);
        if (!done) log_kmsg("session " + std::to_string(f.session) + ": " + done.error().message);
      }
      break;
    default:
      break;  // unknown or host-only frames are ignored
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
    if (fd == s.out.get())
      s.out.reset();
    else if (fd == s.err.get())
      s.err.reset();
    return;
  }
}

void AgentServer::reap() {
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (auto& [id, s] : sessions_)
      if (s->procs.reaper() == pid) {
        s->exited = true;
        s->status = status;
      }
  }
  // Orphans of ended sessions come here to be reaped: their cgroups may be empty now.
  if (cgroups_) cgroups_->sweep();
}

// The host that asked for these sessions can no longer hear them: nobody will ask to end
// them, so they end now (SessionProcs' destructor).
void AgentServer::end_all_sessions() {
  if (!sessions_.empty())
    log_kmsg("the host link closed: ending " + std::to_string(sessions_.size()) + " session(s)");
  sessions_.clear();
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
    s.procs.finish();
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
    // A closed link stays closed (a hung-up tty polls readable for ever): it is left out.
    fds.push_back({link_open_ ? link_ : -1,
                   static_cast<short>(POLLIN | (link_out_.empty() ? 0 : POLLOUT)), 0});
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
      } else if (n == 0 || (n < 0 && errno == EIO)) {
        // The host closed its end: UML hangs the tty up, and a hung-up tty stays so.
        end_all_sessions();
        if (!is_init_) return 0;
        link_open_ = false;
        link_out_.clear();
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
        if (n > 0)
          s.pending_in.erase(0, static_cast<size_t>(n));
        else if (n < 0 && errno != EAGAIN)
          s.pending_in.clear();
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
