// Where umlcluster keeps things on the host. The root is $UMLCLUSTER_HOME, or
// /var/lib/umlcluster. Everything under it is root's only (0700 directories, 0600 files),
// but for the directories a node's unprivileged user must write in (its COW and the switch
// socket), which are that user's only.
#pragma once

#include <string>

namespace uc {

inline constexpr unsigned kNodeUid = 65534;  // the sandboxed UML and switch processes
inline constexpr unsigned kNodeGid = 65534;

std::string state_root();

struct ClusterPaths {
  std::string dir;
  explicit ClusterPaths(const std::string& name);
  std::string spec() const { return dir + "/cluster.json"; }
  std::string lock() const { return dir + "/supervisor.pid"; }
  std::string supervisor_log() const { return dir + "/supervisor.log"; }
  // The cluster's typed event log (one JSON object a line), kept across runs, rotated.
  std::string events() const { return dir + "/events.jsonl"; }
  std::string control_socket() const { return dir + "/control.sock"; }
  std::string switch_dir() const { return dir + "/switch"; }
  std::string switch_socket() const { return switch_dir() + "/switch.ctl"; }
  std::string node_dir(const std::string& n) const { return dir + "/nodes/" + n; }
  std::string node_log(const std::string& n) const { return dir + "/logs/" + n + ".log"; }
  std::string mount_point(const std::string& what) const { return dir + "/mnt/" + what; }
  std::string disk(const std::string& d) const { return dir + "/disks/" + d + ".img"; }
  std::string disk_marker(const std::string& d) const { return dir + "/disks/" + d + ".formatted"; }
  std::string mconsole(const std::string& n) const {
    return node_dir(n) + "/uml/" + n + "/mconsole";
  }
};

std::string clusters_dir();
std::string images_dir();
std::string cache_dir();
// Built kernels (one folder a name), their object trees and their unpacked sources.
std::string kernels_dir();
std::string kernel_builds_dir();
std::string kernel_sources_dir();

}  // namespace uc
