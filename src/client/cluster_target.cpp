#include "client/cluster_target.h"

#include <fmt/format.h>
#include <unistd.h>

#include "client/lifecycle.h"
#include "config/cluster_file.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::client {

Result<std::string> resolve_cluster(const std::string& name, const std::string& file) {
  if (!name.empty()) {
    if (!is_valid_cluster_name(name)) return bad_input("\"" + name + "\" is not a cluster name");
    return name;
  }
  if (!file.empty()) {
    auto spec = load_cluster_file(file);
    if (!spec) return recoded(spec.error(), ErrorCode::kBadInput);
    return spec->name;
  }
  auto all = list_dir(clusters_dir());
  if (all.size() == 1) return all[0];
  return std::string("ocfs2");
}

Status require_root() {
  if (::geteuid() == 0) return {};
  return err(
      "this command needs root: umlcluster creates namespaces and runs each node as an "
      "unprivileged, confined user. Run it with sudo.");
}

Result<std::string> target_cluster(const std::string& name, const std::string& file,
                                   bool needs_root) {
  auto n = resolve_cluster(name, file);
  if (!n) return n.error();
  if (needs_root) UC_TRY(require_root());
  return *n;
}

Result<RunningCluster> connect_running(const std::string& name, const std::string& file) {
  auto n = target_cluster(name, file, /*needs_root=*/true);
  if (!n) return n.error();
  auto c = connect_supervisor(ClusterPaths(*n));
  if (!c) return err(fmt::format("cluster {} is not running (`umlcluster up` starts it)", *n));
  return RunningCluster{*n, std::move(*c)};
}

}  // namespace uc::client
