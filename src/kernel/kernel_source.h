// Where a kernel build's source comes from: Debian's linux-source-6.1 (installed on demand),
// a tarball (unpacked once into the cache), or the user's own tree (used in place, never
// written to: the build is out of tree). Patches and the lab heartbeat go into a copy of the
// tree made of hard links, so the original stays as it was.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sys/result.h"

namespace uc::kernel {

using Progress = std::function<void(const std::string&)>;

inline constexpr const char* kDebianSourcePackage = "linux-source-6.1";
inline constexpr const char* kDebianSourceTarball = "/usr/src/linux-source-6.1.tar.xz";

// Installs the Debian packages of `packages` that are missing (apt-get; root only).
Status ensure_debian_packages(const std::vector<std::string>& packages, const Progress& progress);
// What building an ARCH=um kernel needs on the host.
std::vector<std::string> build_tool_packages();

struct SourceTree {
  std::string path;        // the tree to build (its top: Makefile, Kconfig, arch/um)
  std::string id;          // what identifies it in the cache keys
  std::string shown;       // as the user named it (or Debian's package)
  bool user_tree = false;  // a directory of the user's: it may change between builds
};

// "" (Debian's), a directory or a tarball (.tar, .tar.gz, .tar.xz, .tar.bz2).
Result<SourceTree> prepare_source(const std::string& source, const std::string& log,
                                  const Progress& progress);
// Why `dir` cannot be built out of tree as a UML kernel, or nothing.
Status check_kernel_tree(const std::string& dir, const std::string& shown);

struct PatchFile {
  std::string path;
  std::string text;
};
// The tree with `patches` applied in order and the heartbeat interval set (0: as it is),
// cached under `key` (rebuilt when `fresh`). Returns src.path itself when there is nothing
// to change. A patch that does not apply names itself and its failed hunks.
Result<std::string> changed_tree(const SourceTree& src, const std::vector<PatchFile>& patches,
                                 int heartbeat_ms, const std::string& key, bool fresh,
                                 const std::string& log, const Progress& progress);

// The heartbeat.h text with O2HB_REGION_TIMEOUT_MS set to `ms`; an error if the constant
// is not there.
Result<std::string> with_heartbeat_interval(const std::string& heartbeat_h, int ms);

}  // namespace uc::kernel
