#include "kernel/kernel_config.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace uc::kernel {

std::string paper_fragment() {
  return R"(# umlcluster's "paper" kernel: the options the paper picks in menuconfig, plus what a
# node and OCFS2 need; everything else is off (make allnoconfig with this fragment).
#
# Host processor type and features: a 64-bit UML (the guest agent is an x86-64 program),
# the UML kernel's own 100 Hz tick.
CONFIG_64BIT=y
CONFIG_HZ_100=y
# General setup: System V IPC and POSIX queues for workloads, symbols in oopses.
CONFIG_SYSVIPC=y
CONFIG_POSIX_MQUEUE=y
CONFIG_KALLSYMS=y
# Loadable modules: OCFS2 loads as modules, as the paper's `o2cb load` did.
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
# Executable formats.
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y
# UML-specific options: the management console (freeze, thaw, memory, sysrq), and the
# console and serial line channels the nodes' consoles and agent link use.
CONFIG_MCONSOLE=y
CONFIG_MAGIC_SYSRQ=y
CONFIG_STDERR_CONSOLE=y
CONFIG_SSL=y
CONFIG_NULL_CHAN=y
CONFIG_PORT_CHAN=y
CONFIG_PTY_CHAN=y
CONFIG_TTY_CHAN=y
CONFIG_TTY=y
CONFIG_UNIX98_PTYS=y
# Block layer and block devices: UML's ubd (the root image's COW and the shared disks).
CONFIG_BLOCK=y
CONFIG_BLK_DEV=y
CONFIG_BLK_DEV_UBD=y
# Networking: TCP/IP for O2CB's o2net, unix sockets, packet sockets.
CONFIG_NET=y
CONFIG_INET=y
CONFIG_UNIX=y
CONFIG_PACKET=y
# UML network devices and network device support: the daemon transport to our switch.
CONFIG_NETDEVICES=y
CONFIG_UML_NET=y
CONFIG_UML_NET_DAEMON=y
# Pseudo filesystems: /proc, /sys, tmpfs, devtmpfs, inotify; configfs for O2CB.
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_TMPFS=y
CONFIG_DEVTMPFS=y
CONFIG_DEVTMPFS_MOUNT=y
CONFIG_INOTIFY_USER=y
CONFIG_CONFIGFS_FS=m
# Filesystems: ext4 for the root image, OCFS2 with its own cluster stack (O2CB: the node
# manager, heartbeat, o2net and the o2dlm lock manager, and dlmfs).
CONFIG_EXT4_FS=y
CONFIG_OCFS2_FS=m
CONFIG_OCFS2_FS_O2CB=m
)";
}

std::string lab_extras() {
  return R"(# umlcluster's "lab" kernel: the paper's options and what measuring and the coming
# work need. debugfs: o2dlm's and OCFS2's state (the mount's master requests are counted
# there).
CONFIG_DEBUG_FS=y
# NBD: a disk served across hosts, attached by each node's own kernel.
CONFIG_BLK_DEV_NBD=y
# The kernel DLM and OCFS2's user stack: OCFS2 under Pacemaker (dlm_controld, corosync).
CONFIG_DLM=m
CONFIG_OCFS2_FS_USERSPACE_CLUSTER=m
)";
}

std::string lab_fragment() { return paper_fragment() + lab_extras(); }

std::vector<ConfigSet> fragment_sets(const std::string& fragment) {
  std::vector<ConfigSet> out;
  for (const auto& [option, value] : parse_dotconfig(fragment)) out.push_back({option, value});
  return out;
}

std::string ConfigSet::line() const {
  if (value == "n") return "# CONFIG_" + option + " is not set";
  return "CONFIG_" + option + "=" + value;
}

