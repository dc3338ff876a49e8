#include "wire/daemon_protocol.h"

#include <gtest/gtest.h>

#include <cstring>

namespace uc::net {
namespace {

// An abstract address as UML builds it: NUL, then its pid and microseconds.
std::string uml_address() {
  std::string a(sizeof(sockaddr_un::sun_path), '\0');
  int pid = 1234, usecs = 5678;
  std::memcpy(&a[4], &pid, 4);
  std::memcpy(&a[8], &usecs, 4);
  return a;
}

TEST(DaemonProtocol, RequestHasTheKernelsLayout) {
  std::string req = encode_request({uml_address()});
  ASSERT_EQ(req.size(), 124u);
  uint32_t magic, version, type;
  std::memcpy(&magic, req.data(), 4);
  std::memcpy(&version, req.data() + 4, 4);
  std::memcpy(&type, req.data() + 8, 4);
  EXPECT_EQ(magic, 0xfeedfaceu);
  EXPECT_EQ(version, 3u);
  EXPECT_EQ(type, 0u);
  uint16_t family;
  std::memcpy(&family, req.data() + 12, 2);
  EXPECT_EQ(family, AF_UNIX);
}

TEST(DaemonProtocol, RequestRoundTrips) {
  auto r = decode_request(encode_request({uml_address()}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->address, uml_address());
}

TEST(DaemonProtocol, RejectsWrongMagicVersionTypeOrSize) {
  std::string good = encode_request({uml_address()});
  for (size_t off : {0, 4, 8}) {
    std::string bad = good;
    bad[off] ^= 1;
    EXPECT_FALSE(decode_request(bad)) << off;
  }
  EXPECT_FALSE(decode_request(good.substr(0, 100)));
  EXPECT_FALSE(decode_request(good + "x"));
  EXPECT_FALSE(decode_request(""));
}

TEST(DaemonProtocol, ReplyIsAWholeSockaddr) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path + 1, "sw", 2);
  std::string r = encode_reply(a);
  EXPECT_EQ(r.size(), sizeof(sockaddr_un));
  EXPECT_EQ(address_key(a, sizeof a), std::string(r.data() + 2, sizeof a.sun_path));
}

}  // namespace
}  // namespace uc::net
