#include "config/cluster_file_fields.h"

#include <iterator>

namespace uc {
namespace {

const TableDoc kTables[] = {
    {"cluster", "[cluster]", "The OCFS2 cluster and its private LAN."},
    {"defaults", "[defaults]", "Settings for every node; a [[node]] table may override them."},
    {"node", "[[node]]",
     "One table per node. Without any (and without node_count), the paper's node0 at .112 and "
     "node1 at .116."},
    {"disk", "[[disk]]",
     "Shared OCFS2 disks: a sparse file in the cluster's state folder each, formatted once by the "
     "first node that finds it blank, mounted on every attached node. Without any, one disk "
     "\"shared\" at /cluster."},
    {"o2cb", "[o2cb]",
     "O2CB timeouts. Lab values by default (OCFS2's own: 31, 30000, 2000, 2000); clusters of more "
     "than 16 nodes without this table get 31, 20000, 8000, 2000."},
    {"manager", "[manager]",
     "The cluster manager: restarts, backoff, pings, hung nodes, boot order."},
    {"image", "[image]", "The Debian root image every node boots through its own COW file."},
};

}  // namespace

const std::vector<FieldDoc>& cluster_file_fields() {
  static const std::vector<FieldDoc> f = {
      {"cluster", "name", "string", "ocfs2", "the OCFS2 cluster name: 1-16 letters and digits"},
      {"cluster", "port", "integer", "7777", "the O2CB port, 1-65535"},
      {"cluster", "subnet", "string", "192.168.0.0/24",
       "the nodes' IPv4 subnet, prefix 8-30, host bits zero; it lives in a network namespace of "
       "its "
       "own and never touches the host's network"},
      {"cluster", "node_count", "integer", "none",
       "instead of [[node]] tables: node0, node1, ... at .112, .116, .120 and so on, 1-255; the "
       "subnet must hold them"},
      {"defaults", "memory", "size", "128M", "each node's memory, 64M-16G"},
      {"defaults", "kernel", "string", "/usr/bin/linux.uml",
       "the UML kernel: an absolute path, or built:NAME for a kernel from `umlcluster kernel "
       "build`"},
      {"defaults", "kernel_args", "list of strings", "[]",
       "extra words for the kernel command line"},
      {"defaults", "restart", "string", "on-failure",
       "what the manager does when the node dies: no, on-failure (not after a clean power-off) or "
       "always"},
      {"node", "name", "string", "node0, node1, ...",
       "the hostname: 1-63 of a-z, 0-9 and '-', unique"},
      {"node", "address", "string", "192.168.0.112, .116, ...",
       "its IPv4 address, inside the subnet, unique"},
      {"node", "number", "integer", "its position", "its OCFS2 node number, 0-254, unique"},
      {"node", "memory", "size", "as [defaults]", "as in [defaults]"},
      {"node", "kernel", "string", "as [defaults]", "as in [defaults]"},
      {"node", "kernel_args", "list of strings", "as [defaults]", "as in [defaults]"},
      {"node", "restart", "string", "as [defaults]", "as in [defaults]"},
      {"disk", "name", "string", "shared", "the disk's name: letters, digits, '-' and '_', unique"},
      {"disk", "size", "size", "1G (whole gigabytes enough for the slots' journals)",
       "256M-15T; a size too small for the slots' journals says how much is needed"},
      {"disk", "mount", "string", "/cluster",
       "where every attached node mounts it: an absolute path, unique"},
      {"disk", "nodes", "list of strings", "every node", "the nodes it is attached to"},
      {"disk", "label", "string", "the disk's name",
       "the OCFS2 volume label, at most 63 characters"},
      {"disk", "slots", "integer", "the nodes + 2, at least 4",
       "OCFS2 node slots, fixed at format time (room for `node add`), at most 255"},
      {"disk", "heartbeat", "string", "local",
       "local, or global: heartbeat on the volume, started when O2CB comes online"},
      {"o2cb", "heartbeat_threshold", "integer", "7",
       "a node is dead after (threshold - 1) x 2 s without disk heartbeat"},
      {"o2cb", "idle_timeout_ms", "integer", "10000",
       "a silent network peer is dropped after this long"},
      {"o2cb", "keepalive_delay_ms", "integer", "2000",
       "keepalive packets this often; below idle_timeout_ms"},
      {"o2cb", "reconnect_delay_ms", "integer", "2000", "delay between connection attempts"},
      {"manager", "restart_limit", "integer", "5", "restarts allowed within restart_window, 1-100"},
      {"manager", "restart_window", "integer", "600", "seconds, 10-86400"},
      {"manager", "backoff_initial_ms", "integer", "1000",
       "delay before the first restart, 0-600000; doubles for each one after"},
      {"manager", "backoff_max_ms", "integer", "30000",
       "the delay's ceiling, backoff_initial_ms-600000"},
      {"manager", "ping_interval_ms", "integer", "2000",
       "how often the host pings each node's agent, 200-60000"},
      {"manager", "hung_after_ms", "integer", "0",
       "silent this long while its process runs means hung; 0: the O2CB dead time; else "
       "1000-600000"},
      {"manager", "boot_parallel", "integer", "0",
       "nodes booting at once (launch to O2CB online), the rest wait their turn; 0: twice the "
       "host's cores"},
      {"manager", "heartbeat_fence", "string", "on",
       "the host's fences on the disk heartbeats it reads: on (a stalled heartbeat and a "
       "zombie beat), zombie (only a beat after the dead time) or off"},
      {"manager", "memory_trim", "string", "idle",
       "give a node's unused memory back to the host: idle (only an idle node, a margin left "
       "free) or off"},
      {"manager", "memory_trim_interval", "integer", "300",
       "seconds between two trims of a node, 10-86400"},
      {"image", "suite", "string", "bookworm", "the Debian suite mmdebstrap installs"},
      {"image", "packages", "list of strings", "[]", "extra Debian packages for the root image"},
      {"image", "size", "size", "2G", "the root image's size, 512M-64G"},
  };
  return f;
}

std::vector<std::string> keys_of(const std::string& table) {
  std::vector<std::string> out;
  for (const auto& f : cluster_file_fields())
    if (table == f.table) out.push_back(f.key);
  return out;
}

const std::vector<TableDoc>& cluster_file_tables() {
  static const std::vector<TableDoc> t(std::begin(kTables), std::end(kTables));
  return t;
}

}  // namespace uc