Result<ConfigSet> parse_set(const std::string& arg) {
  auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    return Error{"--set " + arg + ": expected OPTION=VALUE, such as CONFIG_OCFS2_DEBUG_FS=y"};
  ConfigSet s;
  s.option = arg.substr(0, eq);
  if (s.option.rfind("CONFIG_", 0) == 0) s.option = s.option.substr(7);
  s.value = arg.substr(eq + 1);
  bool name_ok = !s.option.empty() && std::all_of(s.option.begin(), s.option.end(), [](char c) {
    return std::isupper(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
  if (!name_ok)
    return Error{"--set " + arg + ": " + s.option +
                 " is not a Kconfig option name (capital letters, digits and _)"};
  const std::string& v = s.value;
  auto all = [&](size_t from, auto pred) {
    return v.size() > from && std::all_of(v.begin() + static_cast<long>(from), v.end(), pred);
  };
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  bool quoted = v.size() >= 2 && v.front() == '"' && v.back() == '"' &&
                v.find('"', 1) == v.size() - 1 && v.find('\n') == std::string::npos;
  bool ok = v == "y" || v == "m" || v == "n" || all(0, digit) || (v[0] == '-' && all(1, digit)) ||
            (v.rfind("0x", 0) == 0 && all(2, hex)) || quoted;
  if (!ok)
    return Error{"--set " + arg +
                 ": the value must be y, m, n, a number, 0x-hex or a \"quoted string\""};
  return s;
}

DotConfig parse_dotconfig(const std::string& text) {
  DotConfig out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("CONFIG_", 0) == 0) {
      auto eq = line.find('=');
      if (eq != std::string::npos) out[line.substr(7, eq - 7)] = line.substr(eq + 1);
    } else if (line.rfind("# CONFIG_", 0) == 0) {
      auto end = line.find(" is not set");
      if (end != std::string::npos) out[line.substr(9, end - 9)] = "n";
    }
  }
  return out;
}

const std::vector<Requirement>& node_requirements() {
  static const std::vector<Requirement> r = {
      {"64BIT", "y", "a 64-bit UML (the guest agent is an x86-64 program)"},
      {"BINFMT_ELF", "y", "running programs"},
      {"BINFMT_SCRIPT", "y", "running scripts (o2cb, the bring-up jobs)"},
      {"BLK_DEV_UBD", "y", "UML's block device: the root image and the shared disks"},
      {"EXT4_FS", "y", "the root image is ext4 and is mounted before any module loads"},
      {"PROC_FS", "y", "/proc"},
      {"SYSFS", "y", "/sys (OCFS2 needs it)"},
      {"DEVTMPFS", "y", "/dev"},
      {"TMPFS", "y", "/run and /dev/shm"},
      {"UNIX98_PTYS", "y", "`umlcluster console` and `exec -t`"},
      {"FILE_LOCKING", "y", "flock, which the checkers use across nodes"},
      {"MCONSOLE", "y", "the management console: freeze, thaw, memory trim, halt"},
      {"NET", "y", "networking"},
      {"INET", "y", "TCP/IP for O2CB's o2net"},
      {"UNIX", "y", "unix sockets"},
      {"UML_NET", "y", "UML network devices"},
      {"UML_NET_DAEMON", "y", "the daemon transport to the cluster's switch"},
      {"CONFIGFS_FS", "ym", "configfs, where O2CB keeps the cluster's nodes"},
      {"OCFS2_FS", "ym", "OCFS2 itself"},
      {"OCFS2_FS_O2CB", "ym", "OCFS2's own cluster stack (O2CB: heartbeat, o2net, o2dlm)"},
  };
  return r;
}

std::vector<std::string> unmet_requirements(const DotConfig& c) {
  std::vector<std::string> out;
  bool modular = false;
  for (const auto& r : node_requirements()) {
    auto it = c.find(r.option);
    std::string v = it == c.end() ? "n" : it->second;
    if (v == "m") modular = true;
    if (std::string(r.allowed).find(v) == std::string::npos || v.size() != 1)
      out.push_back("CONFIG_" + std::string(r.option) + (v == "n" ? " is not set" : " is " + v) +
                    " (needs " + (std::string(r.allowed) == "y" ? "y" : "y or m") + "): " + r.why);
  }
  auto m = c.find("MODULES");
  if (modular && (m == c.end() || m->second != "y"))
    out.push_back("CONFIG_MODULES is not set (needs y): OCFS2 or configfs is a module");
  return out;
}

std::vector<std::string> sets_not_taken(const std::vector<ConfigSet>& sets, const DotConfig& c) {
  std::vector<std::string> out;
  for (const auto& s : sets) {
    auto it = c.find(s.option);
    std::string now = it == c.end() ? "n" : it->second;
    if (now != s.value)
      out.push_back("CONFIG_" + s.option + "=" + s.value + " did not take: Kconfig made it " +
                    (it == c.end()
                         ? std::string("absent (no such option, or its dependencies are off)")
                         : now + " (an unmet dependency or a select)"));
  }
  return out;
}

}  // namespace uc::kernel
