#include "ocfs2/bringup.h"

#include <fmt/format.h>

#include "ocfs2/o2cb_scripts.h"

namespace uc::ocfs2 {
namespace {

// The last non-empty line of a failed step's output: a script says why it failed last.
std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

}  // namespace

double ClusterBringup::seconds(const std::string& node) const {
  auto it = nodes_.find(node);
  if (it == nodes_.end()) return 0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.t0).count();
}

void ClusterBringup::fail(const std::string& node, const std::string& why) {
  auto& p = nodes_[node];
  if (p.failed) return;
  p.failed = true;
  runner_.failed(node, why);
  order_.gone(node);
  pump();
}

std::vector<std::string> ClusterBringup::regions() {
  std::vector<std::string> out;
  for (const auto& d : spec_.disks) {
    if (d.heartbeat != "global") continue;
    auto it = region_.find(d.name);
    std::string uuid = it != region_.end() ? it->second : disks_.region(d);
    if (!uuid.empty()) {
      region_[d.name] = uuid;
      out.push_back(uuid);
    }
  }
  return out;
}

bool ClusterBringup::current(const std::string& node, uint64_t epoch) const {
  auto it = nodes_.find(node);
  return it != nodes_.end() && it->second.epoch == epoch;
}

void ClusterBringup::node_booted(const std::string& node) {
  uint64_t epoch = next_epoch_++;
  nodes_[node] = NodePhase{};
  nodes_[node].epoch = epoch;
  nodes_[node].t0 = std::chrono::steady_clock::now();
  runner_.run(node, configure_script(spec_, regions()) + online_script(spec_),
              [this, node, epoch](int code, const std::string& out, const std::string& err) {
                if (!current(node, epoch)) return;  // it died or rebooted meanwhile
                runner_.log(node, out + err);
                if (code != 0) return fail(node, "o2cb online failed: " + last_line(err + out));
                nodes_[node].online = true;
                order_.online(node);
                runner_.progress(
                    node, "o2cb_online",
                    fmt::format("o2cb online, cluster {} port {} ({:.1f} s after boot)", spec_.name,
                                spec_.port, seconds(node)));
                mount_disks(node);
              });
}

void ClusterBringup::node_gone(const std::string& node) {
  nodes_.erase(node);
  order_.gone(node);
  pump();
  // A format that died with its node is taken up by the next node online: the volume it
  // left is half made, so it is formatted over (the disk is ours: no marker yet).
  bool retry = false;
  for (auto& [name, st] : disk_state_)
    if (st == DiskState::kFormatting && formatter_[name].node == node) {
      st = DiskState::kUnknown;
      formatter_.erase(name);
      redo_format_.insert(name);
      retry = true;
    }
  if (!retry) return;
  std::vector<std::string> waiting;
  for (auto& [n, p] : nodes_)
    if (p.online && !p.failed) waiting.push_back(n);
  for (auto& n : waiting) mount_disks(n);
}

