// What the agent does as the guest's init (pid 1) before it serves the host:
// mount the pseudo filesystems, name the node, configure its network, and at the end
// shut the guest down cleanly. Runs only inside a UML guest.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sys/result.h"

namespace uc::agent {

// The umlcluster words of /proc/cmdline: uc.name=, uc.addr=, uc.hosts=.
std::map<std::string, std::string> read_boot_params(const std::string& cmdline);

// The links udev (and systemd's dev_setup()) make in /dev for a process's own descriptors:
// fd -> /proc/self/fd, stdin, stdout, stderr -> /proc/self/fd/0, 1, 2. bash's process
// substitution, <(...), hands the command /dev/fd/63; a devtmpfs /dev has no such link.
struct DevLink {
  std::string name;
  std::string target;
};
std::vector<DevLink> std_dev_links();
// Makes them in `dev_dir`; an entry that exists already is left as it is, so a second run
// changes nothing.
Status make_dev_links(const std::string& dev_dir);

// proc, sys, dev (with the links above), dev/pts, dev/shm, run, debugfs.
void mount_basics();
// A built kernel's modules come on their own read-only disk (uc.modules=/dev/ubdX), mounted
// over the root image's /lib/modules. The device named, if it is a ubd device; else "".
std::string modules_device(const std::map<std::string, std::string>& params);
void mount_modules(const std::map<std::string, std::string>& params);
void apply_identity(const std::map<std::string, std::string>& params);
// Ends every process, unmounts, syncs and powers off: the UML process exits.
[[noreturn]] void shutdown_guest();

}  // namespace uc::agent
