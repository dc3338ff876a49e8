#include "net/switch_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <vector>

#include "net/switch_control.h"
#include "sys/files.h"
#include "wire/daemon_protocol.h"

namespace uc::net {
namespace {

uint64_t monotonic_us() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1000000 + static_cast<uint64_t>(t.tv_nsec) / 1000;
}

Status check_rules_socket(int fd) {
  int type = 0;
  socklen_t len = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
    return errno_error("control fd " + std::to_string(fd) + " is not a socket");
  if (type != SOCK_SEQPACKET)
    return err("control fd " + std::to_string(fd) + " is not a SOCK_SEQPACKET socket");
  set_nonblocking(fd);
  set_cloexec(fd);
  return {};
}

}  // namespace

Result<SwitchServer> SwitchServer::listen(const std::string& path, Fd rules) {
  SwitchServer s;
  if (rules) UC_TRY(check_rules_socket(rules.get()));
  s.rules_ = std::move(rules);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) return err("switch socket path too long: " + path);
  std::memcpy(a.sun_path, path.c_str(), path.size());
  ::unlink(path.c_str());
  s.listen_ = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!s.listen_) return errno_error("socket");
  if (::bind(s.listen_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    return errno_error("cannot bind " + path);
  ::chmod(path.c_str(), 0600);
  if (::listen(s.listen_.get(), 64) != 0) return errno_error("listen " + path);

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
  return s;
}

void SwitchServer::accept_port() {
  for (;;) {
    int fd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
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
    by_id_.erase(it->second.id);
    core_.remove_port(it->second.id);
  }
  ports_.erase(it);
}

void SwitchServer::read_port(int fd) {
  auto it = ports_.find(fd);
  if (it == ports_.end()) return;
  auto& p = it->second;
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
  by_id_[p.id] = fd;
  core_.add_port(p.id);
  (void)write_all(fd, data_address_.data(), data_address_.size());
}

bool SwitchServer::read_rules(short revents) {
  // One byte more than the limit, and MSG_TRUNC for the real length: an oversized
  // message is refused, never half applied.
  rules_buf_.resize(kMaxControlMessage + 1);
  ssize_t n = ::recv(rules_.get(), rules_buf_.data(), rules_buf_.size(), MSG_TRUNC | MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EINTR;
  // SOCK_SEQPACKET allows empty messages, so a 0 is end of file only with a hang-up.
  if (n == 0 && (revents & (POLLHUP | POLLERR))) return false;
  auto len = static_cast<size_t>(n);
  std::string reply = len > kMaxControlMessage
                          ? control_too_large(len)
                          : handle_control_message(core_, {rules_buf_.data(), len});
  ::send(rules_.get(), reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  return true;
}

void SwitchServer::send_frame(PortId out, std::string_view frame) {
  auto id = by_id_.find(out);
  if (id == by_id_.end() || !core_.connected(out)) return;  // gone (or unplugged) meanwhile
  sockaddr_un to{};
  to.sun_family = AF_UNIX;
  std::memcpy(to.sun_path, ports_[id->second].peer.data(), sizeof to.sun_path);
  ::sendto(data_.get(), frame.data(), frame.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&to),
           sizeof to);
}

void SwitchServer::forward_frames() {
  char buf[65536];
  for (int budget = 0; budget < 256; ++budget) {
    sockaddr_un from{};
    socklen_t len = sizeof from;
    ssize_t n =
        ::recvfrom(data_.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;
    auto it = by_peer_.find(address_key(from, len));
    if (it == by_peer_.end()) continue;  // not a registered port: ignore
    std::string_view frame(buf, static_cast<size_t>(n));
    uint64_t now = 0;
    for (const Delivery& d : core_.route(ports_[it->second].id, frame)) {
      if (d.delay_ms == 0) {
        send_frame(d.port, frame);
        continue;
      }
      if (!now) now = monotonic_us();
      delayed_.push(now + uint64_t{d.delay_ms} * 1000, d.port, frame);
    }
  }
}

void SwitchServer::deliver_due() {
  if (!delayed_.size()) return;
  for (const auto& f : delayed_.take_due(monotonic_us())) send_frame(f.port, f.frame);
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
    // poll(2) skips a negative fd, so a switch without a control socket needs no special case.
    std::vector<pollfd> fds{{sigfd.get(), POLLIN, 0},
                            {rules_.get(), POLLIN, 0},
                            {listen_.get(), POLLIN, 0},
                            {data_.get(), POLLIN, 0}};
    for (auto& [fd, p] : ports_) fds.push_back({fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), delayed_.poll_timeout_ms(monotonic_us())) < 0 &&
        errno != EINTR)
      return 1;
    if (fds[0].revents) return 0;
    // The supervisor owns the switch: when it is gone, so is the switch's purpose.
    if (fds[1].revents && !read_rules(fds[1].revents)) return 0;
    if (fds[2].revents) accept_port();
    if (fds[3].revents) forward_frames();
    for (size_t i = 4; i < fds.size(); ++i)
      if (fds[i].revents) read_port(fds[i].fd);
    deliver_due();
  }
}

}  // namespace uc::net
