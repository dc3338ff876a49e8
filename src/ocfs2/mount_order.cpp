#include "ocfs2/mount_order.h"

#include <algorithm>
#include <cstdint>
#include <tuple>

namespace uc::ocfs2 {

void MountOrder::starting(const std::string& node, int number) { booting_[node] = number; }

void MountOrder::online(const std::string& node) { booting_.erase(node); }

void MountOrder::gone(const std::string& node) {
  booting_.erase(node);
  hb_waiting_.erase(node);
  hb_starting_.erase(node);
  for (auto it = mounts_.begin(); it != mounts_.end();)
    it = std::get<1>(*it) == node ? mounts_.erase(it) : std::next(it);
  if (mounting_ == node) mounting_.clear();
}

void MountOrder::wants_heartbeat(const std::string& node, int number, int64_t now) {
  booting_.erase(node);
  hb_waiting_.emplace(node, Waiting{number, now});
}

std::vector<std::string> MountOrder::wave(int64_t now, bool formatting) {
  if (hb_waiting_.empty() || formatting || !hb_starting_.empty()) return {};
  // Highest numbers first: every node of a later wave is lower than every node already
  // beating. o2net connects from the higher node to the lower, and the lower accepts only
  // once it sees the higher beat; a newcomer sees the nodes already beating live at its
  // second heartbeat round, before they see it, so each such call is answered. Within a
  // wave the lower nodes start first, for the same reason.
  int highest_booting = -1;
  for (auto& [n, number] : booting_) highest_booting = std::max(highest_booting, number);
  std::vector<std::pair<int, std::string>> by_number;
  for (auto& [n, w] : hb_waiting_)
    if (w.number > highest_booting) by_number.emplace_back(w.number, n);
  bool waited = now - oldest_wait() >= kWaveWaitMs;
  if (waited) {  // a node that does not come holds nobody up for long
    by_number.clear();
    for (auto& [n, w] : hb_waiting_) by_number.emplace_back(w.number, n);
  }
  if (by_number.size() < kWaveMax && !booting_.empty() && !waited) return {};
  std::sort(by_number.rbegin(), by_number.rend());
  if (by_number.size() > kWaveMax) by_number.resize(kWaveMax);
  std::reverse(by_number.begin(), by_number.end());
  std::vector<std::string> out;
  for (auto& [number, n] : by_number) {
    out.push_back(n);
    hb_waiting_.erase(n);
    hb_starting_.insert(n);
  }
  return out;
}

void MountOrder::heartbeat_steady(const std::string& node) { hb_starting_.erase(node); }

void MountOrder::wants_mount(const std::string& node, int number, const std::string& disk) {
  mounts_.emplace(number, node, disk);
}

std::optional<std::pair<std::string, std::string>> MountOrder::next_mount() {
  if (!mounting_.empty() || mounts_.empty()) return std::nullopt;
  // A join needs a connection to every node that beats: none while heartbeats still start.
  if (!hb_waiting_.empty() || !hb_starting_.empty()) return std::nullopt;
  auto [number, node, disk] = *mounts_.begin();
  mounts_.erase(mounts_.begin());
  mounting_ = node;
  return std::make_pair(node, disk);
}

void MountOrder::mount_done(const std::string& node) {
  if (mounting_ == node) mounting_.clear();
}

int64_t MountOrder::oldest_wait() const {
  int64_t first = INT64_MAX;
  for (auto& [n, w] : hb_waiting_) first = std::min(first, w.since);
  return first;
}

std::optional<int64_t> MountOrder::next_deadline() const {
  if (hb_waiting_.empty() || booting_.empty()) return std::nullopt;
  return oldest_wait() + kWaveWaitMs;
}

bool kernels_hint_masters(const std::vector<std::vector<std::string>>& patches_of_each_node) {
  if (patches_of_each_node.empty()) return false;
  for (const auto& patches : patches_of_each_node) {
    bool has = false;
    for (const auto& p : patches) {
      std::string base = p.substr(p.find_last_of('/') + 1);
      if (base == "ocfs2-mount-master-hint.patch") has = true;
    }
    if (!has) return false;
  }
  return true;
}

}  // namespace uc::ocfs2
