// The supervisor's set-up, its poll loop and its end. See supervisor_core.h for the parts.
#include "supervisor/supervisor.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>
#include <fmt/format.h>

#include "supervisor/supervisor_core.h"
#include "node/node_launcher.h"
#include "ocfs2/volume.h"
#include "sys/sandbox.h"

namespace uc::cluster {

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

void logf(const std::string& msg) { fmt::print(stderr, "{} {}\n", wall_ms(), msg); }

Supervisor::Supervisor(std::string name, bool start_nodes)
    : paths_(name), name_(std::move(name)), start_nodes_(start_nodes) {}

namespace {

// The switch, and the control socket that gives it the network faults' rules.
Result<ChildProcess> start_switch(const ClusterPaths& paths, Fd* control) {
  UC_TRY(node::prepare_owned_dir(paths.switch_dir()));
  UC_TRY(make_dirs(paths.mount_point("switch"), 0700));
  auto ready = make_pipe();
  if (!ready) return ready.error();
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return errno_error("socketpair");
  *control = Fd(pair[0]);
  Fd theirs(pair[1]);
  // A whole rule set (up to 256 KiB) is one message: more than the default send buffer.
  int sndbuf = 512 * 1024;
  ::setsockopt(pair[0], SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf);
  SandboxSpec s;
  s.mount_point = paths.mount_point("switch");
  s.binds = {{helper_path("umlcluster-switch"), "/umlcluster-switch", false},
             {paths.switch_dir(), "/net", true}};
  s.argv = {"/umlcluster-switch", "/net/switch.ctl", "3", "4"};
  s.fds = {{ready->second.get(), 3}, {theirs.get(), 4}, {STDERR_FILENO, 2}};
  auto sw = spawn_sandboxed(s);
  if (!sw) return sw.error();
  ready->second.reset();
  char buf[512] = {};
  ssize_t n = ::read(ready->first.get(), buf, sizeof buf - 1);
  if (n <= 0 || std::string(buf).rfind("ready", 0) != 0)
    return err("the switch did not start: " + std::string(buf));
  return std::move(*sw);
}

Result<Fd> listen_on(const std::string& path) {
  ::unlink(path.c_str());
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return errno_error("socket");
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) return err("control socket path too long: " + path);
  std::memcpy(a.sun_path, path.data(), path.size());
  mode_t old = ::umask(0077);
  int rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::umask(old);
  if (rc != 0) return errno_error("cannot bind " + path);
  if (::listen(fd.get(), 64) != 0) return errno_error("listen " + path);
  return fd;
}

}  // namespace

Status Supervisor::start() {
  auto text = read_file(paths_.spec());
  if (!text) return text.error();
  auto j = json::parse(*text, nullptr, false);
  if (j.is_discarded()) return err(paths_.spec() + ": not valid JSON");
  try {
    spec_ = j.at("spec").get<ClusterSpec>();
    image_ = j.at("image").get<std::string>();
    lab_ = j.value("lab", "");
  } catch (const std::exception& e) {
    return err(paths_.spec() + ": " + e.what());
  }
  auto lock = FileLock::try_acquire(paths_.lock());
  if (!lock) return err("another supervisor runs cluster " + name_ + " (" + lock.error().message + ")");
  lock_.emplace(std::move(*lock));
  std::string pid = std::to_string(::getpid()) + "\n";
  (void)!::ftruncate(lock_->fd(), 0);
  (void)write_all(lock_->fd(), pid.data(), pid.size());
  events_ = std::make_unique<EventLog>(paths_.events());

  // The cluster's own, empty network namespace: the switch's abstract sockets live here
  // and nothing in it can reach (or be reached from) the host's network.
  if (::unshare(CLONE_NEWNET) != 0) return errno_error("unshare(CLONE_NEWNET)");
  auto sw = start_switch(paths_, &switch_ctl_);
  if (!sw) return sw.error();
  switch_ = std::move(*sw);
  auto l = listen_on(paths_.control_socket());
  if (!l) return l.error();
  listener_ = std::move(*l);

  // Shared disks: created once, never truncated.
  UC_TRY(make_dirs(paths_.dir + "/disks", 0700));
  for (const auto& d : spec_.disks)
    UC_TRY(ocfs2::ensure_disk_file(paths_.disk(d.name), d.size, kNodeUid, kNodeGid));
  bringup_ = std::make_unique<ocfs2::ClusterBringup>(spec_, *this, *this);
  host_ = std::make_unique<node::LocalNodeHost>(
      spec_, paths_, image_, [this](const std::string& n, int status) { on_node_exit(n, status); });
  size_t parallel = spec_.manager.boot_parallel > 0
                        ? static_cast<size_t>(spec_.manager.boot_parallel)
                        : auto_boot_parallel(std::max(1u, std::thread::hardware_concurrency()));
  boot_gate_ = BootGate(parallel);
  for (const auto& ns : spec_.nodes)
    nodes_.push_back(std::make_unique<ManagedNode>(*this, ns, ManagerPolicy::from(spec_, ns)));
  record("", "supervisor_started", {{"pid", ::getpid()}, {"nodes", spec_.nodes.size()}},
         fmt::format("supervisor of cluster {} started (pid {})", name_, ::getpid()));
  if (start_nodes_) {
    int64_t now = mono_ms();
    // A large cluster boots highest numbers first: its heartbeats start in waves from the
    // top (ocfs2/mount_order.h), the first while the others still boot.
    std::vector<ManagedNode*> boot;
    for (auto& n : nodes_) boot.push_back(n.get());
    if (bringup_->ordered())
      std::sort(boot.begin(), boot.end(),
                [](auto* a, auto* b) { return a->spec.number > b->spec.number; });
    for (auto* n : boot) {
      n->machine.start(now);
      drive(*n, now);
    }
  }
  return {};
}

