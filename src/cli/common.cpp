#include "cli/common.h"

#include <unistd.h>

#include <ctime>

#include <chrono>
#include <fmt/format.h>

#include "config/cluster_file.h"
#include "ocfs2/console_events.h"
#include "monitor/sampler.h"
#include "sys/files.h"

namespace uc::cli {

Result<std::string> resolve_cluster(const Globals& g) {
  if (!g.name.empty()) {
    if (!is_valid_cluster_name(g.name)) return err("\"" + g.name + "\" is not a cluster name");
    return g.name;
  }
  if (!g.file.empty()) {
    auto spec = load_cluster_file(g.file);
    if (!spec) return spec.error();
    return spec->name;
  }
  auto all = list_dir(clusters_dir());
  if (all.size() == 1) return all[0];
  return std::string("ocfs2");
}

std::optional<std::string> target_cluster(const Globals& g, bool needs_root, int* rc) {
  auto name = resolve_cluster(g);
  if (!name) {
    print_error(name.error().message);
    *rc = kExitBadInput;
    return std::nullopt;
  }
  if (needs_root)
    if (auto r = require_root(); !r) {
      print_error(r.error().message);
      *rc = kExitFailed;
      return std::nullopt;
    }
  return *name;
}

std::optional<ControlClient> connect_running(const Globals& g, std::string* name, int* rc) {
  auto n = target_cluster(g, /*needs_root=*/true, rc);
  if (!n) return std::nullopt;
  *name = *n;
  auto c = connect_supervisor(ClusterPaths(*n));
  if (!c) {
    print_error(fmt::format("cluster {} is not running (`umlcluster up` starts it)", *n));
    *rc = kExitFailed;
  }
  return c;
}

void print_progress(const control::Progress& p) {
  // What OCFS2 says on the consoles is in `umlcluster events`; up and down show the
  // manager's own steps.
  if (cluster::console_type_from_name(p.type)) return;
  fmt::print("  {:<10} {:<10} {}\n", p.node, p.state, p.message);
  std::fflush(stdout);
}

void add_costs(nlohmann::json& status) {
  if (!status.contains("nodes") || !status["nodes"].is_array()) return;
  monitor::NodeSampler sampler;
  for (auto& n : status["nodes"]) {
    int pid = n.value("pid", 0);
    nlohmann::json pids = nlohmann::json::array();
    uint64_t mem = 0;
    if (pid > 0) {
      auto cost = sampler.sample_one(pid, /*with_pss=*/false);
      pids = cost.pids;
      mem = cost.memory;
    }
    n["pids"] = pids;
    n["memory_bytes"] = mem;
  }
}

Status require_root() {
  if (::geteuid() == 0) return {};
  return err("this command needs root: umlcluster creates namespaces and runs each node as an "
             "unprivileged, confined user. Run it with sudo.");
}

void print_error(const std::string& msg) { fmt::print(stderr, "umlcluster: {}\n", msg); }

bool stdout_is_tty() { return ::isatty(STDOUT_FILENO) == 1; }

std::string human_bytes(uint64_t b) {
  if (b >= (1ULL << 30)) return fmt::format("{:.1f} GiB", b / double(1ULL << 30));
  return fmt::format("{:.1f} MiB", b / double(1ULL << 20));
}

std::string human_duration(double s) {
  if (s <= 0) return "-";
  if (s < 60) return fmt::format("{:.0f}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", int(s) / 60, int(s) % 60);
  return fmt::format("{}h{:02}m", int(s) / 3600, (int(s) % 3600) / 60);
}

nlohmann::json offline_status(const std::string& name, const ClusterPaths& p) {
  nlohmann::json nodes = nlohmann::json::array();
  auto rec = read_record(p);
  if (rec)
    for (auto& n : rec->spec.nodes)
      nodes.push_back({{"name", n.name}, {"state", "stopped"}, {"address", n.address.str()},
                       {"pid", 0}, {"pids", nlohmann::json::array()}, {"uptime_s", 0},
                       {"memory_bytes", 0}, {"memory_limit_bytes", n.memory}, {"error", ""}});
  return {{"cluster", name}, {"state", rec ? "stopped" : "absent"}, {"supervisor_pid", 0},
          {"switch_pid", 0}, {"nodes", nodes}};
}

void print_status(const nlohmann::json& s, bool json) {
  if (json) {
    fmt::print("{}\n", s.dump(2));
    return;
  }
  fmt::print("cluster {}: {}", s.value("cluster", "?"), s.value("state", "?"));
  if (s.value("supervisor_pid", 0) > 0)
    fmt::print(" (supervisor pid {}, switch pid {}, subnet {})", s.value("supervisor_pid", 0),
               s.value("switch_pid", 0), s.value("subnet", "?"));
  fmt::print("\n{:<12} {:<10} {:<16} {:<22} {:>8} {:>11} {:>8}  {}\n", "NODE", "STATE", "ADDRESS",
             "HOST PIDS", "UPTIME", "HOST MEM", "RESTARTS", "LAST CAUSE");
  double now_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (const auto& n : s.value("nodes", nlohmann::json::array())) {
    std::string pids;
    for (const auto& p : n.value("pids", nlohmann::json::array()))
      pids += (pids.empty() ? "" : ",") + std::to_string(p.get<int>());
    if (pids.size() > 22) pids = pids.substr(0, 19) + "...";
    if (pids.empty()) pids = "-";
    uint64_t mem = n.value("memory_bytes", uint64_t{0});
    std::string cause = n.value("last_cause", "");
    int64_t at = n.value("last_cause_at_ms", int64_t{0});
    if (!cause.empty() && at > 0) cause += " " + human_duration(now_s - at / 1000.0) + " ago";
    fmt::print("{:<12} {:<10} {:<16} {:<22} {:>8} {:>11} {:>8}  {}\n", n.value("name", "?"),
               n.value("state", "?"), n.value("address", "?"), pids,
               human_duration(n.value("uptime_s", 0.0)), mem ? human_bytes(mem) : "-",
               n.value("restarts", 0), cause.empty() ? "-" : cause);
    std::string e = n.value("error", "");
    if (!e.empty()) fmt::print("  {}: {}\n", n.value("name", "?"), e);
  }
  bool any_o2cb = false;
  for (const auto& n : s.value("nodes", nlohmann::json::array())) any_o2cb |= n.contains("o2cb");
  if (any_o2cb) {
    fmt::print("\nO2CB{:<8} {:<9} {:<11} {:<10} {:<12} {:<12} {:<8} {:<10}\n", "", "configfs",
               "nodemanager", "dlm", "dlmfs (/dlm)", "cluster", "heartbeat", "mounts");
    for (const auto& n : s["nodes"]) {
      if (!n.contains("o2cb")) continue;
      const auto& o = n["o2cb"];
      auto mod = [&](const char* m) {
        return o["modules"].value(m, "") == "loaded" ? "loaded" : "-";
      };
      std::string mounts;
      for (const auto& m : o["mounts"]) mounts += (mounts.empty() ? "" : ",") + m.get<std::string>();
      fmt::print("{:<12} {:<9} {:<11} {:<10} {:<12} {:<12} {:<8} {:<10}\n", n.value("name", "?"),
                 o.value("configfs", "") == "mounted" ? "mounted" : "-", mod("ocfs2_nodemanager"),
                 mod("ocfs2_dlm"), o.value("ocfs2_dlmfs", "") == "mounted" ? "mounted" : "-",
                 o.value("cluster", ""), o.value("heartbeat", ""), mounts.empty() ? "-" : mounts);
    }
  }
  if (s.contains("volumes")) {
    fmt::print("\n{:<12} {:<12} {:>8} {:<9} {}\n", "VOLUME", "MOUNT", "SIZE", "HB", "MOUNTED ON");
    for (const auto& v : s["volumes"]) {
      std::string on;
      for (const auto& m : v["mounted_on"]) on += (on.empty() ? "" : ",") + m.get<std::string>();
      fmt::print("{:<12} {:<12} {:>8} {:<9} {}\n", v.value("name", ""), v.value("mount", ""),
                 human_bytes(v.value("size", uint64_t{0})), v.value("heartbeat", ""),
                 on.empty() ? "(none)" : on);
    }
  }
}

ProgressToStderr::ProgressToStderr(bool on) {
  if (!on) return;
  std::fflush(stdout);
  saved_ = Fd(::dup(STDOUT_FILENO));
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
}

void ProgressToStderr::restore() {
  if (!saved_) return;
  std::fflush(stdout);
  ::dup2(saved_.get(), STDOUT_FILENO);
  saved_.reset();
}

std::string time_stamp() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&t));
  return buf;
}

}  // namespace uc::cli
