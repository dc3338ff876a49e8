#include "node/kernel_cmdline.h"

#include <fmt/format.h>

namespace uc::node {

std::string node_mac(const NodeSpec& n) {
  uint32_t a = n.address.value;
  return fmt::format("fe:fd:{:02x}:{:02x}:{:02x}:{:02x}", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
                     a & 255);
}

std::vector<std::string> kernel_command_line(const ClusterSpec& c, const NodeSpec& n,
                                             const SandboxPaths& p) {
  std::string hosts;
  for (const auto& other : c.nodes)
    hosts += (hosts.empty() ? "" : ",") + other.name + "@" + other.address.str();
  std::vector<std::string> args = {
      n.kernel,
      "umid=" + n.name,
      "uml_dir=" + p.uml_dir,
      fmt::format("mem={}M", n.memory / kMiB),
      "ubd0=" + p.cow + "," + p.image,
      "root=/dev/ubda",
      "rw",
      "eth0=daemon," + node_mac(n) + ",unix," + p.switch_socket,
      std::string("init=") + kAgentPath,
      "con=null",
      "ssl=null",
      "con0=null,fd:1",
      fmt::format("con1=fd:{},fd:{}", p.agent_in_fd, p.agent_out_fd),
      // The kernel registers 256 legacy BSD ptys by default: about 1 s of a node's boot.
      "pty.legacy_count=0",
      // raid6's boot-time benchmark times four algorithms for 160 ms each (HZ=100): 0.8 s
      // of busy CPU per boot, a minute of two cores for 128 nodes. Nothing here uses raid6
      // (only btrfs RAID5/6 and md raid456 would); skipped, its functions stay unset.
      "initcall_blacklist=raid6_select_algo",
      "uc.name=" + n.name,
      fmt::format("uc.addr={}/{}", n.address.str(), c.subnet.prefix),
  };
  // UML's whole command line holds 4096 bytes (COMMAND_LINE_SIZE; past it the kernel stops
  // at boot): 255 nodes' names and addresses alone are 5.6 KB. The O2CB job writes
  // /etc/hosts too, so a large cluster's nodes learn the others' names from it.
  if (hosts.size() <= kMaxHostsArg) args.push_back("uc.hosts=" + hosts);
  for (const auto& a : n.kernel_args) args.push_back(a);
  return args;
}

std::vector<std::string> modules_disk_args(size_t index, const std::string& inside_path) {
  return {fmt::format("ubd{}r={}", index, inside_path),
          fmt::format("uc.modules=/dev/ubd{}", static_cast<char>('a' + index))};
}

}  // namespace uc::node
