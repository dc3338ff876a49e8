// umlcluster-switch: the cluster's private Ethernet switch (UML `daemon` transport).
// Usage: umlcluster-switch SOCKET_PATH [READY_FD [CONTROL_FD]]
// Writes "ready\n" (or an error line) to READY_FD (-1: none) once it accepts connections.
// CONTROL_FD, a SOCK_SEQPACKET socket, takes NetRules from the supervisor (switch_control.h).
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "net/switch_server.h"

namespace {

constexpr const char* kUsage = "usage: umlcluster-switch SOCKET_PATH [READY_FD [CONTROL_FD]]\n";

// An fd number, or -1 for none; empty on anything else.
std::optional<int> fd_arg(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < -1) return std::nullopt;
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4 || std::string(argv[1]) == "--help") {
    std::fputs(kUsage, stderr);
    return argc < 2 || argc > 4 ? 2 : 0;
  }
  auto ready = argc > 2 ? fd_arg(argv[2]) : -1;
  auto control = argc > 3 ? fd_arg(argv[3]) : -1;
  if (!ready || !control) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto s = uc::net::SwitchServer::listen(argv[1], uc::Fd(*control));
  std::string line = s ? "ready\n" : "error: " + s.error().message + "\n";
  if (*ready >= 0) {
    (void)!::write(*ready, line.data(), line.size());
    ::close(*ready);
  } else if (!s) {
    std::fputs(line.c_str(), stderr);
  }
  if (!s) return 1;
  return s->run();
}
