#include "client/status_text.h"

#include <fmt/format.h>

#include "client/text_units.h"
#include "ocfs2/console_events.h"

namespace uc::client {
namespace {

using control::ClusterStatus;
using control::NodeStatus;

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string node_row(const NodeStatus& n, double now_s) {
  std::string pids;
  if (n.costs)
    for (int p : n.costs->pids) pids += (pids.empty() ? "" : ",") + std::to_string(p);
  if (pids.size() > 22) pids = pids.substr(0, 19) + "...";
  if (pids.empty()) pids = "-";
  uint64_t mem = n.costs ? n.costs->memory_bytes : 0;
  std::string cause = n.run ? n.run->last_cause : "";
  int64_t at = n.run ? n.run->last_cause_at_ms : 0;
  if (!cause.empty() && at > 0) cause += " " + human_duration(now_s - at / 1000.0) + " ago";
  std::string row =
      fmt::format("{:<12} {:<10} {:<16} {:<22} {:>8} {:>11} {:>8}  {}\n", n.name, n.state,
                  n.address, pids, human_duration(n.uptime_s), mem ? human_bytes(mem) : "-",
                  n.run ? n.run->restarts : 0, cause.empty() ? "-" : cause);
  if (!n.error.empty()) row += fmt::format("  {}: {}\n", n.name, n.error);
  return row;
}

std::string o2cb_table(const ClusterStatus& s) {
  std::string out =
      fmt::format("\nO2CB{:<8} {:<9} {:<11} {:<10} {:<12} {:<12} {:<8} {:<10}\n", "", "configfs",
                  "nodemanager", "dlm", "dlmfs (/dlm)", "cluster", "heartbeat", "mounts");
  for (const auto& n : s.nodes) {
    if (!n.o2cb) continue;
    const auto& o = *n.o2cb;
    auto mod = [&](const char* m) {
      auto it = o.modules.find(m);
      return it != o.modules.end() && it->second ? "loaded" : "-";
    };
    std::string mounts = join(o.mounts);
    out += fmt::format("{:<12} {:<9} {:<11} {:<10} {:<12} {:<12} {:<8} {:<10}\n", n.name,
                       o.configfs ? "mounted" : "-", mod("ocfs2_nodemanager"), mod("ocfs2_dlm"),
                       o.dlmfs ? "mounted" : "-", o.online ? "online" : "offline",
                       o.heartbeat ? "active" : "not active", mounts.empty() ? "-" : mounts);
  }
  return out;
}

// The host's own reading of each node's OCFS2 heartbeat in the shared disk file, and its fences.
std::string heartbeat_table(const ClusterStatus& s) {
  std::string out = fmt::format("\n{:<12} {:>8} {:<18} {:>9} {:>6}  {}\n", "DISK HB", "AGE",
                                "GENERATION", "DEAD TIME", "FENCES", "DISK I/O");
  for (const auto& n : s.nodes) {
    if (!n.run) continue;
    const auto& h = n.run->disk_heartbeat;
    out += fmt::format("{:<12} {:>8} {:<18} {:>9} {:>6}  {}\n", n.name,
                       h ? fmt::format("{:.1f} s", h->age_ms / 1000.0) : "-",
                       h ? fmt::format("{:016x}", h->generation) : "-",
                       h ? fmt::format("{:.1f} s", h->dead_ms / 1000.0) : "-", n.run->fences,
                       n.run->disk_fenced ? "fenced" : "open");
  }
  return out;
}

std::string volume_table(const std::vector<control::VolumeStatus>& volumes) {
  std::string out = fmt::format("\n{:<12} {:<12} {:>8} {:<9} {}\n", "VOLUME", "MOUNT", "SIZE", "HB",
                                "MOUNTED ON");
  for (const auto& v : volumes) {
    std::string on = join(v.mounted_on);
    if (on.empty()) on = "(none)";
    if (!v.unknown_on.empty()) on += " (unknown: " + join(v.unknown_on) + ")";
    out += fmt::format("{:<12} {:<12} {:>8} {:<9} {}\n", v.name, v.mount, human_bytes(v.size),
                       v.heartbeat, on);
  }
  return out;
}

}  // namespace

std::string status_text(const ClusterStatus& s, double now_s) {
  std::string out = fmt::format("cluster {}: {}", s.cluster, s.state);
  if (s.supervisor_pid > 0)
    out += fmt::format(" (supervisor pid {}, switch pid {}, subnet {})", s.supervisor_pid,
                       s.switch_pid, s.subnet.empty() ? "?" : s.subnet);
  out += fmt::format("\n{:<12} {:<10} {:<16} {:<22} {:>8} {:>11} {:>8}  {}\n", "NODE", "STATE",
                     "ADDRESS", "HOST PIDS", "UPTIME", "HOST MEM", "RESTARTS", "LAST CAUSE");
  for (const auto& n : s.nodes) out += node_row(n, now_s);
  bool any_o2cb = false;
  for (const auto& n : s.nodes) any_o2cb |= n.o2cb.has_value();
  if (any_o2cb) out += o2cb_table(s);
  bool any_heartbeat = false;
  for (const auto& n : s.nodes)
    any_heartbeat |= n.run && (n.run->disk_heartbeat || n.run->fences > 0 || n.run->disk_fenced);
  if (any_heartbeat) out += heartbeat_table(s);
  if (s.volumes) out += volume_table(*s.volumes);
  return out;
}

std::optional<std::string> progress_line(const control::Progress& p) {
  if (cluster::console_type_from_name(p.type)) return std::nullopt;
  return fmt::format("  {:<10} {:<10} {}\n", p.node, p.state, p.message);
}

}  // namespace uc::client
