#include "config/cluster_spec.h"

#include <algorithm>
#include <stdexcept>

namespace uc {

const char* restart_policy_name(RestartPolicy p) {
  switch (p) {
    case RestartPolicy::kNo:
      return "no";
    case RestartPolicy::kOnFailure:
      return "on-failure";
    case RestartPolicy::kAlways:
      return "always";
  }
  return "?";
}

std::optional<RestartPolicy> parse_restart_policy(std::string_view s) {
  for (auto p : {RestartPolicy::kNo, RestartPolicy::kOnFailure, RestartPolicy::kAlways})
    if (s == restart_policy_name(p)) return p;
  return std::nullopt;
}

// O2CB declares a node dead after (threshold - 1) heartbeats of 2 s each without one of its
// writes; a node the host cannot reach for as long is as good as dead to its peers.
uint64_t journal_size_for(uint64_t disk_size, int slots) {
  if (slots <= 0) return 0;
  uint64_t share = disk_size / 2 / static_cast<uint64_t>(slots) / kMiB * kMiB;
  if (share >= 64 * kMiB) return 0;
  return std::max(share, kMinJournal);
}

uint64_t default_disk_size(int slots) {
  uint64_t need = 2 * kMinJournal * static_cast<uint64_t>(std::max(slots, 0));
  uint64_t gib = 1024 * kMiB;
  return std::max(gib, (need + gib - 1) / gib * gib);
}

O2cbSpec o2cb_defaults_for(size_t nodes) {
  if (nodes <= kLabTimeoutsUpTo) return O2cbSpec{};
  return O2cbSpec{.heartbeat_threshold = 31,
                  .idle_timeout_ms = 20000,
                  .keepalive_delay_ms = 8000,
                  .reconnect_delay_ms = 2000};
}

int ManagerSpec::hung_after(const O2cbSpec& o2cb) const {
  return hung_after_ms > 0 ? hung_after_ms : (o2cb.heartbeat_threshold - 1) * 2000;
}

const NodeSpec* ClusterSpec::find_node(const std::string& n) const {
  for (const auto& node : nodes)
    if (node.name == n) return &node;
  return nullptr;
}

bool ClusterSpec::attached(const DiskSpec& d, const std::string& node) const {
  if (d.nodes.empty()) return find_node(node) != nullptr;
  return std::find(d.nodes.begin(), d.nodes.end(), node) != d.nodes.end();
}

std::vector<const DiskSpec*> ClusterSpec::disks_of(const std::string& node) const {
  std::vector<const DiskSpec*> out;
  for (const auto& d : disks)
    if (attached(d, node)) out.push_back(&d);
  return out;
}

int ClusterSpec::slots(const DiskSpec& d) const {
  if (d.slots > 0) return d.slots;
  int users = d.nodes.empty() ? static_cast<int>(nodes.size()) : static_cast<int>(d.nodes.size());
  return std::min(255, std::max(4, users + 2));  // OCFS2 has at most 255 slots
}

std::string ClusterSpec::heartbeat_mode() const {
  for (const auto& d : disks)
    if (d.heartbeat == "global") return "global";
  return "local";
}

void to_json(nlohmann::json& j, const ClusterSpec& c) {
  j = nlohmann::json{{"name", c.name}, {"port", c.port}, {"subnet", c.subnet.str()}};
  auto& nodes = j["nodes"] = nlohmann::json::array();
  for (const auto& n : c.nodes)
    nodes.push_back({{"name", n.name},
                     {"address", n.address.str()},
                     {"number", n.number},
                     {"memory", n.memory},
                     {"kernel", n.kernel},
                     {"kernel_args", n.kernel_args},
                     {"restart", restart_policy_name(n.restart)}});
  auto& disks = j["disks"] = nlohmann::json::array();
  for (const auto& d : c.disks)
    disks.push_back({{"name", d.name},
                     {"size", d.size},
                     {"mount", d.mount},
                     {"nodes", d.nodes},
                     {"label", d.label},
                     {"slots", d.slots},
                     {"heartbeat", d.heartbeat}});
  j["o2cb"] = {{"heartbeat_threshold", c.o2cb.heartbeat_threshold},
               {"idle_timeout_ms", c.o2cb.idle_timeout_ms},
               {"keepalive_delay_ms", c.o2cb.keepalive_delay_ms},
               {"reconnect_delay_ms", c.o2cb.reconnect_delay_ms}};
  j["manager"] = {{"restart_limit", c.manager.restart_limit},
                  {"restart_window", c.manager.restart_window},
                  {"backoff_initial_ms", c.manager.backoff_initial_ms},
                  {"backoff_max_ms", c.manager.backoff_max_ms},
                  {"ping_interval_ms", c.manager.ping_interval_ms},
                  {"hung_after_ms", c.manager.hung_after_ms},
                  {"boot_parallel", c.manager.boot_parallel},
                  {"heartbeat_fence", c.manager.heartbeat_fence},
                  {"memory_trim", c.manager.memory_trim},
                  {"memory_trim_interval", c.manager.memory_trim_interval}};
  j["image"] = {{"suite", c.image.suite}, {"packages", c.image.packages}, {"size", c.image.size}};
}

void from_json(const nlohmann::json& j, ClusterSpec& c) {
  c.name = j.at("name");
  c.port = j.at("port");
  c.subnet = *Subnet::parse(j.at("subnet").get<std::string>());
  c.nodes.clear();
  for (const auto& n : j.at("nodes")) {
    NodeSpec s;
    s.name = n.at("name");
    s.address = *Ipv4::parse(n.at("address").get<std::string>());
    s.number = n.at("number");
    s.memory = n.at("memory");
    s.kernel = n.at("kernel");
    s.kernel_args = n.at("kernel_args").get<std::vector<std::string>>();
    if (n.contains("restart")) {
      auto name = n.at("restart").get<std::string>();
      auto p = parse_restart_policy(name);
      if (!p)
        throw std::invalid_argument("node " + s.name + ": unknown restart policy \"" + name + "\"");
      s.restart = *p;
    }
    c.nodes.push_back(s);
  }
  c.disks.clear();
  for (const auto& d : j.at("disks")) {
    DiskSpec s;
    s.name = d.at("name");
    s.size = d.at("size");
    s.mount = d.at("mount");
    s.nodes = d.at("nodes").get<std::vector<std::string>>();
    s.label = d.at("label");
    s.slots = d.at("slots");
    s.heartbeat = d.at("heartbeat");
    c.disks.push_back(s);
  }
  if (j.contains("o2cb")) {
    const auto& o = j.at("o2cb");
    c.o2cb.heartbeat_threshold = o.at("heartbeat_threshold");
    c.o2cb.idle_timeout_ms = o.at("idle_timeout_ms");
    c.o2cb.keepalive_delay_ms = o.at("keepalive_delay_ms");
    c.o2cb.reconnect_delay_ms = o.at("reconnect_delay_ms");
  }
  // Records written before [manager] existed take its defaults, field by field.
  c.manager = ManagerSpec{};
  if (j.contains("manager")) {
    const auto& m = j.at("manager");
    auto& s = c.manager;
    s.restart_limit = m.value("restart_limit", s.restart_limit);
    s.restart_window = m.value("restart_window", s.restart_window);
    s.backoff_initial_ms = m.value("backoff_initial_ms", s.backoff_initial_ms);
    s.backoff_max_ms = m.value("backoff_max_ms", s.backoff_max_ms);
    s.ping_interval_ms = m.value("ping_interval_ms", s.ping_interval_ms);
    s.hung_after_ms = m.value("hung_after_ms", s.hung_after_ms);
    s.boot_parallel = m.value("boot_parallel", s.boot_parallel);
    s.heartbeat_fence = m.value("heartbeat_fence", s.heartbeat_fence);
    s.memory_trim = m.value("memory_trim", s.memory_trim);
    s.memory_trim_interval = m.value("memory_trim_interval", s.memory_trim_interval);
  }
  const auto& im = j.at("image");
  c.image.suite = im.at("suite");
  c.image.packages = im.at("packages").get<std::vector<std::string>>();
  c.image.size = im.at("size");
}

Result<ClusterSpec> cluster_spec_from_json(const nlohmann::json& j) {
  try {
    return j.get<ClusterSpec>();
  } catch (const std::exception& e) {
    return err(e.what());
  }
}

}  // namespace uc
