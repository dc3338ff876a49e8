#include "net/switch_core.h"

namespace uc::net {

Mac mac_at(std::string_view f, size_t off) {
  Mac m = 0;
  for (size_t i = 0; i < 6; ++i) m = (m << 8) | static_cast<uint8_t>(f[off + i]);
  return m;
}

void SwitchCore::add_port(PortId p) { ports_.emplace(p, PortStats{}); }

void SwitchCore::remove_port(PortId p) {
  ports_.erase(p);
  unplugged_.erase(p);
  for (auto it = table_.begin(); it != table_.end();)
    it = it->second == p ? table_.erase(it) : std::next(it);
}

void SwitchCore::set_connected(PortId p, bool c) {
  if (c) unplugged_.erase(p);
  else unplugged_.insert(p);
}

std::optional<PortId> SwitchCore::port_of(Mac m) const {
  auto it = table_.find(m);
  if (it == table_.end()) return std::nullopt;
  return it->second;
}

const PortStats* SwitchCore::stats(PortId p) const {
  auto it = ports_.find(p);
  return it == ports_.end() ? nullptr : &it->second;
}

std::vector<PortId> SwitchCore::route(PortId in, std::string_view frame) {
  std::vector<PortId> out;
  auto src_port = ports_.find(in);
  if (src_port == ports_.end()) return out;
  auto& rx = src_port->second;
  rx.rx_frames++;
  rx.rx_bytes += frame.size();
  if (frame.size() < 14 || !connected(in)) {
    rx.dropped++;
    return out;
  }
  Mac dst = mac_at(frame, 0);
  Mac src = mac_at(frame, 6);
  bool src_group = (src >> 40) & 1;
  // Learn, but never let one guest fill the table without bound.
  if (!src_group && (table_.count(src) || table_.size() < kMaxLearned)) table_[src] = in;
  bool group = (dst >> 40) & 1;
  if (!group) {
    if (auto it = table_.find(dst); it != table_.end()) {
      if (it->second != in && connected(it->second)) out.push_back(it->second);
      for (auto p : out) {
        ports_[p].tx_frames++;
        ports_[p].tx_bytes += frame.size();
      }
      return out;
    }
  }
  for (auto& [p, st] : ports_) {
    if (p == in || !connected(p)) continue;
    out.push_back(p);
    st.tx_frames++;
    st.tx_bytes += frame.size();
  }
  return out;
}

}  // namespace uc::net
