// SwitchCore: the learning Ethernet switch without any sockets: given a frame and the
// port it came in on, it says which ports it goes out to, and after what delay. It learns
// source MACs, forwards known unicast to one port, floods broadcast, multicast and unknown
// unicast, and applies NetRules (partitions, loss, delay) between node MACs: the seam for
// fault injection.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string_view>
#include <vector>

#include "net/net_rules.h"

namespace uc::net {

using PortId = uint32_t;

struct PortStats {
  uint64_t rx_frames = 0, rx_bytes = 0, tx_frames = 0, tx_bytes = 0, dropped = 0;
  // Frames toward this port that a rule stopped: a blocked pair (cut) or random loss (lost).
  uint64_t cut = 0, lost = 0;
};

struct Delivery {
  PortId port;
  uint32_t delay_ms = 0;
  friend bool operator==(const Delivery&, const Delivery&) = default;
};

class SwitchCore {
 public:
  static constexpr uint64_t kDefaultSeed = 0x756d6c636c757374;
  // The seed drives loss and jitter, so a test (or a rerun) sees the same choices.
  explicit SwitchCore(uint64_t seed = kDefaultSeed) : rng_(seed) {}
  void add_port(PortId p);
  void remove_port(PortId p);
  // Frames from or to a disconnected port are dropped (a pulled cable).
  void set_connected(PortId p, bool connected);
  bool connected(PortId p) const { return !unplugged_.count(p); }
  // Replaces the rules in force; an empty NetRules restores plain forwarding.
  void set_rules(NetRules r) { rules_ = std::move(r); }
  const NetRules& rules() const { return rules_; }
  std::vector<Delivery> route(PortId in, std::string_view frame);
  std::optional<PortId> port_of(Mac m) const;
  // The source MAC last learned on a port; none before the port has sent a frame.
  std::optional<Mac> mac_of(PortId p) const;
  const PortStats* stats(PortId p) const;
  size_t port_count() const { return ports_.size(); }
  static constexpr size_t kMaxLearned = 4096;

 private:
  struct Frame {
    Mac src;
    std::optional<Mac> unicast_dst;
    size_t bytes;
  };
  // `receiver`: the MAC the frame reaches on port p, when known.
  void deliver(PortId p, PortStats& st, const Frame& f, std::optional<Mac> receiver,
               std::vector<Delivery>& out);
  bool blocked(Mac from, std::optional<Mac> to) const;
  // One impaired side: false if the frame is lost, else adds its delay to `delay_ms`.
  bool impair(const LinkImpairment& l, uint32_t& delay_ms);

  std::map<PortId, PortStats> ports_;
  std::set<PortId> unplugged_;
  std::map<Mac, PortId> table_;
  std::map<PortId, Mac> port_mac_;
  NetRules rules_;
  std::mt19937_64 rng_;
};

Mac mac_at(std::string_view frame, size_t offset);

}  // namespace uc::net
