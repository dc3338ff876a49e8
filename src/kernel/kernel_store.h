// The built kernels on disk: $UMLCLUSTER_HOME/kernels/NAME/ holds `linux` (the UML binary),
// `modules.img` (its modules, depmod'ed, as a small read-only ext4 disk that the node mounts
// on /lib/modules: the image layer of that kernel, so the Debian root image stays as it is),
// its `config` and `manifest.json`. A folder is replaced whole, by rename, or not at all.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sys/result.h"

namespace uc::kernel {

struct KernelRecord {
  std::string name;
  std::string dir;
  std::string release;      // uname -r in the guest
  std::string source;       // what it was built from, as the user gave it
  std::string config_kind;  // paper, default or the config file's path
  std::vector<std::string> sets;
  std::vector<std::string> patches;  // the patch files, as given
  int heartbeat_ms = 0;              // lab heartbeat interval; 0: OCFS2's 2000 ms
  std::string key;                   // build_key of its inputs
  std::string tree_key;
  bool has_modules = false;
  double build_seconds = 0;
  int64_t built_at = 0;

  std::string binary() const { return dir + "/linux"; }
  std::string modules_image() const { return dir + "/modules.img"; }
};

Result<KernelRecord> find_kernel(const std::string& name);
std::vector<KernelRecord> list_kernels();
// Moves the finished folder `staged` (with every file and manifest.json) into place as
// kernels/NAME, replacing an older one in one rename. Nodes running the old one keep it.
Status install_kernel(const std::string& staged, const KernelRecord& r);
Status remove_kernel(const std::string& name);
// Removes the object trees and patched source trees that no cached kernel was built from
// (left by `kernel rm` or by failed builds); returns how many folders went.
Result<int> prune_build_trees();
std::string manifest_json(const KernelRecord& r);

// What a node boots for its `kernel` field: a path as given, or a built kernel's binary and
// modules disk ("built:NAME"). The error says how to get the kernel.
struct NodeKernel {
  std::string binary;
  std::string modules_image;  // empty: the root image's own modules (Debian's kernel)
};
Result<NodeKernel> resolve_node_kernel(const std::string& kernel_field);

}  // namespace uc::kernel
