#include "wire/daemon_protocol.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace uc::net {
namespace {
void put_u32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
uint32_t get_u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
}  // namespace

std::string encode_request(const NewControlRequest& r) {
  std::string s;
  put_u32(s, kSwitchMagic);
  put_u32(s, kSwitchVersion);
  put_u32(s, kReqNewControl);
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::memcpy(sun.sun_path, r.address.data(), std::min(r.address.size(), sizeof sun.sun_path));
  s.append(reinterpret_cast<const char*>(&sun), sizeof sun);
  s.resize(kRequestSize, '\0');
  return s;
}

std::optional<NewControlRequest> decode_request(std::string_view b) {
  if (b.size() != kRequestSize) return std::nullopt;
  if (get_u32(b.data()) != kSwitchMagic || get_u32(b.data() + 4) != kSwitchVersion ||
      get_u32(b.data() + 8) != kReqNewControl)
    return std::nullopt;
  sockaddr_un sun;
  std::memcpy(&sun, b.data() + 12, sizeof sun);
  if (sun.sun_family != AF_UNIX) return std::nullopt;
  return NewControlRequest{std::string(sun.sun_path, sizeof sun.sun_path)};
}

std::string encode_reply(const sockaddr_un& a) {
  return std::string(reinterpret_cast<const char*>(&a), sizeof a);
}

std::string address_key(const sockaddr_un& a, socklen_t len) {
  std::string key(sizeof a.sun_path, '\0');
  size_t n = len > offsetof(sockaddr_un, sun_path) ? len - offsetof(sockaddr_un, sun_path) : 0;
  std::memcpy(key.data(), a.sun_path, std::min(n, key.size()));
  return key;
}

}  // namespace uc::net
