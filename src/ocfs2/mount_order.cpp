#include "ocfs2/mount_order.h"

#include <algorithm>
#include <tuple>

namespace uc::ocfs2 {

void MountOrder::starting(const std::string& node) { booting_.insert(node); }

void MountOrder::online(const std::string& node) { booting_.erase(node); }

void MountOrder::gone(const std::string& node) {
  booting_.erase(node);
  hb_waiting_.erase(node);
  for (auto it = mounts_.begin(); it != mounts_.end();)
    it = std::get<1>(*it) == node ? mounts_.erase(it) : std::next(it);
  if (mounting_ == node) mounting_.clear();
}

void MountOrder::wants_heartbeat(const std::string& node, int64_t now) {
  booting_.erase(node);
  hb_waiting_.emplace(node, now);
}

std::vector<std::string> MountOrder::wave(int64_t now, bool formatting) {
  if (hb_waiting_.empty() || formatting) return {};
  int64_t first = now;
  for (auto& [n, since] : hb_waiting_) first = std::min(first, since);
  if (!booting_.empty() && now - first < kWaveWaitMs) return {};
  std::vector<std::string> out;
  for (auto& [n, since] : hb_waiting_) out.push_back(n);
  hb_waiting_.clear();
  return out;
}

void MountOrder::wants_mount(const std::string& node, int number, const std::string& disk) {
  mounts_.emplace(number, node, disk);
}

std::optional<std::pair<std::string, std::string>> MountOrder::next_mount() {
  if (!mounting_.empty() || mounts_.empty()) return std::nullopt;
  auto [number, node, disk] = *mounts_.begin();
  mounts_.erase(mounts_.begin());
  mounting_ = node;
  return std::make_pair(node, disk);
}

void MountOrder::mount_done(const std::string& node) {
  if (mounting_ == node) mounting_.clear();
}

std::optional<int64_t> MountOrder::next_deadline() const {
  if (hb_waiting_.empty() || booting_.empty()) return std::nullopt;
  int64_t first = hb_waiting_.begin()->second;
  for (auto& [n, since] : hb_waiting_) first = std::min(first, since);
  return first + kWaveWaitMs;
}

}  // namespace uc::ocfs2
