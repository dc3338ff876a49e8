// umlcluster-switch: the cluster's private Ethernet switch (UML `daemon` transport).
// Usage: umlcluster-switch SOCKET_PATH [READY_FD]
// Writes "ready\n" (or an error line) to READY_FD once it accepts connections.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "net/switch_server.h"

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help") {
    std::fprintf(stderr, "usage: umlcluster-switch SOCKET_PATH [READY_FD]\n");
    return argc < 2 ? 2 : 0;
  }
  int ready = argc > 2 ? std::atoi(argv[2]) : -1;
  auto s = uc::net::SwitchServer::listen(argv[1]);
  std::string line = s ? "ready\n" : "error: " + s.error().message + "\n";
  if (ready >= 0) {
    (void)!::write(ready, line.data(), line.size());
    ::close(ready);
  } else if (!s) {
    std::fputs(line.c_str(), stderr);
  }
  if (!s) return 1;
  return s->run();
}
