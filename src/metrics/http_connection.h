// One client of the metrics endpoint, as a small state machine over a non-blocking socket:
// read the request head (up to a limit), answer it, then read and discard what the client
// still sends until it closes, so that closing does not reset the connection before the
// client has read the answer. The poll loop owns the connections and their deadlines.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "sys/fd.h"

namespace uc::metrics {

class HttpConnection {
 public:
  using Clock = std::chrono::steady_clock;
  // `timeout`: to read the request, and again to send the answer once it is ready (so that
  // a slow render does not eat the time to send it).
  HttpConnection(Fd fd, std::chrono::milliseconds timeout, size_t max_request)
      : fd_(std::move(fd)),
        timeout_(timeout),
        deadline_(Clock::now() + timeout),
        max_request_(max_request) {}

  int fd() const { return fd_.get(); }
  Clock::time_point deadline() const { return deadline_; }
  short events() const;  // what to poll for
  bool done() const { return phase_ == Phase::done; }
  // Makes what progress the socket allows without blocking.
  void on_ready(const std::function<std::string()>& render);

 private:
  enum class Phase { reading, writing, draining, done };
  void read_request(const std::function<std::string()>& render);
  void write_answer();
  void drain();
  void close();

  Fd fd_;
  std::chrono::milliseconds timeout_;
  Clock::time_point deadline_;
  size_t max_request_;
  Phase phase_ = Phase::reading;
  std::string in_, out_;
  size_t sent_ = 0, drained_ = 0;
};

}  // namespace uc::metrics
