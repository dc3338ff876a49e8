#include "metrics/http_endpoint.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "metrics/http_connection.h"

namespace uc::metrics {
namespace {

using Clock = HttpConnection::Clock;
constexpr int kBacklog = 64;

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.data(), path.size());  // parse_listen_spec checked the length
  return a;
}

// Whether a process listens on the unix socket at `path`.
Result<bool> unix_socket_answers(const std::string& path) {
  Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!probe) return errno_error("cannot create a unix socket");
  sockaddr_un a = unix_address(path);
  if (::connect(probe.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return true;
  if (errno == EAGAIN) return true;  // a listener with a full backlog
  if (errno == ECONNREFUSED || errno == ENOENT) return false;
  return errno_error("cannot tell whether anything listens on " + path);
}

// Clears the way for binding `path`: only a stale socket is removed.
Status clear_stale_socket(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return errno_error("cannot inspect " + path);
  }
  if (!S_ISSOCK(st.st_mode))
    return err(
        fmt::format("{} exists and is not a socket; not replacing it (remove it or choose "
                    "another path)",
                    path));
  auto answers = unix_socket_answers(path);
  if (!answers) return answers.error();
  if (*answers)
    return err(
        fmt::format("something already listens on {} (another `umlcluster metrics`?)", path));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return errno_error("cannot remove the stale socket " + path);
  return {};
}

Result<Fd> listen_unix(const std::string& path, struct stat* made) {
  UC_TRY(clear_stale_socket(path));
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return errno_error("cannot create a unix socket");
  sockaddr_un a = unix_address(path);
  // The socket file gets its mode at bind from the umask: 0600 from the start, no window in
  // which another user could connect. (This process has no other threads at this point.)
  mode_t old = ::umask(0177);
  int rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
  int bind_errno = errno;
  ::umask(old);
  if (rc != 0) return errno_error("cannot bind " + path, bind_errno);
  if (::lstat(path.c_str(), made) != 0) return errno_error("cannot inspect " + path);
  if (::listen(fd.get(), kBacklog) != 0) {
    ::unlink(path.c_str());
    return errno_error("cannot listen on " + path);
  }
  return fd;
}

Result<Fd> listen_tcp(ListenSpec& spec) {
  bool v6 = spec.kind == ListenSpec::Kind::tcp6;
  std::string where = spec.to_string();
  Fd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return errno_error("cannot create a socket for " + where);
  int one = 1;
  // A restarted endpoint binds its port again while the last one's connections linger.
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss{};
  socklen_t len;
  if (v6) {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(spec.port);
    ::inet_pton(AF_INET6, spec.host.c_str(), &a->sin6_addr);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(spec.port);
    ::inet_pton(AF_INET, spec.host.c_str(), &a->sin_addr);
    len = sizeof *a;
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
    return errno_error("cannot listen on " + where);
  if (::listen(fd.get(), kBacklog) != 0) return errno_error("cannot listen on " + where);
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0)
    return errno_error("cannot read the address of " + where);
  spec.port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                       : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return fd;
}

int poll_timeout_ms(const std::vector<HttpConnection>& clients, Clock::time_point resume_accept,
                    Clock::time_point now) {
  auto next = Clock::time_point::max();
  for (const auto& c : clients) next = std::min(next, c.deadline());
  if (resume_accept > now) next = std::min(next, resume_accept);
  if (next == Clock::time_point::max()) return -1;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 60'000));
}

}  // namespace

Result<HttpEndpoint> HttpEndpoint::listen(const ListenSpec& spec) {
  ListenSpec bound = spec;
  if (spec.kind != ListenSpec::Kind::unix_socket) {
    auto fd = listen_tcp(bound);
    if (!fd) return fd.error();
    return HttpEndpoint(std::move(*fd), bound);
  }
  struct stat made {};
  auto fd = listen_unix(spec.path, &made);
  if (!fd) return fd.error();
  HttpEndpoint e(std::move(*fd), bound);
  e.owned_path_ = spec.path;
  e.owned_dev_ = made.st_dev;
  e.owned_ino_ = made.st_ino;
  return e;
}

HttpEndpoint::HttpEndpoint(HttpEndpoint&& o) noexcept
    : listener_(std::move(o.listener_)),
      bound_(std::move(o.bound_)),
      owned_path_(std::exchange(o.owned_path_, {})),
      owned_dev_(o.owned_dev_),
      owned_ino_(o.owned_ino_) {}

HttpEndpoint::~HttpEndpoint() {
  if (owned_path_.empty()) return;
  struct stat st {};
  if (::lstat(owned_path_.c_str(), &st) == 0 && st.st_dev == owned_dev_ && st.st_ino == owned_ino_)
    ::unlink(owned_path_.c_str());
}

Status HttpEndpoint::serve(const std::function<std::string()>& render, int stop_fd,
                           const ServeOptions& options) {
  std::vector<HttpConnection> clients;
  auto resume_accept = Clock::time_point::min();
  std::vector<pollfd> fds;
  for (;;) {
    auto now = Clock::now();
    bool accepting = clients.size() < options.max_clients && now >= resume_accept;
    fds.clear();
    fds.push_back({stop_fd, POLLIN, 0});
    fds.push_back({accepting ? listener_.get() : -1, POLLIN, 0});
    for (const auto& c : clients) fds.push_back({c.fd(), c.events(), 0});
    int n = ::poll(fds.data(), fds.size(), poll_timeout_ms(clients, resume_accept, now));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error("poll on the metrics endpoint");
    if (fds[0].revents) return {};

    now = Clock::now();
    for (size_t i = 0; i < clients.size(); ++i)
      if (fds[i + 2].revents) clients[i].on_ready(render);
    // A client that has not finished by its deadline is cut off, whatever it was doing.
    std::erase_if(clients,
                  [&](const HttpConnection& c) { return c.done() || c.deadline() <= now; });

    while (fds[1].revents && clients.size() < options.max_clients) {
      int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd >= 0) {
        clients.emplace_back(Fd(fd), options.timeout, options.max_request);
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of fds or memory: let the backlog wait rather than spin on a readable listener.
        resume_accept = Clock::now() + std::chrono::milliseconds(100);
        break;
      }
      if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO || errno == EPERM) continue;
      return errno_error("accept on " + bound_.to_string());
    }
  }
}

}  // namespace uc::metrics
