#include "client/control_client.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <cstring>

#include "sys/files.h"

namespace uc {

Result<ControlClient> ControlClient::connect(const std::string& path) {
  ControlClient c;
  c.fd_ = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!c.fd_) return errno_error("socket");
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) return err("control socket path too long: " + path);
  std::memcpy(a.sun_path, path.data(), path.size());
  if (::connect(c.fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    return errno_error("cannot reach the cluster supervisor at " + path);
  return c;
}

Status ControlClient::send(FrameType t, uint32_t session, std::string_view payload) {
  std::string f = encode_frame(t, session, payload);
  return write_all(fd_.get(), f.data(), f.size());
}

Result<std::optional<Frame>> ControlClient::read_frame(int timeout_ms, bool* timed_out) {
  if (timed_out) *timed_out = false;
  for (;;) {
    if (auto f = decoder_.next()) return std::optional<Frame>(std::move(*f));
    pollfd p{fd_.get(), POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0 && timed_out) {
      *timed_out = true;
      return std::optional<Frame>();
    }
    if (r == 0) return err("the cluster supervisor did not answer in time");
    char buf[65536];
    ssize_t n = ::read(fd_.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::optional<Frame>();
    decoder_.feed(std::string_view(buf, static_cast<size_t>(n)));
  }
}

Result<control::Reply> ControlClient::request(
    const control::Request& req, const std::function<void(const control::Progress&)>& on_event,
    int timeout_ms) {
  UC_TRY(send(FrameType::kRequest, 0, control::encode(req)));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    bool timed_out = false;
    auto f = read_frame(static_cast<int>(std::max<int64_t>(left, 0)), &timed_out);
    if (!f) return f.error();
    if (timed_out)
      return err(fmt::format("the cluster supervisor did not answer \"{}\" within {} s",
                             control::op_name(req.op), timeout_ms / 1000));
    if (!*f) return err("the cluster supervisor closed the connection");
    if ((*f)->type == FrameType::kEvent) {
      if (auto e = control::decode_progress((*f)->payload); e && on_event) on_event(*e);
    } else if ((*f)->type == FrameType::kReply) {
      auto r = control::decode_reply((*f)->payload);
      if (!r) return err("the cluster supervisor's reply is malformed: " + r.error().message);
      if (!r->ok) return err(r->error.empty() ? "the cluster supervisor refused" : r->error);
      return std::move(*r);
    }
  }
}

}  // namespace uc
