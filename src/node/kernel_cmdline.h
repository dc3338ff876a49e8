// The UML kernel command line for one node. Paths are as the node's sandbox shows them.
#pragma once

#include <string>
#include <vector>

#include "config/cluster_spec.h"

namespace uc::node {

// Where things appear inside a node's sandbox (see sandbox.h).
struct SandboxPaths {
  std::string image = "/image/rootfs.img";
  std::string cow = "/node/root.cow";
  std::string uml_dir = "/node/uml";
  std::string switch_socket = "/net/switch.ctl";
  // con1, the host link: the guest reads from agent_in_fd and writes to agent_out_fd.
  // The kernel console (con0) goes to stdout.
  int agent_in_fd = 3;
  int agent_out_fd = 4;
};

inline constexpr const char* kAgentPath = "/usr/sbin/umlcluster-agent";
inline constexpr const char* kSandboxModules = "/kernel/modules.img";
// The xstate shim (xstate_shim.c), preloaded into the kernel process.
inline constexpr const char* kSandboxXstateShim = "/kernel/xstate.so";

// The longest uc.hosts= list put on a kernel command line.
inline constexpr size_t kMaxHostsArg = 2048;
std::vector<std::string> kernel_command_line(const ClusterSpec& c, const NodeSpec& n,
                                             const SandboxPaths& p = {});
// A built kernel's modules disk as ubd `index` (read-only), and the word that tells the agent
// to mount it on /lib/modules.
std::vector<std::string> modules_disk_args(size_t index, const std::string& inside_path);
// fe:fd followed by the node's IPv4 address: unique within the cluster, stable across boots.
std::string node_mac(const NodeSpec& n);

}  // namespace uc::node
