// Where `umlcluster metrics` listens, from the user's --listen text. Only loopback is
// accepted: nothing of umlcluster listens on the host's network, so a TCP address must be
// 127.0.0.0/8, ::1 or the name localhost (taken as 127.0.0.1, never resolved); anything
// else, 0.0.0.0 and :: included, is refused with what to write instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sys/result.h"

namespace uc::metrics {

struct ListenSpec {
  enum class Kind { tcp4, tcp6, unix_socket };
  Kind kind = Kind::tcp4;
  std::string host;   // tcp: the numeric address, e.g. "127.0.0.1" or "::1"
  uint16_t port = 0;  // tcp: 0 lets the kernel choose
  std::string path;   // unix_socket

  // Back in the --listen syntax: "127.0.0.1:9105", "[::1]:9105", "unix:/run/x.sock".
  std::string to_string() const;
};

// "127.0.0.1:9105", "[::1]:9105", "localhost:9105" or "unix:/path/to.sock".
Result<ListenSpec> parse_listen_spec(std::string_view text);

}  // namespace uc::metrics
