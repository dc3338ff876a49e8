// IPv4 addresses and subnets as plain values, parsed strictly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace uc {

struct Ipv4 {
  uint32_t value = 0;  // host byte order
  std::string str() const;
  bool operator==(const Ipv4&) const = default;
  static std::optional<Ipv4> parse(const std::string& s);
};

struct Subnet {
  Ipv4 network;
  int prefix = 24;
  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  bool contains(Ipv4 a) const { return (a.value & mask()) == (network.value & mask()); }
  bool is_network_or_broadcast(Ipv4 a) const {
    uint32_t host = a.value & ~mask();
    return prefix < 31 && (host == 0 || host == ~mask());
  }
  std::string str() const;
  // "192.168.0.0/24"; host bits must be zero.
  static std::optional<Subnet> parse(const std::string& s);
};

}  // namespace uc
