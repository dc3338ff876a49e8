// umlclusterd's process: the lock, the cluster's own network namespace, the switch, the
// control socket and the poll loop, around a Supervisor (supervisor_core.h) that decides.
#include <fmt/format.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "supervisor/local_switch.h"
#include "supervisor/supervisor.h"
#include "supervisor/supervisor_core.h"

namespace uc::cluster {
namespace {

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

// Every waiting connection whose peer is the cluster's owner (root); others are closed.
void accept_owners(int listener, Supervisor& sup) {
  for (;;) {
    Fd fd(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd) return;
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
        cred.uid != ::geteuid())
      continue;
    sup.accept(std::move(fd));
  }
}

class Daemon {
 public:
  Daemon(std::string name, bool start_nodes)
      : name_(std::move(name)), paths_(name_), start_nodes_(start_nodes) {}

  Status start() {
    auto setup = load_setup(name_, start_nodes_);
    if (!setup) return setup.error();
    auto lock = FileLock::try_acquire(paths_.lock());
    if (!lock)
      return err("another supervisor runs cluster " + name_ + " (" + lock.error().message + ")");
    lock_.emplace(std::move(*lock));
    std::string pid = std::to_string(::getpid()) + "\n";
    (void)!::ftruncate(lock_->fd(), 0);
    (void)write_all(lock_->fd(), pid.data(), pid.size());
    // The cluster's own, empty network namespace: the switch's abstract sockets live here
    // and nothing in it can reach (or be reached from) the host's network.
    if (::unshare(CLONE_NEWNET) != 0) return errno_error("unshare(CLONE_NEWNET)");
    auto sw = LocalSwitch::start(paths_);
    if (!sw) return sw.error();
    switch_.emplace(std::move(*sw));
    auto l = listen_on(paths_.control_socket());
    if (!l) return l.error();
    listener_ = std::move(*l);
    host_ = std::make_unique<node::LocalNodeHost>(paths_, setup->image, clock_);
    sup_ = std::make_unique<Supervisor>(std::move(*setup), *host_, clock_, *switch_);
    return sup_->start();
  }

  int loop() {
    logf("supervisor of cluster " + name_ + " ready");
    for (;;) {
      sup_->flush();
      if (sup_->finished()) break;
      PollSet set;
      set.add(sigfd_.get(), POLLIN, [this](short) {
        signalfd_siginfo si;
        while (::read(sigfd_.get(), &si, sizeof si) == sizeof si) {
        }
        sup_->begin_down();
      });
      set.add(listener_.get(), POLLIN, [this](short) { accept_owners(listener_.get(), *sup_); });
      sup_->add_to(set);
      host_->add_to(set);
      if (switch_->running())
        set.add(switch_->pidfd(), POLLIN, [this](short) {
          int status = 0;
          if (switch_->try_wait(&status)) sup_->switch_exited(status);
        });
      int64_t wake = sup_->next_wake();
      int timeout = static_cast<int>(std::clamp<int64_t>(wake - clock_.mono_ms(), 0, 1000));
      if (auto s = set.wait(timeout); !s) {
        logf(s.error().message);
        return 1;
      }
      host_->tick();
      sup_->after_wait();
    }
    switch_->stop();
    sup_->finish();
    ::unlink(paths_.control_socket().c_str());
    return 0;
  }

  Fd sigfd_;

 private:
  std::string name_;
  ClusterPaths paths_;
  bool start_nodes_;
  SystemClock clock_;
  std::optional<FileLock> lock_;
  Fd listener_;
  std::optional<LocalSwitch> switch_;
  std::unique_ptr<node::LocalNodeHost> host_;
  std::unique_ptr<Supervisor> sup_;  // last: goes first, while the host and switch still exist
};

}  // namespace
}  // namespace uc::cluster

namespace uc {

int run_supervisor(const std::string& cluster_name, int ready_fd, bool start_nodes) {
  cluster::Daemon d(cluster_name, start_nodes);
  d.sigfd_ = signal_fd({SIGTERM, SIGINT, SIGHUP}, SFD_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);
  auto st = d.start();
  std::string line = st ? "ready\n" : "error: " + st.error().message + "\n";
  if (ready_fd >= 0) {
    (void)write_all(ready_fd, line.data(), line.size());
    ::close(ready_fd);
  }
  if (!st) {
    cluster::logf(st.error().message);
    return 1;
  }
  return d.loop();
}

}  // namespace uc
