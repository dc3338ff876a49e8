#include "client/cluster_definition.h"

#include <unistd.h>

#include "client/cluster_target.h"
#include "config/cluster_file.h"
#include "ocfs2/cluster_conf.h"
#include "sys/files.h"

namespace uc::client {

Result<ClusterSpec> load_definition(const std::string& file, const std::string& from) {
  if (from.empty()) {
    auto spec = load_cluster_file(file);
    if (!spec) return recoded(spec.error(), ErrorCode::kBadInput);
    return spec;
  }
  if (!file.empty())
    return bad_input("give either -f (a cluster file) or --from (a cluster.conf), not both");
  auto text = read_file(from);
  if (!text) return recoded(text.error(), ErrorCode::kBadInput);
  auto spec = ocfs2::parse_cluster_conf(*text, from);
  if (!spec) return recoded(spec.error(), ErrorCode::kBadInput);
  if (::access(spec->nodes.front().kernel.c_str(), X_OK) != 0)
    return bad_input("kernel " + spec->nodes.front().kernel +
                     " is missing (install user-mode-linux)");
  return spec;
}

Result<ClusterSpec> definition_for_root(const std::string& file, const std::string& from) {
  auto spec = load_definition(file, from);
  if (!spec) return spec.error();
  UC_TRY(require_root());
  return spec;
}

}  // namespace uc::client
