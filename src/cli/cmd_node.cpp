// `umlcluster node add|restart`: change a running cluster's nodes. add: the others learn
// the new node without unmounting, it boots, joins and mounts the volumes (OCFS2 allows
// this online in local heartbeat mode). restart: graceful stops and fresh boots, one node
// after another (a rebuilt kernel takes effect).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "client/cluster_record.h"
#include "client/cluster_target.h"
#include "client/lifecycle.h"
#include "client/status_query.h"
#include "config/node_add.h"
#include "kernel/kernel_ref.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_node {

struct NodeOptions {
  std::string action;              // add, restart
  std::string name, ip, memory;    // add
  int number = -1;                 // add: the OCFS2 node number (-1: the next free one)
  std::vector<std::string> nodes;  // restart
  std::string kernel;              // restart: every node booting built:NAME
} o;

// The running cluster and its record.
struct Target {
  std::string name;
  ControlClient control;
  client::ClusterRecord rec;
};

Result<Target> running_target(const Globals& g) {
  auto name = client::target_cluster(g.name, g.file, /*needs_root=*/true);
  if (!name) return name.error();
  ClusterPaths p(*name);
  auto c = client::connect_supervisor(p);
  auto rec = client::read_record(p);
  if (!c || !rec)
    return err(fmt::format("cluster {} is not running (`umlcluster up` first)", *name));
  return Target{*name, std::move(*c), std::move(*rec)};
}

// A formatted volume's node slots were fixed by mkfs.ocfs2 -N; its marker says how many.
std::map<std::string, int> formatted_slots(const ClusterPaths& p, const ClusterSpec& spec) {
  std::map<std::string, int> slots;
  for (const auto& d : spec.disks)
    if (auto marker = read_file(p.disk_marker(d.name))) {
      auto j = nlohmann::json::parse(*marker, nullptr, false);
      if (j.is_object() && j.contains("slots") && j["slots"].is_number_integer())
        slots[d.name] = j["slots"].get<int>();
    }
  return slots;
}

void print_full_status(Target& t, bool json) {
  if (auto st = client::full_status(t.control, t.rec.spec)) print_status(*st, json);
}

int add(const Globals& g) {
  auto t = running_target(g);
  if (!t) return fail(t.error());
  ClusterPaths p(t->name);
  ClusterSpec& spec = t->rec.spec;
  auto plan = plan_node_add(spec, {o.name, o.ip, o.number, o.memory}, formatted_slots(p, spec));
  if (!plan.errors.empty()) {
    std::string msg;
    for (const auto& e : plan.errors) msg += (msg.empty() ? "" : "\n") + e;
    return fail(Error{msg, plan.bad_input ? ErrorCode::kBadInput : ErrorCode::kFailed});
  }
  const NodeSpec& n = plan.node;
  spec.nodes.push_back(n);
  if (auto s = client::write_record(p, t->rec); !s) return fail(s.error());
  fmt::print("adding {} ({}, OCFS2 node {}) to cluster {}\n", o.name, o.ip, n.number, t->name);
  control::Request r{control::Op::kAddNode};
  r.node = o.name;
  auto reply = t->control.request(r);
  if (!reply) return fail(reply.error());
  if (auto s = wait_for_nodes(t->control, *reply, {o.name}); !s) return fail(s.error());
  print_full_status(*t, g.json);
  return 0;
}

// The nodes named, and those booting built:KERNEL.
Result<std::vector<std::string>> restart_set(const Target& t) {
  std::vector<std::string> which = o.nodes;
  for (const auto& n : t.rec.spec.nodes)
    if (!o.kernel.empty() && n.kernel == std::string(kernel::kBuiltPrefix) + o.kernel &&
        !std::count(which.begin(), which.end(), n.name))
      which.push_back(n.name);
  if (which.empty())
    return bad_input(o.kernel.empty()
                         ? "name the nodes to restart, or --kernel NAME"
                         : fmt::format("no node of cluster {} boots built:{}", t.name, o.kernel));
  for (const auto& n : which)
    if (!t.rec.spec.find_node(n))
      return bad_input(fmt::format("cluster {} has no node {}", t.name, n));
  return which;
}

int restart(const Globals& g) {
  auto t = running_target(g);
  if (!t) return fail(t.error());
  auto which = restart_set(*t);
  if (!which) return fail(which.error());
  ProgressToStderr progress(g.json);
  // One at a time: the others keep the volume mounted and the cluster's quorum.
  for (const auto& n : *which) {
    fmt::print("restarting {}\n", n);
    std::fflush(stdout);
    control::Request r{control::Op::kRestart};
    r.nodes = {n};
    auto reply = t->control.request(r);
    if (!reply) return fail(reply.error());
    if (auto s = wait_for_nodes(t->control, *reply, {n}); !s) return fail(s.error());
  }
  if (auto st = client::full_status(t->control, t->rec.spec)) {
    progress.restore();
    print_status(*st, g.json);
  }
  return 0;
}

void define(CLI::App& cmd, Globals& g) {
  cmd.require_subcommand(1);
  auto* a = cmd.add_subcommand(
      "add",
      "add a node to a running cluster: the others learn it without unmounting, it boots, "
      "joins and mounts the volumes (OCFS2 allows this online in local heartbeat mode)");
  name_option(*a, g);
  json_option(*a, g);
  a->add_option("name", o.name, "the new node's name (its hostname)")->required();
  a->add_option("--ip", o.ip, "its address in the cluster's subnet")->required();
  a->add_option("--number", o.number, "its OCFS2 node number (default: the next free one)");
  a->add_option("--memory", o.memory, "its memory (default: as node0)");
  a->callback([] { o.action = "add"; });
  auto* r = cmd.add_subcommand(
      "restart",
      "stop nodes gracefully and boot them again, one after another (a rebuilt kernel "
      "takes effect); returns when they are ready");
  name_option(*r, g);
  json_option(*r, g);
  r->add_option("nodes", o.nodes, "the nodes to restart");
  r->add_option("--kernel", o.kernel, "every node whose kernel is built:NAME");
  r->callback([] { o.action = "restart"; });
}

int run(const Globals& g) { return o.action == "add" ? add(g) : restart(g); }

}  // namespace cmd_node

const Command kNode{"node", "change a running cluster's nodes", cmd_node::define, cmd_node::run};

}  // namespace uc::cli
