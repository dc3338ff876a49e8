#include "events/event.h"

#include <gtest/gtest.h>

namespace uc::cluster {
namespace {

using json = nlohmann::json;

constexpr int64_t kT = 1795644600123;  // 2026-11-25T22:10:00.123Z

TEST(Event, TimesAreUtc) {
  EXPECT_EQ(iso_time(kT), "2026-11-25T22:10:00.123Z");
  EXPECT_EQ(human_time(kT), "2026-11-25 22:10:00.123");
  EXPECT_EQ(iso_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_time(-1), "1969-12-31T23:59:59.999Z");
}

TEST(Event, ToJsonFlattensTheFields) {
  Event e{kT, "ocfs2", "node1", "died", {{"cause", "crashed"}, {"signal", 9}, {"type", "x"}}};
  json j = to_json(e);
  EXPECT_EQ(j["ts"], kT);
  EXPECT_EQ(j["time"], "2026-11-25T22:10:00.123Z");
  EXPECT_EQ(j["cluster"], "ocfs2");
  EXPECT_EQ(j["node"], "node1");
  EXPECT_EQ(j["type"], "died");  // a field cannot overwrite the event's own keys
  EXPECT_EQ(j["cause"], "crashed");
  EXPECT_EQ(j["signal"], 9);
  EXPECT_EQ(event_line(e),
            R"({"ts":1795644600123,"time":"2026-11-25T22:10:00.123Z","cluster":"ocfs2",)"
            R"("node":"node1","type":"died","cause":"crashed","signal":9})");
}

TEST(Event, LineRoundTrip) {
  Event e{kT, "ocfs2", "", "supervisor_started", {{"pid", 4242}}};
  auto back = parse_event_line(event_line(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->ts_ms, kT);
  EXPECT_EQ(back->cluster, "ocfs2");
  EXPECT_EQ(back->node, "");
  EXPECT_EQ(back->type, "supervisor_started");
  EXPECT_EQ(back->fields, (json{{"pid", 4242}}));
}

TEST(Event, InvalidUtf8IsReplacedNotThrown) {
  Event e{kT, "ocfs2", "node0", "panic", {{"line", std::string("bad \xff\xfe bytes")}}};
  std::string line = event_line(e);
  EXPECT_NE(line.find("bad "), std::string::npos);
  EXPECT_TRUE(parse_event_line(line));
}

TEST(Event, FromJsonIsDefensive) {
  EXPECT_FALSE(event_from_json(json::array()));
  EXPECT_FALSE(event_from_json(json(5)));
  EXPECT_FALSE(event_from_json(json{{"type", "died"}}));
  EXPECT_FALSE(event_from_json(json{{"ts", "soon"}, {"type", "died"}}));
  EXPECT_FALSE(event_from_json(json{{"ts", 1.5}, {"type", "died"}}));
  EXPECT_FALSE(event_from_json(json{{"ts", 1}, {"type", 3}}));
  EXPECT_FALSE(event_from_json(json{{"ts", 1}, {"type", ""}}));
  EXPECT_FALSE(event_from_json(json{{"ts", 1}, {"type", "died"}, {"node", 1}}));
  EXPECT_FALSE(event_from_json(json{{"ts", 1}, {"type", "died"}, {"cluster", nullptr}}));
  EXPECT_FALSE(event_from_json(json{{"ts", 18446744073709551615ULL}, {"type", "died"}}));
  auto ok = event_from_json(json{{"ts", 1}, {"type", "died"}, {"time", "ignored"}, {"x", {1, 2}}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->node, "");
  EXPECT_EQ(ok->fields, (json{{"x", {1, 2}}}));
  for (const char* line : {"", "{", "null", "[]", "{\"ts\":1,\"type\":\"died\"", "garbage",
                           "{\"ts\":1,\"type\":\"died\"}{}", "\xff\xfe"})
    EXPECT_FALSE(parse_event_line(line)) << line;
}

TEST(Event, RenderSupervisorEventsAsKeyValues) {
  Event e{kT, "ocfs2", "node1", "died", {{"cause", "crashed"}, {"signal", 9}}};
  EXPECT_EQ(render_event(e), "2026-11-25 22:10:00.123  node1     died      cause=crashed signal=9");
  Event s{kT, "ocfs2", "", "supervisor_started", json::object()};
  EXPECT_EQ(render_event(s), "2026-11-25 22:10:00.123  -         supervisor_started");
  Event g{kT,
          "ocfs2",
          "node1",
          "gave_up",
          {{"reason", "5 crashes in 10 minutes"}, {"message", "node1 gave up"}}};
  EXPECT_EQ(render_event(g),
            "2026-11-25 22:10:00.123  node1     gave_up   node1 gave up "
            "reason=\"5 crashes in 10 minutes\"");
}

TEST(Event, RenderConsoleEventsAsSentences) {
  auto line = [](const char* node, const char* type, json f) {
    std::string r = render_event(Event{kT, "ocfs2", node, type, std::move(f)});
    r = r.substr(r.find(type) + std::string(type).size());
    return r.substr(r.find_first_not_of(' '));
  };
  EXPECT_EQ(line("node0", "evicted", {{"peer", "node1"}, {"peer_number", 1}, {"domain", "5E3F"}}),
            "node0 sees node1 evicted from domain 5E3F");
  EXPECT_EQ(
      line("node0", "recovery_master",
           {{"master", "node0"}, {"master_number", 0}, {"peer", "node1"}, {"peer_number", 1}}),
      "recovery master node0 for dead node1");
  EXPECT_EQ(line("node0", "recovery_master", {{"master_number", 0}, {"peer_number", 1}}),
            "recovery master node #0 for dead node #1");
  EXPECT_EQ(line("node0", "o2net_idle", {{"peer", "node1"}, {"seconds", 30.005}}),
            "node0's connection to node1 idle for 30.005s");
  EXPECT_EQ(
      line("node0", "journal_replay_begin", {{"peer", "node1"}, {"slot", 1}, {"device", "98,16"}}),
      "node0 replays the journal of node1 (slot 1) on device 98,16");
  EXPECT_EQ(line("node1", "panic", {{"line", "[ 3.1] Kernel panic - not syncing: x"}}),
            "[ 3.1] Kernel panic - not syncing: x");
  EXPECT_EQ(line("node1", "fence_reset", json::object()), "node1 fences itself by restarting");
}

TEST(Event, RenderKeepsTheTerminalSafe) {
  Event e{kT, "ocfs2", "node1", "panic", {{"line", "evil\x1b]0;title\x07\nsecond"}}};
  std::string r = render_event(e);
  EXPECT_EQ(r.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.find('\n'), std::string::npos);
  EXPECT_EQ(r.find('\x07'), std::string::npos);
  Event odd{kT, "ocfs2", "node1", "died", json::array({1, 2})};
  EXPECT_EQ(render_event(odd), "2026-11-25 22:10:00.123  node1     died");
}

TEST(Event, Filter) {
  Event e{kT, "ocfs2", "node1", "o2net_lost", json::object()};
  EXPECT_TRUE(matches({}, e));
  EXPECT_TRUE(matches({kT, "", {}}, e));
  EXPECT_FALSE(matches({kT + 1, "", {}}, e));
  EXPECT_TRUE(matches({std::nullopt, "node1", {}}, e));
  EXPECT_FALSE(matches({std::nullopt, "node0", {}}, e));
  EXPECT_TRUE(matches({std::nullopt, "", {"died", "o2net_lost"}}, e));
  EXPECT_TRUE(matches({std::nullopt, "", {"o2net_*"}}, e));
  EXPECT_FALSE(matches({std::nullopt, "", {"o2hb_*", "died"}}, e));
  EXPECT_FALSE(matches({std::nullopt, "", {"o2net_lost_and_more*"}}, e));
}

TEST(Event, SinceAges) {
  const int64_t now = kT;
  EXPECT_EQ(*parse_since("30s", now), now - 30'000);
  EXPECT_EQ(*parse_since("10m", now), now - 600'000);
  EXPECT_EQ(*parse_since("2h", now), now - 7'200'000);
  EXPECT_EQ(*parse_since("1d", now), now - 86'400'000);
  EXPECT_EQ(*parse_since("1w", now), now - 7 * 86'400'000LL);
  EXPECT_EQ(*parse_since(" 500ms ", now), now - 500);
}

TEST(Event, SinceAbsolute) {
  EXPECT_EQ(*parse_since("2026-11-25T22:10:00Z", 0), kT - 123);
  EXPECT_EQ(*parse_since("2026-11-25T22:10:00.123Z", 0), kT);
  EXPECT_EQ(*parse_since("2026-11-25 22:10:00", 0), kT - 123);
  EXPECT_EQ(*parse_since("2026-11-25 22:10", 0), kT - 123);
  EXPECT_EQ(*parse_since("2026-11-25", 0), kT - 123 - (22 * 3600 + 600) * 1000LL);
  EXPECT_EQ(*parse_since("2026-11-25T23:10:00+01:00", 0), kT - 123);
  EXPECT_EQ(*parse_since("2026-11-25T21:10:00-0100", 0), kT - 123);
  EXPECT_EQ(*parse_since("1795644600123", 0), kT);
}

TEST(Event, SinceRejectsWhatIsNotATime) {
  for (const char* bad :
       {"", "  ", "yesterday", "10x", "m10", "-5m", "1.5h", "2026-13-01", "2026-02-30",
        "2026-11-25T25:00", "2026-11-25T22:10:00Q", "2026-11-25T22:10:00+", "2026-11-25X22:10",
        "99999999999999999999", "99999999999999999w", "2026-1-5"}) {
    auto r = parse_since(bad, kT);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("is not a time"), std::string::npos);
  }
}

}  // namespace
}  // namespace uc::cluster