void ClusterBringup::mount_disks(const std::string& node) {
  auto& phase = nodes_[node];
  if (!phase.online || phase.failed) return;
  auto disks = spec_.disks_of(node);
  for (size_t i = 0; i < disks.size(); ++i) {
    const DiskSpec& d = *disks[i];
    if (phase.mounted.count(d.name) || phase.mounting.count(d.name)) continue;
    auto& st = disk_state_[d.name];
    if (st == DiskState::kUnknown) {
      auto content = disks_.content(d);
      if (!content) return fail(node, content.error().message);
      bool marked = disks_.marked_formatted(d);
      bool redo = redo_format_.count(d.name) && !marked;
      if (*content == DiskContent::kOcfs2 && !redo) {
        st = DiskState::kFormatted;
      } else if (*content == DiskContent::kOther && !redo) {
        st = DiskState::kFailed;
        return fail(node,
                    fmt::format("disk {} holds data that is not OCFS2: not formatting it", d.name));
      } else if (marked && *content != DiskContent::kOcfs2) {
        st = DiskState::kFailed;
        return fail(node, fmt::format("disk {} was formatted before but reads blank now: refusing "
                                      "to format it again",
                                      d.name));
      } else if (marked) {
        st = DiskState::kFormatted;
      } else {
        // Blank and never formatted (or a format of ours died): this node formats it; the
        // others wait for it.
        st = DiskState::kFormatting;
        uint64_t epoch = phase.epoch;
        formatter_[d.name] = {node, epoch};
        phase.mounting.insert(d.name);
        runner_.progress(
            node, "formatting",
            fmt::format("formatting disk {} ({}, {} slots){}", d.name, disk_device(i),
                        spec_.slots(d), redo ? ", again: its last format was cut short" : ""));
        std::string name = d.name;
        runner_.run(
            node, format_script(spec_, d, disk_device(i), redo),
            [this, node, name, epoch](int code, const std::string& out, const std::string& err) {
              // A formatter that died is not a failed format: node_gone handed it on.
              if (!current(node, epoch)) return;
              auto& s = disk_state_[name];
              formatter_.erase(name);
              nodes_[node].mounting.erase(name);
              if (code != 0) {
                s = DiskState::kFailed;
                return fail(node, "mkfs.ocfs2 failed: " + last_line(err + out));
              }
              s = DiskState::kFormatted;
              redo_format_.erase(name);
              std::string uuid;
              if (auto at = out.find("uuid="); at != std::string::npos)
                uuid = out.substr(at + 5, out.find('\n', at) - at - 5);
              if (!uuid.empty()) region_[name] = uuid;
              for (const auto& dd : spec_.disks)
                if (dd.name == name) disks_.mark_formatted(dd, node, uuid);
              runner_.progress(node, "formatted", fmt::format("formatted disk {}", name));
              // Everyone who waited for it mounts it now.
              std::vector<std::string> waiting;
              for (auto& [n, p] : nodes_) waiting.push_back(n);
              for (auto& n : waiting) mount_disks(n);
            });
        continue;
      }
    }
    if (st == DiskState::kFormatted && d.heartbeat == "global" && !phase.heartbeat) {
      // Global heartbeat must beat on the region before the volume mounts.
      if (phase.heartbeat_busy) continue;
      phase.heartbeat_busy = true;
      runner_.progress(node, "heartbeat", "starting global heartbeat");
      runner_.run(node, start_heartbeat_script(spec_, node, regions()),
                  [this, node, epoch = phase.epoch](int code, const std::string& out,
                                                    const std::string& err) {
                    if (!current(node, epoch)) return;
                    auto& p = nodes_[node];
                    p.heartbeat_busy = false;
                    if (code != 0)
                      return fail(node, "o2cb start-heartbeat failed: " + last_line(err + out));
                    p.heartbeat = true;
                    mount_disks(node);
                  });
      continue;
    }
    if (st == DiskState::kFormatted && ordered_)
      queue_mount(node, d);
    else if (st == DiskState::kFormatted)
      start_mount(node, d, i, false);
    else if (st == DiskState::kFailed)
      return fail(node, fmt::format("disk {} is not usable", d.name));
    // kFormatting: wait; the formatter's completion calls mount_disks again.
  }
  check_ready(node);
}

void ClusterBringup::start_mount(const std::string& node, const DiskSpec& d, size_t index,
                                 bool ordered) {
  nodes_[node].mounting.insert(d.name);
  std::string name = d.name, mnt = d.mount;
  std::string script = mount_script(d, disk_device(index));
  // The wave's own heartbeat reference goes once the mount holds one of its own.
  if (ordered) script += stop_local_heartbeat_script(disk_device(index));
  runner_.run(node, script,
              [this, node, name, mnt, ordered, epoch = nodes_[node].epoch](
                  int code, const std::string& out, const std::string& err) {
                if (!current(node, epoch)) return;
                if (ordered) {
                  order_.mount_done(node);
                  pump();
                }
                auto& p = nodes_[node];
                p.mounting.erase(name);
                if (code != 0)
                  return fail(node, "mount of " + name + " failed: " + last_line(err + out));
                p.mounted.insert(name);
                runner_.progress(node, "mounted",
                                 fmt::format("mounted {} at {} ({:.1f} s after boot)", name, mnt,
                                             seconds(node)));
                check_ready(node);
              });
}

void ClusterBringup::check_ready(const std::string& node) {
  if (!nodes_.count(node)) return;
  auto& p = nodes_[node];
  if (p.failed || !p.online || !p.mounting.empty()) return;
  if (p.mounted.size() == spec_.disks_of(node).size()) runner_.ready(node);
}

}  // namespace uc::ocfs2
