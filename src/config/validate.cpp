#include "config/validate.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "config/cluster_file.h"
#include "kernel/kernel_ref.h"

namespace uc {
namespace {

class Problems {
 public:
  explicit Problems(std::vector<SpecProblem>& out) : out_(out) {}

  // A field of a table: "cluster.port", "manager.backoff_max_ms".
  void add(const std::string& table, const std::string& key, std::string msg) {
    out_.push_back({table + "." + key, key, -1, -1, std::move(msg)});
  }
  void node(size_t i, const std::string& key, std::string msg) {
    out_.push_back(
        {fmt::format("node[{}].{}", i, key), key, static_cast<int>(i), -1, std::move(msg)});
  }
  void disk(size_t i, const std::string& key, std::string msg) {
    out_.push_back(
        {fmt::format("disk[{}].{}", i, key), key, -1, static_cast<int>(i), std::move(msg)});
  }
  // The message of every range rule; false if `v` is outside.
  static bool in_range(int v, int lo, int hi) { return v >= lo && v <= hi; }
  static std::string range_message(int v, int lo, int hi, const char* unit) {
    return fmt::format("must be {}-{}{}, not {}", lo, hi, unit, v);
  }
  bool range(const std::string& table, const std::string& key, int v, int lo, int hi,
             const char* unit = "") {
    if (in_range(v, lo, hi)) return true;
    add(table, key, range_message(v, lo, hi, unit));
    return false;
  }

