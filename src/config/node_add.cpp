#include "config/node_add.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "config/cluster_file.h"
#include "config/validate.h"

namespace uc {
namespace {

// The number after the highest in use, as OCFS2's own tools pick it; the lowest free one
// once that passes 254; -1 if all 255 are taken.
int next_free_number(const ClusterSpec& spec) {
  std::set<int> used;
  for (const auto& n : spec.nodes) used.insert(n.number);
  int next = used.empty() ? 0 : *used.rbegin() + 1;
  if (next <= 254) return std::max(next, 0);
  for (int i = 0; i <= 254; ++i)
    if (!used.count(i)) return i;
  return -1;
}

bool same(const SpecProblem& a, const SpecProblem& b) {
  return a.field == b.field && a.message == b.message;
}

}  // namespace

NodeAddPlan plan_node_add(const ClusterSpec& spec, const NodeAddRequest& req,
                          const std::map<std::string, int>& formatted_slots) {
  NodeAddPlan plan;
  auto bad = [&](const std::string& where, const std::string& msg) {
    plan.errors.push_back(where.empty() ? msg : where + ": " + msg);
    plan.bad_input = true;
  };
  NodeSpec& n = plan.node;
  if (!spec.nodes.empty()) n = spec.nodes.front();
  n.name = req.name;
  bool ip_ok = false, memory_ok = true;
  if (auto a = Ipv4::parse(req.ip)) {
    n.address = *a;
    ip_ok = true;
  } else {
    bad("--ip", fmt::format("\"{}\" is not an IPv4 address", req.ip));
  }
  if (!req.memory.empty()) {
    auto m = parse_size(req.memory);
    memory_ok = m.has_value();
    if (m)
      n.memory = *m;
    else
      bad("--memory", fmt::format("\"{}\" is not a size such as \"128M\" or \"1G\"", req.memory));
  }
  n.number = req.number >= 0 ? req.number : next_free_number(spec);
  if (n.number < 0) bad("", "no OCFS2 node number left (0-254)");

  // The definition as the volumes hold it: a formatted volume's slots are what it was made with.
  ClusterSpec before = spec;
  for (auto& d : before.disks)
    if (auto it = formatted_slots.find(d.name); it != formatted_slots.end()) d.slots = it->second;
  ClusterSpec after = before;
  after.nodes.push_back(n);
  const int index = static_cast<int>(before.nodes.size());
  auto had = validate(before);
  for (const auto& p : validate(after)) {
    if (std::any_of(had.begin(), had.end(), [&](const auto& h) { return same(h, p); })) continue;
    if (p.node == index) {
      if ((p.key == "address" && !ip_ok) || (p.key == "memory" && !memory_ok) ||
          (p.key == "number" && n.number < 0))
        continue;  // said above
      if (p.key == "name")
        bad("name", p.message);
      else if (p.key == "address")
        bad("--ip", p.message);
      else if (p.key == "number")
        bad("--number", p.message);
      else if (p.key == "memory")
        bad(req.memory.empty() ? "memory (as the first node)" : "--memory", p.message);
      else
        bad(p.field, p.message);
    } else if (p.disk >= 0) {
      const auto& d = after.disks[static_cast<size_t>(p.disk)];
      bool formatted = formatted_slots.count(d.name) > 0;
      plan.errors.push_back(
          fmt::format("volume {}: {}{}", d.name, p.message,
                      formatted ? " (its slots were fixed when it was formatted)" : ""));
    } else {
      plan.errors.push_back(p.field + ": " + p.message);
    }
  }
  return plan;
}

}  // namespace uc
