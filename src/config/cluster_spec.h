// ClusterSpec: what a cluster file describes, with every default filled in.
// An empty cluster file (or none) is the paper's cluster: node0 192.168.0.112 and
// node1 192.168.0.116 on 192.168.0.0/24, 128 MiB each, OCFS2 cluster "ocfs2" on port 7777.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/ipv4.h"
#include "sys/result.h"

namespace uc {

inline constexpr const char* kDefaultKernel = "/usr/bin/linux.uml";
inline constexpr uint64_t kMiB = 1024 * 1024;
inline constexpr uint64_t kMinNodeMemory = 64 * kMiB;
inline constexpr uint64_t kMaxNodeMemory = 16384 * kMiB;

// What the cluster manager does when a node's process ends or its agent goes silent:
// kNo leaves it down, kOnFailure restarts it unless it powered itself off cleanly,
// kAlways restarts it whatever the cause (not after `down`).
enum class RestartPolicy { kNo, kOnFailure, kAlways };
const char* restart_policy_name(RestartPolicy p);  // "no", "on-failure", "always"
std::optional<RestartPolicy> parse_restart_policy(std::string_view s);

struct NodeSpec {
  std::string name;
  Ipv4 address;
  int number = 0;  // OCFS2 node number, 0-254
  uint64_t memory = 128 * kMiB;
  std::string kernel = kDefaultKernel;
  std::vector<std::string> kernel_args;
  RestartPolicy restart = RestartPolicy::kOnFailure;
};

inline constexpr size_t kMaxDisks = 14;
// A disk is a sparse file on the host: ext4 holds files up to 16T less a block (4K blocks).
inline constexpr uint64_t kMaxDiskSize = uint64_t{15} << 40;
inline constexpr uint64_t kMaxImageSize = uint64_t{64} << 30;

struct DiskSpec {
  std::string name = "shared";
  uint64_t size = 1024 * kMiB;
  std::string mount = "/cluster";
  std::vector<std::string> nodes;  // empty: every node
  std::string label;
  int slots = 0;                    // 0: nodes + room to grow
  std::string heartbeat = "local";  // local | global
};

// O2CB timeouts. Lab defaults, shorter than OCFS2's (31 / 30000 / 2000 / 2000), so that a
// dead node is noticed in seconds, not a minute: a node is declared dead after
// (heartbeat_threshold - 1) * 2 s of silence on disk, and its network link after idle_timeout_ms.
struct O2cbSpec {
  int heartbeat_threshold = 7;
  int idle_timeout_ms = 10000;
  int keepalive_delay_ms = 2000;
  int reconnect_delay_ms = 2000;
};
// The defaults for a cluster of `nodes` (a file without [o2cb]). Up to kLabTimeoutsUpTo
// nodes: the lab values above. Larger: OCFS2's own dead time (a node among a hundred others
// on two cores can be slow to beat), keepalives every 8 s instead of 2 (idle o2net traffic
// grows with the square of the nodes) and an idle timeout of 20 s. The idle timeout is also
// how long a first connection lost to o2net's accept race (the lower node does not see the
// higher one beat yet and refuses it) waits before o2net tries again, holding up every
// mount that needs it: 30 s with OCFS2's default, measured at 64 nodes.
inline constexpr size_t kLabTimeoutsUpTo = 16;

// Each slot's journal: mkfs.ocfs2 makes them 64M on a 1G volume, and with many slots they
// no longer fit. Half the volume is shared among the journals, 4M each at least.
// 0: mkfs's own choice (they fit).
inline constexpr uint64_t kMinJournal = 4 * kMiB;
uint64_t journal_size_for(uint64_t disk_size, int slots);
// A disk's size when its file gives none: 1G, or whole gigabytes enough for the journals.
uint64_t default_disk_size(int slots);
O2cbSpec o2cb_defaults_for(size_t nodes);

// The cluster manager (the supervisor's watch over its nodes): how often a node may be
// restarted, how long it waits before each restart, and when a silent node counts as hung.
struct ManagerSpec {
  int restart_limit = 5;          // restarts allowed within restart_window, 1-100
  int restart_window = 600;       // seconds, 10-86400
  int backoff_initial_ms = 1000;  // first restart delay, 0-600000; doubles each consecutive restart
  int backoff_max_ms = 30000;     // the delay's ceiling, backoff_initial_ms-600000
  int ping_interval_ms = 2000;    // how often the host pings each node's agent, 200-60000
  // A node whose agent has not answered for this long while its process lives is hung.
  // 0: the O2CB dead time, (heartbeat_threshold - 1) * 2000 ms; else 1000-600000.
  int hung_after_ms = 0;
  // Nodes booting at once (launch to O2CB online); the rest wait their turn. 0: twice the
  // host's cores. 0-255.
  int boot_parallel = 0;
  // The host's fences on its own reading of the nodes' disk heartbeats: "on" (a stalled
  // heartbeat and a zombie beat), "zombie" (only a beat after the dead time: to watch OCFS2's
  // own fencing, and what a node that fails at it does, with the last guard kept) or "off".
  std::string heartbeat_fence = "on";
  // Giving a node's unused memory back to the host: "idle" (only a node that is idle: low
  // load, little disk writing, no exec session; a margin always left free) or "off".
  std::string memory_trim = "idle";
  int memory_trim_interval = 300;  // seconds between trims of a node, 10-86400

  int hung_after(const O2cbSpec& o2cb) const;  // the effective value, in ms
};

struct ImageSpec {
  std::string suite = "bookworm";
  std::vector<std::string> packages;  // extra Debian packages
  uint64_t size = 2048 * kMiB;
};

struct ClusterSpec {
  std::string name = "ocfs2";
  int port = 7777;
  Subnet subnet{Ipv4{0xC0A80000}, 24};  // 192.168.0.0/24
  std::vector<NodeSpec> nodes;
  std::vector<DiskSpec> disks;
  O2cbSpec o2cb;
  ManagerSpec manager;
  ImageSpec image;

  const NodeSpec* find_node(const std::string& name) const;
  bool attached(const DiskSpec& d, const std::string& node) const;
  std::vector<const DiskSpec*> disks_of(const std::string& node) const;
  // Node slots of a disk: as declared, else the nodes plus room to grow (at least 4).
  int slots(const DiskSpec& d) const;
  std::string heartbeat_mode() const;  // "global" if any disk asks for it
};

// The cluster's record on disk (cluster.json). from_json accepts records written before a
// field existed (it takes the default) and throws nlohmann's exceptions on wrong types.
void to_json(nlohmann::json& j, const ClusterSpec& c);
void from_json(const nlohmann::json& j, ClusterSpec& c);
// from_json for callers in other layers: the exceptions stay here, a damaged record is an
// error saying what is wrong.
Result<ClusterSpec> cluster_spec_from_json(const nlohmann::json& j);

}  // namespace uc
