#include "net/switch_core.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "net/delay_queue.h"

namespace uc::net {

void PrintTo(const Delivery& d, std::ostream* os) {
  *os << "{port " << d.port << ", " << d.delay_ms << " ms}";
}

namespace {

std::string frame(const std::string& dst, const std::string& src) {
  auto mac = [](const std::string& m) {
    std::string b;
    for (size_t i = 0; i < m.size(); i += 3)
      b.push_back(static_cast<char>(std::stoi(m.substr(i, 2), nullptr, 16)));
    return b;
  };
  return mac(dst) + mac(src) + std::string("\x08\x00", 2) + std::string(46, 'x');
}

const std::string A = "fe:fd:c0:a8:00:70", B = "fe:fd:c0:a8:00:74", C = "fe:fd:c0:a8:00:78";
const std::string kBroadcast = "ff:ff:ff:ff:ff:ff";

// The ports a route goes out to, whatever their delay.
std::vector<PortId> sorted(const std::vector<Delivery>& d) {
  std::vector<PortId> v;
  for (const auto& x : d) v.push_back(x.port);
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
  EXPECT_EQ(s.route(1, frame(B, A)), (std::vector<Delivery>{{2, 0}}));
  EXPECT_EQ(s.route(2, frame(A, B)), (std::vector<Delivery>{{1, 0}}));
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
  EXPECT_EQ(sorted(s.route(1, frame(B, A))), (std::vector<PortId>{3}));
}

TEST(SwitchCore, MovesAStationThatChangesPort) {
  SwitchCore s;
  for (PortId p : {1, 2, 3}) s.add_port(p);
  s.route(2, frame(kBroadcast, B));
  s.route(3, frame(kBroadcast, B));
  EXPECT_EQ(sorted(s.route(1, frame(B, A))), (std::vector<PortId>{3}));
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
  EXPECT_EQ(sorted(s.route(1, frame(kBroadcast, A))), (std::vector<PortId>{3}));
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

constexpr Mac kA = 0xfefdc0a80070, kB = 0xfefdc0a80074, kC = 0xfefdc0a80078;

// Three ports, A on 1, B on 2, C on 3, all learned.
SwitchCore learned_switch(uint64_t seed = SwitchCore::kDefaultSeed) {
  SwitchCore s(seed);
  for (PortId p : {1, 2, 3}) s.add_port(p);
  s.route(1, frame(kBroadcast, A));
  s.route(2, frame(kBroadcast, B));
  s.route(3, frame(kBroadcast, C));
  return s;
}

NetRules blocking(std::set<std::pair<Mac, Mac>> pairs) {
  NetRules r;
  r.blocked = std::move(pairs);
  return r;
}

NetRules impairing(Mac m, LinkImpairment l) {
  NetRules r;
  r.links[m] = l;
  return r;
}

TEST(SwitchCoreRules, OneWayPartitionOfUnicast) {
  auto s = learned_switch();
  s.set_rules(blocking({{kA, kB}}));
  EXPECT_TRUE(s.route(1, frame(B, A)).empty());
  EXPECT_EQ(s.stats(2)->cut, 1u);
  EXPECT_EQ(sorted(s.route(2, frame(A, B))), (std::vector<PortId>{1}));
  EXPECT_EQ(sorted(s.route(1, frame(C, A))), (std::vector<PortId>{3}));
}

TEST(SwitchCoreRules, TwoWayPartitionOfUnicast) {
  auto s = learned_switch();
  s.set_rules(blocking({{kA, kB}, {kB, kA}}));
  EXPECT_TRUE(s.route(1, frame(B, A)).empty());
  EXPECT_TRUE(s.route(2, frame(A, B)).empty());
  EXPECT_EQ(sorted(s.route(2, frame(C, B))), (std::vector<PortId>{3}));
}

TEST(SwitchCoreRules, PartitionCutsFloodedCopies) {
  auto s = learned_switch();
  s.set_rules(blocking({{kA, kB}}));
  EXPECT_EQ(sorted(s.route(1, frame(kBroadcast, A))), (std::vector<PortId>{3}));
  EXPECT_EQ(sorted(s.route(2, frame(kBroadcast, B))), (std::vector<PortId>{1, 3}));
  s.set_rules(blocking({{kA, kB}, {kB, kA}}));
  EXPECT_EQ(sorted(s.route(2, frame(kBroadcast, B))), (std::vector<PortId>{3}));
}

TEST(SwitchCoreRules, PortsThatHaveNotSpokenAreNotCutByTheirMac) {
  SwitchCore s;
  for (PortId p : {1, 2, 3}) s.add_port(p);
  s.set_rules(blocking({{kA, kB}}));
  EXPECT_FALSE(s.mac_of(2));
  EXPECT_EQ(sorted(s.route(1, frame(kBroadcast, A))), (std::vector<PortId>{2, 3}));
  // Unknown unicast to a blocked MAC is cut everywhere, since no port can be told apart.
  EXPECT_TRUE(s.route(1, frame(B, A)).empty());
  s.route(2, frame(kBroadcast, B));
  EXPECT_EQ(s.mac_of(2), kB);
  EXPECT_EQ(sorted(s.route(1, frame(kBroadcast, A))), (std::vector<PortId>{3}));
}

TEST(SwitchCoreRules, RemovedPortForgetsItsMac) {
  auto s = learned_switch();
  s.remove_port(2);
  EXPECT_FALSE(s.mac_of(2));
  s.add_port(2);
  EXPECT_FALSE(s.mac_of(2));
}

TEST(SwitchCoreRules, ClearingRulesRestoresForwarding) {
  auto s = learned_switch();
  NetRules r = blocking({{kA, kB}, {kA, kC}});
  r.links[kA] = {100, 0, 100};
  s.set_rules(r);
  EXPECT_TRUE(s.route(1, frame(kBroadcast, A)).empty());
  s.set_rules({});
  EXPECT_EQ(s.route(1, frame(kBroadcast, A)), (std::vector<Delivery>{{2, 0}, {3, 0}}));
  EXPECT_EQ(s.route(1, frame(B, A)), (std::vector<Delivery>{{2, 0}}));
}

TEST(SwitchCoreRules, FullLossDropsEveryFrameFromOrToTheMac) {
  auto s = learned_switch();
  s.set_rules(impairing(kB, {0, 0, 100}));
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(s.route(1, frame(B, A)).empty());
    EXPECT_TRUE(s.route(2, frame(A, B)).empty());
    EXPECT_EQ(sorted(s.route(1, frame(kBroadcast, A))), (std::vector<PortId>{3}));
  }
  EXPECT_EQ(s.stats(2)->lost, 400u);
  EXPECT_EQ(s.stats(1)->lost, 200u);
}

TEST(SwitchCoreRules, NoLossDropsNothing) {
  auto s = learned_switch();
  s.set_rules(impairing(kB, {0, 0, 0}));
  for (int i = 0; i < 500; ++i) EXPECT_EQ(s.route(1, frame(B, A)), (std::vector<Delivery>{{2, 0}}));
}

int delivered(SwitchCore& s, int frames) {
  int n = 0;
  for (int i = 0; i < frames; ++i) n += !s.route(1, frame(B, A)).empty();
  return n;
}

TEST(SwitchCoreRules, HalfLossDropsAboutHalf) {
  auto s = learned_switch(42);
  s.set_rules(impairing(kB, {0, 0, 50}));
  int n = delivered(s, 2000);
  EXPECT_GT(n, 900);
  EXPECT_LT(n, 1100);
  EXPECT_EQ(s.stats(2)->lost, static_cast<uint64_t>(2000 - n));
}

TEST(SwitchCoreRules, LossOnBothSidesCompounds) {
  auto s = learned_switch(42);
  NetRules r = impairing(kB, {0, 0, 50});
  r.links[kA] = {0, 0, 50};
  s.set_rules(r);
  int n = delivered(s, 2000);  // 25% expected
  EXPECT_GT(n, 420);
  EXPECT_LT(n, 580);
}

TEST(SwitchCoreRules, SameSeedSameChoices) {
  auto a = learned_switch(7), b = learned_switch(7);
  for (auto* s : {&a, &b}) s->set_rules(impairing(kB, {100, 80, 30}));
  for (int i = 0; i < 300; ++i) EXPECT_EQ(a.route(1, frame(B, A)), b.route(1, frame(B, A)));
}

// Delays of 1000 unicast frames A -> B under `r`.
std::vector<uint32_t> delays(const NetRules& r) {
  auto s = learned_switch(3);
  s.set_rules(r);
  std::vector<uint32_t> out;
  for (int i = 0; i < 1000; ++i) {
    auto d = s.route(1, frame(B, A));
    EXPECT_EQ(d.size(), 1u);
    if (!d.empty()) out.push_back(d[0].delay_ms);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SwitchCoreRules, DelayWithJitterStaysInBounds) {
  auto d = delays(impairing(kB, {200, 50, 0}));
  EXPECT_GE(d.front(), 150u);
  EXPECT_LE(d.back(), 250u);
  EXPECT_LT(d.front(), 160u);  // the jitter is really spread
  EXPECT_GT(d.back(), 240u);
  EXPECT_EQ(delays(impairing(kB, {200, 0, 0})), std::vector<uint32_t>(1000, 200));
}

TEST(SwitchCoreRules, JitterBeyondDelayClampsAtZero) {
  auto d = delays(impairing(kB, {10, 50, 0}));
  EXPECT_EQ(d.front(), 0u);
  EXPECT_LE(d.back(), 60u);
  EXPECT_GT(std::count(d.begin(), d.end(), 0u), 300);  // every draw below -10
}

TEST(SwitchCoreRules, DelaysOfBothSidesAdd) {
  NetRules r = impairing(kB, {200, 50, 0});
  r.links[kA] = {100, 0, 0};
  auto d = delays(r);
  EXPECT_GE(d.front(), 250u);
  EXPECT_LE(d.back(), 350u);
}

TEST(SwitchCoreRules, FloodIsImpairedPerReceivingPort) {
  auto s = learned_switch();
  s.set_rules(impairing(kC, {300, 0, 0}));
  EXPECT_EQ(s.route(1, frame(kBroadcast, A)), (std::vector<Delivery>{{2, 0}, {3, 300}}));
  s.set_rules(impairing(kA, {40, 0, 0}));
  s.add_port(4);  // not spoken yet: only A's side applies
  EXPECT_EQ(s.route(1, frame(kBroadcast, A)), (std::vector<Delivery>{{2, 40}, {3, 40}, {4, 40}}));
}

TEST(SwitchDelayQueue, ReleasesFramesWhenDueInOrder) {
  DelayQueue q;
  EXPECT_EQ(q.poll_timeout_ms(0), -1);
  q.push(5000, 1, "late");
  q.push(1000, 2, "early");
  q.push(1000, 3, "early too");
  EXPECT_EQ(q.next_due_us(), 1000u);
  EXPECT_EQ(q.bytes(), 18u);
  EXPECT_TRUE(q.take_due(999).empty());
  auto due = q.take_due(1000);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].port, 2u);
  EXPECT_EQ(due[1].frame, "early too");
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.bytes(), 4u);
  EXPECT_EQ(q.take_due(99999).size(), 1u);
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(SwitchDelayQueue, PollTimeoutRoundsUp) {
  DelayQueue q;
  q.push(10500, 1, "x");
  EXPECT_EQ(q.poll_timeout_ms(10000), 1);
  EXPECT_EQ(q.poll_timeout_ms(8000), 3);
  EXPECT_EQ(q.poll_timeout_ms(10500), 0);
  EXPECT_EQ(q.poll_timeout_ms(20000), 0);
}

TEST(SwitchDelayQueue, BoundedInFramesAndBytes) {
  DelayQueue q;
  for (size_t i = 0; i < DelayQueue::kMaxFrames; ++i) ASSERT_TRUE(q.push(i, 1, "f"));
  EXPECT_FALSE(q.push(0, 1, "f"));
  EXPECT_EQ(q.dropped(), 1u);
  DelayQueue big;
  std::string jumbo(65536, 'j');
  size_t fits = DelayQueue::kMaxBytes / jumbo.size();
  for (size_t i = 0; i < fits; ++i) ASSERT_TRUE(big.push(i, 1, jumbo));
  EXPECT_FALSE(big.push(0, 1, jumbo));
  EXPECT_TRUE(big.push(0, 1, ""));
  EXPECT_EQ(big.dropped(), 1u);
}

}  // namespace
}  // namespace uc::net
