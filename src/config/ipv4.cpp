#include "config/ipv4.h"

#include <charconv>

namespace uc {

std::string Ipv4::str() const {
  return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 255) + "." +
         std::to_string((value >> 8) & 255) + "." + std::to_string(value & 255);
}

std::optional<Ipv4> Ipv4::parse(const std::string& s) {
  uint32_t v = 0;
  const char* p = s.data();
  const char* end = s.data() + s.size();
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    if (p == end || *p < '0' || *p > '9') return std::nullopt;
    if (*p == '0' && p + 1 != end && p[1] >= '0' && p[1] <= '9') return std::nullopt;  // no octal
    unsigned octet = 0;
    auto [q, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc() || octet > 255) return std::nullopt;
    p = q;
    v = (v << 8) | octet;
  }
  if (p != end) return std::nullopt;
  return Ipv4{v};
}

std::string Subnet::str() const { return network.str() + "/" + std::to_string(prefix); }

std::optional<Subnet> Subnet::parse(const std::string& s) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto ip = Ipv4::parse(s.substr(0, slash));
  if (!ip) return std::nullopt;
  std::string pfx = s.substr(slash + 1);
  int prefix = -1;
  auto [q, ec] = std::from_chars(pfx.data(), pfx.data() + pfx.size(), prefix);
  if (pfx.empty() || ec != std::errc() || q != pfx.data() + pfx.size() || prefix < 8 || prefix > 30)
    return std::nullopt;
  Subnet sn{*ip, prefix};
  if ((ip->value & ~sn.mask()) != 0) return std::nullopt;
  return sn;
}

}  // namespace uc
