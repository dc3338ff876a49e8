// `umlcluster __names clusters|nodes|kernels|images`: bare names, one a line, for the shell
// completion. Quiet on any error: a completion must never print one.
#include <fmt/format.h>

#include "cli/commands.h"
#include "client/cluster_record.h"
#include "image/root_image.h"
#include "kernel/kernel_store.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_names {

std::string kind;

void define(CLI::App& cmd, Globals& g) {
  cmd.group("");
  cmd.add_option("kind", kind)->required();
  cmd.add_option("-n,--name", g.name);
}

int run(const Globals& g) {
  if (kind == "clusters") {
    for (const auto& n : list_dir(clusters_dir())) fmt::print("{}\n", n);
  } else if (kind == "nodes") {
    std::string name = g.name;
    if (name.empty()) {
      auto all = list_dir(clusters_dir());
      name = all.size() == 1 ? all.front() : "ocfs2";
    }
    if (auto rec = client::read_record(ClusterPaths(name)))
      for (const auto& n : rec->spec.nodes) fmt::print("{}\n", n.name);
  } else if (kind == "kernels") {
    for (const auto& k : kernel::list_kernels()) fmt::print("{}\n", k.name);
  } else if (kind == "images") {
    for (const auto& i : image::list_images()) fmt::print("{}\n", i.key);
  } else {
    return exit_code(ErrorCode::kBadInput);
  }
  return 0;
}

}  // namespace cmd_names

const Command kNames{"__names", "", cmd_names::define, cmd_names::run};

}  // namespace uc::cli
