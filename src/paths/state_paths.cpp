#include "paths/state_paths.h"

#include <cstdlib>

namespace uc {

std::string state_root() {
  const char* h = std::getenv("UMLCLUSTER_HOME");
  return h && *h ? h : "/var/lib/umlcluster";
}
std::string clusters_dir() { return state_root() + "/clusters"; }
std::string images_dir() { return state_root() + "/images"; }
std::string cache_dir() { return state_root() + "/cache"; }
std::string kernels_dir() { return state_root() + "/kernels"; }
std::string kernel_builds_dir() { return state_root() + "/kernel-builds"; }
std::string kernel_sources_dir() { return state_root() + "/kernel-sources"; }

ClusterPaths::ClusterPaths(const std::string& name) : dir(clusters_dir() + "/" + name) {}

}  // namespace uc
