// `umlcluster kernel build`: an ARCH=um kernel and its modules from source, out of tree,
// into the kernel cache (kernel_store.h). Steps: the source (kernel_source.h), configure
// (Kconfig, then the node requirements of kernel_config.h), compile with N jobs, install the
// modules into a small ext4 disk, then the finished folder replaces the cached one in one
// rename. The object tree is kept per build key: a second build after an edit recompiles
// only what changed. A failure anywhere leaves the cached kernels as they were.
#pragma once

#include <string>
#include <vector>

#include "kernel/kernel_source.h"
#include "kernel/kernel_store.h"
#include "sys/result.h"

namespace uc::kernel {

struct BuildRequest {
  std::string name;                  // "" -> the config's name (paper, default, the file's stem)
  std::string source;                // "" -> Debian's linux-source-6.1
  std::string config = "paper";      // paper | lab | default | a file
  std::vector<std::string> sets;     // OPTION=VALUE
  std::string patch_set;             // "" or a named set (patch_set.h), applied first
  std::vector<std::string> patches;  // files, applied in order with patch -p1
  int heartbeat_ms = 0;              // lab: O2HB_REGION_TIMEOUT_MS; 0 keeps 2000
  int jobs = 0;                      // 0: the host's cores
  bool force = false;                // build even if the cache has this kernel
};

struct BuildOutcome {
  KernelRecord record;
  bool built = false;  // false: the cache already had it
  int compiled = 0;    // objects compiled this time
  double seconds = 0;
};

// The name a request gets when it gives none.
std::string default_kernel_name(const BuildRequest& r);
Result<BuildOutcome> build_kernel(const BuildRequest& r, const Progress& progress);

}  // namespace uc::kernel
