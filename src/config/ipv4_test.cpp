#include "config/ipv4.h"

#include <gtest/gtest.h>

namespace uc {

TEST(Ipv4, ParsesStrictly) {
  EXPECT_EQ(Ipv4::parse("192.168.0.112")->str(), "192.168.0.112");
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d"})
    EXPECT_FALSE(Ipv4::parse(bad)) << bad;
}

TEST(Subnet, ContainsAndEdges) {
  auto s = *Subnet::parse("192.168.0.0/24");
  EXPECT_TRUE(s.contains(*Ipv4::parse("192.168.0.116")));
  EXPECT_FALSE(s.contains(*Ipv4::parse("192.168.1.1")));
  EXPECT_TRUE(s.is_network_or_broadcast(*Ipv4::parse("192.168.0.255")));
  EXPECT_FALSE(Subnet::parse("192.168.0.0"));
  EXPECT_FALSE(Subnet::parse("192.168.0.0/33"));
}

}  // namespace uc
