// How a cluster file names a built kernel ("built:NAME"), which names are allowed, and the
// keys the kernel cache is filed under. Pure: no files are read here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kernel/kernel_config.h"

namespace uc::kernel {

inline constexpr const char* kBuiltPrefix = "built:";

// "built:NAME" -> NAME; anything else (a path to a kernel binary) -> nullopt.
std::optional<std::string> built_name(const std::string& kernel_field);
// 1-32 characters: letters, digits, '.', '_', '-'; starting with a letter or digit. The name
// goes into the kernel's release (uname -r) and a directory name.
bool valid_kernel_name(const std::string& name);
std::string kernel_name_rule();

// What a build is made of. The object tree is filed under the key of everything but the
// name, so that building again after an edit recompiles only what changed.
struct BuildInputs {
  std::string source_id;    // the tree's real path, or the tarball's path, size and mtime
  std::string config_kind;  // "paper", "default" or "file"
  std::string config_text;  // the starting config (fragment or full .config)
  std::vector<ConfigSet> sets;
  std::vector<std::string> patches;  // each patch's text, in order
  int heartbeat_ms = 0;              // 0: OCFS2's own O2HB_REGION_TIMEOUT_MS (2000)
};
std::string build_key(const BuildInputs& in);
// The source tree after patches (and the lab heartbeat): shared by builds that differ only
// in their config.
std::string tree_key(const BuildInputs& in);

}  // namespace uc::kernel