 private:
  std::vector<SpecProblem>& out_;
};

void check_cluster(const ClusterSpec& c, Problems& p) {
  if (!is_valid_cluster_name(c.name))
    p.add(
        "cluster", "name",
        fmt::format("\"{}\" is not a valid OCFS2 cluster name (1-16 letters and digits)", c.name));
  p.range("cluster", "port", c.port, 1, 65535);
  if (!Subnet::parse(c.subnet.str()))
    p.add("cluster", "subnet",
          fmt::format("\"{}\" is not an IPv4 subnet like 192.168.0.0/24 (prefix 8-30, host bits "
                      "zero)",
                      c.subnet.str()));
}

void check_nodes(const ClusterSpec& c, Problems& p, std::vector<SpecProblem>& out) {
  if (c.nodes.empty()) out.push_back({"node", "node", -1, -1, "a cluster needs at least one node"});
  if (c.nodes.size() > 255)
    out.push_back({"node", "node", -1, -1, "at most 255 nodes (OCFS2 node numbers are 0-254)"});
  std::map<std::string, size_t> names;
  std::map<uint32_t, size_t> addrs;
  std::map<int, size_t> numbers;
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    const auto& n = c.nodes[i];
    if (!is_valid_hostname(n.name))
      p.node(i, "name",
             fmt::format("\"{}\" is not a valid hostname (1-63 of a-z, 0-9 and '-', not "
                         "starting or ending with '-')",
                         n.name));
    if (auto [it, fresh] = names.emplace(n.name, i); !fresh)
      p.node(i, "name",
             fmt::format("duplicate node name \"{}\" (also node[{}])", n.name, it->second));
    if (!c.subnet.contains(n.address))
      p.node(i, "address",
             fmt::format("{} is outside the subnet {}", n.address.str(), c.subnet.str()));
    else if (c.subnet.is_network_or_broadcast(n.address))
      p.node(i, "address",
             fmt::format("{} is the network or broadcast address of {}", n.address.str(),
                         c.subnet.str()));
    if (auto [it, fresh] = addrs.emplace(n.address.value, i); !fresh)
      p.node(i, "address",
             fmt::format("duplicate address {} (already {}'s address, node[{}])", n.address.str(),
                         c.nodes[it->second].name, it->second));
    if (!Problems::in_range(n.number, 0, 254))
      p.node(i, "number", Problems::range_message(n.number, 0, 254, ""));
    else if (auto [it, fresh] = numbers.emplace(n.number, i); !fresh)
      p.node(i, "number",
             fmt::format("duplicate node number {} (already {}'s number, node[{}])", n.number,
                         c.nodes[it->second].name, it->second));
    if (n.memory < kMinNodeMemory)
      p.node(i, "memory",
             fmt::format("{} is too small: a node needs at least {}", format_size(n.memory),
                         format_size(kMinNodeMemory)));
    else if (n.memory > kMaxNodeMemory)
      p.node(i, "memory",
             fmt::format("{} is too large (at most {})", format_size(n.memory),
                         format_size(kMaxNodeMemory)));
    if (auto built = kernel::built_name(n.kernel); built && !kernel::valid_kernel_name(*built))
      p.node(i, "kernel",
             fmt::format("\"{}\": \"{}\" is not a kernel name ({})", n.kernel, *built,
                         kernel::kernel_name_rule()));
    else if (!built && (n.kernel.empty() || n.kernel[0] != '/'))
      p.node(i, "kernel",
             fmt::format("\"{}\" is neither an absolute path to a UML kernel nor built:NAME "
                         "(a kernel from `umlcluster kernel build`)",
                         n.kernel));
  }
}

void check_disks(const ClusterSpec& c, Problems& p) {
  std::map<std::string, size_t> names, mounts;
  // UML has 16 ubd devices: the root, the disks and a built kernel's modules.
  if (c.disks.size() > kMaxDisks)
    p.disk(kMaxDisks, "name",
           fmt::format("at most {} disks (UML has 16 block devices: the root, "
                       "the disks and a built kernel's modules)",
                       kMaxDisks));
  for (size_t i = 0; i < c.disks.size(); ++i) {
    const auto& d = c.disks[i];
    if (!is_valid_hostname(d.name))
      p.disk(i, "name", fmt::format("\"{}\" is not a valid disk name", d.name));
    else if (auto [it, fresh] = names.emplace(d.name, i); !fresh)
      p.disk(i, "name",
             fmt::format("duplicate disk name \"{}\" (also disk[{}])", d.name, it->second));
    if (d.mount.empty() || d.mount[0] != '/' || d.mount.find("..") != std::string::npos)
      p.disk(i, "mount", fmt::format("\"{}\" is not an absolute path", d.mount));
    else if (auto [it, fresh] = mounts.emplace(d.mount, i); !fresh)
      p.disk(i, "mount",
             fmt::format("duplicate mount point \"{}\" (also disk[{}])", d.mount, it->second));
    if (d.heartbeat != "local" && d.heartbeat != "global")
      p.disk(i, "heartbeat",
             fmt::format("\"{}\" is not a heartbeat mode (local or global)", d.heartbeat));
    if (d.size < 256 * kMiB)
      p.disk(i, "size", "an OCFS2 volume needs at least 256M");
    else if (d.size > kMaxDiskSize)
      p.disk(i, "size",
             fmt::format("{} is too large: at most {} (a disk is a sparse file on the host, "
                         "and ext4 holds files up to 16T)",
                         format_size(d.size), format_size(kMaxDiskSize)));
    if (d.label.size() > 63) p.disk(i, "label", "at most 63 characters");
    std::set<std::string> listed;
    for (const auto& n : d.nodes) {
      if (!c.find_node(n))
        p.disk(i, "nodes", fmt::format("no node named \"{}\"", n));
      else if (!listed.insert(n).second)
        p.disk(i, "nodes", fmt::format("\"{}\" is listed twice", n));
    }
    if (!Problems::in_range(d.slots, 0, 255)) {
      p.disk(i, "slots", Problems::range_message(d.slots, 0, 255, ""));
    } else if (d.slots > 0) {
      // mkfs.ocfs2 -N fixes the slots: a node beyond them cannot mount the volume.
      int users = 0;
      for (const auto& n : c.nodes) users += c.attached(d, n.name) ? 1 : 0;
      if (users > d.slots)
        p.disk(i, "slots",
               fmt::format("{} node slots for {} attached nodes: each node that mounts the "
                           "volume needs one",
                           d.slots, users));
    }
    if (d.size >= 256 * kMiB && Problems::in_range(d.slots, 0, 255)) {
      int slots = c.slots(d);
      uint64_t need = 2 * kMinJournal * static_cast<uint64_t>(slots);
      if (d.size < need)
        p.disk(i, "size",
               fmt::format("{}M is too small for {} node slots: each slot's journal needs {}M and "
                           "the journals may take half the volume; give at least {}M",
                           d.size / kMiB, slots, kMinJournal / kMiB, need / kMiB));
    }
  }
}

void check_o2cb(const O2cbSpec& o, Problems& p) {
  p.range("o2cb", "heartbeat_threshold", o.heartbeat_threshold, 3, 300);
  bool idle = p.range("o2cb", "idle_timeout_ms", o.idle_timeout_ms, 2000, 600000, " ms");
  bool keepalive = p.range("o2cb", "keepalive_delay_ms", o.keepalive_delay_ms, 500, 600000, " ms");
  p.range("o2cb", "reconnect_delay_ms", o.reconnect_delay_ms, 500, 600000, " ms");
  // o2net's rule: keepalives must come well before the idle timeout.
  if (idle && keepalive && o.keepalive_delay_ms >= o.idle_timeout_ms)
    p.add("o2cb", "keepalive_delay_ms", "must be smaller than o2cb.idle_timeout_ms");
}

void check_manager(const ClusterSpec& c, Problems& p) {
  const auto& m = c.manager;
  p.range("manager", "restart_limit", m.restart_limit, 1, 100);
  p.range("manager", "restart_window", m.restart_window, 10, 86400, " s");
  p.range("manager", "boot_parallel", m.boot_parallel, 0, 255);
  if (m.heartbeat_fence != "on" && m.heartbeat_fence != "zombie" && m.heartbeat_fence != "off")
    p.add("manager", "heartbeat_fence",
          fmt::format("\"{}\" is not on, zombie or off", m.heartbeat_fence));
  if (m.memory_trim != "idle" && m.memory_trim != "off")
    p.add("manager", "memory_trim", fmt::format("\"{}\" is not idle or off", m.memory_trim));
  p.range("manager", "memory_trim_interval", m.memory_trim_interval, 10, 86400, " s");
  bool initial = p.range("manager", "backoff_initial_ms", m.backoff_initial_ms, 0, 600000, " ms");
  bool max = p.range("manager", "backoff_max_ms", m.backoff_max_ms, 0, 600000, " ms");
  if (initial && max && m.backoff_max_ms < m.backoff_initial_ms)
    p.add("manager", "backoff_max_ms",
          fmt::format("must be at least manager.backoff_initial_ms ({} ms), not {}",
                      m.backoff_initial_ms, m.backoff_max_ms));
  bool ping = p.range("manager", "ping_interval_ms", m.ping_interval_ms, 200, 60000, " ms");
  bool hung = m.hung_after_ms == 0 || Problems::in_range(m.hung_after_ms, 1000, 600000);
  if (!hung)
    p.add("manager", "hung_after_ms",
          fmt::format("must be 0 (the O2CB dead time) or 1000-600000 ms, not {}", m.hung_after_ms));
  // One late answer must not make a node hung: it has to miss two pings in a row.
  bool threshold = Problems::in_range(c.o2cb.heartbeat_threshold, 3, 300);
  if (ping && hung && threshold && m.hung_after(c.o2cb) < 2 * m.ping_interval_ms) {
    if (m.hung_after_ms > 0)
      p.add("manager", "hung_after_ms",
            fmt::format("must be at least twice manager.ping_interval_ms ({} ms), not {}",
                        2 * m.ping_interval_ms, m.hung_after_ms));
    else
      p.add("manager", "ping_interval_ms",
            fmt::format("must be at most half the O2CB dead time ({} ms, after which a silent "
                        "node is hung), not {}; or set manager.hung_after_ms",
                        m.hung_after(c.o2cb), m.ping_interval_ms));
  }
}

void check_image(const ImageSpec& im, Problems& p) {
  for (const auto& pkg : im.packages)
    if (pkg.empty() ||
        pkg.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789+-.:") != std::string::npos)
      p.add("image", "packages", fmt::format("\"{}\" is not a Debian package name", pkg));
  if (im.suite.empty() ||
      im.suite.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") != std::string::npos)
    p.add("image", "suite", fmt::format("\"{}\" is not a Debian suite name", im.suite));
  if (im.size < 512 * kMiB)
    p.add("image", "size", "a root image needs at least 512M");
  else if (im.size > kMaxImageSize)
    p.add("image", "size",
          fmt::format("{} is too large: at most {}", format_size(im.size),
                      format_size(kMaxImageSize)));
}

}  // namespace

std::vector<SpecProblem> validate(const ClusterSpec& c) {
  std::vector<SpecProblem> out;
  Problems p(out);
  check_cluster(c, p);
  check_nodes(c, p, out);
  check_disks(c, p);
  check_o2cb(c.o2cb, p);
  check_manager(c, p);
  check_image(c.image, p);
  return out;
}

}  // namespace uc
