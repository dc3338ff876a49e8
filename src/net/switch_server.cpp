#include "net/switch_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <vector>

#include "net/daemon_protocol.h"
#include "sys/files.h"

namespace uc::net {

Result<SwitchServer> SwitchServer::listen(const std::string& path) {
  SwitchServer s;
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) return err("switch socket path too long: " + path);
  std::memcpy(a.sun_path, path.c_str(), path.size());
  ::unlink(path.c_str());
  s.control_ = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!s.control_) return errno_error("socket");
  if (::bind(s.control_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    return errno_error("cannot bind " + path);
  ::chmod(path.c_str(), 0600);
  if (::listen(s.control_.get(), 64) != 0) return errno_error("listen " + path);

  // The data socket: an abstract name. UML sends to the whole sockaddr_un we return,
  // so bind with the whole struct too (abstract names compare all their bytes).
  s.data_ = Fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!s.data_) return errno_error("socket");
  sockaddr_un d{};
  d.sun_family = AF_UNIX;
  std::string name = "umlcluster-switch-" + std::to_string(::getpid());
  std::memcpy(d.sun_path + 1, name.data(), name.size());
  if (::bind(s.data_.get(), reinterpret_cast<sockaddr*>(&d), sizeof d) != 0)
    return errno_error("cannot bind the switch's data socket");
  int buf = 1 << 20;
  ::setsockopt(s.data_.get(), SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  s.data_address_ = encode_reply(d);
  s.data_key_ = address_key(d, sizeof d);
  return s;
}

void SwitchServer::accept_port() {
  for (;;) {
    int fd = ::accept4(control_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    if (ports_.size() >= kMaxPorts) {
      ::close(fd);
      continue;
    }
    ports_[fd].control = Fd(fd);
  }
}

void SwitchServer::drop_port(int fd) {
  auto it = ports_.find(fd);
  if (it == ports_.end()) return;
  if (!it->second.peer.empty()) {
    by_peer_.erase(it->second.peer);
    core_.remove_port(it->second.id);
  }
  ports_.erase(it);
}

void SwitchServer::read_control(int fd) {
  auto& p = ports_[fd];
  char buf[512];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return drop_port(fd);
  if (n < 0) return;
  if (!p.peer.empty()) return;  // nothing more is expected on a registered port
  p.request.append(buf, static_cast<size_t>(n));
  if (p.request.size() < kRequestSize) return;
  auto req = decode_request(p.request);
  if (!req || by_peer_.count(req->address)) return drop_port(fd);
  p.peer = req->address;
  p.id = next_id_++;
  by_peer_[p.peer] = fd;
  core_.add_port(p.id);
  (void)write_all(fd, data_address_.data(), data_address_.size());
}

void SwitchServer::forward_frame() {
  char frame[65536];
  for (int budget = 0; budget < 256; ++budget) {
    sockaddr_un from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(data_.get(), frame, sizeof frame, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;
    auto it = by_peer_.find(address_key(from, len));
    if (it == by_peer_.end()) continue;  // not a registered port: ignore
    PortId in = ports_[it->second].id;
    for (PortId out : core_.route(in, std::string_view(frame, static_cast<size_t>(n)))) {
      for (auto& [fd, port] : ports_) {
        if (port.id != out || port.peer.empty()) continue;
        sockaddr_un to{};
        to.sun_family = AF_UNIX;
        std::memcpy(to.sun_path, port.peer.data(), sizeof to.sun_path);
        ::sendto(data_.get(), frame, static_cast<size_t>(n), MSG_DONTWAIT,
                 reinterpret_cast<sockaddr*>(&to), sizeof to);
      }
    }
  }
}

int SwitchServer::run() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  Fd sigfd(::signalfd(-1, &set, SFD_CLOEXEC));
  signal(SIGPIPE, SIG_IGN);
  for (;;) {
    std::vector<pollfd> fds{{sigfd.get(), POLLIN, 0},
                            {control_.get(), POLLIN, 0},
                            {data_.get(), POLLIN, 0}};
    for (auto& [fd, p] : ports_) fds.push_back({fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (fds[0].revents) return 0;
    if (fds[1].revents) accept_port();
    if (fds[2].revents) forward_frame();
    for (size_t i = 3; i < fds.size(); ++i)
      if (fds[i].revents) read_control(fds[i].fd);
  }
}

}  // namespace uc::net
