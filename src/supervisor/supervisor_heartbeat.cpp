// The host's own heartbeat evidence: every formatted shared disk's heartbeat region, read
// from the disk file every 500 ms without ever blocking the loop (a slot not in the page
// cache is asked for and read on the next round), fed to the HeartbeatWatch; its verdicts go
// to the nodes' state machines (fence the disk, then power off), never a guest's word.
#include <fmt/format.h>

#include <algorithm>

#include "supervisor/supervisor_core.h"

namespace uc::cluster {
namespace {
constexpr int64_t kReadEveryMs = 500;
constexpr int64_t kLocateRetryMs = 5000;
}  // namespace

void Supervisor::set_heartbeat_locator(HeartbeatLocator l) { locate_heartbeat_ = std::move(l); }

Supervisor::HeartbeatSlot* Supervisor::heartbeat_slot(const DiskSpec& d, int64_t now) {
  auto& slot = heartbeat_readers_[d.name];
  if (slot.reader) return &slot;
  if (now < slot.retry_at || !marked_formatted(d)) return nullptr;
  std::string file = paths_.disk(d.name);
  auto region = locate_heartbeat_ ? locate_heartbeat_(file) : ocfs2::locate_heartbeat_region(file);
  Result<ocfs2::HeartbeatReader> reader = region ? ocfs2::HeartbeatReader::open(file, *region)
                                                 : Result<ocfs2::HeartbeatReader>(region.error());
  if (!reader) {
    slot.retry_at = now + kLocateRetryMs;
    if (!std::exchange(slot.failed_once, true))
      logf("heartbeat of " + d.name + ": " + reader.error().message + " (retrying)");
    return nullptr;
  }
  slot.reader.emplace(std::move(*reader));
  logf(fmt::format("heartbeat of {}: region at byte {}, {} slots, volume {}", d.name,
                   slot.reader->region().offset, slot.reader->region().slots,
                   slot.reader->region().uuid));
  return &slot;
}

void Supervisor::forget_heartbeat_region(const std::string& disk) {
  heartbeat_readers_.erase(disk);
}

void Supervisor::watch_heartbeats(int64_t now) {
  if (now < next_heartbeat_read_ || nodes_.empty()) return;
  next_heartbeat_read_ = now + kReadEveryMs;
  // The watch follows each node's life: a node stopping, dead or waiting is not watched.
  for (auto& n : nodes_) {
    const auto& m = n->machine;
    bool live = m.alive() && !m.queued() && m.state() != NodeState::kStopping;
    if (!live) hb_watch_.end_life(n->spec.name);
  }
  auto [lo, hi] = std::minmax_element(nodes_.begin(), nodes_.end(), [](auto& a, auto& b) {
    return a->spec.number < b->spec.number;
  });
  uint32_t first = static_cast<uint32_t>((*lo)->spec.number);
  uint32_t count = static_cast<uint32_t>((*hi)->spec.number) - first + 1;
  for (const auto& d : spec_.disks) {
    auto* slot = heartbeat_slot(d, now);
    if (!slot) continue;
    auto blocks = slot->reader->read(first, count);
    if (!slot->reader->never_waits() && !std::exchange(slot->said_blocking, true))
      logf("heartbeat of " + d.name + ": its filesystem has no RWF_NOWAIT; reads may wait");
    if (!blocks) continue;
    for (auto& n : nodes_) {
      size_t i = static_cast<size_t>(n->spec.number) - first;
      if (i < blocks->size()) hb_watch_.observe(n->spec.name, d.name, (*blocks)[i], now);
    }
  }
  for (const auto& verdict : hb_watch_.decide(now)) {
    ManagedNode* n = find(verdict.node);
    if (!n) continue;
    if (verdict.verdict == HeartbeatVerdict::kZombie)
      n->machine.heartbeat_zombie(now);
    else
      n->machine.heartbeat_stalled(now, verdict.stalled_ms);
    drive(*n, now);
  }
}

std::optional<control::DiskHeartbeat> Supervisor::disk_heartbeat(const std::string& node,
                                                                 int64_t now) const {
  auto v = hb_watch_.view(node, now);
  if (!v || !v->beating) return std::nullopt;
  return control::DiskHeartbeat{v->age_ms, v->seq, v->generation, v->dead_ms};
}

}  // namespace uc::cluster
