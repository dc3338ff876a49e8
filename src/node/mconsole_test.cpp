#include "node/mconsole.h"

#include <gtest/gtest.h>

#include <cstring>

namespace uc::node {
namespace {

TEST(Mconsole, RequestLayout) {
  auto r = encode_mconsole_request("cad");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 12u + 512u);
  uint32_t magic, version, len;
  std::memcpy(&magic, r->data(), 4);
  std::memcpy(&version, r->data() + 4, 4);
  std::memcpy(&len, r->data() + 8, 4);
  EXPECT_EQ(magic, 0xcafebabeu);
  EXPECT_EQ(version, 2u);
  EXPECT_EQ(len, 3u);
  EXPECT_EQ(std::string(r->data() + 12, 3), "cad");
  EXPECT_EQ(decode_mconsole_request(*r), "cad");
}

TEST(Mconsole, RequestTooLong) { EXPECT_FALSE(encode_mconsole_request(std::string(600, 'x'))); }

TEST(Mconsole, ReplyRoundTripStripsTheNul) {
  MconsoleReply in{0, true, "OK 6.1.176"};
  auto bytes = encode_mconsole_reply(in);
  auto out = decode_mconsole_reply(bytes);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->err, 0u);
  EXPECT_TRUE(out->more);
  EXPECT_EQ(out->data, "OK 6.1.176");
}

TEST(Mconsole, HostileRepliesAreRejected) {
  EXPECT_FALSE(decode_mconsole_reply("short"));
  auto bytes = encode_mconsole_reply({1, false, "err"});
  uint32_t huge = 100000;
  std::memcpy(bytes.data() + 8, &huge, 4);
  EXPECT_FALSE(decode_mconsole_reply(bytes));
  std::string wrong_magic = *encode_mconsole_request("halt");
  wrong_magic[0] ^= 1;
  EXPECT_FALSE(decode_mconsole_request(wrong_magic));
}

}  // namespace
}  // namespace uc::node
