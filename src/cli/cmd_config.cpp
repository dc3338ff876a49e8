#include <fcntl.h>
// `umlcluster config export`, `umlcluster fsck`, `umlcluster node add`.
#include <fmt/format.h>
#include <unistd.h>

#include <map>

#include "cli/commands.h"
#include "kernel/kernel_ref.h"
#include "config/cluster_file.h"
#include "config/node_add.h"
#include "ocfs2/cluster_conf.h"
#include "sys/files.h"
#include "sys/process.h"

namespace uc::cli {

int cmd_config_export(const Globals& g, const std::string& from) {
  // A cluster that exists speaks for itself (with the nodes added to it); else the file.
  if (g.file.empty() && from.empty()) {
    auto name = resolve_cluster(g);
    if (name) {
      auto rec = read_record(ClusterPaths(*name));
      if (rec) {
        fmt::print("{}", ocfs2::write_cluster_conf(rec->spec));
        return 0;
      }
    }
  }
  auto spec = load_definition(g, from);
  if (!spec) {
    print_error(spec.error().message);
    return kExitBadInput;
  }
  fmt::print("{}", ocfs2::write_cluster_conf(*spec));
  return 0;
}

FsckOutcome check_disks(const ClusterPaths& p, const ClusterSpec& spec, const std::string& only) {
  FsckOutcome out;
  for (const auto& d : spec.disks) {
    if (!only.empty() && d.name != only) continue;
    // Read-only: -n answers no to every question; nothing on the disk changes. -f: every
    // pass, whatever the superblock's flags say (without it fsck.ocfs2 reads the flags,
    // says "clean" and stops).
    std::string log_path = p.dir + "/fsck-" + d.name + ".log";
    auto log = open_file(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    Status st = log ? run_command({"fsck.ocfs2", "-fn", p.disk(d.name)}, log->get()) : Status(log.error());
    auto text = read_file(log_path);
    out.output += fmt::format("== {} ({})\n{}", d.name, p.disk(d.name), text ? *text : "");
    if (!st) {
      out.clean = false;
      out.summary += fmt::format("disk {}: the forced check found problems or could not finish ({}); "
                                 "its output: {}\n", d.name, st.error().message, log_path);
    } else {
      out.summary += fmt::format("disk {}: every pass of the forced check succeeded\n", d.name);
    }
  }
  return out;
}

int cmd_fsck(const Globals& g, const std::string& disk) {
  int rc = 0;
  auto name = target_cluster(g, /*needs_root=*/false, &rc);
  if (!name) return rc;
  ClusterPaths p(*name);
  auto rec = read_record(p);
  if (!rec) {
    print_error(rec.error().message);
    return kExitFailed;
  }
  if (supervisor_running(p)) {
    print_error(fmt::format("cluster {} is running: `umlcluster down` it before checking its disks", *name));
    return kExitFailed;
  }
  auto r = check_disks(p, rec->spec, disk);
  fmt::print("{}{}", r.output, r.summary);
  return r.clean ? 0 : kExitFailed;
}

int cmd_node_add(const Globals& g, const std::string& node, const std::string& ip, int number,
                 const std::string& memory) {
  int rc = 0;
  auto name = target_cluster(g, /*needs_root=*/true, &rc);
  if (!name) return rc;
  ClusterPaths p(*name);
  auto c = connect_supervisor(p);
  auto rec = read_record(p);
  if (!c || !rec) {
    print_error(fmt::format("cluster {} is not running (`umlcluster up` first)", *name));
    return kExitFailed;
  }
  ClusterSpec& spec = rec->spec;
  // A formatted volume's node slots were fixed by mkfs.ocfs2 -N; its marker says how many.
  std::map<std::string, int> formatted_slots;
  for (const auto& d : spec.disks)
    if (auto marker = read_file(p.disk_marker(d.name))) {
      auto j = nlohmann::json::parse(*marker, nullptr, false);
      if (j.is_object() && j.contains("slots") && j["slots"].is_number_integer())
        formatted_slots[d.name] = j["slots"].get<int>();
    }
  auto plan = plan_node_add(spec, {node, ip, number, memory}, formatted_slots);
  if (!plan.errors.empty()) {
    std::string msg;
    for (const auto& e : plan.errors) msg += (msg.empty() ? "" : "\n") + e;
    print_error(msg);
    return plan.bad_input ? kExitBadInput : kExitFailed;
  }
  const NodeSpec& n = plan.node;
  spec.nodes.push_back(n);
  if (auto s = write_record(p, *rec); !s) {
    print_error(s.error().message);
    return kExitFailed;
  }
  fmt::print("adding {} ({}, OCFS2 node {}) to cluster {}\n", node, ip, n.number, *name);
  control::Request add{control::Op::kAddNode};
  add.node = node;
  auto reply = c->request(add);
  if (!reply) {
    print_error(reply.error().message);
    return kExitFailed;
  }
  if (!wait_for_nodes(*c, reply->status, {node})) return kExitFailed;
  if (auto st = c->request({control::Op::kStatus})) {
    add_costs(st->status);
    add_o2cb_state(*c, spec, st->status);
    print_status(st->status, g.json);
  }
  return 0;
}

int cmd_node_restart(const Globals& g, const std::vector<std::string>& nodes, const std::string& kernel) {
  int rc = 0;
  auto name = target_cluster(g, /*needs_root=*/true, &rc);
  if (!name) return rc;
  ClusterPaths p(*name);
  auto c = connect_supervisor(p);
  auto rec = read_record(p);
  if (!c || !rec) {
    print_error(fmt::format("cluster {} is not running (`umlcluster up` first)", *name));
    return kExitFailed;
  }
  std::vector<std::string> which = nodes;
  for (const auto& n : rec->spec.nodes)
    if (!kernel.empty() && n.kernel == std::string(kernel::kBuiltPrefix) + kernel &&
        !std::count(which.begin(), which.end(), n.name))
      which.push_back(n.name);
  if (which.empty()) {
    print_error(kernel.empty() ? "name the nodes to restart, or --kernel NAME"
                               : fmt::format("no node of cluster {} boots built:{}", *name, kernel));
    return kExitBadInput;
  }
  for (const auto& n : which)
    if (!rec->spec.find_node(n)) {
      print_error(fmt::format("cluster {} has no node {}", *name, n));
      return kExitBadInput;
    }
  ProgressToStderr progress(g.json);
  // One at a time: the others keep the volume mounted and the cluster's quorum.
  for (const auto& n : which) {
    fmt::print("restarting {}\n", n);
    std::fflush(stdout);
    control::Request r{control::Op::kRestart};
    r.nodes = {n};
    auto reply = c->request(r);
    if (!reply) {
      print_error(reply.error().message);
      return kExitFailed;
    }
    if (!wait_for_nodes(*c, reply->status, {n})) return kExitFailed;
  }
  if (auto st = c->request({control::Op::kStatus})) {
    add_costs(st->status);
    add_o2cb_state(*c, rec->spec, st->status);
    progress.restore();
    print_status(st->status, g.json);
  }
  return 0;
}

}  // namespace uc::cli
