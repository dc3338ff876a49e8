// umlcluster: a cluster of User Mode Linux nodes with OCFS2, in one command.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/generated_docs.h"

int main(int argc, char** argv) {
  using namespace uc::cli;
  CLI::App app{"umlcluster: builds, runs, breaks and measures a cluster of User Mode Linux nodes "
               "on this host.\nState lives in $UMLCLUSTER_HOME (default /var/lib/umlcluster)."};
  app.set_version_flag("--version", std::string("umlcluster ") + UMLCLUSTER_VERSION);
  app.require_subcommand(1);
  Globals g;
  int rc = 0;
  auto file_opt = [&](CLI::App* sub) {
    sub->add_option("-f,--file", g.file, "cluster file (TOML); none means the paper's 2-node cluster")
        ->check(CLI::ExistingFile);
  };
  auto name_opt = [&](CLI::App* sub) {
    sub->add_option("-n,--name", g.name, "which cluster (default: the only one, else \"ocfs2\")");
    sub->add_option("-f,--file", g.file, "take the cluster's name from this cluster file")
        ->check(CLI::ExistingFile);
  };
  auto json_opt = [&](CLI::App* sub) { sub->add_flag("--json", g.json, "machine-readable output"); };

  UpOptions up;
  auto* s_up = app.add_subcommand("up", "create and start a cluster; returns when every node is ready");
  file_opt(s_up);
  json_opt(s_up);
  s_up->add_flag("--rebuild-image", up.rebuild_image, "build the root image again even if cached");
  s_up->add_option("lab", up.lab,
                   "a lab folder: its cluster.toml, NODE/ folders of files for each node's root, "
                   "shared.startup and NODE.startup (run once mounted), NODE.shutdown and shared.shutdown "
                   "(run at down)");
  s_up->callback([&] { rc = cmd_up(g, up); });

  auto* s_down = app.add_subcommand("down", "stop every node gracefully (state and disks are kept)");
  name_opt(s_down);
  s_down->callback([&] { rc = cmd_down(g); });

  bool yes = false;
  auto* s_destroy = app.add_subcommand("destroy", "remove a cluster's state: COW files, disks, logs");
  name_opt(s_destroy);
  s_destroy->add_flag("-y,--yes", yes, "do not ask for confirmation");
  s_destroy->callback([&] { rc = cmd_destroy(g, yes); });

  auto* s_status = app.add_subcommand("status", "per node: state, host pids, address, uptime, host memory");
  name_opt(s_status);
  json_opt(s_status);
  s_status->callback([&] { rc = cmd_status(g); });

  auto* s_list = app.add_subcommand("list", "the clusters on this host");
  json_opt(s_list);
  s_list->callback([&] { rc = cmd_list(g); });

  std::string node;
  std::vector<std::string> command;
  bool tty = false, interactive = false;
  double exec_timeout = 0;
  auto* s_exec = app.add_subcommand("exec", "run a command in a node; exits with its exit code "
                                            "(125: umlcluster could not run it)");
  name_opt(s_exec);
  s_exec->add_option("node", node, "node name")->required();
  s_exec->add_option("command", command, "the command and its arguments (after --)")->required();
  s_exec->add_flag("-t,--tty", tty, "run it on a terminal");
  s_exec->add_flag("-i,--interactive", interactive, "pass stdin even when it is a terminal");
  s_exec->add_option("--timeout", exec_timeout,
                     "give up after S seconds: the command is killed, exit code 124 (as timeout(1))")
      ->check(CLI::PositiveNumber);
  s_exec->callback([&] { rc = cmd_exec(g, node, command, tty, interactive, exec_timeout); });

  FaultOptions fault;
  auto* s_fault = app.add_subcommand("fault", "break a running cluster on purpose (see `umlcluster events`)");
  s_fault->require_subcommand(1);
  auto fault_cmd = [&](const char* action, const char* help, bool takes_node) {
    auto* sub = s_fault->add_subcommand(action, help);
    name_opt(sub);
    if (takes_node) sub->add_option("node", fault.node, "node name")->required();
    sub->callback([&, action] {
      fault.action = action;
      rc = cmd_fault(g, fault);
    });
    return sub;
  };
  auto for_opt = [&](CLI::App* sub, const char* what) {
    sub->add_option("--for", fault.for_s, what)->check(CLI::PositiveNumber);
  };
  auto* s_freeze = fault_cmd("freeze", "stop the whole node without killing it (UML's mconsole stop)", true);
  for_opt(s_freeze, "thaw it by itself after S seconds");
  fault_cmd("thaw", "resume a frozen node (mconsole go)", true);
  auto* s_crash = fault_cmd("crash", "a power cut: every host process of the node killed at once; its "
                                     "restart policy applies", true);
  s_crash->add_flag("--no-restart", fault.no_restart, "keep it down (until `umlcluster up`)");
  auto* s_part = fault_cmd("partition", "cut the network between groups of nodes in the switch, e.g. "
                                        "`partition node0 node1,node2`", false);
  s_part->add_option("groups", fault.groups, "two or more groups, each a comma-separated list of nodes")
      ->required()->expected(2, 256);
  s_part->add_flag("--one-way", fault.one_way, "drop only the frames from the first group to the others");
  for_opt(s_part, "heal by itself after S seconds");
  fault_cmd("heal", "end the partition and every slow link", false);
  auto* s_net = fault_cmd("net", "a slow or lossy link: the switch delays or drops the node's frames", true);
  s_net->add_option("--delay", fault.delay_ms, "added delay in ms (0-60000)")->check(CLI::Range(0, 60000));
  s_net->add_option("--jitter", fault.jitter_ms, "random +/- ms around the delay (0-60000)")->check(CLI::Range(0, 60000));
  s_net->add_option("--loss", fault.loss_pct, "percent of frames dropped (0-100)")->check(CLI::Range(0.0, 100.0));
  for_opt(s_net, "end by itself after S seconds");
  auto* s_stall = fault_cmd("disk-stall", "the node's I/O to the shared disk hangs; other nodes' goes on", true);
  for_opt(s_stall, "let it go on after S seconds");
  auto* s_slow = fault_cmd("disk-slow", "each of the node's shared-disk I/Os waits --delay ms first", true);
  s_slow->add_option("--delay", fault.delay_ms, "ms added to each I/O (1-60000)")->required()->check(CLI::Range(1, 60000));
  for_opt(s_slow, "end by itself after S seconds");
  auto* s_eio = fault_cmd("disk-error", "the node's shared-disk I/O fails with EIO", true);
  for_opt(s_eio, "end by itself after S seconds");
  auto* s_flist = fault_cmd("list", "the active faults and when they end", false);
  json_opt(s_flist);
  fault_cmd("clear", "end every active fault", false);

  VerifyOptions verify;
  auto* s_verify = app.add_subcommand("verify", "a Jepsen-style workload on every node (fsync'ed checksummed "
                                                "logs, a flock'ed shared file, create/rename/unlink), then a check "
                                                "that nothing acknowledged was lost or damaged; exit 1 if it was");
  name_opt(s_verify);
  json_opt(s_verify);
  s_verify->add_option("--duration", verify.duration_s, "seconds of workload (default 30)")->check(CLI::Range(1.0, 86400.0));
  s_verify->add_option("--seed", verify.seed, "the workload's random choices (default 1)");
  s_verify->add_flag("--fsck", verify.fsck, "then stop the cluster, force-check its disks (fsck.ocfs2 -fn), start it again");
  s_verify->add_option("--check", verify.check, "no workload: check an earlier run's acknowledged writes (its "
                                               "name, e.g. 20261126-020130) against the volume as it is now");
  s_verify->callback([&] { rc = cmd_verify(g, verify); });

  ChaosCliOptions chaos;
  auto* s_chaos = app.add_subcommand("chaos", "verify while a seeded schedule of faults hits the cluster; then "
                                              "every node must come back, nothing acknowledged may be lost and "
                                              "fsck must be clean (a JSON and HTML report)");
  name_opt(s_chaos);
  json_opt(s_chaos);
  s_chaos->add_option("--duration", chaos.duration_s, "seconds of workload and faults (default 120)");
  s_chaos->add_option("--interval", chaos.interval_s, "seconds between faults (default 20, at least 10)");
  s_chaos->add_option("--faults", chaos.faults, "kinds, comma-separated (default crash,freeze,partition,net,disk-stall)")
      ->delimiter(',');
  s_chaos->add_option("--seed", chaos.seed, "the schedule's seed: the same seed gives the same faults (default 1)");
  s_chaos->add_option("--out", chaos.out, "report folder (default umlcluster-chaos-NAME-TIME)");
  s_chaos->add_flag("--dry-run", chaos.dry_run, "print the schedule the seed gives, inject nothing");
  s_chaos->callback([&] { rc = cmd_chaos(g, chaos); });

  auto* s_console = app.add_subcommand("console", "an interactive shell in a node (Ctrl-] leaves)");
  name_opt(s_console);
  s_console->add_option("node", node, "node name")->required();
  s_console->callback([&] { rc = cmd_console(g, node); });

  bool follow = false;
  int lines = 0;
  auto* s_logs = app.add_subcommand("logs", "a node's kernel console log");
  name_opt(s_logs);
  s_logs->add_option("node", node, "node name")->required();
  s_logs->add_flag("-F,--follow", follow, "keep printing as the log grows");
  s_logs->add_option("--tail", lines, "only the last N lines");
  s_logs->callback([&] { rc = cmd_logs(g, node, follow, lines); });

  std::string from;
  s_up->add_option("--from", up.from, "take the cluster definition from an OCFS2 cluster.conf "
                                      "(the paper's Table 3)")->check(CLI::ExistingFile);

  auto* s_config = app.add_subcommand("config", "the OCFS2 cluster.conf of a cluster");
  s_config->require_subcommand(1);
  auto* s_export = s_config->add_subcommand("export", "print the cluster.conf that the nodes get");
  name_opt(s_export);
  s_export->add_option("--from", from, "a cluster.conf to read (and check) instead")->check(CLI::ExistingFile);
  s_export->callback([&] { rc = cmd_config_export(g, from); });

  std::string disk;
  auto* s_fsck = app.add_subcommand("fsck", "check a stopped cluster's OCFS2 disks: every pass, read-only (fsck.ocfs2 -fn); exit 1 if "
      "it finds problems");
  name_opt(s_fsck);
  s_fsck->add_option("disk", disk, "only this disk");
  s_fsck->callback([&] { rc = cmd_fsck(g, disk); });

  auto* s_node = app.add_subcommand("node", "change a running cluster's nodes");
  s_node->require_subcommand(1);
  std::string ip, memory;
  int number = -1;
  auto* s_add = s_node->add_subcommand(
      "add", "add a node to a running cluster: the others learn it without unmounting, it boots, "
             "joins and mounts the volumes (OCFS2 allows this online in local heartbeat mode)");
  name_opt(s_add);
  json_opt(s_add);
  s_add->add_option("name", node, "the new node's name (its hostname)")->required();
  s_add->add_option("--ip", ip, "its address in the cluster's subnet")->required();
  s_add->add_option("--number", number, "its OCFS2 node number (default: the next free one)");
  s_add->add_option("--memory", memory, "its memory (default: as node0)");
  s_add->callback([&] { rc = cmd_node_add(g, node, ip, number, memory); });
  std::vector<std::string> restart_nodes;
  std::string restart_kernel;
  auto* s_restart = s_node->add_subcommand(
      "restart", "stop nodes gracefully and boot them again, one after another (a rebuilt kernel "
                 "takes effect); returns when they are ready");
  name_opt(s_restart);
  json_opt(s_restart);
  s_restart->add_option("nodes", restart_nodes, "the nodes to restart");
  s_restart->add_option("--kernel", restart_kernel, "every node whose kernel is built:NAME");
  s_restart->callback([&] { rc = cmd_node_restart(g, restart_nodes, restart_kernel); });

  double interval = 1.0;
  bool once = false;
  int count = 0;
  auto* s_top = app.add_subcommand("top", "live view of what each node costs the host (q quits)");
  name_opt(s_top);
  json_opt(s_top);
  s_top->add_option("--interval", interval, "seconds between samples (default 1)");
  s_top->add_flag("--once", once, "print one sample (over one interval) and exit");
  s_top->add_option("--count", count, "print N samples and exit (with --json: one JSON object a line)")
      ->check(CLI::PositiveNumber);
  s_top->callback([&] { rc = cmd_top(g, interval, once ? 1 : count); });

  std::string listen;
  auto* s_metrics = app.add_subcommand(
      "metrics", "the same figures as top in Prometheus text (node_exporter names for the host, "
                 "umlcluster_* per node): printed once, or served with --listen");
  name_opt(s_metrics);
  s_metrics->add_option("--listen", listen,
                        "serve GET /metrics on 127.0.0.1:PORT, [::1]:PORT or unix:PATH (loopback only)");
  s_metrics->callback([&] { rc = cmd_metrics(g, listen); });

  ReportOptions report;
  auto* s_report = app.add_subcommand(
      "report", "the paper's experiment: host CPU/memory/load with no node, then after each node "
                "starts; writes a table, CSV, JSON and an HTML page with charts");
  file_opt(s_report);
  s_report->add_flag("--json", g.json, "print the report's JSON on stdout (progress goes to stderr)");
  s_report->add_option("--window", report.window, "seconds of sampling per row (default 10)");
  s_report->add_option("--interval", report.interval, "seconds between samples (default 1)");
  s_report->add_option("--settle", report.settle,
                       "seconds to wait after a node is ready before its window (default 0)");
  s_report->add_option("-o,--out", report.out,
                       "folder for report.{html,json,csv,txt} and series.csv (default "
                       "./umlcluster-report-NAME-TIME)");
  s_report->add_flag("--keep-up", report.keep_up, "leave the cluster running afterwards");
  s_report->callback([&] { rc = cmd_report(g, report); });

  BenchOptions bench;
  auto* s_bench = app.add_subcommand(
      "bench", "the benchmark suite: ready time, scale, failover, guest I/O and the monitor's cost, "
               "each figure beside its floor measured in the same run (bench/run.sh; needs root)");
  s_bench->add_option("--suite", bench.suite, "ready, scale, failover, io, monitor, smoke or all (default)")
      ->check(CLI::IsMember({"ready", "scale", "failover", "io", "monitor", "smoke", "all"}));
  s_bench->add_option("--json", bench.json, "write the results to this file (default: stdout)");
  s_bench->add_option("--nodes", bench.nodes, "scale: node counts (default \"2 4 8 16 32 64 128\")");
  s_bench->add_option("--runs", bench.runs, "ready: runs of each (default 3)")->check(CLI::Range(1, 50));
  s_bench->callback([&] { rc = cmd_bench(g, bench); });

  EventsOptions events;
  auto* s_events = app.add_subcommand(
      "events", "the cluster's event log: starts, deaths, restarts, fencing, and what OCFS2 says "
                "on each console (connections, evictions, recovery); kept across runs");
  name_opt(s_events);
  json_opt(s_events);
  s_events->add_flag("-F,--follow", events.follow, "keep printing new events until Ctrl-C");
  s_events->add_option("--since", events.since,
                       "only events since TIME: 30s, 10m, 2h, 1d (ago), 2026-11-25T22:10:00Z or "
                       "\"2026-11-25 22:10:00\" (UTC), or epoch milliseconds");
  s_events->add_option("--node", events.node, "only this node's events");
  s_events->add_option("--type", events.types,
                       "only these types: died, hung, evicted, recovery_begin, o2net_* ...")
      ->delimiter(',');
  s_events->callback([&] { rc = cmd_events(g, events); });

  auto* s_image = app.add_subcommand("image", "the cached root images");
  s_image->require_subcommand(1);
  bool force = false;
  auto* s_ibuild = s_image->add_subcommand("build", "build the root image for a cluster file");
  file_opt(s_ibuild);
  s_ibuild->add_flag("--force", force, "build again even if cached");
  s_ibuild->callback([&] { rc = cmd_image_build(g, force); });
  auto* s_ilist = s_image->add_subcommand("list", "list cached images");
  json_opt(s_ilist);
  s_ilist->callback([&] { rc = cmd_image_list(g); });
  std::vector<std::string> keys;
  auto* s_irm = s_image->add_subcommand("rm", "remove cached images");
  s_irm->add_option("image", keys, "image keys (see image list)")->required();
  s_irm->add_flag("--force", force, "remove even if a cluster is based on it");
  s_irm->callback([&] { rc = cmd_image_rm(g, keys, force); });

  KernelBuildOptions kb;
  auto* s_kernel = app.add_subcommand("kernel", "UML kernels built from source (kernel = \"built:NAME\" in a cluster file)");
  s_kernel->require_subcommand(1);
  auto* s_kbuild = s_kernel->add_subcommand(
      "build", "build an ARCH=um kernel and its modules, out of tree, into the kernel cache");
  s_kbuild->add_option("--name", kb.name, "its name in the cache (default: the config's name)");
  s_kbuild->add_option("--source", kb.source,
                       "a kernel tree or tarball (default: Debian's linux-source-6.1, installed on demand)");
  s_kbuild->add_option("--config", kb.config,
                       "paper (the paper's options, smallest), default (Debian's UML config) or a config file")
      ->capture_default_str();
  s_kbuild->add_option("--set", kb.sets, "OPTION=VALUE on top of the config (repeatable), e.g. OCFS2_DEBUG_FS=y");
  s_kbuild->add_option("--patch", kb.patches, "a patch to apply with patch -p1 (repeatable, in order)")
      ->check(CLI::ExistingFile);
  s_kbuild->add_option("--heartbeat-ms", kb.heartbeat_ms,
                       "lab: OCFS2's disk heartbeat interval O2HB_REGION_TIMEOUT_MS, 100-2000 (its own: 2000)");
  s_kbuild->add_option("-j,--jobs", kb.jobs, "compile jobs (default: the host's cores)");
  s_kbuild->add_flag("--force", kb.force, "build even if the cache has this kernel from the same inputs");
  json_opt(s_kbuild);
  s_kbuild->callback([&] { rc = cmd_kernel_build(g, kb); });
  auto* s_klist = s_kernel->add_subcommand("list", "the built kernels and the clusters that use them");
  json_opt(s_klist);
  s_klist->callback([&] { rc = cmd_kernel_list(g); });
  std::vector<std::string> knames;
  bool kforce = false;
  auto* s_krm = s_kernel->add_subcommand("rm", "remove built kernels");
  s_krm->add_option("name", knames, "kernel names (see kernel list)")->required();
  s_krm->add_flag("--force", kforce, "remove even if a cluster's nodes use it");
  s_krm->callback([&] { rc = cmd_kernel_rm(g, knames, kforce); });

  // Hidden (no group): what the build generates the man page and the completion from, and
  // the names the completion offers.
  auto* s_man = app.add_subcommand("__man", "")->group("");
  s_man->callback([&] { fmt::print("{}", man_page(app, UMLCLUSTER_VERSION)); });
  auto* s_man5 = app.add_subcommand("__man5", "")->group("");
  s_man5->callback([&] { fmt::print("{}", cluster_file_man_page(UMLCLUSTER_VERSION)); });
  auto* s_compl = app.add_subcommand("__completion", "")->group("");
  s_compl->callback([&] { fmt::print("{}", bash_completion(app)); });
  std::string names_kind;
  auto* s_names = app.add_subcommand("__names", "")->group("");
  s_names->add_option("kind", names_kind)->required();
  s_names->add_option("-n,--name", g.name);
  s_names->callback([&] { rc = cmd_names(g, names_kind); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  return rc;
}
