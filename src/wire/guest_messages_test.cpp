#include "wire/guest_messages.h"

#include <gtest/gtest.h>

namespace uc::cluster {
namespace {

TEST(GuestMessages, AGoodHelloParses) {
  auto h =
      parse_hello(R"({"version":4,"hostname":"node1","uptime_ms":"1834","boot_id":"0f3e-9a"})");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->version, 4);
  EXPECT_EQ(h->hostname, "node1");
  EXPECT_EQ(h->uptime_ms, 1834);
  EXPECT_EQ(h->boot_id, "0f3e-9a");
  auto old = parse_hello(R"({"version":3,"hostname":"node1","uptime_ms":"12"})");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->boot_id, "");
  EXPECT_EQ(parse_hello(R"({"uptime_ms": 77})")->uptime_ms, 77);
}

TEST(GuestMessages, HostileHellosAreRefusedWithAReason) {
  const char* bad[] = {
      R"({"version":"x"})",  // the issue's frame: a string for a number
      R"({"version":1.5})",
      R"({"version":-1})",
      R"({"version":99999999999999999999999})",
      R"({"version":18446744073709551615})",
      R"({"version":null})",
      R"({"hostname":42})",
      R"({"hostname":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})",
      R"({"uptime_ms":"-5"})",
      R"({"uptime_ms":"12abc"})",
      R"({"uptime_ms":"99999999999999999999"})",
      R"({"uptime_ms":-3})",
      R"({"uptime_ms":[1]})",
      R"({"boot_id":"../../etc"})",
      R"({"boot_id":{"a":1}})",
      R"([1,2,3])",
      R"("just a string")",
      R"({"version":)",
      "\xff\xfe\x00garbage",
      "",
  };
  for (const char* p : bad) {
    auto h = parse_hello(p);
    EXPECT_FALSE(h) << p;
    if (!h) {
      EXPECT_FALSE(h.error().message.empty());
    }
  }
}

TEST(GuestMessages, DeepNestingIsRefusedBeforeParsing) {
  std::string deep(60000, '[');
  EXPECT_FALSE(json_depth_within(deep, kMaxJsonDepth));
  EXPECT_FALSE(parse_hello(deep));
  EXPECT_FALSE(parse_exit("{\"a\":" + std::string(5000, '{')));
  // Brackets inside strings do not count.
  EXPECT_TRUE(json_depth_within(R"({"s":"[[[[[[[[[[[[[[[[[[[[\"[[[["})", 2));
  EXPECT_TRUE(parse_hello(R"({"hostname":"[[[[[[[[[[[[[["})"));
}

TEST(GuestMessages, ExitIsCheckedAndReencoded) {
  auto e = parse_exit(R"({"code":3,"signal":0})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, 3);
  for (const char* p : {R"({"code":"3"})", R"({"code":256})", R"({"code":-7})", R"({"signal":65})",
                        R"({"signal":true})", R"({"error":[]})", "[]", "nope"})
    EXPECT_FALSE(parse_exit(p)) << p;
  EXPECT_EQ(parse_exit("{}")->code, -1);  // no code said: not a success
  auto again = parse_exit(encode_exit({130, 2, "x"}));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->code, 130);
  EXPECT_EQ(again->signal, 2);
  EXPECT_EQ(again->error, "x");
  // Invalid UTF-8 in an error does not throw when encoded.
  EXPECT_FALSE(encode_exit({1, 0, "\xff\xfe"}).empty());
}

// The agents write these bytes by hand today; the structs must read and write the same.
TEST(GuestMessages, HelloAndExitBytesArePinned) {
  EXPECT_EQ(encode_exit({0, 0, ""}), R"({"code":0,"signal":0})");
  EXPECT_EQ(encode_exit({125, 0, "node0 is stopped"}),
            R"({"code":125,"error":"node0 is stopped","signal":0})");
  AgentHello h{4, "node1", 1834, "0f3e-9a"};
  EXPECT_EQ(encode_hello(h),
            R"({"boot_id":"0f3e-9a","hostname":"node1","uptime_ms":1834,"version":4})");
  auto back = parse_hello(encode_hello(h));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->uptime_ms, 1834);
  EXPECT_EQ(back->boot_id, h.boot_id);
  EXPECT_EQ(parse_hello(encode_hello({4, "n", -1, ""}))->uptime_ms, -1);
}

TEST(GuestMessages, ReadSessionFilesAreStringsOrRefused) {
  auto f = parse_guest_files(R"({"/proc/loadavg":"0.01 0.02 0.03 1/50 99\n","/proc/mounts":""})");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ((*f)["/proc/loadavg"], "0.01 0.02 0.03 1/50 99\n");
  EXPECT_EQ((*f)["/proc/meminfo"], "");
  for (const char* p : {R"({"/proc/loadavg":1})", R"({"/proc/loadavg":null})",
                        R"({"/proc/x":["a"]})", "[]", "", R"({"/proc/loadavg":"cut)"})
    EXPECT_FALSE(parse_guest_files(p)) << p;
  EXPECT_FALSE(parse_guest_files("{\"a\":" + std::string(10000, '[')));
}

}  // namespace
}  // namespace uc::cluster
