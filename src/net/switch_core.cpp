#include "net/switch_core.h"

#include <algorithm>

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
  port_mac_.erase(p);
  for (auto it = table_.begin(); it != table_.end();)
    it = it->second == p ? table_.erase(it) : std::next(it);
}

void SwitchCore::set_connected(PortId p, bool c) {
  if (c)
    unplugged_.erase(p);
  else
    unplugged_.insert(p);
}

std::optional<PortId> SwitchCore::port_of(Mac m) const {
  auto it = table_.find(m);
  if (it == table_.end()) return std::nullopt;
  return it->second;
}

std::optional<Mac> SwitchCore::mac_of(PortId p) const {
  auto it = port_mac_.find(p);
  if (it == port_mac_.end()) return std::nullopt;
  return it->second;
}

const PortStats* SwitchCore::stats(PortId p) const {
  auto it = ports_.find(p);
  return it == ports_.end() ? nullptr : &it->second;
}

std::vector<Delivery> SwitchCore::route(PortId in, std::string_view frame) {
  std::vector<Delivery> out;
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
  if (!src_group) {
    // Learn, but never let one guest fill the table without bound.
    if (table_.count(src) || table_.size() < kMaxLearned) table_[src] = in;
    port_mac_[in] = src;
  }
  bool group = (dst >> 40) & 1;
  Frame f{src, group ? std::nullopt : std::optional<Mac>(dst), frame.size()};
  if (!group) {
    if (auto it = table_.find(dst); it != table_.end()) {
      if (it->second != in && connected(it->second))
        deliver(it->second, ports_[it->second], f, dst, out);
      return out;
    }
  }
  for (auto& [p, st] : ports_) {
    if (p == in || !connected(p)) continue;
    deliver(p, st, f, mac_of(p), out);
  }
  return out;
}

void SwitchCore::deliver(PortId p, PortStats& st, const Frame& f, std::optional<Mac> receiver,
                         std::vector<Delivery>& out) {
  // Checking the unicast destination too keeps a partition whole while a node's new
  // port has not spoken yet: its frames would otherwise be flooded to it.
  if (blocked(f.src, receiver) || blocked(f.src, mac_of(p)) || blocked(f.src, f.unicast_dst)) {
    st.cut++;
    return;
  }
  uint32_t delay = 0;
  bool alive = true;
  if (auto it = rules_.links.find(f.src); it != rules_.links.end())
    alive = impair(it->second, delay);
  if (receiver && *receiver != f.src)
    if (auto it = rules_.links.find(*receiver); alive && it != rules_.links.end())
      alive = impair(it->second, delay);
  if (!alive) {
    st.lost++;
    return;
  }
  out.push_back({p, delay});
  st.tx_frames++;
  st.tx_bytes += f.bytes;
}

bool SwitchCore::blocked(Mac from, std::optional<Mac> to) const {
  return to && !rules_.blocked.empty() && rules_.blocked.count({from, *to});
}

bool SwitchCore::impair(const LinkImpairment& l, uint32_t& delay_ms) {
  if (l.loss_pct > 0 && std::uniform_real_distribution<double>(0, 100)(rng_) < l.loss_pct)
    return false;
  int64_t d = l.delay_ms;
  if (l.jitter_ms > 0)
    d += std::uniform_int_distribution<int64_t>(-int64_t{l.jitter_ms}, l.jitter_ms)(rng_);
  delay_ms += static_cast<uint32_t>(std::max<int64_t>(d, 0));
  return true;
}

}  // namespace uc::net
