// Which cluster a command is about, and reaching it: the name from -n, from a cluster file
// or the only cluster on this host; root; the cluster's running supervisor. Errors say
// what to do (use sudo, `umlcluster up`) and carry their code: a bad name or file is bad
// input, the rest a failure.
#pragma once

#include <string>

#include "client/control_client.h"
#include "sys/result.h"

namespace uc::client {

// -n `name`, else the cluster `file`'s name, else the only cluster on this host, else the
// default "ocfs2".
Result<std::string> resolve_cluster(const std::string& name, const std::string& file);
// umlcluster runs its nodes in namespaces, as a confined user: most commands need root.
Status require_root();
// resolve_cluster, then require_root when `needs_root`.
Result<std::string> target_cluster(const std::string& name, const std::string& file,
                                   bool needs_root);

struct RunningCluster {
  std::string name;
  ControlClient control;
};
// The running cluster a command is about (root needed), connected; else why not (a bad
// name, not root, not running).
Result<RunningCluster> connect_running(const std::string& name, const std::string& file);

}  // namespace uc::client
