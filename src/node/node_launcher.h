// Starting one node: its UML kernel in a sandbox that holds only the kernel, its
// libraries, the read-only root image, the node's own directory and the switch socket.
#pragma once

#include <string>
#include <vector>

#include "config/cluster_spec.h"
#include "node/disk_gate.h"
#include "paths/state_paths.h"
#include "sys/fd.h"
#include "sys/process.h"
#include "sys/result.h"

namespace uc::node {

struct LaunchedNode {
  ChildProcess process;  // the UML kernel, pid 1 of its own pid namespace
  // The agent link (the guest's /dev/tty1): one pipe each way. UML stalled for good when
  // one socket carried both directions under load (its read and write interrupts on one fd).
  Fd from_guest;
  Fd to_guest;
  Fd io_trap;                 // the listener of its kernel's I/O trap (sys/io_trap.h)
  std::vector<FileId> disks;  // its shared disks, as the trap sees them
};

// Prepares the node's directories (first boot creates its COW file) and starts it.
Result<LaunchedNode> launch_node(const ClusterSpec& c, const NodeSpec& n, const ClusterPaths& paths,
                                 const std::string& image);

// The sandbox and switch directories a node's user owns, created if missing.
Status prepare_owned_dir(const std::string& dir);

}  // namespace uc::node
