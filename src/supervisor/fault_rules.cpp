#include "supervisor/fault_rules.h"

#include <algorithm>
#include <set>

namespace uc::cluster {

Status check_partition(const std::vector<std::vector<std::string>>& groups,
                       const std::vector<std::string>& nodes) {
  std::set<std::string> seen;
  size_t non_empty = 0;
  for (const auto& g : groups) {
    if (!g.empty()) ++non_empty;
    for (const auto& n : g) {
      if (std::find(nodes.begin(), nodes.end(), n) == nodes.end())
        return err("no node named \"" + n + "\" in this cluster");
      if (!seen.insert(n).second) return err(n + " is in two groups");
    }
  }
  if (non_empty < 2)
    return err(
        "a partition needs at least two groups of nodes (e.g. node0 node1,node2): this one cuts "
        "nothing");
  return {};
}

net::NetRules net_rules(const FaultBook& faults, const std::map<std::string, net::Mac>& macs) {
  net::NetRules rules;
  auto mac = [&](const nlohmann::json& name) -> std::optional<net::Mac> {
    if (!name.is_string()) return std::nullopt;
    auto it = macs.find(name.get<std::string>());
    return it == macs.end() ? std::nullopt : std::optional(it->second);
  };
  for (const auto& f : faults.active()) {
    if (f.kind == "partition") {
      const auto& groups = f.params.value("groups", nlohmann::json::array());
      bool one_way = f.params.value("one_way", false);
      for (size_t i = 0; i < groups.size(); ++i)
        for (size_t j = 0; j < groups.size(); ++j) {
          if (i == j || (one_way && i != 0)) continue;
          for (const auto& a : groups[i])
            for (const auto& b : groups[j])
              if (auto ma = mac(a), mb = mac(b); ma && mb) rules.blocked.insert({*ma, *mb});
        }
    } else if (f.kind == "net") {
      auto m = mac(nlohmann::json(f.node));
      if (!m) continue;
      net::LinkImpairment l;
      l.delay_ms = f.params.value("delay_ms", 0u);
      l.jitter_ms = f.params.value("jitter_ms", 0u);
      l.loss_pct = f.params.value("loss_pct", 0.0);
      rules.links[*m] = l;
    }
  }
  return rules;
}

}  // namespace uc::cluster
