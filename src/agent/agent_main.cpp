// umlcluster-agent: the guest's init and the host's hand inside the node.
// As pid 1 it sets the node up, then serves the host over /dev/tty1 (UML's con1).
// Run by hand with a device argument it serves that device without init duties.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "agent/agent_server.h"
#include "agent/guest_setup.h"
#include "sys/files.h"

int main(int argc, char** argv) {
  bool is_init = ::getpid() == 1;
  std::string device = argc > 1 ? argv[1] : "/dev/tty1";
  if (is_init) {
    uc::agent::mount_basics();
    auto cmdline = uc::read_file("/proc/cmdline");
    auto params = uc::agent::read_boot_params(cmdline ? *cmdline : "");
    uc::agent::mount_modules(params);
    uc::agent::apply_identity(params);
  }
  int fd = ::open(device.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    std::perror(device.c_str());
    if (is_init) uc::agent::shutdown_guest();
    return 1;
  }
  // Raw mode: the line discipline must neither echo nor translate a single byte.
  termios t{};
  if (::tcgetattr(fd, &t) == 0) {
    ::cfmakeraw(&t);
    ::tcsetattr(fd, TCSANOW, &t);
  }
  uc::agent::AgentServer server(fd, is_init);
  int rc = server.run();
  if (is_init) uc::agent::shutdown_guest();
  return rc;
}
