#include "metrics/http_connection.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "metrics/http_exchange.h"

namespace uc::metrics {
namespace {

// What a client may still send after its answer before it is cut off.
constexpr size_t kMaxDrain = 64 * 1024;

}  // namespace

short HttpConnection::events() const {
  switch (phase_) {
    case Phase::reading:
    case Phase::draining:
      return POLLIN;
    case Phase::writing:
      return POLLOUT;
    case Phase::done:
      return 0;
  }
  return 0;
}

void HttpConnection::on_ready(const std::function<std::string()>& render) {
  if (phase_ == Phase::reading) read_request(render);
  if (phase_ == Phase::writing) write_answer();
  if (phase_ == Phase::draining) drain();
}

void HttpConnection::read_request(const std::function<std::string()>& render) {
  char buf[4096];
  for (;;) {
    // Never hold more than one byte past the limit: enough to know it was passed.
    size_t room = std::min(sizeof buf, max_request_ + 1 - in_.size());
    ssize_t n = ::recv(fd_.get(), buf, room, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) return close();  // an error, or the client left before asking anything
    in_.append(buf, static_cast<size_t>(n));
    size_t end = request_head_end(in_);
    HttpResponse r;
    if (end != std::string::npos && end <= max_request_)
      r = answer(std::string_view(in_).substr(0, end), render);
    else if (in_.size() > max_request_)
      r = too_large();
    else
      continue;
    out_ = encode(r);
    in_.clear();
    deadline_ = Clock::now() + timeout_;
    phase_ = Phase::writing;
    return;
  }
}

void HttpConnection::write_answer() {
  while (sent_ < out_.size()) {
    ssize_t n = ::send(fd_.get(), out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0) return close();
    sent_ += static_cast<size_t>(n);
  }
  ::shutdown(fd_.get(), SHUT_WR);
  phase_ = Phase::draining;
}

void HttpConnection::drain() {
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) return close();
    drained_ += static_cast<size_t>(n);
    if (drained_ > kMaxDrain) return close();
  }
}

void HttpConnection::close() {
  fd_.reset();
  phase_ = Phase::done;
}

}  // namespace uc::metrics
