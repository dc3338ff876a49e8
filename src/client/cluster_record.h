// The cluster's record on disk (clusters/NAME/cluster.json): its definition as created
// (plus nodes added since) and the root image its COW files need.
#pragma once

#include <cstdint>
#include <string>

#include "config/cluster_spec.h"
#include "paths/state_paths.h"
#include "sys/result.h"

namespace uc::client {

struct ClusterRecord {
  ClusterSpec spec;
  std::string image;
  int64_t created_at = 0;
  std::string lab;  // the lab folder (config/lab.h): the cluster file's folder, "" without one
};
Result<ClusterRecord> read_record(const ClusterPaths& p);
Status write_record(const ClusterPaths& p, const ClusterRecord& r);

}  // namespace uc::client
