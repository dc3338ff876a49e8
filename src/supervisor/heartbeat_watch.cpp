#include "supervisor/heartbeat_watch.h"

#include <algorithm>

namespace uc::cluster {

namespace {
// O2CB's heartbeat round (O2HB_REGION_TIMEOUT_MS in the kernel).
constexpr int64_t kRoundMs = 2000;
// The host reads every 500 ms, and a beat lands up to a read after it is written; the
// survivors need dead_ms from the beat itself: fencing 2.5 s early leaves them 2 s.
constexpr int64_t kMarginMs = 2500;
}  // namespace

HeartbeatRules HeartbeatRules::from(const O2cbSpec& o2cb, const std::string& heartbeat_fence) {
  HeartbeatRules r;
  r.fence_stalls = heartbeat_fence == "on";
  r.fence_zombies = heartbeat_fence != "off";
  r.dead_ms = int64_t{o2cb.heartbeat_threshold} * kRoundMs;
  r.fence_after_ms = r.dead_ms - kMarginMs;
  return r;
}

const char* verdict_name(HeartbeatVerdict v) {
  return v == HeartbeatVerdict::kZombie ? "zombie heartbeat" : "heartbeat stalled";
}

void HeartbeatWatch::begin_life(const std::string& node) { lives_[node] = Life{}; }

void HeartbeatWatch::end_life(const std::string& node) { lives_.erase(node); }

void HeartbeatWatch::observe(const std::string& node, const std::string& volume,
                             const ocfs2::HeartbeatBlock& b, int64_t now) {
  auto it = lives_.find(node);
  if (it == lives_.end()) return;
  Slot& s = it->second.volumes[volume];
  s.read_at = now;
  if (!b.crc_ok) return;  // a missed beat
  if (!s.baseline_taken) {
    s.baseline_taken = true;
    s.base_seq = b.seq;
    s.base_generation = b.generation;
    return;
  }
  if (b.generation == 0) {  // a clean stop: it left this region
    s.armed = false;
    s.base_seq = b.seq;
    s.base_generation = 0;
    return;
  }
  if (!s.armed || b.generation != s.generation) {
    // The first beat of this life, or a new start of its heartbeat here (a remount).
    if (!s.armed && b.seq == s.base_seq && b.generation == s.base_generation) return;
    s = Slot{.baseline_taken = true,
             .base_seq = s.base_seq,
             .base_generation = s.base_generation,
             .armed = true,
             .seq = b.seq,
             .generation = b.generation,
             .dead_ms = b.dead_ms,
             .moved_at = now,
             .read_at = now};
    return;
  }
  if (b.seq == s.seq) return;
  if (s.declared_dead) s.zombie = true;
  s.seq = b.seq;
  s.dead_ms = b.dead_ms;
  s.moved_at = now;
}

std::vector<HeartbeatDecision> HeartbeatWatch::decide(int64_t now) {
  std::vector<HeartbeatDecision> out;
  for (auto& [node, life] : lives_) {
    for (auto& [volume, s] : life.volumes) {
      if (!s.armed) continue;
      int64_t stalled = now - s.moved_at;
      if (s.zombie && !life.zombie_decided && rules_.fence_zombies) {
        life.zombie_decided = true;
        out.push_back({node, HeartbeatVerdict::kZombie, volume, 0});
        continue;
      }
      if (now - s.read_at > rules_.fresh_ms) continue;  // no fresh evidence
      if (stalled >= rules_.dead_ms) s.declared_dead = true;
      if (stalled >= rules_.fence_after_ms && !life.stall_decided && rules_.fence_stalls) {
        life.stall_decided = true;
        out.push_back({node, HeartbeatVerdict::kStalled, volume, stalled});
      }
    }
  }
  return out;
}

std::optional<HeartbeatView> HeartbeatWatch::view(const std::string& node, int64_t now) const {
  auto it = lives_.find(node);
  if (it == lives_.end()) return std::nullopt;
  HeartbeatView v;
  for (const auto& [volume, s] : it->second.volumes) {
    if (!s.armed) continue;
    int64_t age = now - s.moved_at;
    if (!v.beating || age > v.age_ms) {
      v = HeartbeatView{true, s.seq, s.generation, s.dead_ms, age};
    }
  }
  return v;
}

}  // namespace uc::cluster
