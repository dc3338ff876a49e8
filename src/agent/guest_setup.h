// What the agent does as the guest's init (pid 1) before it serves the host:
// mount the pseudo filesystems, name the node, configure its network, and at the end
// shut the guest down cleanly. Runs only inside a UML guest.
#pragma once

#include <map>
#include <string>

namespace uc::agent {

// The umlcluster words of /proc/cmdline: uc.name=, uc.addr=, uc.hosts=.
std::map<std::string, std::string> read_boot_params(const std::string& cmdline);

void mount_basics();
// A built kernel's modules come on their own read-only disk (uc.modules=/dev/ubdX), mounted
// over the root image's /lib/modules. The device named, if it is a ubd device; else "".
std::string modules_device(const std::map<std::string, std::string>& params);
void mount_modules(const std::map<std::string, std::string>& params);
void apply_identity(const std::map<std::string, std::string>& params);
// Ends every process, unmounts, syncs and powers off: the UML process exits.
[[noreturn]] void shutdown_guest();

}  // namespace uc::agent
