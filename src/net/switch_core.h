// SwitchCore: the learning Ethernet switch without any sockets: given a frame and the
// port it came in on, it says which ports it goes out to. It learns source MACs,
// forwards known unicast to one port, floods broadcast, multicast and unknown unicast,
// and drops frames a cut link must not carry (the seam for fault injection).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

namespace uc::net {

using PortId = uint32_t;
using Mac = uint64_t;  // 48 bits

struct PortStats {
  uint64_t rx_frames = 0, rx_bytes = 0, tx_frames = 0, tx_bytes = 0, dropped = 0;
};

class SwitchCore {
 public:
  void add_port(PortId p);
  void remove_port(PortId p);
  // Frames from or to a disconnected port are dropped (a pulled cable).
  void set_connected(PortId p, bool connected);
  bool connected(PortId p) const { return !unplugged_.count(p); }
  std::vector<PortId> route(PortId in, std::string_view frame);
  std::optional<PortId> port_of(Mac m) const;
  const PortStats* stats(PortId p) const;
  size_t port_count() const { return ports_.size(); }
  static constexpr size_t kMaxLearned = 4096;

 private:
  std::map<PortId, PortStats> ports_;
  std::set<PortId> unplugged_;
  std::map<Mac, PortId> table_;
};

Mac mac_at(std::string_view frame, size_t offset);

}  // namespace uc::net
