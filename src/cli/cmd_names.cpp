// `umlcluster __names clusters|nodes|kernels|images`: bare names, one a line, for the shell
// completion. Quiet on any error: a completion must never print one.
#include <fmt/format.h>

#include "cli/commands.h"
#include "image/root_image.h"
#include "kernel/kernel_store.h"
#include "sys/files.h"

namespace uc::cli {

int cmd_names(const Globals& g, const std::string& kind) {
  if (kind == "clusters") {
    for (const auto& n : list_dir(clusters_dir())) fmt::print("{}\n", n);
  } else if (kind == "nodes") {
    std::string name = g.name;
    if (name.empty()) {
      auto all = list_dir(clusters_dir());
      name = all.size() == 1 ? all.front() : "ocfs2";
    }
    if (auto rec = read_record(ClusterPaths(name)))
      for (const auto& n : rec->spec.nodes) fmt::print("{}\n", n.name);
  } else if (kind == "kernels") {
    for (const auto& k : kernel::list_kernels()) fmt::print("{}\n", k.name);
  } else if (kind == "images") {
    for (const auto& i : image::list_images()) fmt::print("{}\n", i.key);
  } else {
    return kExitBadInput;
  }
  return 0;
}

}  // namespace uc::cli
