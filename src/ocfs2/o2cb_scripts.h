// The shell steps a node runs to join the OCFS2 cluster, as the host sends them through
// the agent: write the configuration, bring O2CB online (the paper's `o2cb load` and
// `o2cb online`), format a shared disk (once, on one node), mount it. And a probe that
// reports a node's O2CB state in the words of the paper's Figures 5 and 6.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/cluster_spec.h"

namespace uc::ocfs2 {

// The guest's device for the node's i-th shared disk (ubd0 is the root): /dev/ubdb, ...
std::string disk_device(size_t index);
// The kernel argument attaching it: ubd1c=... ('c': shared between UML processes).
std::string disk_kernel_arg(size_t index, const std::string& inside_path);

// `regions`: the global heartbeat regions known so far (UUIDs of formatted global disks).
std::string configure_script(const ClusterSpec& c, const std::vector<std::string>& regions = {});
std::string online_script(const ClusterSpec& c);
// Global heartbeat: o2cb finds a region only on devices named like /dev/sd* (its disk scan
// knows no /dev/ubd*), so each shared disk gets a second device node, /dev/sdX, for the
// same block device. Then heartbeat starts on every known region.
std::string start_heartbeat_script(const ClusterSpec& c, const std::string& node,
                                   const std::vector<std::string>& regions);
// `redo`: a format of ours was cut short (its node died): what the disk holds is that
// half-made volume, formatted over without the blank check.
std::string format_script(const ClusterSpec& c, const DiskSpec& d, const std::string& device,
                          bool redo = false);
std::string mount_script(const DiskSpec& d, const std::string& device);
// Ordered mounts (mount_order.h): a local heartbeat started before the mount, and its
// reference dropped after it (the mount holds its own).
std::string start_local_heartbeat_script(const std::string& dev);
std::string stop_local_heartbeat_script(const std::string& dev);
std::string probe_script(const ClusterSpec& c);
// On a node that is online: write the new cluster.conf and tell the running cluster
// (configfs) about a node that joined, without unmounting anything. This is what
// `o2cb_ctl -C -i` does; OCFS2 allows it while the cluster is online in local heartbeat mode.
std::string add_node_script(const ClusterSpec& c, const NodeSpec& added,
                            const std::vector<std::string>& regions = {});

struct O2cbState {
  std::map<std::string, bool> modules;  // configfs, ocfs2_nodemanager, ocfs2_dlm, ocfs2_dlmfs
  bool configfs_mounted = false;
  bool dlmfs_mounted = false;
  bool online = false;              // cluster registered in configfs
  int heartbeat_regions = 0;        // active heartbeat regions
  std::vector<std::string> mounts;  // OCFS2 mount points
};
O2cbState parse_probe(const std::string& output);
// The same without a process: the guest files a read session returns (agent protocol 5),
// and the state made from them (an absent file reads as empty).
std::vector<std::string> o2cb_state_paths(const std::string& cluster);
O2cbState o2cb_state_from_files(const std::map<std::string, std::string>& files,
                                const std::string& cluster);

}  // namespace uc::ocfs2
