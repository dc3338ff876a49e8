// The root filesystem image every node boots (read-only, through its own COW file).
// Built from Debian packages with mmdebstrap, plus the UML kernel's modules (depmod'ed)
// and the guest agent as /usr/sbin/umlcluster-agent (the guest's init). Cached in two
// levels, each keyed by what went into it: the package tarball (slow: a download) and
// the finished ext4 image (seconds), so a new agent does not download Debian again.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/cluster_spec.h"
#include "sys/result.h"

namespace uc::image {

// The packages every image has; a cluster file's [image] packages come on top.
std::vector<std::string> base_packages();

struct ImageRecipe {
  std::string suite;
  std::vector<std::string> packages;  // sorted, unique
  std::string kernel_version;         // modules from /usr/lib/uml/modules/<version>
  std::string agent_path;             // host path of umlcluster-agent
  uint64_t size = 0;
};

struct ImageInfo {
  std::string key;
  std::string path;   // rootfs.img
  uint64_t size = 0;  // apparent
  uint64_t disk_bytes = 0;
  std::string suite;
  std::string kernel_version;
  std::vector<std::string> packages;
  int64_t built_at = 0;
};

using Progress = std::function<void(const std::string&)>;

Result<ImageRecipe> recipe_for(const ImageSpec& spec, const std::string& kernel);
std::string package_key(const ImageRecipe& r);
Result<std::string> image_key(const ImageRecipe& r);
struct ImageBuild {
  std::string path;    // rootfs.img
  bool built = false;  // built now (not found in the cache)
};
// The cached image for `r`, building it first if needed (or if `rebuild`).
Result<ImageBuild> ensure_image(const ImageRecipe& r, const Progress& progress,
                                bool rebuild = false);
// The same for a cluster's definition (its [image] and its first node's kernel).
Result<ImageBuild> image_for(const ClusterSpec& spec, const Progress& progress, bool rebuild);
std::vector<ImageInfo> list_images();
Status remove_image(const std::string& key);

// FNV-1a, 64 bits, as 16 hex digits: a cache key, not a security boundary.
std::string hash_hex(const std::string& data);

}  // namespace uc::image
