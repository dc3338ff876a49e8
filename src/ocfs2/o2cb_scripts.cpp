#include "ocfs2/o2cb_scripts.h"

#include <fmt/format.h>

#include <sstream>

#include "ocfs2/cluster_conf.h"

namespace uc::ocfs2 {
namespace {

// Single-quote a string for sh.
std::string q(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string disk_device(size_t index) { return fmt::format("/dev/ubd{}", char('b' + index)); }

std::string disk_kernel_arg(size_t index, const std::string& inside_path) {
  return fmt::format("ubd{}c={}", index + 1, inside_path);
}

namespace {
std::vector<HeartbeatRegion> as_regions(const std::vector<std::string>& uuids) {
  std::vector<HeartbeatRegion> out;
  for (const auto& u : uuids) out.push_back({u});
  return out;
}
}  // namespace

std::string configure_script(const ClusterSpec& c, const std::vector<std::string>& regions) {
  // Shell builtins only: a process costs a UML guest tens of milliseconds.
  // /etc/hosts as well: a large cluster's list does not fit on the kernel command line.
  std::string hosts = "127.0.0.1\tlocalhost\n";
  for (const auto& n : c.nodes) hosts += n.address.str() + "\t" + n.name + "\n";
  return fmt::format(
      "set -e\n[ -d /etc/ocfs2 ] || mkdir /etc/ocfs2\n"
      "printf %s {} > /etc/ocfs2/cluster.conf\n"
      "printf %s {} > /etc/default/o2cb\n"
      "printf %s {} > /etc/hosts\n",
      q(write_cluster_conf(c, as_regions(regions))), q(write_o2cb_defaults(c)), q(hosts));
}

std::string start_heartbeat_script(const ClusterSpec& c, const std::string& node,
                                   const std::vector<std::string>& regions) {
  std::string s = configure_script(c, regions);
  auto disks = c.disks_of(node);
  for (size_t i = 0; i < disks.size(); ++i)
    s += fmt::format("[ -e /dev/sd{0} ] || mknod /dev/sd{0} b 98 {1}\n", char('b' + i),
                     16 * (i + 1));
  // Starting twice is harmless: regions already beating are left alone.
  s += fmt::format("o2cb start-heartbeat {}\n", q(c.name));
  return s;
}

std::string online_script(const ClusterSpec& c) {
  // What `/etc/init.d/o2cb load` and `o2cb online` do, in the words of the paper's Figures
  // 5 and 6, but without the init script's hundreds of forks: a fork costs a UML guest
  // tens of milliseconds, and the script took 10 s where these steps take 1.
  return fmt::format(
      "set -e\n"
      "ok() {{ echo \"$1: OK\"; }}\n"
      // `grep -q` without the process: is $2 mounted at $1?
      "mounted() {{ while read -r d m t r; do [ \"$m $t\" = \"$1 $2\" ] && return 0; done < "
      "/proc/mounts; return 1; }}\n"
      // One modprobe for all: each process costs a UML guest about 0.2 s.
      "modprobe -a configfs ocfs2_nodemanager ocfs2_dlm ocfs2_dlmfs ocfs2_stack_o2cb\n"
      "ok 'Loading module \"configfs\"'\n"
      "mounted /sys/kernel/config configfs || mount -t configfs none /sys/kernel/config\n"
      "ok 'Mounting configfs filesystem at /sys/kernel/config'\n"
      "ok 'Loading module \"ocfs2_nodemanager\"'\n"
      "ok 'Loading module \"ocfs2_dlm\"'\n"
      "ok 'Loading module \"ocfs2_dlmfs\"'\n"
      "[ -d /dlm ] || mkdir /dlm\n"
      "mounted /dlm ocfs2_dlmfs || mount -t ocfs2_dlmfs none /dlm\n"
      "ok 'Mounting ocfs2_dlmfs filesystem at /dlm'\n"
      "C=/sys/kernel/config/cluster/{name}\n"
      "[ -d $C ] || o2cb register-cluster {name}\n"
      "echo {threshold} > $C/heartbeat/dead_threshold\n"
      "echo {idle} > $C/idle_timeout_ms\n"
      "echo {keepalive} > $C/keepalive_delay_ms\n"
      "echo {reconnect} > $C/reconnect_delay_ms\n"
      "ok 'Starting O2CB cluster {name}'\n",
      fmt::arg("name", c.name), fmt::arg("threshold", c.o2cb.heartbeat_threshold),
      fmt::arg("idle", c.o2cb.idle_timeout_ms), fmt::arg("keepalive", c.o2cb.keepalive_delay_ms),
      fmt::arg("reconnect", c.o2cb.reconnect_delay_ms));
}

std::string format_script(const ClusterSpec& c, const DiskSpec& d, const std::string& dev,
                          bool redo) {
  std::string label = d.label.empty() ? d.name : d.label;
  uint64_t journal = journal_size_for(d.size, c.slots(d));
  // Refuse anything that already holds a filesystem: formatting is for blank disks only.
  std::string blank_check =
      redo ? ""
           : "if blkid -p {dev} >/dev/null 2>&1; then echo 'umlcluster: {dev} is not blank; "
             "not formatting' >&2; exit 3; fi\n";
  return fmt::format(
      fmt::runtime("set -e\n" + blank_check +
                   "mkfs.ocfs2 -q -F -N {slots}{journal} -L {label} --cluster-stack=o2cb "
                   "--cluster-name={cluster}{global} {dev}\n"
                   "tunefs.ocfs2 -Q 'uuid=%U\\n' {dev}\n"),
      fmt::arg("dev", dev), fmt::arg("slots", c.slots(d)), fmt::arg("label", q(label)),
      fmt::arg("journal", journal > 0 ? fmt::format(" -J size={}M", journal / kMiB) : ""),
      fmt::arg("cluster", q(c.name)),
      fmt::arg("global", d.heartbeat == "global" ? " --global-heartbeat" : ""));
}

std::string mount_script(const DiskSpec& d, const std::string& dev) {
  // mount.ocfs2 itself (mount(8) would only find and run it), and builtins for the rest.
  return fmt::format(
      "set -e\n[ -d {mnt} ] || mkdir -p {mnt}\n"
      "while read -r d m t r; do [ \"$m $t\" = {mnt_ocfs2} ] && exit 0; done < /proc/mounts\n"
      "/sbin/mount.ocfs2 {dev} {mnt}\n",
      fmt::arg("mnt", q(d.mount)), fmt::arg("mnt_ocfs2", q(d.mount + " ocfs2")),
      fmt::arg("dev", dev));
}

std::string start_local_heartbeat_script(const std::string& dev) {
  // A reference of its own on the volume's heartbeat region: it beats until the matching
  // -K, whatever mounts and unmounts meanwhile. Returns once the region is steady.
  return fmt::format("/sbin/ocfs2_hb_ctl -S -d {} ocfs2\n", dev);
}

std::string stop_local_heartbeat_script(const std::string& dev) {
  return fmt::format("/sbin/ocfs2_hb_ctl -K -d {} ocfs2\n", dev);
}

std::string probe_script(const ClusterSpec& c) {
  return fmt::format(
      "for m in configfs ocfs2_nodemanager ocfs2_dlm ocfs2_dlmfs; do\n"
      "  if grep -q \"^$m \" /proc/modules; then echo \"module $m 1\"; else echo \"module $m 0\"; "
      "fi\n"
      "done\n"
      "grep -q ' /sys/kernel/config configfs ' /proc/mounts && echo configfs_mounted\n"
      "grep -q ' ocfs2_dlmfs ' /proc/mounts && echo dlmfs_mounted\n"
      "[ -d /sys/kernel/config/cluster/{0} ] && echo online\n"
      "ls /sys/kernel/config/cluster/{0}/heartbeat 2>/dev/null | grep -v dead_threshold | "
      "grep -v '^mode$' | sed 's/^/region /'\n"
      "awk '$3 == \"ocfs2\" {{print \"mount \" $2}}' /proc/mounts\n"
      "true\n",
      c.name);
}

std::string add_node_script(const ClusterSpec& c, const NodeSpec& n,
                            const std::vector<std::string>& regions) {
  return configure_script(c, regions) +
         fmt::format(
             "N=/sys/kernel/config/cluster/{}/node/{}\n"
             "if [ -d /sys/kernel/config/cluster/{} ] && [ ! -d $N ]; then\n"
             "  mkdir $N\n  echo {} > $N/ipv4_address\n  echo {} > $N/ipv4_port\n"
             "  echo {} > $N/num\nfi\n",
             c.name, n.name, c.name, n.address.str(), c.port, n.number);
}

O2cbState parse_probe(const std::string& out) {
  O2cbState s;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string key, a, b;
    l >> key >> a >> b;
    if (key == "module")
      s.modules[a] = b == "1";
    else if (key == "configfs_mounted")
      s.configfs_mounted = true;
    else if (key == "dlmfs_mounted")
      s.dlmfs_mounted = true;
    else if (key == "online")
      s.online = true;
    else if (key == "region")
      s.heartbeat_regions++;
    else if (key == "mount")
      s.mounts.push_back(a);
  }
  return s;
}

std::vector<std::string> o2cb_state_paths(const std::string& cluster) {
  return {"/proc/modules", "/proc/mounts", "/sys/kernel/config/cluster/",
          "/sys/kernel/config/cluster/" + cluster + "/heartbeat/"};
}

O2cbState o2cb_state_from_files(const std::map<std::string, std::string>& files,
                                const std::string& cluster) {
  auto file = [&](const std::string& p) {
    auto it = files.find(p);
    return it == files.end() ? std::string() : it->second;
  };
  O2cbState s;
  for (const char* m : {"configfs", "ocfs2_nodemanager", "ocfs2_dlm", "ocfs2_dlmfs"})
    s.modules[m] = false;
  std::istringstream modules(file("/proc/modules"));
  std::string line;
  while (std::getline(modules, line)) {
    std::string name = line.substr(0, line.find(' '));
    if (s.modules.count(name)) s.modules[name] = true;
  }
  std::istringstream mounts(file("/proc/mounts"));
  while (std::getline(mounts, line)) {
    std::istringstream l(line);
    std::string dev, dir, type;
    l >> dev >> dir >> type;
    if (dir == "/sys/kernel/config" && type == "configfs") s.configfs_mounted = true;
    if (type == "ocfs2_dlmfs") s.dlmfs_mounted = true;
    if (type == "ocfs2") s.mounts.push_back(dir);
  }
  std::istringstream clusters(file("/sys/kernel/config/cluster/"));
  while (std::getline(clusters, line))
    if (line == cluster) s.online = true;
  std::istringstream regions(file("/sys/kernel/config/cluster/" + cluster + "/heartbeat/"));
  while (std::getline(regions, line))
    if (!line.empty() && line != "dead_threshold" && line != "mode") s.heartbeat_regions++;
  return s;
}

}  // namespace uc::ocfs2
