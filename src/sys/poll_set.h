// PollSet: one round of poll(2) over fds that several owners registered, each with its own
// handler. Built afresh every loop iteration, so a handler may close or add fds freely;
// a handler must look its object up again (by key, not by a pointer kept from add()),
// since an earlier handler of the same round may have removed it.
#pragma once

#include <poll.h>

#include <functional>
#include <vector>

#include "sys/result.h"

namespace uc {

class PollSet {
 public:
  using Handler = std::function<void(short revents)>;
  void add(int fd, short events, Handler h) {
    if (fd < 0) return;
    fds_.push_back({fd, events, 0});
    handlers_.push_back(std::move(h));
  }
  // Polls (timeout_ms -1: no timeout) and runs the handler of every ready fd.
  Status wait(int timeout_ms) {
    int n = ::poll(fds_.data(), fds_.size(), timeout_ms);
    if (n < 0 && errno != EINTR) return errno_error("poll");
    for (size_t i = 0; n > 0 && i < fds_.size(); ++i)
      if (fds_[i].revents) handlers_[i](fds_[i].revents);
    return {};
  }
  size_t size() const { return fds_.size(); }

 private:
  std::vector<pollfd> fds_;
  std::vector<Handler> handlers_;
};

}  // namespace uc
