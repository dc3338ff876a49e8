// Force-checking a cluster's OCFS2 disks with fsck.ocfs2 (read-only): on a stopped cluster
// (`fsck`), or by stopping a running one, checking and starting it again (`verify --fsck`,
// `chaos`).
#pragma once

#include <functional>
#include <string>

#include "config/cluster_spec.h"
#include "paths/state_paths.h"
#include "sys/result.h"

namespace uc::client {

// What fsck.ocfs2 -fn said of each disk, and the verdict.
struct FsckOutcome {
  bool clean = true;
  std::string output;   // what fsck.ocfs2 printed, under a "== disk (path)" line each
  std::string summary;  // one line per disk
};
// Every disk of a stopped cluster, or `only` that one.
FsckOutcome check_disks(const ClusterPaths& p, const ClusterSpec& spec,
                        const std::string& only = "");
// Stops the running cluster, checks its disks and starts it again, waiting until its nodes
// are ready. `note` hears each step (stopping, the summary, starting) as whole lines,
// each ending in a newline.
Result<FsckOutcome> fsck_between_runs(const ClusterPaths& p, const std::string& name,
                                      const ClusterSpec& spec,
                                      const std::function<void(const std::string&)>& note);

}  // namespace uc::client
