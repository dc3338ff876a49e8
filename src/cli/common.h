// What every command shares: options, finding the cluster, talking to its supervisor,
// and the cluster's record on disk.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "client/cluster_record.h"
#include "client/lifecycle.h"
#include "client/control_client.h"
#include "paths/state_paths.h"
#include "config/cluster_spec.h"
#include "sys/fd.h"
#include "sys/result.h"

namespace uc::cli {

// Exit codes: 0 done, 1 failed, 2 bad input (cluster file, arguments), and for exec the
// command's own code, or 125 when umlcluster itself could not run it.
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitExecFailed = 125;

// With --json, stdout carries the JSON alone: progress goes to stderr until restore().
class ProgressToStderr {
 public:
  explicit ProgressToStderr(bool on);
  ~ProgressToStderr() { restore(); }
  void restore();

 private:
  Fd saved_;
};

struct Globals {
  std::string file;   // -f: the cluster file
  std::string name;   // -n: the cluster's name
  bool json = false;
};

// The cluster a command is about: -n, else the -f file's name, else the only cluster on
// this host, else the default "ocfs2".
Result<std::string> resolve_cluster(const Globals& g);
// resolve_cluster for a command: on failure it prints why, sets *rc and returns nothing.
std::optional<std::string> target_cluster(const Globals& g, bool needs_root, int* rc);

using client::ClusterRecord;
using client::connect_supervisor;
using client::read_record;
using client::supervisor_pid;
using client::supervisor_running;
using client::write_record;
// The running cluster a command is about (root needed), connected; else it prints why
// (no such cluster, not root, not running), sets *rc and returns nothing.
std::optional<ControlClient> connect_running(const Globals& g, std::string* name, int* rc);
// One line of a node's progress, as up, down and node add print it (not the consoles'
// OCFS2 lines: `events` has those).
void print_progress(const control::Progress& p);
// Each running node's host pids and memory, read from /proc here (the supervisor's loop
// never walks /proc): the status reply gains "pids" and "memory_bytes".
void add_costs(nlohmann::json& status);

Status require_root();
void print_error(const std::string& msg);
bool stdout_is_tty();
std::string human_bytes(uint64_t b);
std::string human_duration(double seconds);
// Local time as 20261126-020130: names verify runs and report folders.
std::string time_stamp();

// Prints a status reply as a table (or JSON).
void print_status(const nlohmann::json& status, bool json);
nlohmann::json offline_status(const std::string& name, const ClusterPaths& p);

}  // namespace uc::cli
