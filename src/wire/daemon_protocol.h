// UML's `daemon` network transport, as the kernel's arch/um/drivers/daemon_user.c speaks it.
// A node connects a stream socket to the switch's control socket and sends one request
// naming its own datagram socket; the switch answers with the address of its datagram
// socket. Ethernet frames then travel as plain datagrams, one frame each, no header.
// The control connection stays open: when it closes, the port is gone.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uc::net {

inline constexpr uint32_t kSwitchMagic = 0xfeedface;
inline constexpr uint32_t kSwitchVersion = 3;
inline constexpr uint32_t kReqNewControl = 0;
// The kernel's struct request_v3: magic, version, type (an enum: 4 bytes), then a whole
// struct sockaddr_un (110 bytes), padded by the compiler to 124 bytes in all.
struct WireRequestV3 {
  uint32_t magic;
  uint32_t version;
  uint32_t type;
  sockaddr_un sock;
};
inline constexpr size_t kRequestSize = sizeof(WireRequestV3);
static_assert(kRequestSize == 124);

struct NewControlRequest {
  // The node's datagram socket: sun_path bytes (abstract: starts with NUL), 108 bytes.
  std::string address;
};

std::string encode_request(const NewControlRequest& r);
// Empty when the bytes are not a valid version 3 request.
std::optional<NewControlRequest> decode_request(std::string_view bytes);
// The reply is the switch's own datagram address as a whole struct sockaddr_un.
std::string encode_reply(const sockaddr_un& data_address);

// sun_path bytes of an address as a fixed-size key (108 bytes, zero padded).
std::string address_key(const sockaddr_un& a, socklen_t len);

}  // namespace uc::net
