// `umlcluster up`: build or reuse the image, start the supervisor, wait for every node; on
// a running cluster, start the nodes that are stopped.
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "client/cluster_definition.h"
#include "client/cluster_prepare.h"
#include "client/cluster_record.h"
#include "client/host_capacity.h"
#include "client/lifecycle.h"
#include "client/status_query.h"
#include "paths/state_paths.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_up {

using Clock = std::chrono::steady_clock;

struct UpOptions {
  bool rebuild_image = false;
  bool ignore_capacity = false;  // start even if the host looks too small
  std::string from;              // a paper-style OCFS2 cluster.conf as the cluster definition
  std::string lab;               // a lab folder (its cluster.toml) or a cluster file
} o;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void note(const std::string& line) {
  fmt::print("{}\n", line);
  std::fflush(stdout);
}

// `up lab/`: the lab folder's cluster.toml (or the file given instead of a folder).
Result<std::string> lab_file(const std::string& lab) {
  struct stat st;
  bool dir = ::stat(lab.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  std::string file = dir ? lab + "/cluster.toml" : lab;
  if (::access(file.c_str(), R_OK) != 0)
    return bad_input(dir ? lab + " has no cluster.toml (a lab folder holds its cluster file)"
                         : lab + ": no such lab folder or cluster file");
  return file;
}

void print_full_status(ControlClient& c, const ClusterSpec& spec, ProgressToStderr& progress,
                       bool json) {
  if (auto st = client::full_status(c, spec)) {
    progress.restore();
    print_status(*st, json);
  }
}

// The cluster runs: start the nodes that are stopped, if it is the same cluster.
int start_stopped(ControlClient& c, const Globals& g, ClusterSpec& spec,
                  ProgressToStderr& progress) {
  ClusterPaths p(spec.name);
  auto rec = client::read_record(p);
  if (rec && client::same_cluster(rec->spec, spec)) {
    if (nlohmann::json(client::with_policies_of(rec->spec, spec)) != nlohmann::json(rec->spec))
      fmt::print(
          "cluster {} is running: new restart policies or [manager] settings apply after "
          "`umlcluster down` and `up`\n",
          spec.name);
    spec = rec->spec;
  }
  if (rec && !client::same_cluster(rec->spec, spec))
    return fail(
        err(fmt::format("cluster {} is running with a different definition than {}; "
                        "`umlcluster down` it first (its disks are kept)",
                        spec.name, g.file.empty() ? "the default" : g.file)));
  auto reply = c.request({control::Op::kStart});
  if (!reply) return fail(reply.error());
  if (reply->started.empty()) {
    fmt::print("cluster {} is already up; nothing changed\n", spec.name);
    progress.restore();
    if (reply->status) {
      client::add_costs(*reply->status);
      print_status(*reply->status, g.json);
    }
    return 0;
  }
  fmt::print("cluster {} is up; starting {} stopped node(s)\n", spec.name, reply->started.size());
  if (auto s = wait_for_nodes(c, *reply, reply->started); !s) return fail(s.error());
  print_full_status(c, spec, progress, g.json);
  return 0;
}

// Before anything is made on disk: the cluster fits the host's free memory and tasks.
Status check_capacity(const ClusterSpec& spec) {
  auto room = client::read_host_room();
  if (!room) return room.error();
  auto need = client::cluster_need(spec);
  if (auto why = client::capacity_refusal(need, *room)) return err(*why);
  if (auto note = client::capacity_note(need, *room)) fmt::print(stderr, "{}\n", *note);
  return {};
}

int start_new(const Globals& g, ClusterSpec& spec, ProgressToStderr& progress,
              Clock::time_point t0) {
  if (!o.ignore_capacity)
    if (auto s = check_capacity(spec); !s) return fail(s.error());
  if (auto s = client::prepare_cluster(g.file, spec, o.rebuild_image, note); !s)
    return fail(s.error());
  ClusterPaths p(spec.name);
  fmt::print("starting cluster {}: {} node(s) on {}\n", spec.name, spec.nodes.size(),
             spec.subnet.str());
  std::fflush(stdout);
  auto boot0 = Clock::now();
  if (auto s = client::start_supervisor(p, spec.name, /*start_nodes=*/true); !s)
    return fail(s.error());
  auto c = ControlClient::connect(p.control_socket());
  if (!c) return fail(c.error());
  auto snap = c->request({control::Op::kSubscribe});
  if (!snap) return fail(snap.error());
  if (auto s = wait_for_nodes(*c, *snap, {}); !s) {
    print_error(s.error().message);
    fmt::print(stderr,
               "stopping what started; the cluster's state and logs stay in {} "
               "(`umlcluster events` tells what happened)\n",
               p.dir);
    (void)client::stop_cluster(p);
    return kExitFailed;
  }
  fmt::print("cluster {} is up: {} node(s) ready in {:.1f} s ({:.1f} s in all)\n", spec.name,
             spec.nodes.size(), since(boot0), since(t0));
  print_full_status(*c, spec, progress, g.json);
  return 0;
}

void define(CLI::App& cmd, Globals& g) {
  file_option(cmd, g);
  json_option(cmd, g);
  cmd.add_flag("--rebuild-image", o.rebuild_image, "build the root image again even if cached");
  cmd.add_flag("--ignore-capacity", o.ignore_capacity,
               "start even if the nodes look too many for the host's free memory or tasks");
  cmd.add_option(
      "lab", o.lab,
      "a lab folder: its cluster.toml, NODE/ folders of files for each node's root, "
      "shared.startup and NODE.startup (run once mounted), NODE.shutdown and shared.shutdown "
      "(run at down)");
  cmd.add_option("--from", o.from,
                 "take the cluster definition from an OCFS2 cluster.conf (the paper's Table 3)")
      ->check(CLI::ExistingFile);
}

int run(const Globals& given) {
  auto t0 = Clock::now();
  Globals g = given;
  if (!o.lab.empty()) {
    if (!g.file.empty()) return fail(bad_input("give either a lab folder or -f, not both"));
    auto file = lab_file(o.lab);
    if (!file) return fail(file.error());
    g.file = *file;
  }
  ProgressToStderr progress(g.json);
  auto spec = client::definition_for_root(g.file, o.from);
  if (!spec) return fail(spec.error());
  if (auto c = client::connect_supervisor(ClusterPaths(spec->name)))
    return start_stopped(*c, g, *spec, progress);
  return start_new(g, *spec, progress, t0);
}

}  // namespace cmd_up

const Command kUp{"up", "create and start a cluster; returns when every node is ready",
                  cmd_up::define, cmd_up::run};

}  // namespace uc::cli
