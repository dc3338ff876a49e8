// A cluster's definition as a command is given it: a cluster file (-f), a paper-style OCFS2
// cluster.conf (--from), or the default (the paper's 2-node cluster). Errors in what the
// user gave are bad input.
#pragma once

#include <string>

#include "config/cluster_spec.h"
#include "sys/result.h"

namespace uc::client {

// `file` or `from` (not both); neither: the default.
Result<ClusterSpec> load_definition(const std::string& file, const std::string& from);
// The same for a command that needs root: a definition that does not load is bad input,
// not being root a failure.
Result<ClusterSpec> definition_for_root(const std::string& file, const std::string& from);

}  // namespace uc::client
