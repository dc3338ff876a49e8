// `umlcluster fsck`: check a stopped cluster's OCFS2 disks, every pass, read-only
// (fsck.ocfs2 -fn); exit 1 if it finds problems.
#include <fmt/format.h>

#include "cli/commands.h"
#include "client/cluster_record.h"
#include "client/cluster_target.h"
#include "client/disk_check.h"
#include "client/lifecycle.h"
#include "paths/state_paths.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_fsck {

std::string disk;  // only this one

void define(CLI::App& cmd, Globals& g) {
  name_option(cmd, g);
  cmd.add_option("disk", disk, "only this disk");
}

int run(const Globals& g) {
  auto name = client::target_cluster(g.name, g.file, /*needs_root=*/false);
  if (!name) return fail(name.error());
  ClusterPaths p(*name);
  auto rec = client::read_record(p);
  if (!rec) return fail(rec.error());
  if (client::supervisor_running(p))
    return fail(err(fmt::format(
        "cluster {} is running: `umlcluster down` it before checking its disks", *name)));
  auto r = client::check_disks(p, rec->spec, disk);
  fmt::print("{}{}", r.output, r.summary);
  return r.clean ? 0 : kExitFailed;
}

}  // namespace cmd_fsck

const Command kFsck{
    "fsck",
    "check a stopped cluster's OCFS2 disks: every pass, read-only (fsck.ocfs2 -fn); exit 1 if "
    "it finds problems",
    cmd_fsck::define, cmd_fsck::run};

}  // namespace uc::cli
