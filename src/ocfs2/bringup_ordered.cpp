// ClusterBringup's ordered mounts for large clusters (see mount_order.h): heartbeats start
// in waves, then one node mounts at a time.
#include <fmt/format.h>

#include "ocfs2/bringup.h"
#include "ocfs2/o2cb_scripts.h"

namespace uc::ocfs2 {

void ClusterBringup::update_spec(const ClusterSpec& spec) {
  spec_ = spec;
  bool all_local = true;
  for (const auto& d : spec_.disks) all_local = all_local && d.heartbeat == "local";
  ordered_ = all_local && spec_.nodes.size() > kParallelMountsUpTo;
}

int ClusterBringup::number_of(const std::string& node) const {
  const NodeSpec* ns = spec_.find_node(node);
  return ns ? ns->number : 0;
}

void ClusterBringup::node_starting(const std::string& node) {
  if (ordered_) order_.starting(node, number_of(node));
}

void ClusterBringup::tick() { pump(); }

void ClusterBringup::joined_domain(const std::string& node) {
  if (!ordered_) return;
  order_.joined(node);
  pump();
}

std::optional<int64_t> ClusterBringup::next_deadline() const { return order_.next_deadline(); }

bool ClusterBringup::formatting() const {
  for (auto& [name, st] : disk_state_)
    if (st == DiskState::kFormatting) return true;
  return false;
}

void ClusterBringup::queue_mount(const std::string& node, const DiskSpec& d) {
  auto& p = nodes_[node];
  if (!p.local_hb) {
    if (!p.local_hb_waiting) {
      p.local_hb_waiting = true;
      runner_.progress(node, "heartbeat",
                       "waiting for the other nodes to start heartbeats together");
      order_.wants_heartbeat(node, number_of(node), now_ms());
    }
    return;
  }
  p.mounting.insert(d.name);
  order_.wants_mount(node, number_of(node), d.name);
}

void ClusterBringup::pump() {
  if (!ordered_) return;
  for (const auto& node : order_.wave(now_ms(), formatting())) start_local_heartbeat(node);
  while (auto m = order_.next_mount()) {
    auto disks = spec_.disks_of(m->first);
    bool started = false;
    for (size_t i = 0; i < disks.size() && !started; ++i)
      if (disks[i]->name == m->second && nodes_.count(m->first)) {
        start_mount(m->first, *disks[i], i, true);
        started = true;
      }
    if (!started) order_.mount_done(m->first);  // gone meanwhile: the next one
  }
}

void ClusterBringup::start_local_heartbeat(const std::string& node) {
  auto it = nodes_.find(node);
  if (it == nodes_.end() || it->second.failed) return;
  it->second.local_hb_waiting = false;
  std::string script = "set -e\n";
  auto disks = spec_.disks_of(node);
  for (size_t i = 0; i < disks.size(); ++i) script += start_local_heartbeat_script(disk_device(i));
  runner_.progress(node, "heartbeat", "starting heartbeat");
  runner_.run(node, script,
              [this, node, epoch = it->second.epoch](int code, const std::string& out,
                                                     const std::string& err) {
                if (!current(node, epoch)) return;
                if (code != 0) return fail(node, "ocfs2_hb_ctl -S failed: " + err + out);
                nodes_[node].local_hb = true;
                order_.heartbeat_steady(node);
                runner_.progress(
                    node, "heartbeat_started",
                    fmt::format("heartbeat steady ({:.1f} s after boot)", seconds(node)));
                mount_disks(node);
                pump();
              });
}

}  // namespace uc::ocfs2
