// `umlcluster status`: per node its state, host pids, address, uptime, host memory, restarts;
// each running node's O2CB state and the volumes. A stopped cluster's status comes from its
// record.
#include <fmt/format.h>

#include "cli/commands.h"
#include "client/cluster_record.h"
#include "client/cluster_target.h"
#include "client/lifecycle.h"
#include "client/status_query.h"
#include "paths/state_paths.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_status {

void define(CLI::App& cmd, Globals& g) {
  name_option(cmd, g);
  json_option(cmd, g);
}

int run(const Globals& g) {
  auto name = client::target_cluster(g.name, g.file, /*needs_root=*/false);
  if (!name) return fail(name.error());
  ClusterPaths p(*name);
  if (auto c = client::connect_supervisor(p)) {
    auto reply = c->request({control::Op::kStatus});
    if (!reply) return fail(reply.error());
    if (!reply->status) return fail(err("the cluster supervisor's status reply has no status"));
    auto& st = *reply->status;
    client::add_costs(st);
    if (auto rec = client::read_record(p)) client::add_o2cb_state(*c, rec->spec, st);
    print_status(st, g.json);
    return 0;
  }
  auto st = client::offline_status(*name, p);
  if (st.state == "absent" && !g.json)
    return fail(
        err(fmt::format("no cluster named {} on this host (`umlcluster list` shows them)", *name)));
  print_status(st, g.json);
  return st.state == "absent" ? kExitFailed : 0;
}

}  // namespace cmd_status

const Command kStatus{"status", "per node: state, host pids, address, uptime, host memory",
                      cmd_status::define, cmd_status::run};

}  // namespace uc::cli
