// `umlcluster config export`: the OCFS2 cluster.conf the nodes of a cluster get.
#include <fmt/format.h>

#include "cli/commands.h"
#include "client/cluster_definition.h"
#include "client/cluster_record.h"
#include "client/cluster_target.h"
#include "ocfs2/cluster_conf.h"
#include "paths/state_paths.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_config {

std::string from;  // a cluster.conf to read (and check) instead

void define(CLI::App& cmd, Globals& g) {
  cmd.require_subcommand(1);
  auto* exp = cmd.add_subcommand("export", "print the cluster.conf that the nodes get");
  name_option(*exp, g);
  exp->add_option("--from", from, "a cluster.conf to read (and check) instead")
      ->check(CLI::ExistingFile);
}

int run(const Globals& g) {
  // A cluster that exists speaks for itself (with the nodes added to it); else the file.
  if (g.file.empty() && from.empty())
    if (auto name = client::resolve_cluster(g.name, g.file))
      if (auto rec = client::read_record(ClusterPaths(*name))) {
        fmt::print("{}", ocfs2::write_cluster_conf(rec->spec));
        return 0;
      }
  auto spec = client::load_definition(g.file, from);
  if (!spec) return fail(spec.error());
  fmt::print("{}", ocfs2::write_cluster_conf(*spec));
  return 0;
}

}  // namespace cmd_config

const Command kConfig{"config", "the OCFS2 cluster.conf of a cluster", cmd_config::define,
                      cmd_config::run};

}  // namespace uc::cli
