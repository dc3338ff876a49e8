// One function per command; main.cpp wires them to CLI11.
#pragma once

#include <string>
#include <vector>

#include "cli/common.h"

namespace uc::cli {

struct UpOptions {
  bool rebuild_image = false;
  std::string from;  // a paper-style OCFS2 cluster.conf as the cluster definition
  std::string lab;   // a lab folder (its cluster.toml) or a cluster file
};
int cmd_up(const Globals& g, const UpOptions& o);
int cmd_down(const Globals& g);
int cmd_destroy(const Globals& g, bool yes);
int cmd_status(const Globals& g);
int cmd_list(const Globals& g);
// timeout_s > 0: give up after that long (exit 124, as coreutils timeout).
int cmd_exec(const Globals& g, const std::string& node, const std::vector<std::string>& argv,
             bool tty, bool interactive, double timeout_s);
// `fault freeze|thaw|crash|net|disk-stall|disk-slow|disk-error NODE`, `fault partition
// GROUP GROUP...`, `fault heal`, `fault list`, `fault clear`.
struct FaultOptions {
  std::string action;  // freeze, thaw, crash, partition, heal, net, disk-*, list, clear
  std::string node;
  double for_s = 0;         // end by itself after this long
  bool no_restart = false;  // crash: keep it down
  std::vector<std::string> groups;  // partition: "node0" "node1,node2"
  bool one_way = false;             // partition
  int64_t delay_ms = 0, jitter_ms = 0;  // net, disk-slow
  double loss_pct = 0;                  // net
};
int cmd_fault(const Globals& g, const FaultOptions& o);
int cmd_console(const Globals& g, const std::string& node);
int cmd_logs(const Globals& g, const std::string& node, bool follow, int lines);
int cmd_config_export(const Globals& g, const std::string& from);
int cmd_fsck(const Globals& g, const std::string& disk);
// fsck.ocfs2 -fn on a stopped cluster's disks (or `only` that one): its output and a verdict.
struct FsckOutcome {
  bool clean = true;
  std::string output;   // what fsck.ocfs2 printed
  std::string summary;  // one line per disk
};
FsckOutcome check_disks(const ClusterPaths& p, const ClusterSpec& spec, const std::string& only = "");
// `verify`: the workload and checker on a running cluster (see verify_run.h).
struct VerifyOptions {
  double duration_s = 30;
  uint64_t seed = 1;
  bool fsck = false;  // then stop the cluster, force-check its disks, start it again
  std::string check;  // no workload: check this earlier run's acks against the volume now
};
int cmd_verify(const Globals& g, const VerifyOptions& o);
// `chaos`: verify under a seeded schedule of faults, then come-back, check and fsck.
struct ChaosCliOptions {
  double duration_s = 120;
  double interval_s = 20;
  std::vector<std::string> faults{"crash", "freeze", "partition", "net", "disk-stall"};
  uint64_t seed = 1;
  std::string out;  // report folder (default umlcluster-chaos-NAME-TIME)
  bool dry_run = false;  // print the schedule, inject nothing
};
int cmd_chaos(const Globals& g, const ChaosCliOptions& o);
// Stops a running cluster, force-checks its disks and starts it again (verify --fsck, chaos).
Result<FsckOutcome> fsck_between_runs(const ClusterPaths& p, const std::string& name, const ClusterSpec& spec);
int cmd_node_add(const Globals& g, const std::string& name, const std::string& ip, int number,
                 const std::string& memory);
// Nodes named, or those booting built:`kernel`; one at a time, each ready before the next.
int cmd_node_restart(const Globals& g, const std::vector<std::string>& nodes, const std::string& kernel);
// count > 0: that many samples, printed, then exit; 0: the live view.
int cmd_top(const Globals& g, double interval, int count);
// `listen` empty: print once; else serve on that loopback address or unix:PATH.
int cmd_metrics(const Globals& g, const std::string& listen);
struct ReportOptions {
  double window = 10;    // seconds of samples a row
  double interval = 1;   // seconds between samples
  double settle = 0;     // seconds between a node's readiness and its window
  std::string out;       // folder for the files (default: umlcluster-report-NAME-TIME)
  bool keep_up = false;  // leave the cluster running afterwards
};
int cmd_report(const Globals& g, const ReportOptions& o);
struct BenchOptions {
  std::string suite = "all";  // ready, scale, failover, io, monitor, smoke, all
  std::string json;           // write the results here (default: stdout)
  std::string nodes;          // scale: node counts, "2 4 8"
  int runs = 0;               // ready: runs (0: the script's default, 3)
};
int cmd_bench(const Globals& g, const BenchOptions& o);
// The root image for `spec`, built or taken from the cache (`force`: built again); prints
// progress, and why on failure. *built says whether it was built now.
std::optional<std::string> build_image(const ClusterSpec& spec, bool force, bool* built);
int cmd_image_build(const Globals& g, bool force);
int cmd_image_list(const Globals& g);
int cmd_image_rm(const Globals& g, const std::vector<std::string>& keys, bool force);

// Creates the cluster's state (record, image) or checks that what exists matches `spec`
// (which then gains the nodes added since). Prints why and returns false if not.
bool prepare_cluster(const Globals& g, ClusterSpec& spec, bool rebuild_image);
using client::start_supervisor;
using client::stop_cluster;
// client::wait_until_ready, printing progress; false (having printed why) if a node failed.
bool wait_for_nodes(ControlClient& c, const nlohmann::json& snapshot,
                    const std::vector<std::string>& only);
// The cluster definition from -f FILE, --from CONF, or the default.
Result<ClusterSpec> load_definition(const Globals& g, const std::string& from);
// The same for a command that needs root; else prints why, sets *rc (exit code) and is empty.
std::optional<ClusterSpec> definition_for_root(const Globals& g, const std::string& from, int* rc);
// Adds each running node's O2CB state and the volumes' mounts to a status reply.
void add_o2cb_state(ControlClient& c, const ClusterSpec& spec, nlohmann::json& st);

// `events`: the cluster's event log, filtered; with `follow`, then what is appended to it.
struct EventsOptions {
  bool follow = false;
  std::string since;               // "10m", "2026-11-25T22:10:00Z" (UTC), epoch ms; "" for all
  std::string node;                // "" for every node and the cluster's own events
  std::vector<std::string> types;  // "died", "o2net_*", ...; none for all
};
int cmd_events(const Globals& g, const EventsOptions& o);

// `kernel build|list|rm`: UML kernels from source (kernel/kernel_build.h).
struct KernelBuildOptions {
  std::string name;
  std::string source;
  std::string config = "paper";
  std::vector<std::string> sets;
  std::vector<std::string> patches;
  int heartbeat_ms = 0;
  int jobs = 0;
  bool force = false;
};
int cmd_kernel_build(const Globals& g, const KernelBuildOptions& o);
int cmd_kernel_list(const Globals& g);
int cmd_kernel_rm(const Globals& g, const std::vector<std::string>& names, bool force);
// Hidden, for the shell completion: names of clusters, nodes, kernels or images.
int cmd_names(const Globals& g, const std::string& kind);

}  // namespace uc::cli
