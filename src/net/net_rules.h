// NetRules: the faults the switch injects between nodes, keyed by each node's NIC MAC:
// directed partitions (frames from one MAC to another are dropped) and per-MAC link
// impairment (delay, jitter, loss on every frame from or to that MAC). The supervisor
// sends them to the switch as one JSON object (see encode/decode_net_rules); the switch
// decodes it as hostile input. This file is the data and its wire format only; applying
// the rules to frames is SwitchCore's job.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "sys/result.h"

namespace uc::net {

using Mac = uint64_t;  // 48 bits, first octet in the high byte

struct LinkImpairment {
  uint32_t delay_ms = 0, jitter_ms = 0;
  double loss_pct = 0;
  friend bool operator==(const LinkImpairment&, const LinkImpairment&) = default;
};

struct NetRules {
  std::set<std::pair<Mac, Mac>> blocked;  // directed: frames from .first to .second are dropped
  std::map<Mac, LinkImpairment> links;    // frames from or to this MAC
  bool empty() const { return blocked.empty() && links.empty(); }
  friend bool operator==(const NetRules&, const NetRules&) = default;
};

inline constexpr uint32_t kMaxDelayMs = 60000;  // also the bound on jitter_ms
inline constexpr size_t kMaxBlockedPairs = 4096;
inline constexpr size_t kMaxLinks = 1024;

// {"blocked":[["fe:fd:..","fe:fd:.."],...],"links":{"fe:fd:..":{"delay_ms":200,
// "jitter_ms":50,"loss_pct":10.0}}}; both keys optional, `{}` is no rules.
std::string encode(const NetRules& r);
Result<NetRules> decode_net_rules(std::string_view json_text);

// "fe:fd:c0:a8:00:70" (lower case).
std::string mac_text(Mac m);
// Exactly six hex pairs separated by colons (either case); nothing else.
std::optional<Mac> parse_mac(std::string_view text);

}  // namespace uc::net
