// A lab folder, as Netkit and Kathará users know it: the folder of the cluster file holds
//   NODE/             files copied into that node's root (owner, mode and symlinks kept)
//   shared.startup    run in every node once O2CB is online and its volumes are mounted,
//   NODE.startup      then this one, in that node; a failure fails the node's start
//   NODE.shutdown     run at `down` before the volumes are unmounted,
//   shared.shutdown   then this one
// Each start of a node (a restart by the manager too) copies the files and runs the
// startup scripts again. Their output goes to the node's console log.
#pragma once

#include <string>
#include <vector>

#include "sys/result.h"

namespace uc {

struct LabStep {
  std::string what;               // "files of node0/", "shared.startup", "node0.startup"
  std::vector<std::string> argv;  // run in the guest
  std::string input;              // its standard input (a tar stream, or the script)
};

inline constexpr size_t kMaxLabFiles = 16 * 1024 * 1024;  // a node folder's tar stream
inline constexpr int kLabStartupTimeoutS = 300;
inline constexpr int kLabShutdownTimeoutS = 30;

// True if `dir` holds anything of a lab for these nodes (a node folder or a script).
bool is_lab(const std::string& dir, const std::vector<std::string>& nodes);
// What to run in `node` as it starts: its files, shared.startup, NODE.startup (those that exist).
Result<std::vector<LabStep>> lab_startup(const std::string& dir, const std::string& node);
// What to run in `node` at `down`: NODE.shutdown, shared.shutdown.
Result<std::vector<LabStep>> lab_shutdown(const std::string& dir, const std::string& node);
// The message of a failed step: the node, the step, its exit code and its last lines.
std::string lab_failure(const std::string& node, const LabStep& step, int code,
                        const std::string& output);

}  // namespace uc
