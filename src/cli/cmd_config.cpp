// `umlcluster config export`, `umlcluster fsck`, `umlcluster node add`.
#include <unistd.h>

#include <algorithm>
#include <fmt/format.h>

#include "cli/commands.h"
#include "config/cluster_file.h"
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
  for (const auto& d : rec->spec.disks) {
    if (!disk.empty() && d.name != disk) continue;
    fmt::print("== {} ({})\n", d.name, p.disk(d.name));
    std::fflush(stdout);
    // Read-only: -n answers no to every question; nothing on the disk changes.
    auto st = run_command({"fsck.ocfs2", "-n", p.disk(d.name)});
    if (!st) {
      print_error(st.error().message);
      rc = kExitFailed;
    }
  }
  return rc;
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
  NodeSpec n = spec.nodes.front();
  n.name = node;
  auto addr = Ipv4::parse(ip);
  std::string bad;
  if (!is_valid_hostname(node)) bad = fmt::format("\"{}\" is not a valid hostname", node);
  else if (spec.find_node(node)) bad = fmt::format("cluster {} already has a node {}", *name, node);
  else if (!addr) bad = fmt::format("\"{}\" is not an IPv4 address", ip);
  else if (!spec.subnet.contains(*addr) || spec.subnet.is_network_or_broadcast(*addr))
    bad = fmt::format("{} is not a host address of {}", ip, spec.subnet.str());
  if (!bad.empty()) {
    print_error(bad);
    return kExitBadInput;
  }
  n.address = *addr;
  int max_number = -1;
  for (const auto& o : spec.nodes) {
    if (o.address == *addr) {
      print_error(fmt::format("{} is already {}'s address", ip, o.name));
      return kExitBadInput;
    }
    max_number = std::max(max_number, o.number);
    if (number >= 0 && o.number == number) {
      print_error(fmt::format("OCFS2 node number {} is {}'s", number, o.name));
      return kExitBadInput;
    }
  }
  n.number = number >= 0 ? number : max_number + 1;
  if (n.number > 254) {
    print_error("no OCFS2 node number left (0-254)");
    return kExitBadInput;
  }
  if (!memory.empty()) {
    auto m = parse_size(memory);
    if (!m || *m < kMinNodeMemory) {
      print_error(fmt::format("--memory {}: give at least {}", memory, format_size(kMinNodeMemory)));
      return kExitBadInput;
    }
    n.memory = *m;
  }
  spec.nodes.push_back(n);
  // Every volume the node gets must have a free node slot: slots are set when formatted.
  for (const auto& d : spec.disks) {
    if (!spec.attached(d, n.name)) continue;
    size_t users = 0;
    for (const auto& o : spec.nodes) users += spec.attached(d, o.name) ? 1 : 0;
    // The slot count was fixed when the disk was formatted (its marker says); a disk not
    // formatted yet gets its slots from the definition as it will be then.
    int slots = spec.slots(d);
    if (auto marker = read_file(p.disk_marker(d.name))) {
      auto j = nlohmann::json::parse(*marker, nullptr, false);
      if (!j.is_discarded()) slots = j.value("slots", slots);
    }
    if (static_cast<int>(users) > slots) {
      print_error(fmt::format("volume {} has {} node slots, all taken; give the disk more `slots` "
                              "in the cluster file before formatting", d.name, slots));
      return kExitFailed;
    }
  }
  if (auto s = write_record(p, *rec); !s) {
    print_error(s.error().message);
    return kExitFailed;
  }
  fmt::print("adding {} ({}, OCFS2 node {}) to cluster {}\n", node, ip, n.number, *name);
  auto reply = c->request({{"op", "add_node"}, {"node", node}});
  if (!reply || !(*reply).value("ok", false)) {
    print_error(reply ? (*reply).value("error", "refused") : reply.error().message);
    return kExitFailed;
  }
  if (!wait_until_ready(*c, (*reply)["status"], {node})) return kExitFailed;
  auto st = c->request({{"op", "status"}});
  if (st) {
    add_o2cb_state(*c, spec, *st);
    print_status(*st, g.json);
  }
  return 0;
}

}  // namespace uc::cli
