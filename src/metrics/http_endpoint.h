// The loopback HTTP endpoint that Prometheus scrapes: a listening socket (TCP on loopback, or
// a unix socket of mode 0600 removed again on destruction) and a single-threaded poll loop
// that answers every client without letting one client hold up another: non-blocking
// sockets, a size limit on requests and a deadline on each connection.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "metrics/listen_spec.h"
#include "sys/fd.h"
#include "sys/result.h"

namespace uc::metrics {

struct ServeOptions {
  size_t max_request = 8192;                // a longer request head gets 431 and is cut off
  std::chrono::milliseconds timeout{5000};  // to read a request; again to send the answer
  size_t max_clients = 64;                  // more wait in the listen backlog
};

class HttpEndpoint {
 public:
  // Binds and listens. A unix socket path that exists is replaced only if it is a socket that
  // nothing answers on (left by a process that died); anything else there is an error.
  static Result<HttpEndpoint> listen(const ListenSpec& spec);
  HttpEndpoint(HttpEndpoint&& o) noexcept;
  HttpEndpoint& operator=(HttpEndpoint&&) = delete;
  HttpEndpoint(const HttpEndpoint&) = delete;
  ~HttpEndpoint();

  // Where it listens, with the port the kernel chose if the spec asked for port 0.
  const ListenSpec& bound() const { return bound_; }

  // Answers requests with `render`'s text until `stop_fd` (e.g. a signalfd) becomes
  // readable; it is left unread. Open connections are dropped then.
  Status serve(const std::function<std::string()>& render, int stop_fd,
               const ServeOptions& options = {});

 private:
  HttpEndpoint(Fd listener, ListenSpec bound)
      : listener_(std::move(listener)), bound_(std::move(bound)) {}
  Fd listener_;
  ListenSpec bound_;
  // The unix socket this object created and removes: its path and identity, so that a file
  // someone else put there since is left alone.
  std::string owned_path_;
  dev_t owned_dev_ = 0;
  ino_t owned_ino_ = 0;
};

}  // namespace uc::metrics
