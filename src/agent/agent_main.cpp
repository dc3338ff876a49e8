// umlcluster-agent: the guest's init and the host's hand inside the node.
// As pid 1 it sets the node up, then serves the host over /dev/tty1 (UML's con1).
// Run by hand with a device argument it serves that device without init duties.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include "agent/agent_server.h"
#include "agent/guest_setup.h"
#include "agent/kmsg_log.h"
#include "agent/owner_choice.h"
#include "agent/session_cgroups.h"
#include "sys/files.h"

namespace {

// How this agent's sessions own their processes (owner_choice.h), logged with the reason:
// a kernel without cgroup2 (a `paper` build) falls back to the process tree.
std::optional<uc::agent::SessionCgroups> session_cgroups(
    bool is_init, const std::map<std::string, std::string>& params) {
  using uc::agent::OwnerKind;
  auto it = params.find("sessions");
  auto fs = uc::read_file("/proc/filesystems");
  auto choice =
      uc::agent::choose_owner(is_init, it == params.end() ? "" : it->second, fs ? *fs : "");
  if (choice.kind == OwnerKind::kCgroup) {
    auto cg = uc::agent::SessionCgroups::set_up();
    if (cg) {
      uc::agent::log_kmsg("sessions: one cgroup each under " + cg->folder() + " (" + choice.why +
                          ")");
      return std::move(*cg);
    }
    choice.why = cg.error().message;
  }
  if (is_init) uc::agent::log_kmsg("sessions: owned by their process tree (" + choice.why + ")");
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  bool is_init = ::getpid() == 1;
  std::string device = argc > 1 ? argv[1] : "/dev/tty1";
  std::map<std::string, std::string> params;
  if (is_init) {
    uc::agent::mount_basics();
    auto cmdline = uc::read_file("/proc/cmdline");
    params = uc::agent::read_boot_params(cmdline ? *cmdline : "");
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
  uc::agent::AgentServer server(fd, is_init, session_cgroups(is_init, params));
  int rc = server.run();
  if (is_init) uc::agent::shutdown_guest();
  return rc;
}
