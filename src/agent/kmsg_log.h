// The agent's log: the guest's kernel log, so that a line shows in `umlcluster logs` (the
// node's console) next to the kernel's own. Inline, so that a file compiled alone into the
// host's unit tests (guest_setup.cpp) needs no agent library; only guest code paths call it.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <string>

namespace uc::agent {

inline void log_kmsg(const std::string& msg) {
  int fd = ::open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  std::string line = "umlcluster-agent: " + msg + "\n";
  (void)!::write(fd, line.data(), line.size());
  ::close(fd);
}

}  // namespace uc::agent