bool Supervisor::all_stopped() const {
  for (auto& n : nodes_)
    if (host_->running(n->spec.name)) return false;
  return true;
}

void Supervisor::begin_down() {
  if (stopping_) return;
  stopping_ = true;
  // A frozen node cannot shut down: every fault ends first.
  for (const auto& f : faults_.clear()) end_fault(f, "down");
  // The lab's shutdown scripts run in every running node first, the volumes still mounted.
  auto pending = std::make_shared<int>(1);
  auto one_done = [this, pending] {
    if (--*pending == 0) stop_nodes();
  };
  for (auto& n : nodes_) {
    if (lab_.empty() || n->machine.state() != NodeState::kRunning) continue;
    auto steps = lab_shutdown(lab_, n->spec.name);
    if (!steps || steps->empty()) continue;
    ++*pending;
    run_lab(n->spec.name, std::make_shared<std::vector<LabStep>>(std::move(*steps)), 0, n->machine.launched_at(),
            false, one_done);
  }
  one_done();
}

void Supervisor::stop_nodes() {
  int64_t now = mono_ms();
  for (auto& n : nodes_) {
    boot_gate_.cancel(n->spec.name);
    n->machine.down(now);
    drive(*n, now);
  }
}

ManagedNode* Supervisor::find(const std::string& name) {
  for (auto& n : nodes_)
    if (n->spec.name == name) return n.get();
  return nullptr;
}

int Supervisor::run(int ready_fd) {
  sigfd_ = signal_fd({SIGTERM, SIGINT, SIGHUP}, SFD_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);

  auto st = start();
  std::string line = st ? "ready\n" : "error: " + st.error().message + "\n";
  if (ready_fd >= 0) {
    (void)write_all(ready_fd, line.data(), line.size());
    ::close(ready_fd);
  }
  if (!st) {
    logf(st.error().message);
    return 1;
  }
  logf("supervisor of cluster " + name_ + " ready");

  for (;;) {
    for (auto& n : nodes_) n->link.flush();
    flush_conns();
    if (stopping_ && all_stopped()) break;

    PollSet set;
    set.add(sigfd_.get(), POLLIN, [this](short) {
      signalfd_siginfo si;
      while (::read(sigfd_.get(), &si, sizeof si) == sizeof si) {
      }
      begin_down();
    });
    set.add(listener_.get(), POLLIN, [this](short) { accept_conns(); });
    for (auto& [fd, c] : conns_)
      set.add(fd, static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)),
              [this, fd = fd](short) {
                if (conns_.count(fd)) on_conn_readable(fd);
              });
    add_node_fds(set);
    host_->add_to(set);
    if (switch_.running())
      set.add(switch_.pidfd(), POLLIN, [this](short) {
        int status = 0;
        if (switch_.try_wait(&status)) {
          record("", "switch_exited", {{"status", status}}, "the switch exited; stopping the cluster");
          begin_down();
        }
      });

    // Wake for the earliest deadline: a machine's (pings, restarts, fencing), the host's
    // (mconsole replies), the next look at the consoles.
    int64_t now = mono_ms();
    int64_t wake = next_console_read_;
    for (auto& n : nodes_) {
      if (auto d = n->machine.next_deadline()) wake = std::min(wake, *d);
      if (n->next_trim_ms > 0) wake = std::min(wake, n->next_trim_ms);
    }
    if (auto d = faults_.next_deadline()) wake = std::min(wake, *d);
    if (auto d = bringup_->next_deadline()) wake = std::min(wake, *d);
    if (auto d = host_->next_deadline())
      wake = std::min<int64_t>(wake, std::chrono::duration_cast<std::chrono::milliseconds>(
                                         d->time_since_epoch()).count());
    int timeout = static_cast<int>(std::clamp<int64_t>(wake - now, 0, 1000));
    if (auto s = set.wait(timeout); !s) {
      logf(s.error().message);
      return 1;
    }
    host_->tick();
    now = mono_ms();
    end_due_faults(now);
    for (auto& n : nodes_) {
      n->machine.tick(now);
      drive(*n, now);
    }
    admit_waiting(now);
    bringup_->tick();
    trim_due_nodes(now);
    if (now >= next_console_read_) {
      watch_consoles();
      // While a node joins a domain in an ordered bring-up, its console line releases the next.
      next_console_read_ = now + (bringup_->mount_waits_for_console() ? 50 : 250);
    }
  }
  if (switch_.running()) {
    switch_.signal(SIGTERM);
    switch_.wait();
  }
  record("", "supervisor_stopped", json::object(), "cluster " + name_ + " is down");
  for (auto& [fd, c] : conns_) {
    if (c.waits_for_down) send_to(c, FrameType::kReply, 0, control::encode(control::Reply{}));
    set_nonblocking(fd, false);
    (void)write_all(fd, c.out.data(), c.out.size());
  }
  ::unlink(paths_.control_socket().c_str());
  return 0;
}

}  // namespace uc::cluster

namespace uc {

int run_supervisor(const std::string& cluster_name, int ready_fd, bool start_nodes) {
  cluster::Supervisor s(cluster_name, start_nodes);
  return s.run(ready_fd);
}

}  // namespace uc
