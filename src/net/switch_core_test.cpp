#include "net/switch_core.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace uc::net {
namespace {

std::string frame(const std::string& dst, const std::string& src) {
  auto mac = [](const std::string& m) {
    std::string b;
    for (size_t i = 0; i < m.size(); i += 3) b.push_back(static_cast<char>(std::stoi(m.substr(i, 2), nullptr, 16)));
    return b;
  };
  return mac(dst) + mac(src) + std::string("\x08\x00", 2) + std::string(46, 'x');
}

const std::string A = "fe:fd:c0:a8:00:70", B = "fe:fd:c0:a8:00:74", C = "fe:fd:c0:a8:00:78";
const std::string kBroadcast = "ff:ff:ff:ff:ff:ff";

std::vector<PortId> sorted(std::vector<PortId> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(SwitchCore, FloodsUnknownAndBroadcast) {
  SwitchCore s;
  for (PortId p : {1, 2, 3}) s.add_port(p);
  EXPECT_EQ(sorted(s.route(1, frame(kBroadcast, A))), (std::vector<PortId>{2, 3}));
  EXPECT_EQ(sorted(s.route(1, frame(B, A))), (std::vector<PortId>{2, 3}));  // B unknown yet
}

TEST(SwitchCore, LearnsAndForwardsUnicastToOnePort) {
  SwitchCore s;
  for (PortId p : {1, 2, 3}) s.add_port(p);
  s.route(2, frame(kBroadcast, B));  // B speaks from port 2
  EXPECT_EQ(s.port_of(0xfefdc0a80074), PortId{2});
  EXPECT_EQ(s.route(1, frame(B, A)), (std::vector<PortId>{2}));
  EXPECT_EQ(s.route(2, frame(A, B)), (std::vector<PortId>{1}));
}

TEST(SwitchCore, NeverSendsBackToTheIngressPort) {
  SwitchCore s;
  for (PortId p : {1, 2}) s.add_port(p);
  s.route(1, frame(kBroadcast, A));
  EXPECT_TRUE(s.route(1, frame(A, A)).empty());
}

TEST(SwitchCore, ForgetsARemovedPort) {
  SwitchCore s;
  for (PortId p : {1, 2, 3}) s.add_port(p);
  s.route(2, frame(kBroadcast, B));
  s.remove_port(2);
  EXPECT_FALSE(s.port_of(0xfefdc0a80074));
  EXPECT_EQ(s.route(1, frame(B, A)), (std::vector<PortId>{3}));
}

TEST(SwitchCore, MovesAStationThatChangesPort) {
  SwitchCore s;
  for (PortId p : {1, 2, 3}) s.add_port(p);
  s.route(2, frame(kBroadcast, B));
  s.route(3, frame(kBroadcast, B));
  EXPECT_EQ(s.route(1, frame(B, A)), (std::vector<PortId>{3}));
}

TEST(SwitchCore, DropsRuntsAndUnknownPorts) {
  SwitchCore s;
  s.add_port(1);
  s.add_port(2);
  EXPECT_TRUE(s.route(1, "short").empty());
  EXPECT_EQ(s.stats(1)->dropped, 1u);
  EXPECT_TRUE(s.route(9, frame(kBroadcast, A)).empty());
}

TEST(SwitchCore, MulticastSourceIsNotLearned) {
  SwitchCore s;
  s.add_port(1);
  s.add_port(2);
  s.route(1, frame(kBroadcast, "01:00:5e:00:00:01"));
  EXPECT_FALSE(s.port_of(0x01005e000001));
}

TEST(SwitchCore, UnpluggedPortNeitherSendsNorReceives) {
  SwitchCore s;
  for (PortId p : {1, 2, 3}) s.add_port(p);
  s.set_connected(2, false);
  EXPECT_EQ(s.route(1, frame(kBroadcast, A)), (std::vector<PortId>{3}));
  EXPECT_TRUE(s.route(2, frame(kBroadcast, B)).empty());
  s.set_connected(2, true);
  EXPECT_EQ(sorted(s.route(1, frame(kBroadcast, A))), (std::vector<PortId>{2, 3}));
}

TEST(SwitchCore, CountsTraffic) {
  SwitchCore s;
  s.add_port(1);
  s.add_port(2);
  auto f = frame(kBroadcast, A);
  s.route(1, f);
  EXPECT_EQ(s.stats(1)->rx_frames, 1u);
  EXPECT_EQ(s.stats(2)->tx_bytes, f.size());
}

TEST(SwitchCore, LearningTableIsBounded) {
  SwitchCore s;
  s.add_port(1);
  s.add_port(2);
  for (uint64_t i = 0; i < SwitchCore::kMaxLearned + 100; ++i) {
    std::string f = frame(kBroadcast, A);
    for (int b = 0; b < 4; ++b) f[8 + b] = static_cast<char>((i >> (8 * (3 - b))) & 0xff);
    s.route(1, f);
  }
  EXPECT_FALSE(s.port_of(0xfefd00000000 + SwitchCore::kMaxLearned + 50));
}

}  // namespace
}  // namespace uc::net
