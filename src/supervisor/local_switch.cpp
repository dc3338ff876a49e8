#include "supervisor/local_switch.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "node/node_launcher.h"
#include "sys/files.h"
#include "sys/sandbox.h"

namespace uc::cluster {

Result<LocalSwitch> LocalSwitch::start(const ClusterPaths& paths) {
  UC_TRY(node::prepare_owned_dir(paths.switch_dir()));
  UC_TRY(make_dirs(paths.mount_point("switch"), 0700));
  auto ready = make_pipe();
  if (!ready) return ready.error();
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
    return errno_error("socketpair");
  LocalSwitch sw;
  sw.control_ = Fd(pair[0]);
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
  auto child = spawn_sandboxed(s);
  if (!child) return child.error();
  sw.process_ = std::move(*child);
  ready->second.reset();
  char buf[512] = {};
  ssize_t n = ::read(ready->first.get(), buf, sizeof buf - 1);
  if (n <= 0 || std::string(buf).rfind("ready", 0) != 0)
    return err("the switch did not start: " + std::string(buf));
  return sw;
}

Status LocalSwitch::send_rules(const std::string& encoded) {
  if (!control_) return err("the switch is not running");
  if (::send(control_.get(), encoded.data(), encoded.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(encoded.size()))
    return errno_error("cannot send the network rules to the switch");
  // Our own switch answers at once (it reads its control socket before any packet); the
  // wait keeps "fault_started" true when it is logged. Bounded: a wedged switch costs the
  // loop at most this long, and the next push tries again.
  pollfd p{control_.get(), POLLIN, 0};
  char reply[512] = {};
  if (::poll(&p, 1, 2000) != 1 || ::recv(control_.get(), reply, sizeof reply - 1, 0) <= 0)
    return err("the switch did not answer the network rules");
  if (std::string(reply).rfind("ok", 0) != 0) return err("the switch: " + std::string(reply));
  return {};
}

void LocalSwitch::stop() {
  if (!process_.running()) return;
  process_.signal(SIGTERM);
  process_.wait();
}

}  // namespace uc::cluster
